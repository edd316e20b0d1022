#pragma once

#include "store/accounts.hpp"
#include "store/applications.hpp"
#include "store/audit.hpp"
#include "store/key_value.hpp"
#include "store/meta.hpp"
#include "store/outcome.hpp"
#include "store/secrets.hpp"
#include "store/transfer.hpp"

namespace coffer::store {

// Durable storage of everything Coffer knows, one interface per area; store::Open (open.hpp)
// makes one. The contract every backend keeps, tested by tests/store/ on each of them:
// - Each write is atomic and serializable: it behaves as if writes ran one at a time, and is
//   durable when it returns. Writes that depend on what is stored read it inside the write.
// - Each read sees one committed snapshot, including the writes of other processes and nodes
//   that were acknowledged before it started.
// - A callback handed to a write is pure: it may run more than once and never calls the store.
// - Expected results are typed outcomes (outcome.hpp); only a failing storage throws
//   (StoreError).
// The areas are owned by the Store and live as long as it; all are thread-safe. Destroying the
// Store finishes the writes in flight first.
class Store {
 public:
  virtual ~Store() = default;

  // The areas; each reference stays valid for the Store's lifetime.
  virtual AccountStore& accounts() = 0;
  virtual ApplicationStore& applications() = 0;
  virtual KeyValueStore& key_value() = 0;
  virtual SecretStore& secrets() = 0;
  virtual MetaStore& meta() = 0;
  virtual AuditStore& audit() = 0;
  virtual TransferStore& transfers() = 0;
};

}  // namespace coffer::store
