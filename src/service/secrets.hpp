#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/secure_string.hpp"
#include "crypto/keyring.hpp"
#include "store/secrets.hpp"

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

// A secret with its value, opened.
struct RevealedSecret {
  Secret secret;
  common::SecureString value;
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
// to account, application and secret id; plaintext lives only in SecureString buffers. Results
// are store outcomes; every call answers kApplicationGone when the application was deleted
// after it was resolved. A data key that does not open throws crypto::KeyringError.
// Thread-safe; the store and keyring must outlive it.
class Secrets {
 public:
  Secrets(store::SecretStore& store, const crypto::Keyring& keyring, const common::Clock& clock);

  // AddSecret: kOk with the new id, or kConflict when the name is taken. `description` is
  // already cut to its limit.
  store::Result<int64_t> Add(int64_t account_id, int64_t application_id, const std::string& name,
                             const common::SecureString& value,
                             const std::optional<std::string>& description);
  // GetSecrets: one page and the total of the filtered list.
  store::Result<SecretListPage> List(int64_t account_id, int64_t application_id,
                                     const std::string& name_part, int64_t offset,
                                     int64_t count) const;
  // GetSecretValue: kOk, or kNotFound when `ref` names no secret.
  store::Result<RevealedSecret> Reveal(int64_t account_id, int64_t application_id,
                                       const SecretRef& ref) const;
  // The id of the secret `ref` names: kOk or kNotFound.
  store::Result<int64_t> Locate(int64_t application_id, const SecretRef& ref) const;
  // SetSecretInfo: kOk, kNotFound, or kConflict when the new name is taken; `modified` moves
  // only on a real change. Reads and writes the secret in one store write, so concurrent
  // partial updates all take effect.
  store::Outcome Update(int64_t account_id, int64_t application_id, const SecretRef& ref,
                        SecretChanges changes);
  // DelSecret: ids (or all) and names, union, all or nothing: kOk, or kNotFound naming the
  // list with a missing entry.
  store::SelectionOutcome Delete(int64_t application_id, bool all_ids,
                                 const std::vector<int64_t>& ids,
                                 const std::vector<std::string>& names);

 private:
  // The application's data key, unwrapped: kOk, kNotFound (it has none yet), kApplicationGone.
  store::Result<common::SecureString> DataKey(int64_t application_id) const;
  // The same, made and stored first when the application has none.
  store::Result<common::SecureString> EnsureDataKey(int64_t application_id);
  // The key that opens secrets the store returned: they exist, so their data key does.
  store::Result<common::SecureString> DataKeyOfExisting(int64_t application_id) const;

  store::SecretStore& store_;
  const crypto::Keyring& keyring_;
  const common::Clock& clock_;
};

}  // namespace coffer::service
