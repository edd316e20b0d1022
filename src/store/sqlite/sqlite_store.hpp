#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <type_traits>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "store/store.hpp"

namespace coffer::store::sqlite {

struct SqliteOptions {
  // Database file; created if missing.
  std::string path;
  // How long a write waits for another process (an operator command) to release the lock.
  int busy_timeout_ms = 5000;
  // Reader connections kept open between requests; more are opened on demand.
  std::size_t max_idle_readers = 16;
};

// The embedded Store: one SQLite file in WAL mode with synchronous=FULL, so a committed
// transaction is on stable storage. One writer connection serialises writes; readers use
// their own connections and never wait for the writer.
class SqliteStore final : public Store {
 public:
  // Opens the database and applies pending schema migrations. Throws StoreError.
  explicit SqliteStore(SqliteOptions options);
  ~SqliteStore() override;

  bool Ping() override;

  bool HasAccounts() override;
  Account CreateAccount(const std::string& name, const std::string& email, int64_t created,
                        ServiceKey first_key) override;
  std::optional<Account> FindAccountById(int64_t id) override;
  std::optional<Account> FindAccountByName(std::string_view name) override;
  std::optional<Account> FindAccountByEmail(std::string_view email) override;
  bool SetApiKeyHash(int64_t account_id, const std::string& hash) override;
  void AddServiceKey(const ServiceKey& key) override;
  std::optional<ServiceKey> FindServiceKey(std::string_view key_id) override;
  std::vector<ServiceKey> ListServiceKeys(int64_t account_id) override;
  bool DeleteServiceKey(std::string_view key_id) override;

  Application CreateApplication(int64_t account_id, const std::string& short_name,
                                bool secure_record_storage, int64_t now,
                                int64_t max_per_account) override;
  std::optional<Application> FindApplication(int64_t account_id, int64_t id) override;
  std::optional<Application> FindApplicationByShortName(int64_t account_id,
                                                        std::string_view short_name) override;
  std::vector<Application> ListApplications(int64_t account_id) override;
  void UpdateApplication(const Application& application) override;
  void DeleteApplications(int64_t account_id, const std::vector<int64_t>& ids) override;

 private:
  // A reader connection borrowed from the pool for one call.
  class ReaderLease {
   public:
    explicit ReaderLease(SqliteStore& store);
    ~ReaderLease();
    Connection& connection() { return *connection_; }

   private:
    SqliteStore& store_;
    std::unique_ptr<Connection> connection_;
  };

  // Runs `read(Connection&)` on a reader connection.
  template <typename F>
  auto Read(F&& read) {
    ReaderLease lease(*this);
    return read(lease.connection());
  }

  // Runs `write(Connection&)` inside one IMMEDIATE transaction on the writer connection and
  // commits; the transaction rolls back if `write` throws.
  template <typename F>
  auto Write(F&& write) {
    std::lock_guard lock(write_mutex_);
    Transaction transaction(*writer_);
    if constexpr (std::is_void_v<decltype(write(*writer_))>) {
      write(*writer_);
      transaction.Commit();
    } else {
      auto result = write(*writer_);
      transaction.Commit();
      return result;
    }
  }

  SqliteOptions options_;
  std::mutex write_mutex_;
  std::unique_ptr<Connection> writer_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
};

// Applies the schema migrations that `connection`'s database has not seen yet.
void Migrate(Connection& connection);

}  // namespace coffer::store::sqlite
