#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace coffer::store {

// Groups work queued from many threads, so that one statement and one commit serve many
// callers: a thread of its own takes everything waiting at that moment (up to `max_batch`, in
// the order queued) and hands it to `write` as one batch. Items queued while a batch is written
// form the next one (or the ones after, past `max_batch`): an item waits for the batches ahead
// of it, so a batch that stalls stalls them. `write` runs on that thread only, one batch at a
// time; it must tell every item of its batch how it ended and must not throw.
template <typename Item>
class Batcher {
 public:
  Batcher(std::size_t max_batch, std::function<void(std::vector<Item>&)> write)
      : max_batch_(max_batch == 0 ? 1 : max_batch),
        write_(std::move(write)),
        thread_([this] { Loop(); }) {}
  // Writes what is still queued, then stops the thread.
  ~Batcher() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  // Items queued and not yet taken into a batch (for tests).
  std::size_t queued() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }

  void Add(Item item) {
    {
      std::lock_guard lock(mutex_);
      queue_.push_back(std::move(item));
    }
    wake_.notify_one();
  }

 private:
  void Loop() {
    std::vector<Item> batch;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and nothing left to write
        while (!queue_.empty() && batch.size() < max_batch_) {
          batch.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
      write_(batch);
      batch.clear();  // now, not at the next batch: an item may own what others wait for
    }
  }

  const std::size_t max_batch_;
  const std::function<void(std::vector<Item>&)> write_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;  // guarded by mutex_
  bool stopping_ = false;   // guarded by mutex_
  std::thread thread_;      // last: starts once the rest is ready
};

}  // namespace coffer::store
