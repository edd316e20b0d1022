#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "store/sqlite/write_queue.hpp"
#include "store/store.hpp"

namespace coffer::store::sqlite {

struct SqliteOptions {
  // Database file; created if missing.
  std::string path;
  // How long a write waits for another process (an operator command) to release the lock.
  int busy_timeout_ms = 5000;
  // Reader connections kept open between requests; more are opened on demand.
  std::size_t max_idle_readers = 16;
  // Writes that may share one transaction and one sync (group commit).
  std::size_t max_write_batch = 256;
};

// The embedded Store: one SQLite file in WAL mode with synchronous=FULL, so a committed
// transaction is on stable storage. Writes go through a WriteQueue (group commit on one writer
// connection); readers use their own connections and never wait for the writer.
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
  bool ApplicationExists(int64_t id) override;
  std::optional<Application> UpdateApplication(int64_t account_id, int64_t id,
                                               const ApplicationChanges& changes) override;
  SelectionMiss DeleteApplications(int64_t account_id,
                                   const ApplicationSelection& selection) override;

  void PutKvItem(int64_t application_id, const KvItem& item) override;
  std::optional<KvItem> GetKvItem(int64_t application_id, std::string_view key,
                                  int64_t now) override;
  bool DeleteKvItem(int64_t application_id, std::string_view key, int64_t now) override;
  std::vector<KvItem> ListKvItems(int64_t application_id, std::string_view prefix, int64_t now,
                                  int64_t offset, int64_t limit, bool with_values) override;
  int64_t DeleteExpiredKvItems(int64_t now, int64_t limit) override;

  std::optional<std::string> GetMeta(std::string_view name) override;
  std::string SetMetaIfAbsent(const std::string& name, const std::string& value) override;
  std::optional<std::string> GetDataKey(int64_t application_id) override;
  std::string EnsureDataKey(int64_t application_id, const std::string& wrapped) override;
  std::vector<std::pair<int64_t, std::string>> ListDataKeys() override;
  void ReplaceDataKeys(const std::vector<std::pair<int64_t, std::string>>& wrapped,
                       const std::string& check_name, const std::string& check) override;
  SecretRecord AddSecret(int64_t application_id, const std::string& name, int64_t now,
                         const std::function<SealedSecretFields(int64_t)>& seal) override;
  std::optional<SecretRecord> FindSecretById(int64_t application_id, int64_t id) override;
  std::optional<SecretRecord> FindSecretByName(int64_t application_id,
                                               std::string_view name) override;
  SecretPage ListSecrets(int64_t application_id, std::string_view name_part, int64_t offset,
                         int64_t limit) override;
  bool ReviseSecret(
      int64_t application_id, const SecretLookup& which,
      const std::function<std::optional<SecretRecord>(const SecretRecord&)>& revise) override;
  SelectionMiss DeleteSecrets(int64_t application_id,
                                    const SecretSelection& selection) override;

  // Group-commit statistics: batches committed and writes they held.
  std::size_t committed_batches() const { return write_queue_->batches(); }
  std::size_t committed_writes() const { return write_queue_->writes(); }

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

  // Runs `write(Connection&)` on the writer connection as part of the next group commit and
  // returns once it is durable; if `write` throws, its changes are rolled back alone.
  template <typename F>
  auto Write(F&& write) {
    return write_queue_->Submit(std::forward<F>(write));
  }

  // Write() of data an application owns: throws ApplicationGone, changing nothing, when the
  // application no longer exists inside the write's transaction.
  template <typename F>
  auto WriteOwnedBy(int64_t application_id, F&& write) {
    return Write([application_id, &write](Connection& c) {
      RequireApplication(c, application_id);
      return write(c);
    });
  }
  static void RequireApplication(Connection& c, int64_t application_id);

  SqliteOptions options_;
  std::unique_ptr<Connection> writer_;
  std::unique_ptr<WriteQueue> write_queue_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;
};

// Applies the schema migrations that `connection`'s database has not seen yet.
void Migrate(Connection& connection);

}  // namespace coffer::store::sqlite
