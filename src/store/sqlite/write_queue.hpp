#pragma once

#include <cstddef>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <type_traits>
#include <variant>
#include <vector>

#include "store/batcher.hpp"
#include "store/sqlite/connection.hpp"
#include "store/store_metrics.hpp"

namespace coffer::store::sqlite {

// Group commit. Writes from many threads are queued to one writer thread, which runs every
// write waiting at that moment (up to `max_batch`) inside one transaction, each in its own
// savepoint, and commits them with one sync. A caller returns only after the commit that
// contains its write; a failing write is rolled back alone and its exception rethrown to its
// caller. Writes queued while a batch commits form the next batch, so none waits for more
// than one commit besides its own. A write may also be submitted without waiting
// (SubmitAsync): one thread can then fill a batch, and no thread parks per write.
class WriteQueue {
 public:
  // `commits` says where each batch is reported (writes in it, seconds from BEGIN to the end of
  // COMMIT, batches that failed whole).
  WriteQueue(Connection& writer, std::size_t max_batch, CommitMetrics commits = {});
  // Finishes the queued writes, then stops the writer thread.
  ~WriteQueue();
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Runs `write(Connection&)` in the next batch and waits until that batch is durable.
  // Returns what `write` returned; rethrows what it (or the commit) threw.
  template <typename F>
  auto Submit(F&& write) {
    using Result = decltype(write(std::declval<Connection&>()));
    using Holder =
        std::conditional_t<std::is_void_v<Result>, std::monostate, std::optional<Result>>;
    Holder result;
    std::promise<void> done;
    SubmitAsync(
        [&](Connection& connection) {
          if constexpr (std::is_void_v<Result>) {
            write(connection);
          } else {
            result.emplace(write(connection));
          }
        },
        [&done](std::exception_ptr failure) {
          if (failure) {
            done.set_exception(failure);
          } else {
            done.set_value();
          }
        });
    done.get_future().get();  // rethrows the write's or the commit's exception
    if constexpr (!std::is_void_v<Result>) return std::move(*result);
  }

  // Runs `write` in the next batch without waiting. Once the batch is durable, or has failed,
  // the writer thread calls `done` with null, or with what `write` (or the commit) threw. `done`
  // runs between that batch and the next, so it must be quick and must not throw; it may
  // submit further writes, but waiting for one from there would never end.
  void SubmitAsync(std::function<void(Connection&)> write,
                   std::function<void(std::exception_ptr)> done);

  // Batches committed so far and writes they held (for tests and benchmarks).
  std::size_t batches() const;
  std::size_t writes() const;

 private:
  struct Job {
    std::function<void(Connection&)> run;
    std::function<void(std::exception_ptr)> done;
  };

  // Calls the job's `done`, containing anything it throws.
  static void Tell(Job& job, std::exception_ptr failure) noexcept;
  void RunBatch(std::vector<Job>& batch);
  // Rolls the batch back and hands `failure` to every caller in it.
  void FailBatch(std::vector<Job>& batch, std::exception_ptr failure);

  Connection& writer_;
  const CommitMetrics metrics_;
  mutable std::mutex mutex_;  // guards the counts
  std::size_t batches_ = 0;
  std::size_t writes_ = 0;
  Batcher<Job> batcher_;  // last: its thread starts once the rest is ready
};

}  // namespace coffer::store::sqlite
