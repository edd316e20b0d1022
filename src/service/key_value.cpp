#include "service/key_value.hpp"

#include "service/application_gone.hpp"

namespace coffer::service {

KeyValue::KeyValue(store::Store& store, const common::Clock& clock) : store_(store), clock_(clock) {}

store::KvItem KeyValue::Set(int64_t application_id, std::string key, std::string value,
                            int64_t expires_at) {
  store::KvItem item{std::move(key), std::move(value), expires_at};
  store_.PutKvItem(application_id, item);
  return item;
}

std::optional<store::KvItem> KeyValue::Get(int64_t application_id, const std::string& key) const {
  auto item = store_.GetKvItem(application_id, key, clock_.NowSeconds());
  if (!item) RequireApplicationAfterEmptyRead(store_, application_id);
  return item;
}

bool KeyValue::Delete(int64_t application_id, const std::string& key) {
  return store_.DeleteKvItem(application_id, key, clock_.NowSeconds());
}

std::vector<store::KvItem> KeyValue::List(int64_t application_id, const std::string& prefix,
                                          int64_t offset, int64_t count, bool with_values) const {
  auto items = store_.ListKvItems(application_id, prefix, clock_.NowSeconds(), offset, count, with_values);
  if (items.empty()) RequireApplicationAfterEmptyRead(store_, application_id);
  return items;
}

ExpirySweeper::ExpirySweeper(store::Store& store, const common::Clock& clock, int64_t batch_size)
    : store_(store), clock_(clock), batch_size_(batch_size) {}

int64_t ExpirySweeper::SweepOnce(int64_t max_batches) {
  int64_t total = 0;
  for (int64_t i = 0; i < max_batches; ++i) {
    const int64_t deleted = store_.DeleteExpiredKvItems(clock_.NowSeconds(), batch_size_);
    total += deleted;
    if (deleted < batch_size_) break;
  }
  return total;
}

}  // namespace coffer::service
