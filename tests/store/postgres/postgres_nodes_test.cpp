// Two stores on one database, as two nodes (SPEC 15): conflicting writes on different nodes
// resolve exactly as on one node.

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "postgres_fixture.hpp"

namespace coffer::store::postgres {
namespace {

constexpr int64_t kNow = 1'700'000'000;
constexpr int kThreadsPerNode = 3;

SealNewSecret Sealer(const std::string& value) {
  return [value](int64_t id) { return SealedSecretFields{value + "#" + std::to_string(id), {}}; };
}

class PostgresNodesTest : public PostgresTest {
 protected:
  PostgresNodesTest() : a_(Open(4)), b_(Open(4)), app_(MakeApplication(*a_)) {}

  // Runs `body(node, i)` on kThreadsPerNode threads of each node at once.
  template <typename F>
  void OnBothNodes(F body) {
    OnThreads(2 * kThreadsPerNode,
              [&](int i) { body(i % 2 == 0 ? *a_ : *b_, i / 2 + (i % 2) * kThreadsPerNode); });
  }

  std::unique_ptr<PostgresStore> a_;
  std::unique_ptr<PostgresStore> b_;
  int64_t app_;
};

TEST_F(PostgresNodesTest, OneAddOfANameWins) {
  for (int round = 0; round < 5; ++round) {
    const std::string name = "name" + std::to_string(round);
    std::atomic<int> added = 0;
    std::atomic<int> conflicts = 0;
    OnBothNodes([&](Store& node, int) {
      const auto result = node.secrets().Add(app_, name, kNow, Sealer("v"));
      if (result.ok()) ++added;
      if (result.outcome() == Outcome::kConflict) ++conflicts;
    });
    EXPECT_EQ(added, 1) << name;
    EXPECT_EQ(conflicts, 2 * kThreadsPerNode - 1) << name;
  }
  EXPECT_EQ(b_->secrets().List(app_, "", 0, 100)->total_count, 5);
}

TEST_F(PostgresNodesTest, SecretIdsAreUniqueAndNeverReused) {
  std::vector<std::vector<int64_t>> ids(2 * kThreadsPerNode);
  OnBothNodes([&](Store& node, int thread) {
    for (int i = 0; i < 10; ++i) {
      const std::string name = "s" + std::to_string(thread) + "_" + std::to_string(i);
      const auto added = node.secrets().Add(app_, name, kNow, Sealer("v"));
      ASSERT_TRUE(added.ok());
      EXPECT_EQ(added->sealed_value, "v#" + std::to_string(added->id));
      ids[thread].push_back(added->id);
    }
  });
  std::set<int64_t> all;
  for (const auto& thread_ids : ids) all.insert(thread_ids.begin(), thread_ids.end());
  ASSERT_EQ(all.size(), 10u * 2 * kThreadsPerNode);
  ASSERT_EQ(a_->secrets().Delete(app_, {true, {}, {}}), kDeleted);
  const auto next = b_->secrets().Add(app_, "after", kNow, Sealer("v"));
  EXPECT_GT(next->id, *all.rbegin());
}

TEST_F(PostgresNodesTest, ConcurrentRevisionsOfDifferentFieldsLoseNothing) {
  ASSERT_TRUE(a_->secrets().Add(app_, "shared", kNow, Sealer("v")).ok());
  constexpr int kRounds = 40;
  auto revise = [&](Store& node, bool value) {
    for (int i = 0; i < kRounds; ++i) {
      const std::string text = (value ? "value-" : "description-") + std::to_string(i);
      const auto outcome =
          node.secrets().Revise(app_, {std::nullopt, "shared"}, [&](const SecretRecord& current) {
            SecretRecord next = current;
            (value ? next.sealed_value : next.sealed_description.emplace()) = text;
            return std::optional<SecretRecord>(next);
          });
      ASSERT_EQ(outcome, Outcome::kOk);
    }
  };
  OnThreads(2, [&](int i) { revise(i == 0 ? *a_ : *b_, i == 0); });
  const auto secret = b_->secrets().Find(app_, {std::nullopt, "shared"});
  EXPECT_EQ(secret->sealed_value, "value-" + std::to_string(kRounds - 1));
  EXPECT_EQ(secret->sealed_description, "description-" + std::to_string(kRounds - 1));
}

TEST_F(PostgresNodesTest, ConcurrentApplicationUpdatesLoseNoField) {
  const int64_t account = a_->accounts().FindByName("dev")->id;
  constexpr int kRounds = 30;
  OnThreads(2, [&](int i) {
    Store& node = i == 0 ? *a_ : *b_;
    for (int round = 0; round < kRounds; ++round) {
      ApplicationChanges changes;
      changes.modified = kNow + round;
      if (i == 0) changes.short_name = "name" + std::to_string(round);
      if (i == 1) changes.secure_record_storage = round % 2 == 0;
      ASSERT_TRUE(node.applications().Update(account, app_, changes).ok());
    }
  });
  const auto app = a_->applications().Find(account, app_);
  EXPECT_EQ(app->short_name, "name" + std::to_string(kRounds - 1));
  EXPECT_EQ(app->secure_record_storage, (kRounds - 1) % 2 == 0);
}

TEST_F(PostgresNodesTest, OneDeleteOfASecretSucceeds) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 10; ++i) {
    ids.push_back(a_->secrets().Add(app_, "s" + std::to_string(i), kNow, Sealer("v"))->id);
  }
  for (const int64_t id : ids) {
    std::atomic<int> deleted = 0;
    std::atomic<int> missing = 0;
    OnBothNodes([&](Store& node, int) {
      const SelectionOutcome outcome = node.secrets().Delete(app_, {false, {id}, {}});
      if (outcome == kDeleted) ++deleted;
      if (outcome == kMissingId) ++missing;
    });
    EXPECT_EQ(deleted, 1) << id;
    EXPECT_EQ(missing, 2 * kThreadsPerNode - 1) << id;
  }
}

TEST_F(PostgresNodesTest, TheApplicationLimitHoldsAcrossNodes) {
  const int64_t account = a_->accounts().FindByName("dev")->id;
  std::atomic<int> created = 0;
  std::atomic<int> refused = 0;
  OnBothNodes([&](Store& node, int thread) {
    for (int i = 0; i < 3; ++i) {
      const std::string name = "t" + std::to_string(thread) + "-" + std::to_string(i);
      const auto app = node.applications().Create(account, name, false, kNow, 5);
      if (app.ok()) ++created;
      if (app.outcome() == Outcome::kLimitExceeded) ++refused;
    }
  });
  EXPECT_EQ(created, 4);  // the fixture's application is the fifth
  EXPECT_EQ(refused, 3 * 2 * kThreadsPerNode - 4);
  EXPECT_EQ(b_->applications().List(account).size(), 5u);
}

TEST_F(PostgresNodesTest, WritesRacingTheirApplicationsDeletionLeaveNothing) {
  const int64_t account = a_->accounts().FindByName("dev")->id;
  std::atomic<bool> deleted = false;
  OnThreads(2, [&](int i) {
    if (i == 1) {
      ASSERT_EQ(b_->applications().Delete(account, {false, {app_}, {}}), kDeleted);
      deleted = true;
      return;
    }
    for (int n = 0; n < 200; ++n) {
      // Once the delete is acknowledged, no node may write into the application.
      const bool after = deleted;
      const Outcome put = a_->key_value().Put(app_, KvItem{std::to_string(n), "v", kNow + 100});
      if (after) {
        EXPECT_EQ(put, Outcome::kApplicationGone);
      }
    }
  });
  EXPECT_EQ(Session()->Exec("SELECT count(*) FROM kv_items").Int(0, 0), 0);
}

TEST_F(PostgresNodesTest, SweepsOnTwoNodesDeleteEachExpiredItemOnce) {
  constexpr int kExpired = 600;
  const int64_t other_app = MakeApplication(*b_, "other");
  for (int i = 0; i < kExpired; ++i) {
    const int64_t app = i % 2 == 0 ? app_ : other_app;
    ASSERT_EQ(a_->key_value().Put(app, KvItem{"dead" + std::to_string(i), "v", kNow - i}),
              Outcome::kOk);
  }
  ASSERT_EQ(a_->key_value().Put(app_, KvItem{"live", "v", kNow + 1}), Outcome::kOk);
  std::atomic<int64_t> swept = 0;
  OnBothNodes([&](Store& node, int) {
    while (const int64_t batch = node.key_value().DeleteExpired(kNow, 25)) {
      EXPECT_LE(batch, 25);
      swept += batch;
    }
  });
  EXPECT_EQ(swept, kExpired);
  EXPECT_EQ(Session()->Exec("SELECT count(*) FROM kv_items").Int(0, 0), 1);
  EXPECT_TRUE(b_->key_value().Get(app_, "live", kNow).ok());
}

TEST_F(PostgresTest, BootstrapRacingAnAccountCreatedOnAnotherNodeComesFirstOrNotAtAll) {
  for (int round = 0; round < 4; ++round) {
    testing_support::PostgresDatabase database;
    const PostgresOptions options{.url = database.url(), .pool_size = 2};
    PostgresStore bootstrapping(options);
    PostgresStore creating(options);
    std::optional<Result<Account>> first;
    std::optional<Result<Account>> other;
    OnThreads(2, [&](int i) {
      if (i == 0) first = bootstrapping.accounts().CreateFirst("dev", "d@x", kNow, Key("k1"));
      if (i == 1) other = creating.accounts().Create("ops", "o@x", kNow, Key("k2"));
    });
    ASSERT_TRUE(other->ok());
    // The bootstrap either ran before the other account existed, or found it and did nothing.
    if (first->ok()) {
      EXPECT_LT(first->value().id, other->value().id) << round;
    } else {
      EXPECT_EQ(first->outcome(), Outcome::kConflict) << round;
      EXPECT_EQ(bootstrapping.accounts().FindByName("dev"), std::nullopt) << round;
    }
  }
}

}  // namespace
}  // namespace coffer::store::postgres
