// FifoSlots: at most `slots` holders at once, waiters admitted in the order
// they came (a ticket each), and at most `max_waiting` waiting: one more is
// turned away at once instead of joining a queue it would wait seconds in.
//
// Used where a costly step must be bounded per process and a burst must not
// starve whoever came first: argon2 password hashes (memory per hash) and
// photo decodes (4 bytes a pixel). A condition variable alone wakes waiters
// in no order: under a login flood a real login waited 23 s.
//
// Thread-safety: every member may be called from any thread.
#ifndef ZUFANG_SHARED_BASE_FIFO_SLOTS_H_
#define ZUFANG_SHARED_BASE_FIFO_SLOTS_H_

#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>

namespace zf {

class FifoSlots {
 public:
  static constexpr int kUnboundedWaiting = std::numeric_limits<int>::max();

  explicit FifoSlots(int slots, int max_waiting = kUnboundedWaiting) { Resize(slots, max_waiting); }

  // New bounds (settings read after construction); holders keep their slots.
  void Resize(int slots, int max_waiting = kUnboundedWaiting);

  // Waits for a slot, in ticket order: true when held (call Release()),
  // false when `max_waiting` others are already waiting and no slot is free.
  bool Acquire();
  void Release();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int slots_ = 1;
  int max_waiting_ = kUnboundedWaiting;
  int in_use_ = 0;
  uint64_t next_ticket_ = 0;  // the ticket the next caller takes
  uint64_t serving_ = 0;      // the oldest ticket still waiting
};

// Holds a slot of `slots` for its lifetime, if one was given (held()).
class FifoSlotHold {
 public:
  explicit FifoSlotHold(FifoSlots* slots) : slots_(slots), held_(slots->Acquire()) {}
  ~FifoSlotHold() {
    if (held_) slots_->Release();
  }
  FifoSlotHold(const FifoSlotHold&) = delete;
  FifoSlotHold& operator=(const FifoSlotHold&) = delete;

  bool held() const { return held_; }

 private:
  FifoSlots* slots_;
  const bool held_;
};

}  // namespace zf

#endif  // ZUFANG_SHARED_BASE_FIFO_SLOTS_H_
