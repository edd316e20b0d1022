#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/outcome.hpp"

namespace coffer::store {

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

// Which secret: by id when set, else by exact (case-sensitive) name.
struct SecretLookup {
  std::optional<int64_t> id;
  std::string name;
};

// What a delete removes: every secret of the application, or the union of the listed ones.
struct SecretSelection {
  bool all = false;
  std::vector<int64_t> ids;
  std::vector<std::string> names;
};

struct SecretPage {
  std::vector<SecretRecord> items;
  int64_t total_count = 0;  // of the whole filtered list, read in the page's snapshot
};

// A secret with the wrapped data key its fields are sealed under (FindSealed).
struct SealedSecret {
  SecretRecord record;
  // Nullopt when the application has no data key, which a store that holds its secrets lost.
  std::optional<std::string> wrapped_data_key;
};

// An application's data key as stored: wrapped under the master key.
struct WrappedDataKey {
  int64_t application_id = 0;
  std::string wrapped;
};

// Pure computations handed to a write. One runs inside the write on what the write read, may
// run more than once (a retried transaction), and must not call the store or have effects.
using SealNewSecret = std::function<SealedSecretFields(int64_t secret_id)>;
// The record to write in place of `current`, or nullopt to leave it as it is.
using ReviseSecret = std::function<std::optional<SecretRecord>(const SecretRecord& current)>;
// A data key wrapped under the new master key in place of `current` (master-key rotation).
using RewrapDataKey = std::function<std::string(const WrappedDataKey& current)>;

// Secrets and the data keys that seal them, of applications the caller has resolved. Every call
// that names an application answers kApplicationGone, changing nothing, when that application
// was deleted after the caller resolved it (decided in the call's own snapshot or write). An
// application's data key never changes once set (rotation re-wraps the same key), so callers
// unwrap it before a write and hand the write a pure callback. Owned by the Store; thread-safe.
// Every write is atomic, serializable and durable when it returns; every read sees one
// committed snapshot. Storage failures throw StoreError.
class SecretStore {
 public:
  virtual ~SecretStore() = default;

  // The wrapped data key: kOk, kNotFound (the application has none yet), kApplicationGone.
  virtual Result<std::string> GetDataKey(int64_t application_id) = 0;
  // Stores `wrapped` unless the application has a data key already: kOk with the key in force
  // (of racing callers, every one gets the first), or kApplicationGone.
  virtual Result<std::string> EnsureDataKey(int64_t application_id, const std::string& wrapped) = 0;
  // Every data key, by application id.
  virtual std::vector<WrappedDataKey> ListDataKeys() = 0;
  // Master-key rotation: replaces every data key with `rewrap(key)` (a pure callback) and sets
  // the store value `check_name` (MetaStore) to `check`, in one write. kOk with the number of
  // keys rewrapped, or kBusy (nothing changed) while any serving lease is held. Writes that
  // create a data key wait for it or come after it, so none escapes the rewrap.
  virtual Result<int64_t> RotateDataKeys(const RewrapDataKey& rewrap, const std::string& check_name,
                                         const std::string& check) = 0;

  // Inserts a secret, sealing its fields with `seal(new id)` inside the same write. kOk with
  // the record; kConflict when the name is taken in the application; kApplicationGone.
  virtual Result<SecretRecord> Add(int64_t application_id, const std::string& name, int64_t now,
                                   const SealNewSecret& seal) = 0;
  // The secret with its sealed fields: kOk, kNotFound or kApplicationGone.
  virtual Result<SecretRecord> Find(int64_t application_id, const SecretLookup& which) = 0;
  // Find() and GetDataKey() from one snapshot (one statement where the backend can): what
  // revealing a secret reads. kOk, kNotFound or kApplicationGone.
  virtual Result<SealedSecret> FindSealed(int64_t application_id, const SecretLookup& which) = 0;
  // Secrets whose name contains `name_part` ignoring ASCII case (all when empty), by id,
  // paged, without sealed values; the page and its total come from one snapshot. kOk or
  // kApplicationGone.
  virtual Result<SecretPage> List(int64_t application_id, std::string_view name_part,
                                  int64_t offset, int64_t limit) = 0;
  // Reads the secret `which` names and, in the same write, stores what `revise` returns, so
  // concurrent revisions of one secret never undo each other. kOk (revised, or left as it was);
  // kNotFound; kConflict when the revised name is taken; kApplicationGone.
  virtual Outcome Revise(int64_t application_id, const SecretLookup& which,
                         const ReviseSecret& revise) = 0;
  // Deletes the selected secrets, resolving the selection inside the same write: kOk;
  // kNotFound naming the list with an entry that matches nothing (nothing deleted);
  // kApplicationGone.
  virtual SelectionOutcome Delete(int64_t application_id, const SecretSelection& selection) = 0;
};

}  // namespace coffer::store
