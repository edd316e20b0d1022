#pragma once

#include <cstddef>
#include <cstdint>
#include <future>
#include <vector>

#include "store/batcher.hpp"
#include "store/key_value.hpp"
#include "store/postgres/database.hpp"

namespace coffer::store::postgres {

// KeyValueStore on a PostgreSQL Database, which it shares with the store's other areas. Puts are
// grouped: a thread of its own writes every Put waiting at that moment (up to kMaxPutBatch) in
// one statement (one round trip and one commit), and each caller returns once that commit has.
class PostgresKeyValue final : public KeyValueStore {
 public:
  explicit PostgresKeyValue(Database& database);

  Outcome Put(int64_t application_id, const KvItem& item) override;
  Result<KvItem> Get(int64_t application_id, std::string_view key, int64_t now) override;
  Outcome Delete(int64_t application_id, std::string_view key, int64_t now) override;
  Result<std::vector<KvItem>> List(int64_t application_id, std::string_view prefix, int64_t now,
                                   int64_t offset, int64_t limit, bool with_values) override;
  int64_t DeleteExpired(int64_t now, int64_t limit) override;

 private:
  // Reports the lookup generation a write saw; throws StaleLookups when it is not `expected`
  // (-1: anything goes), in which case the write wrote nothing.
  void CheckGeneration(int64_t seen, int64_t expected);

  // What a grouped Put's statement saw for it.
  struct PutSeen {
    bool application_exists = false;
    int64_t generation = 0;
  };
  // One Put waiting for its batch; its caller waits on `seen`.
  struct PendingPut {
    int64_t application_id = 0;
    KvItem item;
    int64_t expected = -1;  // the generation the write must find, or -1
    std::promise<PutSeen>* seen = nullptr;
  };
  static constexpr std::size_t kMaxPutBatch = 256;
  void WritePuts(std::vector<PendingPut>& batch);

  Database& db_;
  Batcher<PendingPut> puts_;  // last: its thread starts once the rest is ready
};

}  // namespace coffer::store::postgres
