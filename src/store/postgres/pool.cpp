#include "store/postgres/pool.hpp"

#include <string>

namespace coffer::store::postgres {

Pool::Lease::~Lease() {
  if (connection_) pool_->Release(std::move(connection_));
}

Pool::Pool(PoolOptions options) : options_(std::move(options)) {
  if (options_.max_connections == 0) throw StoreError("the database pool needs a connection");
}

Pool::~Pool() = default;

std::size_t Pool::open() const {
  std::lock_guard lock(mutex_);
  return open_;
}

Pool::Usage Pool::usage() const {
  std::lock_guard lock(mutex_);
  return Usage{open_, open_ - idle_.size(), connect_failures_, timeouts_};
}

Pool::Lease Pool::Acquire() {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + options_.acquire_timeout;
  while (true) {
    while (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (connection->LooksAlive()) return Lease(*this, std::move(connection));
      --open_;
    }
    if (open_ < options_.max_connections) {
      // Connecting takes a round trip or a timeout: not under the lock.
      ++open_;
      lock.unlock();
      try {
        return Lease(*this, std::make_unique<Connection>(options_.connection));
      } catch (...) {
        lock.lock();
        --open_;
        ++connect_failures_;
        returned_.notify_one();
        throw;
      }
    }
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.max_connections) {
      ++timeouts_;
      throw StoreUnavailable("all " + std::to_string(options_.max_connections) +
                             " database connections stayed busy");
    }
  }
}

void Pool::Release(std::unique_ptr<Connection> connection) {
  // A session that broke or was left inside a transaction (a rollback that failed) is not
  // handed to anyone else.
  const bool reusable = !connection->broken() && !connection->InTransaction();
  {
    std::lock_guard lock(mutex_);
    if (reusable) {
      idle_.push_back(std::move(connection));
    } else {
      --open_;
    }
  }
  returned_.notify_one();
}

}  // namespace coffer::store::postgres
