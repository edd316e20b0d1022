// Applications of SqliteStore.

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "store_fixture.hpp"

namespace coffer::store::sqlite {
namespace {

class SqliteApplicationsTest : public SqliteStoreTest {
 protected:
  SqliteApplicationsTest() : dev_(MakeAccount("dev")), other_(MakeAccount("other")) {}

  Application Create(const std::string& name, int64_t account_id = 0, int64_t max = 0) {
    return store_->CreateApplication(account_id == 0 ? dev_.id : account_id, name, false, 1000,
                                     max);
  }

  std::vector<std::string> Names(int64_t account_id) {
    std::vector<std::string> names;
    for (const auto& app : store_->ListApplications(account_id)) names.push_back(app.short_name);
    return names;
  }

  Account dev_;
  Account other_;
};

TEST_F(SqliteApplicationsTest, CreateAndFind) {
  const Application app = store_->CreateApplication(dev_.id, "myapp", true, 1'715'350'955, 0);
  EXPECT_GE(app.id, 1);
  EXPECT_EQ(app.account_id, dev_.id);
  EXPECT_EQ(app.short_name, "myapp");
  EXPECT_TRUE(app.secure_record_storage);
  EXPECT_EQ(app.modified, 1'715'350'955);

  const auto by_id = store_->FindApplication(dev_.id, app.id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->id, app.id);
  EXPECT_EQ(by_id->short_name, "myapp");
  EXPECT_TRUE(by_id->secure_record_storage);
  EXPECT_EQ(by_id->modified, 1'715'350'955);

  const auto by_name = store_->FindApplicationByShortName(dev_.id, "myapp");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->id, app.id);
}

TEST_F(SqliteApplicationsTest, AnotherAccountsApplicationIsInvisible) {
  const Application app = Create("private");
  EXPECT_EQ(store_->FindApplication(other_.id, app.id), std::nullopt);
  EXPECT_EQ(store_->FindApplicationByShortName(other_.id, "private"), std::nullopt);
  EXPECT_TRUE(store_->ListApplications(other_.id).empty());
  EXPECT_EQ(store_->FindApplication(dev_.id, app.id + 1), std::nullopt);
  EXPECT_EQ(store_->FindApplicationByShortName(dev_.id, "missing"), std::nullopt);
}

TEST_F(SqliteApplicationsTest, ListIsOrderedById) {
  const Application c = Create("charlie");
  const Application a = Create("alpha");
  const Application b = Create("bravo");
  Create("elsewhere", other_.id);
  const auto list = store_->ListApplications(dev_.id);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].id, c.id);
  EXPECT_EQ(list[1].id, a.id);
  EXPECT_EQ(list[2].id, b.id);
  EXPECT_LT(list[0].id, list[1].id);
  EXPECT_LT(list[1].id, list[2].id);
}

TEST_F(SqliteApplicationsTest, DuplicateNameInAccountConflicts) {
  Create("myapp");
  EXPECT_THROW(Create("myapp"), Conflict);
  EXPECT_EQ(Names(dev_.id), (std::vector<std::string>{"myapp"}));
}

TEST_F(SqliteApplicationsTest, SameNameInTwoAccountsIsFine) {
  const Application mine = Create("shared");
  const Application theirs = Create("shared", other_.id);
  EXPECT_NE(mine.id, theirs.id);
  EXPECT_EQ(store_->FindApplicationByShortName(dev_.id, "shared")->id, mine.id);
  EXPECT_EQ(store_->FindApplicationByShortName(other_.id, "shared")->id, theirs.id);
}

TEST_F(SqliteApplicationsTest, MaxPerAccountIsEnforcedPerAccount) {
  Create("one", dev_.id, 2);
  Create("two", dev_.id, 2);
  EXPECT_THROW(Create("three", dev_.id, 2), LimitExceeded);
  EXPECT_EQ(Names(dev_.id).size(), 2u);
  EXPECT_NO_THROW(Create("three", other_.id, 2));  // another account has room
  EXPECT_NO_THROW(Create("three", dev_.id, 0));    // 0 = unlimited
  EXPECT_NO_THROW(Create("four", dev_.id, 4));
}

TEST_F(SqliteApplicationsTest, UpdateWritesNameFlagAndModified) {
  const Application app = Create("before");
  const auto updated = store_->UpdateApplication(dev_.id, app.id, {"after", true, 2000});
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->short_name, "after");
  EXPECT_TRUE(updated->secure_record_storage);
  EXPECT_EQ(updated->modified, 2000);
  const auto found = store_->FindApplication(dev_.id, app.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->short_name, "after");
  EXPECT_TRUE(found->secure_record_storage);
  EXPECT_EQ(found->modified, 2000);
  EXPECT_EQ(store_->FindApplicationByShortName(dev_.id, "before"), std::nullopt);
}

TEST_F(SqliteApplicationsTest, UpdateKeepsAbsentFieldsAsTheyAreInTheRow) {
  const Application app = Create("name");
  store_->UpdateApplication(dev_.id, app.id, {std::nullopt, true, 2000});
  const auto renamed = store_->UpdateApplication(dev_.id, app.id, {"renamed", std::nullopt, 3000});
  ASSERT_TRUE(renamed);
  EXPECT_EQ(renamed->short_name, "renamed");
  EXPECT_TRUE(renamed->secure_record_storage) << "the flag set by the earlier update stays";
  EXPECT_EQ(renamed->modified, 3000);
}

TEST_F(SqliteApplicationsTest, UpdateToItsOwnNameIsFine) {
  const Application app = Create("same");
  EXPECT_NO_THROW(store_->UpdateApplication(dev_.id, app.id, {"same", std::nullopt, 3000}));
  EXPECT_EQ(store_->FindApplication(dev_.id, app.id)->modified, 3000);
}

TEST_F(SqliteApplicationsTest, UpdateToATakenNameConflictsAndChangesNothing) {
  Create("taken");
  const Application app = Create("mine");
  Create("free-elsewhere", other_.id);
  EXPECT_THROW(store_->UpdateApplication(dev_.id, app.id, {"taken", true, 5000}), Conflict);
  const auto found = store_->FindApplication(dev_.id, app.id);
  EXPECT_EQ(found->short_name, "mine");
  EXPECT_FALSE(found->secure_record_storage);
  EXPECT_EQ(found->modified, 1000);
  // A name used only by another account is free here.
  EXPECT_NO_THROW(store_->UpdateApplication(dev_.id, app.id, {"free-elsewhere", std::nullopt, 6000}));
}

TEST_F(SqliteApplicationsTest, UpdateOfAMissingOrForeignApplicationFindsNothing) {
  const Application theirs = Create("theirs", other_.id);
  EXPECT_EQ(store_->UpdateApplication(dev_.id, theirs.id, {"hijacked", true, 2000}), std::nullopt);
  EXPECT_EQ(store_->FindApplication(other_.id, theirs.id)->short_name, "theirs");
  EXPECT_EQ(store_->UpdateApplication(dev_.id, theirs.id + 100, {"x", std::nullopt, 2000}),
            std::nullopt);
}

TEST_F(SqliteApplicationsTest, IdsAreNeverReused) {
  const Application a = Create("a1");
  const Application b = Create("b1");
  store_->DeleteApplications(dev_.id, {false, {b.id}, {}});
  const Application c = Create("c1");
  EXPECT_GT(c.id, b.id);
  store_->DeleteApplications(dev_.id, {false, {a.id, c.id}, {}});
  Reopen();
  const Application d = Create("d1");
  EXPECT_GT(d.id, c.id);
  const Application e = Create("b1");  // the name is free again, the id is not
  EXPECT_GT(e.id, d.id);
}

TEST_F(SqliteApplicationsTest, DeleteIsTheUnionOfIdsAndNames) {
  const Application a = Create("a1");
  const Application b = Create("b1");
  Create("c1");
  EXPECT_EQ(store_->DeleteApplications(dev_.id, {false, {a.id}, {"a1", "c1"}}), SelectionMiss::kNone);
  EXPECT_EQ(Names(dev_.id), (std::vector<std::string>{"b1"}));
  EXPECT_TRUE(store_->FindApplication(dev_.id, b.id));
}

TEST_F(SqliteApplicationsTest, DeleteAllIsScopedByAccount) {
  Create("a1");
  Create("b1");
  Create("theirs", other_.id);
  EXPECT_EQ(store_->DeleteApplications(dev_.id, {true, {}, {}}), SelectionMiss::kNone);
  EXPECT_TRUE(Names(dev_.id).empty());
  EXPECT_EQ(Names(other_.id), (std::vector<std::string>{"theirs"}));
}

TEST_F(SqliteApplicationsTest, DeleteIsAllOrNothingAndScopedByAccount) {
  const Application mine = Create("mine");
  const Application theirs = Create("theirs", other_.id);
  EXPECT_EQ(store_->DeleteApplications(dev_.id, {false, {mine.id, theirs.id}, {}}), SelectionMiss::kId);
  EXPECT_EQ(store_->DeleteApplications(dev_.id, {false, {mine.id}, {"theirs"}}), SelectionMiss::kName);
  EXPECT_EQ(store_->DeleteApplications(dev_.id, {true, {987654}, {}}), SelectionMiss::kId);
  EXPECT_EQ(store_->DeleteApplications(dev_.id, {false, {}, {""}}), SelectionMiss::kName);
  EXPECT_EQ(Names(dev_.id), (std::vector<std::string>{"mine"}));
  EXPECT_EQ(Names(other_.id), (std::vector<std::string>{"theirs"}));
}

TEST_F(SqliteApplicationsTest, ConcurrentDeletesOfOneApplicationSucceedOnce) {
  const Application app = Create("once");
  std::atomic<int> deleted = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      if (store_->DeleteApplications(dev_.id, {false, {app.id}, {}}) == SelectionMiss::kNone) ++deleted;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(deleted.load(), 1);
}

TEST_F(SqliteApplicationsTest, WritesToADeletedApplicationAreRefused) {
  const Application app = Create("gone");
  EXPECT_TRUE(store_->ApplicationExists(app.id));
  store_->DeleteApplications(dev_.id, {false, {app.id}, {}});
  EXPECT_FALSE(store_->ApplicationExists(app.id));
  EXPECT_THROW(store_->PutKvItem(app.id, {"k", "v", 5000}), ApplicationGone);
  EXPECT_THROW(store_->DeleteKvItem(app.id, "k", 1000), ApplicationGone);
  EXPECT_THROW(store_->EnsureDataKey(app.id, "wrapped"), ApplicationGone);
  EXPECT_THROW(store_->AddSecret(app.id, "s", 1000,
                                 [](int64_t) { return SealedSecretFields{"sealed", std::nullopt}; }),
               ApplicationGone);
  EXPECT_THROW(store_->ReviseSecret(app.id, {1, ""},
                                    [](const SecretRecord&) { return std::optional<SecretRecord>(); }),
               ApplicationGone);
  EXPECT_THROW(store_->DeleteSecrets(app.id, {true, {}, {}}), ApplicationGone);
  EXPECT_EQ(store_->GetKvItem(app.id, "k", 1000), std::nullopt);
}

}  // namespace
}  // namespace coffer::store::sqlite
