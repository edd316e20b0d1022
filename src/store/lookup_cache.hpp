#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "store/accounts.hpp"
#include "store/applications.hpp"
#include "store/meta.hpp"

namespace coffer::store {

// The service keys and applications a store read last, so that a point read or a key-value
// write can skip looking them up again, without ever answering from a stale copy (SPEC 15: no
// node serves what another changed; SPEC 13: a server sees an operator command's change on its
// next request).
//
// How staleness is ruled out: the storage keeps one number, the lookup generation, which every
// statement changing an account, a key or an application raises in its own transaction (a
// trigger of each backend's schema, so operator commands, other nodes and hand-made changes raise
// it too). The cache holds only rows read at one generation G. A scope (Scope()) may answer
// lookups from it only while it expects G, and its work stands only if a statement the work ran
// later still saw G: no change committed in between, so every cached row was current at every
// snapshot the work read. Otherwise Confirm() says false and the work is done again without the
// cache. Backends report the generation their statements saw (Observe, Remember) and check it
// before a write made in a scope (CurrentBeforeStatement, ExpectedByWrite).
//
// Thread-safe. A scope belongs to the thread that opened it.
class LookupCache {
 public:
  // Bounds the cached rows (keys and applications each); past it, the cache starts over.
  explicit LookupCache(std::size_t max_entries = 4096) : max_entries_(max_entries) {}
  ~LookupCache();
  LookupCache(const LookupCache&) = delete;
  LookupCache& operator=(const LookupCache&) = delete;

  // Opens this thread's scope (MetaStore::CacheLookups); null if one is open already.
  // `read_generation` reads the generation in a statement of its own, for a Confirm() that has
  // no later statement to go by.
  std::unique_ptr<CachedLookups> Scope(std::function<int64_t()> read_generation);

  // A cached row for the open scope, or nullopt (no scope, a miss, or another generation).
  std::optional<ServiceKey> FindKey(std::string_view key_id);
  std::optional<Application> FindApplication(int64_t account_id, int64_t id);
  std::optional<Application> FindApplicationByName(int64_t account_id, std::string_view short_name);

  // Rows read by a statement that also returned the generation it saw (Observe is called too).
  void Remember(const ServiceKey& key, int64_t generation);
  void Remember(const Application& application, int64_t generation);

  // A statement of this thread is about to run: until it reports what it saw (Observe), the
  // scope's last statement has not confirmed the generation.
  void StatementStarting();
  // Before a statement that will not report the generation itself: whether the rows this
  // thread's scope took from the cache are still current (asking the database when its last
  // statement cannot tell). True without a scope.
  bool CurrentBeforeStatement();
  // Whether this thread's scope answered from the cache, so that its reads should report the
  // generation they saw (a backend whose reporting costs a statement asks first).
  bool AnsweredFromCache() const;
  // The generation a write in this thread's scope must find in its own statement, and write
  // nothing otherwise: the scope answered lookups from the cache at it. Nullopt when there is
  // nothing to check.
  std::optional<int64_t> ExpectedByWrite() const;
  // The generation a statement of this thread saw: moves the cache to it if newer, and tells
  // the thread's scope.
  void Observe(int64_t generation);

 private:
  struct ScopeState;
  class ScopeHandle;
  static thread_local ScopeState* open_scope_;  // of whichever cache opened it
  ScopeState* Active() const;
  bool Current(ScopeState& scope);
  void MoveTo(int64_t generation);  // with mutex_ held

  const std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::optional<int64_t> generation_;
  std::map<std::string, ServiceKey, std::less<>> keys_;
  std::map<std::pair<int64_t, int64_t>, Application> applications_;
  std::map<std::pair<int64_t, std::string>, int64_t> application_ids_;
};

}  // namespace coffer::store
