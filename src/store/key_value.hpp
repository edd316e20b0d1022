#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/completion.hpp"
#include "store/outcome.hpp"

namespace coffer::store {

// One key-value item (SPEC 6.1). `key` is UTF-8; items order by its bytes.
struct KvItem {
  std::string key;
  std::string value;
  int64_t expires_at = 0;  // Unix seconds; the item is invisible from this second on
};

// Key-value items of applications the caller has resolved. Every call that names an
// application answers kApplicationGone, changing nothing, when that application was deleted
// after the caller resolved it (decided in the call's own snapshot or write). Owned by the
// Store; thread-safe. Every write is atomic, serializable and durable when it returns; every
// read sees one committed snapshot. Storage failures throw StoreError.
class KeyValueStore {
 public:
  virtual ~KeyValueStore() = default;

  // Creates or replaces the item under `item.key`, expired or not: kOk or kApplicationGone.
  virtual Outcome Put(int64_t application_id, const KvItem& item) = 0;
  // Put() without waiting: `done` is told the outcome once the write is durable, or the
  // StoreError, on whatever thread finished it, perhaps before PutAsync returns; see
  // common::Completion for what `done` may do. Stores whose writes cannot be handed to a thread
  // of their own keep this default, which calls Put() and then `done`.
  virtual void PutAsync(int64_t application_id, KvItem item, common::Completion<Outcome> done);
  // The item if it exists and `expires_at > now`: kOk, kNotFound or kApplicationGone.
  virtual Result<KvItem> Get(int64_t application_id, std::string_view key, int64_t now) = 0;
  // Removes the item, live or expired: kOk when a live one was removed, kNotFound when none
  // was (an expired leftover is removed all the same), or kApplicationGone.
  virtual Outcome Delete(int64_t application_id, std::string_view key, int64_t now) = 0;
  // Delete() without waiting, as PutAsync().
  virtual void DeleteAsync(int64_t application_id, std::string key, int64_t now,
                           common::Completion<Outcome> done);
  // Live items whose key starts with `prefix` (bytewise), ordered by key bytes, skipping
  // `offset` and returning at most `limit`; values left empty unless `with_values`. Reads a key
  // range of an index, never the whole application. kOk (perhaps empty) or kApplicationGone.
  virtual Result<std::vector<KvItem>> List(int64_t application_id, std::string_view prefix,
                                           int64_t now, int64_t offset, int64_t limit,
                                           bool with_values) = 0;
  // Deletes up to `limit` items with `expires_at <= now` across all applications, as one short
  // write; returns how many it deleted. Concurrent sweeps (several nodes) never fail each
  // other; each deletes what is still there.
  virtual int64_t DeleteExpired(int64_t now, int64_t limit) = 0;
};

namespace detail {

// Tells `done` what `write` returns, or the exception it throws.
template <typename F>
void CompleteNow(F&& write, const common::Completion<Outcome>& done) {
  Outcome outcome;
  try {
    outcome = write();
  } catch (...) {
    return done(std::current_exception());
  }
  done(outcome);
}

}  // namespace detail

inline void KeyValueStore::PutAsync(int64_t application_id, KvItem item,
                                    common::Completion<Outcome> done) {
  detail::CompleteNow([&] { return Put(application_id, item); }, done);
}

inline void KeyValueStore::DeleteAsync(int64_t application_id, std::string key, int64_t now,
                                       common::Completion<Outcome> done) {
  detail::CompleteNow([&] { return Delete(application_id, key, now); }, done);
}

}  // namespace coffer::store
