#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <future>
#include <memory>
#include <vector>

#include "store/batcher.hpp"
#include "store/key_value.hpp"
#include "store/postgres/database.hpp"

namespace coffer::store::postgres {

// One Put of a group (PostgresKeyValue::Put): the item, its application, and the lookup
// generation its write must find (-1: any).
struct GroupedPut {
  int64_t application_id = 0;
  KvItem item;
  int64_t expected = -1;
};

// What a group's statement saw for one of its Puts.
struct GroupedPutSeen {
  bool application_exists = false;
  int64_t generation = 0;
};

// Writes `puts` in one statement on `c`, committed on its own, and answers for each in order.
// Each is written only if its application exists (share-locked) and the lookup generation is
// the one it expects; of two Puts of one key, the later is written, as if it committed after the
// other. Rows are written in key order, so two nodes' groups lock shared rows in one order. The
// applications are locked with NOWAIT: when one is locked (being deleted), throws
// LockNotAvailable and writes nothing.
std::vector<GroupedPutSeen> WriteGroupedPuts(Connection& c, const std::vector<GroupedPut>& puts);

// KeyValueStore on a PostgreSQL Database, which it shares with the store's other areas. Puts are
// grouped: a thread of its own writes every Put waiting at that moment (up to kMaxPutBatch) with
// WriteGroupedPuts (one round trip and one commit), and each caller returns once that commit has.
// A Put whose group met a locked application is written alone, by its caller, so a locked
// application holds up only its own Puts.
class PostgresKeyValue final : public KeyValueStore {
 public:
  explicit PostgresKeyValue(Database& database);

  Outcome Put(int64_t application_id, const KvItem& item) override;
  Result<KvItem> Get(int64_t application_id, std::string_view key, int64_t now) override;
  Outcome Delete(int64_t application_id, std::string_view key, int64_t now) override;
  Result<std::vector<KvItem>> List(int64_t application_id, std::string_view prefix, int64_t now,
                                   int64_t offset, int64_t limit, bool with_values) override;
  int64_t DeleteExpired(int64_t now, int64_t limit) override;

  // Puts queued and not yet taken into a group (for tests).
  std::size_t waiting_puts() const { return puts_.queued(); }

 private:
  // A caller waiting for its group's statement.
  struct PutWaiter {
    std::promise<GroupedPutSeen> seen;
    std::atomic<bool> abandoned = false;  // it stopped waiting and answered StoreUnavailable
  };
  struct PendingPut {
    GroupedPut put;
    std::shared_ptr<PutWaiter> waiter;
  };
  static constexpr std::size_t kMaxPutBatch = 256;
  // How long a caller waits for its group before StoreUnavailable. A group waits for the ones
  // ahead of it, each allowed the connection's 7 s statement timeout: 8 s keeps a Put that meets
  // a frozen database under SPEC 15's 10 s.
  static constexpr std::chrono::milliseconds kPutWait{8'000};

  // The Put in a statement of its own, waiting for a locked application as any write does.
  Outcome PutAlone(int64_t application_id, const KvItem& item, int64_t expected);
  void WritePuts(std::vector<PendingPut>& batch);
  // Reports the lookup generation a write saw; throws StaleLookups when it is not `expected`
  // (-1: anything goes), in which case the write wrote nothing.
  void CheckGeneration(int64_t seen, int64_t expected);

  Database& db_;
  Batcher<PendingPut> puts_;  // last: its thread starts once the rest is ready
};

}  // namespace coffer::store::postgres
