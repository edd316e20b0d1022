// What the SQLite audit log adds to the conformance suite: asynchronous appends waiting for the
// writer are written together, and a group that fails, or never runs, fails every record in it.

#include "store/sqlite/sqlite_audit.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite/database.hpp"
#include "support/temp_dir.hpp"

namespace coffer::store::sqlite {
namespace {

std::string SeqChain(const std::string& prev_hash, int64_t seq, const std::string& entry) {
  return prev_hash.substr(0, 8) + "+" + std::to_string(seq) + ":" + entry;
}

AuditAppend Entry(const std::string& text) {
  return AuditAppend{.time = 1'800'000'000, .application_id = std::nullopt, .entry = text};
}

class SqliteAuditTest : public ::testing::Test {
 protected:
  // Holds the writer thread in a write of its own until Release(), so appends made meanwhile
  // wait for it together. `inside` runs in that write first.
  void HoldWriter(std::function<void(Connection&)> inside = {}) {
    auto holding = std::make_shared<std::promise<void>>();
    std::future<void> held = holding->get_future();
    database_.SubmitAsync(
        [this, inside = std::move(inside), holding](Connection& c) {
          if (inside) inside(c);
          holding->set_value();
          release_.get_future().wait();
        },
        [](std::exception_ptr) {});
    held.wait();
  }
  void Release() { release_.set_value(); }

  // Appends `count` records without waiting; the futures say what each was told.
  std::vector<std::future<std::exception_ptr>> AppendMany(int count) {
    std::vector<std::future<std::exception_ptr>> told;
    for (int i = 0; i < count; ++i) {
      auto promise = std::make_shared<std::promise<std::exception_ptr>>();
      told.push_back(promise->get_future());
      audit_.AppendAsync(Entry("r" + std::to_string(i)), &SeqChain,
                         [promise](std::exception_ptr failure) { promise->set_value(failure); });
    }
    return told;
  }

  testing_support::TempDir dir_;
  Database database_{SqliteOptions{.path = dir_.File("coffer.db"), .busy_timeout_ms = 100}};
  SqliteAudit audit_{database_};
  std::promise<void> release_;
};

TEST_F(SqliteAuditTest, AppendsWaitingForTheWriterShareOneWrite) {
  HoldWriter();
  auto told = AppendMany(20);
  Release();
  for (auto& one : told) EXPECT_EQ(one.get(), nullptr);
  EXPECT_EQ(database_.committed_writes(), 2U) << "the held write, then one for all 20 records";
  const auto rows = audit_.Rows(0, 100);
  ASSERT_EQ(rows.size(), 20U);
  std::string prev = kAuditGenesis;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].seq, static_cast<int64_t>(i) + 1);
    EXPECT_EQ(rows[i].entry, "r" + std::to_string(i)) << "in the order appended";
    EXPECT_EQ(rows[i].prev_hash, prev);
    EXPECT_EQ(rows[i].hash, SeqChain(prev, rows[i].seq, rows[i].entry));
    prev = rows[i].hash;
  }
  EXPECT_EQ(audit_.Head().seq, 20);
  EXPECT_EQ(audit_.Head().hash, prev);
}

TEST_F(SqliteAuditTest, AGroupThatFailsFailsEveryRecordAndStoresNone) {
  audit_.Append(Entry("before"), &SeqChain);
  // The group's write finds no head row and throws: every record waiting in it hears so.
  HoldWriter([](Connection& c) { c.Exec("DELETE FROM audit_head"); });
  auto told = AppendMany(5);
  Release();
  for (auto& one : told) EXPECT_NE(one.get(), nullptr);
  EXPECT_EQ(audit_.Rows(0, 100).size(), 1U) << "none of the five was stored";
}

TEST_F(SqliteAuditTest, ABatchThatCannotBeginFailsItsRecordsAndLaterAppendsStillWrite) {
  Connection other(dir_.File("coffer.db"), 100, false);
  other.Exec("BEGIN IMMEDIATE");  // another process holds the write lock past the busy timeout
  auto told = AppendMany(3);
  for (auto& one : told) {
    ASSERT_EQ(one.wait_for(std::chrono::seconds(10)), std::future_status::ready)
        << "told, not left waiting";
    EXPECT_NE(one.get(), nullptr);
  }
  other.Exec("ROLLBACK");
  auto after = AppendMany(2);
  for (auto& one : after) EXPECT_EQ(one.get(), nullptr);
  EXPECT_EQ(audit_.Rows(0, 100).size(), 2U);
}

}  // namespace
}  // namespace coffer::store::sqlite
