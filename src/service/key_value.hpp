#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "store/key_value.hpp"

namespace coffer::service {

// Key-value use cases (SPEC 6) on an application the caller has already resolved, so every
// call is scoped to one tenant's application. Parameters arrive validated; time comes from
// the injected clock. Every call answers kApplicationGone when the application was deleted
// after it was resolved. Thread-safe; the store must outlive it.
class KeyValue {
 public:
  KeyValue(store::KeyValueStore& store, const common::Clock& clock);

  int64_t Now() const { return clock_.NowSeconds(); }

  // Upserts and returns the stored item (kOk, durable when it returns) or kApplicationGone.
  store::Result<store::KvItem> Set(int64_t application_id, std::string key, std::string value,
                                   int64_t expires_at);
  // Set() without waiting: `done` is told the same answer, or the StoreError, once the item is
  // durable, on the thread that finished the write (see store::KeyValueStore::PutAsync).
  void SetAsync(int64_t application_id, std::string key, std::string value, int64_t expires_at,
                common::Completion<store::Result<store::KvItem>> done);
  // The live item (kOk), kNotFound or kApplicationGone.
  store::Result<store::KvItem> Get(int64_t application_id, const std::string& key) const;
  // kOk when a live item was removed; kNotFound when none was (an expired leftover is removed
  // too, but counts as none); kApplicationGone.
  store::Outcome Delete(int64_t application_id, const std::string& key);
  // Delete() without waiting, as SetAsync().
  void DeleteAsync(int64_t application_id, std::string key,
                   common::Completion<store::Outcome> done);
  // Live items whose key starts with `prefix`, by key bytes, paged (kOk), or kApplicationGone.
  store::Result<std::vector<store::KvItem>> List(int64_t application_id, const std::string& prefix,
                                                 int64_t offset, int64_t count,
                                                 bool with_values) const;

 private:
  store::KeyValueStore& store_;
  const common::Clock& clock_;
};

// Deletes expired items in the background so storage does not grow with dead items.
class ExpirySweeper {
 public:
  ExpirySweeper(store::KeyValueStore& store, const common::Clock& clock, int64_t batch_size);

  // Deletes expired items in batches of `batch_size` until a batch comes back short or
  // `max_batches` ran; returns how many were deleted. Each batch is its own short write, so
  // requests are never stalled behind one long transaction.
  int64_t SweepOnce(int64_t max_batches = 100);

 private:
  store::KeyValueStore& store_;
  const common::Clock& clock_;
  const int64_t batch_size_;
};

}  // namespace coffer::service
