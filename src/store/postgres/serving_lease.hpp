#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "store/meta.hpp"
#include "store/postgres/database.hpp"

namespace coffer::store::postgres {

// The advisory lock of serving leases and master-key rotations: "coffers" in ASCII. A serving
// node holds it shared on a session of its own; a rotation takes it exclusively inside its
// transaction without waiting, and a write that creates a data key takes it shared inside its
// own, so a rotation and a new data key never interleave.
inline constexpr int64_t kServingLockKey = 0x636f6666657273;

// MetaStore::HoldServingLease on PostgreSQL. A keeper thread watches the session's socket; when
// the session drops (a database restart), the store's lease counts as lapsed until a new
// session holds the lock again (tried once a second), and if the watched value changed meanwhile (a
// rotation ran while this node was cut off) `on_fenced` runs and the lease is never taken again.
class PostgresServingLease final : public ServingLease {
 public:
  // Takes the lock and reads `watched`. Throws StoreError, saying so when a rotation holds the
  // lock now.
  PostgresServingLease(Database& database, std::string watched, std::function<void()> on_fenced);
  ~PostgresServingLease() override;
  PostgresServingLease(const PostgresServingLease&) = delete;
  PostgresServingLease& operator=(const PostgresServingLease&) = delete;

 private:
  // A new session holding the lock shared, or nullptr while a rotation holds it.
  std::unique_ptr<Connection> Take();
  std::optional<std::string> ReadWatched(Connection& session);
  // Waits one check interval, or until the session's socket turns readable; true when the
  // lease is being destroyed.
  bool WaitOrStop();
  void Keep();

  Database& db_;
  const std::string watched_;
  const std::function<void()> on_fenced_;
  std::optional<std::string> watched_value_;
  std::unique_ptr<Connection> session_;  // the keeper's alone once it runs
  int stop_fd_ = -1;                     // an eventfd the destructor writes to end the keeper
  std::thread keeper_;
};

}  // namespace coffer::store::postgres
