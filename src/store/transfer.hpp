#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/applications.hpp"
#include "store/key_value.hpp"
#include "store/outcome.hpp"
#include "store/secrets.hpp"

namespace coffer::store {

// Everything one application holds, as stored (SPEC 16, export): its secrets with their sealed
// fields, its data key, and its live key-value items.
struct ApplicationContents {
  Application application;
  std::optional<std::string> wrapped_data_key;  // nullopt: the application has none yet
  std::vector<SecretRecord> secrets;            // by id
  std::vector<KvItem> items;                    // live ones, by key bytes
};

// A secret to import: its name and times; its sealed fields come from an ImportSealer.
struct ImportedSecret {
  std::string name;
  int64_t created = 0;
  int64_t modified = 0;
};

// One application's data to load in one write (SPEC 16, import).
struct ApplicationImport {
  int64_t account_id = 0;
  std::string short_name;        // created when the account has no such application
  int64_t max_applications = 0;  // for that creation; 0: unlimited
  bool replace = false;          // overwrite secrets and items whose name exists already
  int64_t now = 0;               // the new application's `modified`; what "live" means
  std::vector<ImportedSecret> secrets;
  std::vector<KvItem> items;  // none expired at `now`
};

// The computations an import runs inside its write, on what the write found. Each may run more
// than once (a retried transaction) and must not call the store. UseDataKey comes before any
// Seal of the same attempt.
class ImportSealer {
 public:
  virtual ~ImportSealer() = default;
  // A data key for an application that has none, wrapped for `application_id`.
  virtual std::string WrapNewDataKey(int64_t application_id) = 0;
  // The application's data key in force, for the Seal calls that follow.
  virtual void UseDataKey(int64_t application_id, const std::string& wrapped) = 0;
  // The sealed fields of `secrets[index]`, bound to the row `secret_id`.
  virtual SealedSecretFields Seal(std::size_t index, int64_t secret_id) = 0;
};

struct ImportSummary {
  Application application;
  bool created_application = false;
  int64_t secrets_added = 0;
  int64_t secrets_replaced = 0;
  int64_t items_added = 0;
  int64_t items_replaced = 0;
};

// What an import did: kOk with `summary`; kConflict when, without `replace`, a secret name or a
// live item key exists already (`clash` names the first, `clash_is_secret` says which kind,
// `clashes` counts them); kLimitExceeded when the application would be created past the limit.
// Anything but kOk changed nothing.
struct ImportOutcome {
  ImportOutcome() = default;
  ImportOutcome(Outcome o) : outcome(o) {}
  Outcome outcome = Outcome::kOk;
  ImportSummary summary;
  std::string clash;
  bool clash_is_secret = false;
  int64_t clashes = 0;
};
inline bool Succeeded(const ImportOutcome& outcome) { return outcome.outcome == Outcome::kOk; }

// Moves whole applications in and out (SPEC 16: export and import). Owned by the Store;
// thread-safe. Storage failures throw StoreError.
class TransferStore {
 public:
  virtual ~TransferStore() = default;
  // The account's application of this short name with everything it holds, read in one
  // snapshot; items live at `now` only. nullopt when there is no such application.
  virtual std::optional<ApplicationContents> Read(int64_t account_id, const std::string& short_name,
                                                  int64_t now) = 0;
  // Loads `batch` in one write: creates the application when missing (with a new data key from
  // `sealer`), or uses the one there and its data key (making one if it has none); refuses
  // clashes unless `replace`; then adds the secrets (a replaced secret keeps its id and
  // `created`) and puts the items. All or nothing.
  virtual ImportOutcome Import(const ApplicationImport& batch, ImportSealer& sealer) = 0;
};

}  // namespace coffer::store
