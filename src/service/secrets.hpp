#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/secure_string.hpp"
#include "crypto/keyring.hpp"
#include "store/store.hpp"

namespace coffer::service {

// A secret as callers see it; the value only when asked for.
struct Secret {
  int64_t id = 0;
  std::string name;
  std::optional<std::string> description;
  int64_t created = 0;
  int64_t modified = 0;
};

struct SecretListPage {
  std::vector<Secret> items;
  int64_t total_count = 0;
};

// Which secret a call names: by id when given, else by name.
struct SecretRef {
  std::optional<int64_t> id;
  std::optional<std::string> name;
};

// The changes of SetSecretInfo; absent members stay as they are.
struct SecretChanges {
  std::optional<std::string> new_name;
  std::optional<common::SecureString> value;
  std::optional<std::string> description;  // empty clears it
};

// Secrets use cases (SPEC 7) on an application the caller has resolved. Values and
// descriptions are sealed with the application's data key before they reach the store, bound
// to account, application and secret id; plaintext lives only in SecureString buffers.
// Failures are common::ApiError; thread-safe.
class Secrets {
 public:
  Secrets(store::Store& store, const crypto::Keyring& keyring, const common::Clock& clock);

  // AddSecret: 493 when the name is taken. `description` is already cut to its limit.
  int64_t Add(int64_t account_id, int64_t application_id, const std::string& name,
              const common::SecureString& value, const std::optional<std::string>& description);
  // GetSecrets; store::ApplicationGone when the page is empty because the application is gone.
  SecretListPage List(int64_t account_id, int64_t application_id, const std::string& name_part,
                      int64_t offset, int64_t count) const;
  // GetSecretValue: 496 on the parameter that named a missing secret.
  std::pair<Secret, common::SecureString> Reveal(int64_t account_id, int64_t application_id,
                                                 const SecretRef& ref) const;
  // The id of the secret `ref` names; 496 on the parameter that named a missing secret.
  int64_t Locate(int64_t application_id, const SecretRef& ref) const;
  // SetSecretInfo: 496 (unknown), 493 (name taken); `modified` moves only on a real change.
  // Reads and writes the secret in one store transaction, so concurrent partial updates all
  // take effect.
  void Update(int64_t account_id, int64_t application_id, const SecretRef& ref,
              SecretChanges changes);
  // DelSecret: ids (or all) and names, union, all or nothing (496 naming the list with a
  // missing entry).
  void Delete(int64_t application_id, bool all_ids, const std::vector<int64_t>& ids,
              const std::vector<std::string>& names);

 private:
  store::SecretRecord Find(int64_t application_id, const SecretRef& ref) const;
  common::SecureString DataKey(int64_t application_id, bool create) const;
  Secret Describe(int64_t account_id, const common::SecureString& data_key,
                  const store::SecretRecord& record) const;

  store::Store& store_;
  const crypto::Keyring& keyring_;
  const common::Clock& clock_;
};

}  // namespace coffer::service
