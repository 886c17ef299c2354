#include "base/fifo_slots.h"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace zf {
namespace {

using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(fifo_slots)

BOOST_AUTO_TEST_CASE(free_slots_are_taken_at_once_and_a_full_queue_turns_away) {
  FifoSlots slots(2, 0);  // nobody may wait
  BOOST_TEST(slots.Acquire());
  BOOST_TEST(slots.Acquire());
  BOOST_TEST(!slots.Acquire());  // both busy, and no waiting room
  slots.Release();
  BOOST_TEST(slots.Acquire());
  slots.Release();
  slots.Release();
}

// Waiters go in the order they arrived, not in whatever order a condition
// variable wakes them: each thread queues only after the one before it is
// seen waiting, then the single slot is released one holder at a time.
BOOST_AUTO_TEST_CASE(waiters_are_served_in_arrival_order) {
  FifoSlots slots(1);
  BOOST_REQUIRE(slots.Acquire());
  std::mutex order_mu;
  std::vector<int> order;
  std::atomic<int> queued{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      queued.fetch_add(1);
      FifoSlotHold hold(&slots);
      BOOST_TEST(hold.held());
      std::lock_guard<std::mutex> lock(order_mu);
      order.push_back(i);
    });
    // Give thread i time to take its ticket before thread i + 1 starts.
    while (queued.load() < i + 1) std::this_thread::yield();
    std::this_thread::sleep_for(50ms);
  }
  slots.Release();
  for (std::thread& t : threads) t.join();
  BOOST_TEST(order == (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7}));
}

BOOST_AUTO_TEST_CASE(past_max_waiting_a_newcomer_is_refused_without_waiting) {
  FifoSlots slots(1, 2);
  BOOST_REQUIRE(slots.Acquire());
  std::vector<std::thread> waiters;
  std::atomic<int> served{0};
  for (int i = 0; i < 2; ++i) {
    waiters.emplace_back([&] {
      FifoSlotHold hold(&slots);
      if (hold.held()) served.fetch_add(1);
    });
  }
  std::this_thread::sleep_for(100ms);  // both waiting now
  auto start = std::chrono::steady_clock::now();
  BOOST_TEST(!slots.Acquire());
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  BOOST_TEST(waited.count() < 50);
  slots.Release();
  for (std::thread& t : waiters) t.join();
  BOOST_TEST(served.load() == 2);
}

BOOST_AUTO_TEST_CASE(resize_admits_waiters_when_slots_grow) {
  FifoSlots slots(1);
  BOOST_REQUIRE(slots.Acquire());
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    if (slots.Acquire()) got = true;
  });
  std::this_thread::sleep_for(50ms);
  BOOST_TEST(!got.load());
  slots.Resize(2);
  waiter.join();
  BOOST_TEST(got.load());
  slots.Release();
  slots.Release();
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace zf
