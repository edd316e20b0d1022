#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace coffer::store {

struct Account {
  int64_t id = 0;
  std::string name;   // unique, lower-case
  std::string email;
  std::string api_key_hash;  // SHA-256 hex of the legacy api_key; empty when none was issued
  int64_t created = 0;       // Unix seconds
};

// A service-account key. Only the public half is ever stored.
struct ServiceKey {
  std::string key_id;
  int64_t account_id = 0;
  std::string public_key_pem;
  std::vector<std::string> roles;
  std::string description;
  bool enabled = true;
  int64_t created = 0;
  // The owning account's name, read with the key (accounts are never renamed or deleted);
  // ignored by AddServiceKey.
  std::string account_name;
};

struct Application {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string short_name;  // lower-case, unique within the account
  bool secure_record_storage = false;
  int64_t modified = 0;
};

// The fields SetApplicationInfo may change; absent ones stay as they are.
struct ApplicationChanges {
  std::optional<std::string> short_name;
  std::optional<bool> secure_record_storage;
  int64_t modified = 0;
};

// What DelApplication removes: every application of the account, or the union of the listed
// ids and short names.
struct ApplicationSelection {
  bool all = false;
  std::vector<int64_t> ids;
  std::vector<std::string> short_names;
};

// One key-value item (SPEC 6.1). `key` is UTF-8; items order by its bytes.
struct KvItem {
  std::string key;
  std::string value;
  int64_t expires_at = 0;  // Unix seconds; the item is invisible from this second on
};

// A secret as stored: its value and description only as sealed (encrypted) bytes.
struct SecretRecord {
  int64_t id = 0;
  int64_t application_id = 0;
  std::string name;
  std::string sealed_value;                       // empty in listings
  std::optional<std::string> sealed_description;  // nullopt: no description
  int64_t created = 0;
  int64_t modified = 0;
};

// The sealed fields of a new secret, computed once its id is known (the id is bound into the
// ciphertext).
struct SealedSecretFields {
  std::string value;
  std::optional<std::string> description;
};

// Which entry of a selection matched nothing: none, one of the ids, or one of the names.
enum class SelectionMiss { kNone, kId, kName };

// Which secret: by id when set, else by exact (case-sensitive) name.
struct SecretLookup {
  std::optional<int64_t> id;
  std::string name;
};

// What DelSecret removes: every secret of the application, or the union of the listed ones.
struct SecretSelection {
  bool all = false;
  std::vector<int64_t> ids;
  std::vector<std::string> names;
};

struct SecretPage {
  std::vector<SecretRecord> items;
  int64_t total_count = 0;
};

// The storage failed or is unavailable (answered as error 4).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A write would break a uniqueness rule (account name, application name, ...).
class Conflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A write names an application that no longer exists (deleted after it was resolved).
class ApplicationGone : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A configured quantity limit would be exceeded.
class LimitExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Durable storage of everything Coffer knows. Every method is thread-safe, every write is
// atomic and durably committed before it returns, and every failure of the storage itself is
// reported as StoreError. Operator commands in other processes may write concurrently; reads
// always see their committed effect.
class Store {
 public:
  virtual ~Store() = default;

  // True when the storage answers a trivial query.
  virtual bool Ping() = 0;

  // --- accounts and keys ---
  virtual bool HasAccounts() = 0;
  // Creates the account and its first key together. `first_key.account_id` is ignored and the
  // new id is used. Throws Conflict when the name is taken or the key id exists.
  virtual Account CreateAccount(const std::string& name, const std::string& email,
                                int64_t created, ServiceKey first_key) = 0;
  virtual std::optional<Account> FindAccountById(int64_t id) = 0;
  virtual std::optional<Account> FindAccountByName(std::string_view name) = 0;
  virtual std::optional<Account> FindAccountByEmail(std::string_view email) = 0;
  // Returns false when the account does not exist.
  virtual bool SetApiKeyHash(int64_t account_id, const std::string& hash) = 0;
  // Throws Conflict when the key id exists, std::invalid_argument when the account does not.
  virtual void AddServiceKey(const ServiceKey& key) = 0;
  virtual std::optional<ServiceKey> FindServiceKey(std::string_view key_id) = 0;
  virtual std::vector<ServiceKey> ListServiceKeys(int64_t account_id) = 0;
  // Returns false when there was no such key.
  virtual bool DeleteServiceKey(std::string_view key_id) = 0;

  // --- applications ---
  // Ids are never reused. Throws Conflict when the short name is taken in the account and
  // LimitExceeded when the account already has `max_per_account` (> 0) applications.
  virtual Application CreateApplication(int64_t account_id, const std::string& short_name,
                                        bool secure_record_storage, int64_t now,
                                        int64_t max_per_account) = 0;
  virtual std::optional<Application> FindApplication(int64_t account_id, int64_t id) = 0;
  virtual std::optional<Application> FindApplicationByShortName(int64_t account_id,
                                                                std::string_view short_name) = 0;
  // Whether the application exists (in any account): lets a read that found nothing tell a
  // missing item from an application deleted after it was resolved.
  virtual bool ApplicationExists(int64_t id) = 0;
  // Every application of the account, by id ascending.
  virtual std::vector<Application> ListApplications(int64_t account_id) = 0;
  // Applies `changes` to the application as it is inside the same transaction, so concurrent
  // updates of different fields never undo each other; returns the result, or nullopt when the
  // application does not exist (any more). Throws Conflict on a taken name.
  virtual std::optional<Application> UpdateApplication(int64_t account_id, int64_t id,
                                                       const ApplicationChanges& changes) = 0;
  // Deletes the selected applications and everything they own in one transaction. When an id
  // or a short name matches no application of the account, deletes nothing and says which
  // list held it (ids are checked first).
  virtual SelectionMiss DeleteApplications(int64_t account_id,
                                           const ApplicationSelection& selection) = 0;

  // --- key-value items (scoped by an application id the caller has resolved) ---
  // The writes of key-value items, data keys and secrets throw ApplicationGone when the
  // application was deleted after the caller resolved it.
  // Creates or replaces the item under `item.key`, expired or not.
  virtual void PutKvItem(int64_t application_id, const KvItem& item) = 0;
  // The item if it exists and `expires_at > now`.
  virtual std::optional<KvItem> GetKvItem(int64_t application_id, std::string_view key,
                                          int64_t now) = 0;
  // Removes the item, live or expired; true only when a live one was removed.
  virtual bool DeleteKvItem(int64_t application_id, std::string_view key, int64_t now) = 0;
  // Live items whose key starts with `prefix` (bytewise), ordered by key bytes, skipping
  // `offset` and returning at most `limit`. Values are left empty unless `with_values`.
  // Reads a key range of an index, never the whole application.
  virtual std::vector<KvItem> ListKvItems(int64_t application_id, std::string_view prefix,
                                          int64_t now, int64_t offset, int64_t limit,
                                          bool with_values) = 0;
  // Deletes up to `limit` items with `expires_at <= now` across all applications; returns how
  // many it deleted.
  virtual int64_t DeleteExpiredKvItems(int64_t now, int64_t limit) = 0;

  // --- envelope keys and secrets ---
  // A named value of the store itself (e.g. the master-key check); nullopt when unset.
  virtual std::optional<std::string> GetMeta(std::string_view name) = 0;
  // Sets it unless already set; returns the value in force afterwards.
  virtual std::string SetMetaIfAbsent(const std::string& name, const std::string& value) = 0;
  // The application's wrapped data key, if it has one.
  virtual std::optional<std::string> GetDataKey(int64_t application_id) = 0;
  // Stores `wrapped` unless the application already has a data key; returns the one in force.
  virtual std::string EnsureDataKey(int64_t application_id, const std::string& wrapped) = 0;
  // Every (application id, wrapped data key).
  virtual std::vector<std::pair<int64_t, std::string>> ListDataKeys() = 0;
  // Master-key rotation: replaces the given wrapped data keys and the meta value `check_name`
  // in one transaction.
  virtual void ReplaceDataKeys(const std::vector<std::pair<int64_t, std::string>>& wrapped,
                               const std::string& check_name, const std::string& check) = 0;

  // Inserts a secret; `seal(id)` produces its sealed fields inside the same transaction.
  // Throws Conflict when the name is taken in the application.
  virtual SecretRecord AddSecret(int64_t application_id, const std::string& name, int64_t now,
                                 const std::function<SealedSecretFields(int64_t)>& seal) = 0;
  virtual std::optional<SecretRecord> FindSecretById(int64_t application_id, int64_t id) = 0;
  virtual std::optional<SecretRecord> FindSecretByName(int64_t application_id,
                                                       std::string_view name) = 0;
  // Secrets whose name contains `name_part` ignoring ASCII case (all when empty), by id,
  // paged, without sealed values.
  virtual SecretPage ListSecrets(int64_t application_id, std::string_view name_part,
                                 int64_t offset, int64_t limit) = 0;
  // Reads the secret `which` names and, in the same transaction, writes the record `revise`
  // returns (name, sealed fields, modified; nullopt leaves it as it is), so concurrent revisions
  // of one secret never undo each other. Returns false when no such secret exists. Throws
  // Conflict when the revised name is taken.
  virtual bool ReviseSecret(
      int64_t application_id, const SecretLookup& which,
      const std::function<std::optional<SecretRecord>(const SecretRecord&)>& revise) = 0;
  // Deletes the selected secrets in one transaction. When an id or a name matches no secret,
  // deletes nothing and says which list held it (ids are checked first).
  virtual SelectionMiss DeleteSecrets(int64_t application_id,
                                            const SecretSelection& selection) = 0;
};

}  // namespace coffer::store
