#include "service/key_value.hpp"

namespace coffer::service {

KeyValue::KeyValue(store::KeyValueStore& store, const common::Clock& clock)
    : store_(store), clock_(clock) {}

store::Result<store::KvItem> KeyValue::Set(int64_t application_id, std::string key,
                                           std::string value, int64_t expires_at) {
  store::KvItem item{std::move(key), std::move(value), expires_at};
  if (const auto outcome = store_.Put(application_id, item); outcome != store::Outcome::kOk) {
    return outcome;
  }
  return item;
}

void KeyValue::SetAsync(int64_t application_id, std::string key, std::string value,
                        int64_t expires_at, common::Completion<store::Result<store::KvItem>> done) {
  store::KvItem item{std::move(key), std::move(value), expires_at};
  store::KvItem answer = item;
  store_.PutAsync(application_id, std::move(item),
                  [answer = std::move(answer),
                   done = std::move(done)](common::Completed<store::Outcome> put) mutable {
                    store::Outcome outcome;
                    try {
                      outcome = std::move(put).Take();
                    } catch (...) {
                      return done(std::current_exception());
                    }
                    if (outcome != store::Outcome::kOk)
                      return done(store::Result<store::KvItem>(outcome));
                    done(store::Result<store::KvItem>(std::move(answer)));
                  });
}

store::Result<store::KvItem> KeyValue::Get(int64_t application_id, const std::string& key) const {
  return store_.Get(application_id, key, clock_.NowSeconds());
}

store::Outcome KeyValue::Delete(int64_t application_id, const std::string& key) {
  return store_.Delete(application_id, key, clock_.NowSeconds());
}

void KeyValue::DeleteAsync(int64_t application_id, std::string key,
                           common::Completion<store::Outcome> done) {
  store_.DeleteAsync(application_id, std::move(key), clock_.NowSeconds(), std::move(done));
}

store::Result<std::vector<store::KvItem>> KeyValue::List(int64_t application_id,
                                                         const std::string& prefix, int64_t offset,
                                                         int64_t count, bool with_values) const {
  return store_.List(application_id, prefix, clock_.NowSeconds(), offset, count, with_values);
}

ExpirySweeper::ExpirySweeper(store::KeyValueStore& store, const common::Clock& clock,
                             int64_t batch_size)
    : store_(store), clock_(clock), batch_size_(batch_size) {}

int64_t ExpirySweeper::SweepOnce(int64_t max_batches) {
  int64_t total = 0;
  for (int64_t i = 0; i < max_batches; ++i) {
    const int64_t deleted = store_.DeleteExpired(clock_.NowSeconds(), batch_size_);
    total += deleted;
    if (deleted < batch_size_) break;
  }
  return total;
}

}  // namespace coffer::service
