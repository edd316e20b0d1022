#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "store/postgres/connection.hpp"

namespace coffer::store::postgres {

struct PoolOptions {
  // How each connection opens. Required: its url.
  ConnectionOptions connection;
  // Most connections open at once (SPEC 15 `--db-pool`); more callers wait. At least 1.
  std::size_t max_connections = 16;
  // How long a caller waits for a connection when all are in use before StoreUnavailable, so a
  // request fails within SPEC 15's bound instead of queueing without end.
  std::chrono::milliseconds acquire_timeout{4'000};
};

// A bounded set of connections shared by the worker threads. Connections open on demand, are
// reused while healthy, and are dropped when broken, left inside a transaction, or closed by
// the server while idle; the next caller opens a fresh one, so the pool recovers by itself once
// the database is back. Thread-safe.
class Pool {
 public:
  // One connection, used by one caller until the lease ends.
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    ~Lease();
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  explicit Pool(PoolOptions options);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // A connection: an idle healthy one, a new one while fewer than max_connections are open,
  // or the next one returned. Throws StoreUnavailable when none can be opened or none came back
  // within acquire_timeout. Every lease must end before the Pool is destroyed.
  Lease Acquire();

  // Connections open now (idle and leased).
  std::size_t open() const;

  // What the pool did so far, for metrics.
  struct Usage {
    std::size_t open = 0;           // connections open, idle and leased
    std::size_t leased = 0;         // connections in use by a caller
    uint64_t connect_failures = 0;  // connections that could not be opened
    uint64_t timeouts = 0;          // callers that waited acquire_timeout in vain
  };
  Usage usage() const;

 private:
  void Release(std::unique_ptr<Connection> connection);

  const PoolOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;
  uint64_t connect_failures_ = 0;
  uint64_t timeouts_ = 0;
};

}  // namespace coffer::store::postgres
