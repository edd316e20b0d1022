#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/outcome.hpp"

namespace coffer::store {

struct Application {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string short_name;  // lower-case, unique within the account
  bool secure_record_storage = false;
  int64_t modified = 0;
};

// The fields an update may change; absent ones stay as they are in the row.
struct ApplicationChanges {
  std::optional<std::string> short_name;
  std::optional<bool> secure_record_storage;
  int64_t modified = 0;
};

// Which applications a delete removes: every one of the account, or the union of the listed
// ids and short names.
struct ApplicationSelection {
  bool all = false;
  std::vector<int64_t> ids;
  std::vector<std::string> short_names;
};

// Applications (SPEC 4, 8), always scoped by their account: another account's application
// behaves exactly like one that does not exist. Owned by the Store; thread-safe. Every write is
// atomic, serializable and durable when it returns; every read sees one committed snapshot.
// Storage failures throw StoreError.
class ApplicationStore {
 public:
  virtual ~ApplicationStore() = default;

  // Ids increase and are never reused. kOk with the application; kConflict when the short name
  // is taken in the account; kLimitExceeded when the account already has `max_per_account`
  // (> 0; 0 = unlimited) applications.
  virtual Result<Application> Create(int64_t account_id, const std::string& short_name,
                                     bool secure_record_storage, int64_t now,
                                     int64_t max_per_account) = 0;
  // The account's application with this id, or nullopt.
  virtual std::optional<Application> Find(int64_t account_id, int64_t id) = 0;
  // The account's application with this exact (lower-case) short name, or nullopt.
  virtual std::optional<Application> FindByShortName(int64_t account_id,
                                                     std::string_view short_name) = 0;
  // Every application of the account, by id ascending.
  virtual std::vector<Application> List(int64_t account_id) = 0;
  // Applies `changes` to the row as it is inside the write, so concurrent updates of different
  // fields never undo each other. kOk with the result; kNotFound when the application does not
  // exist (any more); kConflict when the new short name is taken.
  virtual Result<Application> Update(int64_t account_id, int64_t id,
                                     const ApplicationChanges& changes) = 0;
  // Deletes the selected applications and everything they own (key-value items, secrets, data
  // keys), resolving the selection inside the same write: kOk, or kNotFound naming the list
  // with an entry that matches no application of the account (then nothing is deleted).
  virtual SelectionOutcome Delete(int64_t account_id, const ApplicationSelection& selection) = 0;
  // Deletes every application of every account, and everything they own, in one write (the
  // emulator's reset, SPEC 17); accounts and keys stay. Returns how many it deleted.
  virtual int64_t DeleteEverywhere() = 0;
};

}  // namespace coffer::store
