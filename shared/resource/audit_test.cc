#include "resource/audit.h"

#include <boost/test/unit_test.hpp>

using namespace zf;

namespace {

// memcached as a thread sees it: `failures` calls fail, and after a failure
// the thread pauses (answers Unavailable without trying) until RetryNow().
class FlakyCache : public InMemoryCache {
 public:
  int failures = 0;
  int attempts = 0;
  bool paused = false;
  Status Increment(const std::string& key, uint64_t delta, uint64_t initial, int ttl_seconds,
                   uint64_t* value) override {
    if (paused) return Status::Unavailable("memcached down");
    ++attempts;
    if (failures > 0) {
      --failures;
      paused = true;
      return Status::Unavailable("memcached incr: timeout");
    }
    return InMemoryCache::Increment(key, delta, initial, ttl_seconds, value);
  }
  void RetryNow() override { paused = false; }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(audit)

BOOST_AUTO_TEST_CASE(a_bump_moves_the_generation) {
  FlakyCache cache;
  std::string before = CurrentGeneration(&cache, "t:", "listings");
  BumpGeneration(&cache, "t:", "listings", "r1");
  std::string after = CurrentGeneration(&cache, "t:", "listings");
  BOOST_TEST(!before.empty());
  BOOST_TEST(after != before);
}

BOOST_AUTO_TEST_CASE(a_bump_goes_through_a_transient_failure_and_the_pause_after_it) {
  FlakyCache cache;
  std::string before = CurrentGeneration(&cache, "t:", "listings");
  cache.attempts = 0;
  cache.failures = 1;
  cache.paused = true;  // this thread gave up on memcached a moment ago
  BumpGeneration(&cache, "t:", "listings", "r2");
  BOOST_TEST(cache.attempts == 2);  // past the pause, a timeout, then through
  BOOST_TEST(CurrentGeneration(&cache, "t:", "listings") != before);
}

BOOST_AUTO_TEST_CASE(a_bump_gives_up_after_three_attempts) {
  FlakyCache cache;
  std::string before = CurrentGeneration(&cache, "t:", "listings");
  cache.attempts = 0;
  cache.failures = 100;
  BumpGeneration(&cache, "t:", "listings", "r3");
  BOOST_TEST(cache.attempts == 3);
  cache.failures = 0;
  cache.paused = false;
  BOOST_TEST(CurrentGeneration(&cache, "t:", "listings") == before);
  // Kept, not forgotten: the next pass that reaches memcached moves it.
  BOOST_TEST(PendingGenerations() == 1u);
  BOOST_TEST(RetryPendingGenerations(&cache) == 0u);
  BOOST_TEST(CurrentGeneration(&cache, "t:", "listings") != before);
  BOOST_TEST(PendingGenerations() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
