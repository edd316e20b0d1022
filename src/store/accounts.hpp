#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/outcome.hpp"

namespace coffer::store {

struct Account {
  int64_t id = 0;
  std::string name;  // unique, lower-case
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
  // ignored when a key is added.
  std::string account_name;
};

// Accounts and their service-account keys (SPEC 2, 13.2). Owned by the Store; thread-safe.
// Every write is atomic, serializable and durable when it returns; every read sees one
// committed snapshot, including writes of other processes and nodes. Storage failures throw
// StoreError.
class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Creates the account and its first key together; `first_key.account_id` is ignored and the
  // new id used. kOk with the account, or kConflict when the name or the key id is taken.
  virtual Result<Account> Create(const std::string& name, const std::string& email, int64_t created,
                                 ServiceKey first_key) = 0;
  // First-start bootstrap: Create, but only while the store holds no account at all, decided
  // inside the same write, so of any number of racing callers (threads, processes, nodes)
  // exactly one gets kOk. kConflict when an account exists (or the key id is taken).
  virtual Result<Account> CreateFirst(const std::string& name, const std::string& email,
                                      int64_t created, ServiceKey first_key) = 0;
  // Whether any account exists. To act on the answer, use CreateFirst, which cannot race.
  virtual bool HasAny() = 0;

  // The account, or nullopt when there is none.
  virtual std::optional<Account> FindById(int64_t id) = 0;
  // The account with this exact name, or nullopt.
  virtual std::optional<Account> FindByName(std::string_view name) = 0;
  // The account with this e-mail and the lowest id (e-mails are not unique).
  virtual std::optional<Account> FindByEmail(std::string_view email) = 0;
  // Replaces the legacy api_key hash: kOk, or kNotFound when the account does not exist.
  virtual Outcome SetApiKeyHash(int64_t account_id, const std::string& hash) = 0;

  // kOk; kNotFound when `key.account_id` does not exist; kConflict when the key id exists.
  virtual Outcome AddKey(const ServiceKey& key) = 0;
  // The key, with its account's name.
  virtual std::optional<ServiceKey> FindKey(std::string_view key_id) = 0;
  // The account's keys, in no promised order.
  virtual std::vector<ServiceKey> ListKeys(int64_t account_id) = 0;
  // kOk, or kNotFound when there was no such key. It stops authenticating at once.
  virtual Outcome DeleteKey(std::string_view key_id) = 0;
};

}  // namespace coffer::store
