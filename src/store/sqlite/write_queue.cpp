#include "store/sqlite/write_queue.hpp"

#include <chrono>
#include <vector>

namespace coffer::store::sqlite {

WriteQueue::WriteQueue(Connection& writer, std::size_t max_batch, CommitMetrics metrics)
    : writer_(writer),
      metrics_(metrics),
      batcher_(max_batch, [this](std::vector<Job>& batch) { RunBatch(batch); }) {}

WriteQueue::~WriteQueue() = default;  // the batcher finishes the queued writes first

void WriteQueue::SubmitAsync(std::function<void(Connection&)> write,
                             std::function<void(std::exception_ptr)> done) {
  batcher_.Add(Job{std::move(write), std::move(done)});
}

std::size_t WriteQueue::batches() const {
  std::lock_guard lock(mutex_);
  return batches_;
}

std::size_t WriteQueue::writes() const {
  std::lock_guard lock(mutex_);
  return writes_;
}

namespace {

// Transaction control through cached prepared statements: parsing them on every write would
// cost more than the writes themselves.
void Run(Connection& connection, const char* sql) { StatementUse(connection, sql).Run(); }

}  // namespace

void WriteQueue::Tell(Job& job, std::exception_ptr failure) noexcept {
  try {
    job.done(failure);
  } catch (...) {
    // A completion must not throw; one that does anyway (out of memory) loses its own answer
    // rather than the writer thread, and with it every later write's.
  }
}

void WriteQueue::FailBatch(std::vector<Job>& batch, std::exception_ptr failure) {
  if (metrics_.failed != nullptr) metrics_.failed->Add();
  if (writer_.InTransaction()) {
    try {
      writer_.Exec("ROLLBACK");
    } catch (...) {
      // The connection is unusable; the next batch's BEGIN reports it.
    }
  }
  for (Job& job : batch) Tell(job, failure);
}

void WriteQueue::RunBatch(std::vector<Job>& batch) {
  const auto began = std::chrono::steady_clock::now();
  std::vector<std::exception_ptr> errors(batch.size());
  try {
    Run(writer_, "BEGIN IMMEDIATE");
  } catch (...) {
    if (metrics_.failed != nullptr) metrics_.failed->Add();
    for (Job& job : batch) Tell(job, std::current_exception());
    return;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    try {
      Run(writer_, "SAVEPOINT write");
      batch[i].run(writer_);
      Run(writer_, "RELEASE write");
    } catch (...) {
      errors[i] = std::current_exception();
      try {
        // A transaction SQLite rolled back by itself (I/O error, full disk) lost every write
        // of the batch: then every caller hears of it.
        if (!writer_.InTransaction()) std::rethrow_exception(errors[i]);
        writer_.Exec("ROLLBACK TO write; RELEASE write");
      } catch (...) {
        FailBatch(batch, std::current_exception());
        return;
      }
    }
  }
  try {
    Run(writer_, "COMMIT");
  } catch (...) {
    FailBatch(batch, std::current_exception());
    return;
  }
  if (metrics_.duration != nullptr) {
    metrics_.duration->Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
  }
  if (metrics_.batch_size != nullptr) metrics_.batch_size->Observe(double(batch.size()));
  {
    std::lock_guard lock(mutex_);
    ++batches_;
    writes_ += batch.size();
  }
  for (std::size_t i = 0; i < batch.size(); ++i) Tell(batch[i], errors[i]);
}

}  // namespace coffer::store::sqlite
