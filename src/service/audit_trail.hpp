#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "store/audit.hpp"

namespace coffer::service {

// A call or an operator command as the audit log records it (SPEC 16). Holds no value and no
// description.
struct AuditEvent {
  int64_t time = 0;        // Unix seconds; 0: the trail's clock fills it in
  int64_t account_id = 0;  // 0 before authentication
  std::string key_id;      // the service key, "" for legacy credentials, "operator" for commands
  std::string client;      // the peer's IP address, "" for operator commands
  std::string method;      // an API method, or an operator command such as "key create"
  std::optional<int64_t> application_id;
  std::vector<std::string> secrets;  // what the call named: "id:7", "name:db_password", "id:all"
  // The other things it named: "application_id:3", "application_name:web", "key:<key id>".
  std::vector<std::string> named;
  int error_code = 0;  // SPEC 5's code; 0 for success
};

// What `coffer audit verify` found.
struct AuditVerdict {
  bool intact = true;
  int64_t records = 0;    // records read
  int64_t first_bad = 0;  // the first record that is wrong or missing; 0 when intact
  std::string problem;    // one line naming it; "" when intact
  std::string head_hash;  // the last record's hash (to keep elsewhere, as an anchor)
};

// SPEC 16's hash-chained audit log over a store::AuditStore: what each record says, as one
// canonical JSON text, and how it is chained: hash = SHA-256 hex of
// `<previous hash>\n<seq>\n<entry>` (docs/formats.md). Thread-safe.
class AuditTrail {
 public:
  AuditTrail(store::AuditStore& store, const common::Clock& clock);

  // Appends `event` durably in a write of its own. Throws StoreError or StoreUnavailable.
  void Record(const AuditEvent& event);
  // Record() without waiting where the store can; `done` as store::AuditStore::AppendAsync.
  void RecordAsync(const AuditEvent& event, std::function<void(std::exception_ptr)> done);
  // While the returned scope lives, the next successful write this thread makes also appends
  // `event()`, in its transaction (store::AuditScope).
  std::unique_ptr<store::AuditScope> Attach(std::function<AuditEvent()> event);

  // Each record from `since` (Unix seconds) on, of `application` when given, in order, as one
  // JSON object per line: `seq`, `hash`, then the entry's members.
  void List(int64_t since, std::optional<int64_t> application,
            const std::function<void(const std::string& line)>& each);
  // Walks the whole chain and checks every link and the head.
  AuditVerdict Verify();

  // The stored form of `event` and the chain's hash function (public for tests and tools).
  static std::string Entry(const AuditEvent& event);
  static std::string Hash(const std::string& prev_hash, int64_t seq, const std::string& entry);

 private:
  store::AuditAppend Stored(const AuditEvent& event) const;

  store::AuditStore& store_;
  const common::Clock& clock_;
};

}  // namespace coffer::service
