#include "store/postgres/serving_lease.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace coffer::store::postgres {

namespace {

constexpr auto kCheckEvery = std::chrono::seconds(1);

}  // namespace

PostgresServingLease::PostgresServingLease(Database& database, std::string watched,
                                           std::function<void()> on_fenced)
    : db_(database), watched_(std::move(watched)), on_fenced_(std::move(on_fenced)) {
  session_ = Take();
  if (!session_) throw StoreError("a master-key rotation is in progress on this database");
  watched_value_ = ReadWatched(*session_);
  db_.set_serving_lease_lapsed(false);
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (stop_fd_ < 0) throw StoreError("cannot make an eventfd for the serving lease");
  keeper_ = std::thread([this] { Keep(); });
}

PostgresServingLease::~PostgresServingLease() {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(stop_fd_, &one, sizeof one);
  keeper_.join();
  ::close(stop_fd_);
  // Released before the session closes: the server ends a closed session a moment later, and
  // a rotation right after this server stops must not find the lock still held.
  if (session_ && !session_->broken()) {
    try {
      session_->Exec("SELECT pg_advisory_unlock_shared($1)", {Param::Int(kServingLockKey)});
    } catch (const StoreError&) {
      // Closing the session releases it all the same.
    }
  }
}

std::unique_ptr<Connection> PostgresServingLease::Take() {
  auto session = std::make_unique<Connection>(db_.connection_options());
  const Rows taken =
      session->Exec("SELECT pg_try_advisory_lock_shared($1)", {Param::Int(kServingLockKey)});
  if (!taken.Bool(0, 0)) return nullptr;
  return session;
}

std::optional<std::string> PostgresServingLease::ReadWatched(Connection& session) {
  const Rows rows = session.Exec("SELECT value FROM meta WHERE name = $1", {Param::Text(watched_)});
  if (rows.empty()) return std::nullopt;
  return rows.Bytes(0, 0);
}

bool PostgresServingLease::WaitOrStop() {
  // Wakes at once when the session's socket turns readable: an idle session hears nothing
  // unless the server is ending it, so a lost lease is noticed as the database goes.
  pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {session_ ? session_->socket() : -1, POLLIN, 0}};
  const int ready = ::poll(fds, 2, static_cast<int>(kCheckEvery.count() * 1000));
  return ready > 0 && (fds[0].revents & POLLIN) != 0;
}

void PostgresServingLease::Keep() {
  while (!WaitOrStop()) {
    if (session_ && session_->LooksAlive()) continue;
    if (session_) {
      session_.reset();
      db_.set_serving_lease_lapsed(true);
    }
    try {
      std::unique_ptr<Connection> session = Take();
      if (!session) continue;  // a rotation holds the lock; it will have changed the value
      if (ReadWatched(*session) != watched_value_) {
        on_fenced_();  // and the lease stays lapsed: this process's master key is not in force
        return;
      }
      session_ = std::move(session);
      db_.set_serving_lease_lapsed(false);
    } catch (const StoreError&) {
      // The database is still away; try again at the next check.
    }
  }
}

}  // namespace coffer::store::postgres
