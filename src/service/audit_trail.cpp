#include "service/audit_trail.hpp"

#include <boost/json.hpp>
#include <boost/json/monotonic_resource.hpp>

#include "crypto/digest.hpp"

namespace coffer::service {

namespace {

namespace json = boost::json;

constexpr int64_t kPage = 1000;

std::string Problem(int64_t seq, const std::string& what) {
  return "record " + std::to_string(seq) + " " + what;
}

// The record's problem, or "" when `row` is what its entry, its place and the previous hash say.
std::string CheckRow(const store::AuditRow& row, int64_t expected_seq,
                     const std::string& prev_hash) {
  if (row.seq != expected_seq) {
    return Problem(expected_seq, "is missing (the next stored is " + std::to_string(row.seq) + ")");
  }
  if (row.prev_hash != prev_hash) {
    return Problem(row.seq,
                   "does not follow the record before it: a record before it was "
                   "removed, inserted or changed");
  }
  if (AuditTrail::Hash(row.prev_hash, row.seq, row.entry) != row.hash) {
    return Problem(row.seq, "was changed: its hash does not match its content");
  }
  boost::system::error_code ec;
  const json::value entry = json::parse(row.entry, ec);
  if (ec || !entry.is_object()) return Problem(row.seq, "was changed: its entry is not JSON");
  const auto& members = entry.as_object();
  const auto* time = members.if_contains("time");
  const auto* app = members.if_contains("application_id");
  const bool time_ok = time != nullptr && time->is_int64() && time->as_int64() == row.time;
  const bool app_ok =
      app != nullptr &&
      (row.application_id ? app->is_int64() && app->as_int64() == *row.application_id
                          : app->is_null());
  if (!time_ok || !app_ok)
    return Problem(row.seq, "was changed: its columns differ from its entry");
  return "";
}

// Enough for an entry naming a few secrets; a larger one spills to the heap.
constexpr std::size_t kEntryBufferBytes = 2048;

// The entry of `event` at `time`. Its JSON is built in a buffer on the stack: an entry took
// some twenty allocations from the heap, one per member name, string and array.
std::string EntryAt(const AuditEvent& event, int64_t time) {
  unsigned char buffer[kEntryBufferBytes];
  json::monotonic_resource arena(buffer, sizeof buffer);
  const json::storage_ptr storage(&arena);
  json::array secrets(storage);
  for (const auto& secret : event.secrets) secrets.emplace_back(secret);
  json::array named(storage);
  for (const auto& thing : event.named) named.emplace_back(thing);
  json::object entry(9, storage);  // its members: the table is allocated once
  entry["time"] = time;
  entry["account_id"] = event.account_id;
  entry["key_id"] = event.key_id;
  entry["client"] = event.client;
  entry["method"] = event.method;
  entry["application_id"] =
      event.application_id ? json::value(*event.application_id) : json::value(nullptr);
  entry["secrets"] = std::move(secrets);
  entry["named"] = std::move(named);
  entry["code"] = event.error_code;
  return json::serialize(entry);
}

}  // namespace

AuditTrail::AuditTrail(store::AuditStore& store, const common::Clock& clock)
    : store_(store), clock_(clock) {}

std::string AuditTrail::Entry(const AuditEvent& event) { return EntryAt(event, event.time); }

std::string AuditTrail::Hash(const std::string& prev_hash, int64_t seq, const std::string& entry) {
  return crypto::Sha256Hex(prev_hash + "\n" + std::to_string(seq) + "\n" + entry);
}

store::AuditAppend AuditTrail::Stored(const AuditEvent& event) const {
  const int64_t time = event.time != 0 ? event.time : clock_.NowSeconds();
  return store::AuditAppend{time, event.application_id, EntryAt(event, time)};
}

void AuditTrail::Record(const AuditEvent& event) { store_.Append(Stored(event), &Hash); }

void AuditTrail::RecordAsync(const AuditEvent& event,
                             std::function<void(std::exception_ptr)> done) {
  store_.AppendAsync(Stored(event), &Hash, std::move(done));
}

std::unique_ptr<store::AuditScope> AuditTrail::Attach(std::function<AuditEvent()> event) {
  return std::make_unique<store::AuditScope>(
      [this, event = std::move(event)] { return Stored(event()); }, &Hash);
}

void AuditTrail::List(int64_t since, std::optional<int64_t> application,
                      const std::function<void(const std::string&)>& each) {
  for (int64_t after = 0;;) {
    const auto rows = store_.Rows(after, kPage);
    for (const auto& row : rows) {
      after = row.seq;
      if (row.time < since || (application && row.application_id != application)) continue;
      json::object line{{"seq", row.seq}, {"hash", row.hash}};
      boost::system::error_code ec;
      const json::value entry = json::parse(row.entry, ec);
      if (!ec && entry.is_object()) {
        for (const auto& member : entry.as_object()) line.insert(member);
      } else {
        line["entry"] = row.entry;  // shown as stored; `verify` names it
      }
      each(json::serialize(line));
    }
    if (static_cast<int64_t>(rows.size()) < kPage) return;
  }
}

AuditVerdict AuditTrail::Verify() {
  AuditVerdict verdict;
  const auto fail = [&verdict](int64_t first_bad, std::string problem) {
    verdict.intact = false;
    verdict.first_bad = first_bad;
    verdict.problem = std::move(problem);
    return verdict;
  };
  // The head is read before and after the walk: on a live server records are appended
  // meanwhile, and the walk may end anywhere between the two.
  const store::AuditHead before = store_.Head();
  std::string prev_hash = store::kAuditGenesis;
  int64_t last = 0;
  for (;;) {
    const auto rows = store_.Rows(last, kPage);
    for (const auto& row : rows) {
      if (std::string problem = CheckRow(row, last + 1, prev_hash); !problem.empty()) {
        return fail(row.seq == last + 1 ? row.seq : last + 1, std::move(problem));
      }
      last = row.seq;
      prev_hash = row.hash;
      if (last == before.seq && prev_hash != before.hash) {
        return fail(last,
                    Problem(last, "does not match the head: the head or the record was changed"));
      }
      ++verdict.records;
    }
    if (static_cast<int64_t>(rows.size()) < kPage) break;
  }
  const store::AuditHead after = store_.Head();
  const std::string at = std::to_string(last);
  if (last < before.seq) {
    return fail(last + 1, "the log ends at record " + at + " but its head says " +
                              std::to_string(before.seq) + ": the records after " + at +
                              " were removed");
  }
  if (last > after.seq) {
    return fail(after.seq + 1, Problem(after.seq + 1, "lies past the head: it was inserted"));
  }
  if (last == after.seq && prev_hash != after.hash) {
    return fail(last, Problem(last, "does not match the head: the head or the record was changed"));
  }
  verdict.head_hash = prev_hash;
  return verdict;
}

}  // namespace coffer::service
