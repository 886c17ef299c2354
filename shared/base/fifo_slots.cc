#include "base/fifo_slots.h"

namespace zf {

void FifoSlots::Resize(int slots, int max_waiting) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    slots_ = slots < 1 ? 1 : slots;
    max_waiting_ = max_waiting < 0 ? 0 : max_waiting;
  }
  cv_.notify_all();
}

bool FifoSlots::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  const bool free_now = next_ticket_ == serving_ && in_use_ < slots_;
  if (!free_now && next_ticket_ - serving_ >= static_cast<uint64_t>(max_waiting_)) return false;
  const uint64_t ticket = next_ticket_++;
  cv_.wait(lock, [&] { return ticket == serving_ && in_use_ < slots_; });
  ++serving_;
  ++in_use_;
  // The next ticket may fit in a slot still free.
  if (next_ticket_ != serving_) cv_.notify_all();
  return true;
}

void FifoSlots::Release() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_use_;
  }
  cv_.notify_all();  // only the oldest ticket's wait succeeds
}

}  // namespace zf
