// The SQLite Database under every area: read snapshots and the write path's outcomes.

#include "store/sqlite/database.hpp"

#include <gtest/gtest.h>

#include <utility>

#include "support/store_outcomes.hpp"
#include "support/temp_dir.hpp"

namespace coffer::store::sqlite {
namespace {

int64_t CountAccounts(Connection& c) {
  StatementUse query(c, "SELECT COUNT(*) FROM accounts");
  query.Step();
  return query.Int(0);
}

void InsertAccount(Connection& c, const std::string& name) {
  StatementUse(c, "INSERT INTO accounts (name, email, created) VALUES (?, 'x@example.com', 1)")
      .Bind(1, name)
      .Run();
}

class DatabaseTest : public ::testing::Test {
 protected:
  testing_support::TempDir dir_;
  Database database_{SqliteOptions{.path = dir_.File("coffer.db")}};
};

TEST_F(DatabaseTest, AReadSeesOneSnapshotWhateverCommitsMeanwhile) {
  Connection other(dir_.File("coffer.db"), 5000, false);
  const auto [before, after] = database_.Read([&](Connection& c) {
    const int64_t first = CountAccounts(c);
    InsertAccount(other, "late");  // committed by another connection between two statements
    return std::pair(first, CountAccounts(c));
  });
  EXPECT_EQ(before, 0);
  EXPECT_EQ(after, 0) << "both statements of one read see the same snapshot";
  EXPECT_EQ(database_.Read(CountAccounts), 1) << "the next read sees the commit";
}

TEST_F(DatabaseTest, AFailedReadLeavesItsConnectionUsable) {
  EXPECT_THROW(database_.Read([](Connection& c) {
    CountAccounts(c);
    StatementUse(c, "SELECT * FROM no_such_table").Step();
    return 0;
  }),
               StoreError);
  database_.Write([](Connection& c) { InsertAccount(c, "after"); });
  EXPECT_EQ(database_.Read(CountAccounts), 1);
}

TEST_F(DatabaseTest, AWriteBreakingAUniquenessRuleIsRolledBackAsAConflict) {
  const Outcome outcome = database_.Write([](Connection& c) {
    InsertAccount(c, "first");
    InsertAccount(c, "first");
    return Outcome::kOk;
  });
  EXPECT_EQ(outcome, Outcome::kConflict);
  EXPECT_EQ(database_.Read(CountAccounts), 0) << "the half-done write left nothing";
}

TEST_F(DatabaseTest, AWriteOwnedByAMissingApplicationDoesNotRun) {
  bool ran = false;
  const Outcome outcome = database_.WriteOwnedBy(42, [&](Connection&) {
    ran = true;
    return Outcome::kOk;
  });
  EXPECT_EQ(outcome, Outcome::kApplicationGone);
  EXPECT_FALSE(ran);
}

TEST_F(DatabaseTest, AWriteInAnAuditScopeRunsOnceAndCarriesTheRecord) {
  const auto chain = [](const std::string&, int64_t seq, const std::string&) {
    return "hash-" + std::to_string(seq);
  };
  {
    AuditScope scope([] { return AuditAppend{.time = 1, .application_id = {}, .entry = "e"}; },
                     chain);
    database_.Write([](Connection& c) { InsertAccount(c, "once"); });  // returns nothing
    EXPECT_TRUE(scope.appended());
  }
  EXPECT_EQ(database_.Read(CountAccounts), 1) << "the write ran once";
  EXPECT_EQ(database_.Read([](Connection& c) {
    StatementUse count(c, "SELECT count(*) FROM audit_log");
    count.Step();
    return count.Int(0);
  }),
            1);
}

}  // namespace
}  // namespace coffer::store::sqlite
