#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/outcome.hpp"

namespace coffer::store {

// Held by a server for as long as it serves (SPEC 15): master-key rotation
// (SecretStore::RotateDataKeys) is refused while any process on any node holds one, because a
// server keeps the master key in memory. The lease lives with the storage, never in a node's
// local files: a shared lock on the lock file beside the SQLite database, or a shared
// PostgreSQL advisory lock on a session of its own. It ends when destroyed or when its process
// dies.
class ServingLease {
 public:
  virtual ~ServingLease() = default;
};

// While one exists, its thread's reads share one snapshot (MetaStore::ShareSnapshot).
class SharedSnapshot {
 public:
  virtual ~SharedSnapshot() = default;
};

// While one exists, its thread's lookups of service keys and applications may be answered from
// what the process read before (MetaStore::CacheLookups).
class CachedLookups {
 public:
  virtual ~CachedLookups() = default;
  // Whether the work done in the scope stands: true when no key, account or application it
  // looked up changed between the read the cache answered from and the work's own reads, so the
  // answer is one that a single snapshot gives. False when one may have: the caller drops the
  // answer (or the error) and does the work again with no scope open. Costs a round trip only
  // when the scope's last read could not tell. Call it once, after the work; throws StoreError.
  virtual bool Confirm() = 0;
};

// Thrown by a read or write made in a CachedLookups scope that found the rows the scope took
// from the cache outdated, before it read or wrote anything: the scope's Confirm() then says
// false, and the work is done again without it.
class StaleLookups : public StoreError {
 public:
  using StoreError::StoreError;
};

// Named values of the store itself (the master-key check) and its health. Coordination between
// processes and nodes happens here, in the storage, never in local files. Owned by the Store;
// thread-safe. Storage failures throw StoreError.
class MetaStore {
 public:
  virtual ~MetaStore() = default;

  // True when the storage answers a trivial query; never throws.
  virtual bool Ping() = 0;
  // The value, or nullopt when unset.
  virtual std::optional<std::string> Get(std::string_view name) = 0;
  // Sets the value unless it is set already, atomically, and returns the value in force
  // afterwards: of racing callers with different values, every one gets the same winner, so a
  // caller whose value lost can tell.
  virtual std::string SetIfAbsent(const std::string& name, const std::string& value) = 0;

  // Takes a serving lease. Throws StoreError when a rotation holds the storage now (saying so)
  // or the storage fails. On PostgreSQL a lease whose session drops with the database is taken
  // again by itself; meanwhile writes that create a data key throw StoreUnavailable. If the
  // store value `watched` (the master-key check) changed while the lease was lost, it is not
  // taken again: `on_fenced` runs once, on the lease's own thread, since this process no longer
  // holds the key in force.
  virtual std::unique_ptr<ServingLease> HoldServingLease(const std::string& watched,
                                                         std::function<void()> on_fenced) = 0;

  // Until the returned object is destroyed, every read this thread makes of the store, through
  // any of its areas, sees one snapshot (taken by the first of them) and costs one transaction
  // in all rather than one each. Only for work that reads: a write made meanwhile is not visible
  // to the snapshot. Other threads are unaffected. Null when the backend gains nothing from it
  // (or a scope is open already): each read then has its own snapshot, as without the call.
  virtual std::unique_ptr<SharedSnapshot> ShareSnapshot() { return nullptr; }

  // Until the returned object is destroyed, AccountStore::FindKey and ApplicationStore::Find and
  // FindByShortName on this thread may answer from the rows the process read before, without
  // asking the storage; the work's answer may be used only if Confirm() says so. A write made in
  // the scope is made only if those rows are still current when it is, else it throws
  // StaleLookups; so work that writes once may run in a scope too. Null when the backend gains
  // nothing from it (or a scope is open already).
  virtual std::unique_ptr<CachedLookups> CacheLookups() { return nullptr; }
};

}  // namespace coffer::store
