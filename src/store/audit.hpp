#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace coffer::store {

// SPEC 16's audit log as stored: a chain of records numbered 1, 2, 3... in the order they were
// committed, each holding the hash of the one before. The store keeps the chain and its head;
// what a record says (`entry`) and how it is hashed are the caller's (service::AuditTrail).

// One stored record.
struct AuditRow {
  int64_t seq = 0;
  int64_t time = 0;                       // Unix seconds, as in the entry (for filtering)
  std::optional<int64_t> application_id;  // as in the entry (for filtering)
  std::string entry;                      // the record's content
  std::string prev_hash;                  // the previous record's hash (genesis: 64 zeros)
  std::string hash;
};

// A record to append: its content and the columns it is filtered by.
struct AuditAppend {
  int64_t time = 0;
  std::optional<int64_t> application_id;
  std::string entry;
};

// The hash of the record at `seq` with `entry`, after the record whose hash is `prev_hash`.
// Pure; the store calls it inside its write (perhaps more than once).
using AuditChain =
    std::function<std::string(const std::string& prev_hash, int64_t seq, const std::string& entry)>;

// The last record appended: 0 and the genesis hash while there is none.
struct AuditHead {
  int64_t seq = 0;
  std::string hash;
};

// The genesis hash, the "previous hash" of record 1.
inline const std::string kAuditGenesis(64, '0');

// Owned by the Store; thread-safe. Appends are serialized across processes and nodes, so the
// chain has no fork or gap; each is durable when it returns (or when `done` is told).
class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // Appends one record in a write of its own, grouped with concurrent writes where the backend
  // groups commits. Throws StoreError or StoreUnavailable, appending nothing.
  virtual void Append(const AuditAppend& record, const AuditChain& chain) = 0;
  // Append() without waiting where the backend can: `done` is called once, with null when the
  // record is durable or with what failed, from any thread; it must be quick and not throw.
  virtual void AppendAsync(AuditAppend record, AuditChain chain,
                           std::function<void(std::exception_ptr)> done) {
    std::exception_ptr failure;
    try {
      Append(record, chain);
    } catch (...) {
      failure = std::current_exception();
    }
    done(failure);
  }
  // Up to `limit` records after `after_seq`, in order, as stored (not checked).
  virtual std::vector<AuditRow> Rows(int64_t after_seq, int64_t limit) = 0;
  // The head as the store recorded it with the last append.
  virtual AuditHead Head() = 0;
};

// Ties a record to the write it describes (SPEC 16: "a write's record commits in the same
// transaction as the write"). While a scope is open on a thread, the first write transaction
// that thread makes and commits with a successful outcome also appends `make()` (with `chain`)
// inside that transaction; a write that fails appends nothing. Writes that do not carry the
// call's change (a data key created on the way) run inside an AuditScope::Aside. Scopes do not
// nest.
class AuditScope {
 public:
  AuditScope(std::function<AuditAppend()> make, AuditChain chain);
  ~AuditScope();
  AuditScope(const AuditScope&) = delete;
  AuditScope& operator=(const AuditScope&) = delete;

  // The scope open on this thread that has not appended yet, or null.
  static AuditScope* Pending();
  // Whether a write appended the record.
  bool appended() const { return appended_; }
  void set_appended() { appended_ = true; }
  AuditAppend Make() const { return make_(); }
  const AuditChain& chain() const { return chain_; }

  // Hides the scope from the writes made while it lives.
  class Aside {
   public:
    Aside();
    ~Aside();
    Aside(const Aside&) = delete;
    Aside& operator=(const Aside&) = delete;

   private:
    AuditScope* hidden_;
  };

 private:
  std::function<AuditAppend()> make_;
  AuditChain chain_;
  bool appended_ = false;
};

}  // namespace coffer::store
