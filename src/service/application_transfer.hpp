#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "crypto/keyring.hpp"
#include "service/export_file.hpp"
#include "store/transfer.hpp"

namespace coffer::service {

// Why an export's content cannot be imported: the first entry that breaks a rule of the
// protocol (SPEC 6.1, 7.1), named without its value.
class ImportRejected : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Export and import of one application (SPEC 16) on a store::TransferStore: opens the secrets
// with the application's data key on the way out, and seals them with the target's on the way
// in. Thread-safe; the store and keyring must outlive it.
class ApplicationTransfer {
 public:
  ApplicationTransfer(store::TransferStore& store, const crypto::Keyring& keyring,
                      const common::Clock& clock);

  // Everything the account's application `short_name` holds now, opened, with its id; nullopt
  // when there is no such application. Throws crypto::KeyringError when a value does not open.
  struct Exported {
    int64_t application_id = 0;
    ApplicationExport data;
  };
  std::optional<Exported> Export(int64_t account_id, const std::string& short_name) const;

  // Checks every entry of `data` (throws ImportRejected naming the first bad one: a secret
  // name, value or description, an item key or value outside the protocol's rules, a name
  // twice; items already expired are skipped), then loads them into the account's application
  // `short_name` in one write (store::TransferStore::Import).
  store::ImportOutcome Import(int64_t account_id, const std::string& short_name,
                              const ApplicationExport& data, bool replace,
                              int64_t max_applications);

  // The checks Import makes before it writes: throws ImportRejected naming the first entry of
  // `data` that breaks a rule.
  static void Check(const ApplicationExport& data);

 private:
  store::TransferStore& store_;
  const crypto::Keyring& keyring_;
  const common::Clock& clock_;
};

}  // namespace coffer::service
