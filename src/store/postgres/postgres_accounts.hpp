#pragma once

#include "store/accounts.hpp"
#include "store/postgres/database.hpp"

namespace coffer::store::postgres {

// AccountStore on a PostgreSQL Database, which it shares with the store's other areas.
class PostgresAccounts final : public AccountStore {
 public:
  explicit PostgresAccounts(Database& database) : db_(database) {}

  Result<Account> Create(const std::string& name, const std::string& email, int64_t created,
                         ServiceKey first_key) override;
  Result<Account> CreateFirst(const std::string& name, const std::string& email, int64_t created,
                              ServiceKey first_key) override;
  bool HasAny() override;
  std::optional<Account> FindById(int64_t id) override;
  std::optional<Account> FindByName(std::string_view name) override;
  std::optional<Account> FindByEmail(std::string_view email) override;
  Outcome SetApiKeyHash(int64_t account_id, const std::string& hash) override;
  Outcome AddKey(const ServiceKey& key) override;
  std::optional<ServiceKey> FindKey(std::string_view key_id) override;
  std::vector<ServiceKey> ListKeys(int64_t account_id) override;
  Outcome DeleteKey(std::string_view key_id) override;

 private:
  Database& db_;
};

}  // namespace coffer::store::postgres
