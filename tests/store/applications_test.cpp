// ApplicationStore conformance, on every backend.

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "conformance.hpp"

namespace coffer::store {
namespace {

class ApplicationsTest : public StoreConformanceTest {
 protected:
  ApplicationsTest() : dev_(MakeAccount("dev")), other_(MakeAccount("other")) {}

  Result<Application> TryCreate(const std::string& name, int64_t account_id = 0, int64_t max = 0) {
    return applications().Create(account_id == 0 ? dev_.id : account_id, name, false, 1000, max);
  }

  Application Create(const std::string& name, int64_t account_id = 0) {
    auto created = TryCreate(name, account_id);
    EXPECT_TRUE(created.ok()) << name;
    return created.value();
  }

  SelectionOutcome Delete(int64_t account_id, const ApplicationSelection& selection) {
    return applications().Delete(account_id, selection);
  }

  std::vector<std::string> Names(int64_t account_id) {
    std::vector<std::string> names;
    for (const auto& app : applications().List(account_id)) names.push_back(app.short_name);
    return names;
  }

  Account dev_;
  Account other_;
};

TEST_P(ApplicationsTest, CreateAndFind) {
  const Application app = applications().Create(dev_.id, "myapp", true, 1'715'350'955, 0).value();
  EXPECT_GE(app.id, 1);
  EXPECT_EQ(app.account_id, dev_.id);
  EXPECT_EQ(app.short_name, "myapp");
  EXPECT_TRUE(app.secure_record_storage);
  EXPECT_EQ(app.modified, 1'715'350'955);

  const auto by_id = applications().Find(dev_.id, app.id);
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->id, app.id);
  EXPECT_EQ(by_id->short_name, "myapp");
  EXPECT_TRUE(by_id->secure_record_storage);
  EXPECT_EQ(by_id->modified, 1'715'350'955);

  const auto by_name = applications().FindByShortName(dev_.id, "myapp");
  ASSERT_TRUE(by_name);
  EXPECT_EQ(by_name->id, app.id);
}

TEST_P(ApplicationsTest, AnotherAccountsApplicationIsInvisible) {
  const Application app = Create("private");
  EXPECT_EQ(applications().Find(other_.id, app.id), std::nullopt);
  EXPECT_EQ(applications().FindByShortName(other_.id, "private"), std::nullopt);
  EXPECT_TRUE(applications().List(other_.id).empty());
  EXPECT_EQ(applications().Find(dev_.id, app.id + 1), std::nullopt);
  EXPECT_EQ(applications().FindByShortName(dev_.id, "missing"), std::nullopt);
}

TEST_P(ApplicationsTest, ListIsOrderedById) {
  const Application c = Create("charlie");
  const Application a = Create("alpha");
  const Application b = Create("bravo");
  Create("elsewhere", other_.id);
  const auto list = applications().List(dev_.id);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].id, c.id);
  EXPECT_EQ(list[1].id, a.id);
  EXPECT_EQ(list[2].id, b.id);
  EXPECT_LT(list[0].id, list[1].id);
  EXPECT_LT(list[1].id, list[2].id);
}

TEST_P(ApplicationsTest, DuplicateNameInAccountConflicts) {
  Create("myapp");
  EXPECT_EQ(TryCreate("myapp").outcome(), Outcome::kConflict);
  EXPECT_EQ(Names(dev_.id), (std::vector<std::string>{"myapp"}));
}

TEST_P(ApplicationsTest, SameNameInTwoAccountsIsFine) {
  const Application mine = Create("shared");
  const Application theirs = Create("shared", other_.id);
  EXPECT_NE(mine.id, theirs.id);
  EXPECT_EQ(applications().FindByShortName(dev_.id, "shared")->id, mine.id);
  EXPECT_EQ(applications().FindByShortName(other_.id, "shared")->id, theirs.id);
}

TEST_P(ApplicationsTest, MaxPerAccountIsEnforcedPerAccount) {
  EXPECT_TRUE(TryCreate("one", dev_.id, 2).ok());
  EXPECT_TRUE(TryCreate("two", dev_.id, 2).ok());
  EXPECT_EQ(TryCreate("three", dev_.id, 2).outcome(), Outcome::kLimitExceeded);
  EXPECT_EQ(Names(dev_.id).size(), 2u);
  EXPECT_TRUE(TryCreate("three", other_.id, 2).ok());  // another account has room
  EXPECT_TRUE(TryCreate("three", dev_.id, 0).ok());    // 0 = unlimited
  EXPECT_TRUE(TryCreate("four", dev_.id, 4).ok());
}

TEST_P(ApplicationsTest, UpdateWritesNameFlagAndModified) {
  const Application app = Create("before");
  const auto updated = applications().Update(dev_.id, app.id, {"after", true, 2000});
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->short_name, "after");
  EXPECT_TRUE(updated->secure_record_storage);
  EXPECT_EQ(updated->modified, 2000);
  const auto found = applications().Find(dev_.id, app.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->short_name, "after");
  EXPECT_TRUE(found->secure_record_storage);
  EXPECT_EQ(found->modified, 2000);
  EXPECT_EQ(applications().FindByShortName(dev_.id, "before"), std::nullopt);
}

TEST_P(ApplicationsTest, UpdateKeepsAbsentFieldsAsTheyAreInTheRow) {
  const Application app = Create("name");
  ASSERT_TRUE(applications().Update(dev_.id, app.id, {std::nullopt, true, 2000}).ok());
  const auto renamed = applications().Update(dev_.id, app.id, {"renamed", std::nullopt, 3000});
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->short_name, "renamed");
  EXPECT_TRUE(renamed->secure_record_storage) << "the flag set by the earlier update stays";
  EXPECT_EQ(renamed->modified, 3000);
}

TEST_P(ApplicationsTest, UpdateToItsOwnNameIsFine) {
  const Application app = Create("same");
  EXPECT_TRUE(applications().Update(dev_.id, app.id, {"same", std::nullopt, 3000}).ok());
  EXPECT_EQ(applications().Find(dev_.id, app.id)->modified, 3000);
}

TEST_P(ApplicationsTest, UpdateToATakenNameConflictsAndChangesNothing) {
  Create("taken");
  const Application app = Create("mine");
  Create("free-elsewhere", other_.id);
  EXPECT_EQ(applications().Update(dev_.id, app.id, {"taken", true, 5000}).outcome(),
            Outcome::kConflict);
  const auto found = applications().Find(dev_.id, app.id);
  EXPECT_EQ(found->short_name, "mine");
  EXPECT_FALSE(found->secure_record_storage);
  EXPECT_EQ(found->modified, 1000);
  // A name used only by another account is free here.
  EXPECT_TRUE(applications().Update(dev_.id, app.id, {"free-elsewhere", std::nullopt, 6000}).ok());
}

TEST_P(ApplicationsTest, UpdateOfAMissingOrForeignApplicationFindsNothing) {
  const Application theirs = Create("theirs", other_.id);
  EXPECT_EQ(applications().Update(dev_.id, theirs.id, {"hijacked", true, 2000}).outcome(),
            Outcome::kNotFound);
  EXPECT_EQ(applications().Find(other_.id, theirs.id)->short_name, "theirs");
  EXPECT_EQ(applications().Update(dev_.id, theirs.id + 100, {"x", std::nullopt, 2000}).outcome(),
            Outcome::kNotFound);
}

TEST_P(ApplicationsTest, IdsAreNeverReused) {
  const Application a = Create("a1");
  const Application b = Create("b1");
  ASSERT_EQ(Delete(dev_.id, {false, {b.id}, {}}), kDeleted);
  const Application c = Create("c1");
  EXPECT_GT(c.id, b.id);
  ASSERT_EQ(Delete(dev_.id, {false, {a.id, c.id}, {}}), kDeleted);
  Reopen();
  const Application d = Create("d1");
  EXPECT_GT(d.id, c.id);
  const Application e = Create("b1");  // the name is free again, the id is not
  EXPECT_GT(e.id, d.id);
}

TEST_P(ApplicationsTest, DeleteIsTheUnionOfIdsAndNames) {
  const Application a = Create("a1");
  const Application b = Create("b1");
  Create("c1");
  EXPECT_EQ(Delete(dev_.id, {false, {a.id}, {"a1", "c1"}}), kDeleted);
  EXPECT_EQ(Names(dev_.id), (std::vector<std::string>{"b1"}));
  EXPECT_TRUE(applications().Find(dev_.id, b.id));
}

TEST_P(ApplicationsTest, DeleteAllIsScopedByAccount) {
  Create("a1");
  Create("b1");
  Create("theirs", other_.id);
  EXPECT_EQ(Delete(dev_.id, {true, {}, {}}), kDeleted);
  EXPECT_TRUE(Names(dev_.id).empty());
  EXPECT_EQ(Names(other_.id), (std::vector<std::string>{"theirs"}));
}

TEST_P(ApplicationsTest, DeleteIsAllOrNothingAndScopedByAccount) {
  const Application mine = Create("mine");
  const Application theirs = Create("theirs", other_.id);
  EXPECT_EQ(Delete(dev_.id, {false, {mine.id, theirs.id}, {}}), kMissingId);
  EXPECT_EQ(Delete(dev_.id, {false, {mine.id}, {"theirs"}}), kMissingName);
  EXPECT_EQ(Delete(dev_.id, {true, {987654}, {}}), kMissingId);
  EXPECT_EQ(Delete(dev_.id, {false, {}, {""}}), kMissingName);
  EXPECT_EQ(Names(dev_.id), (std::vector<std::string>{"mine"}));
  EXPECT_EQ(Names(other_.id), (std::vector<std::string>{"theirs"}));
}

TEST_P(ApplicationsTest, ConcurrentDeletesOfOneApplicationSucceedOnce) {
  const Application app = Create("once");
  std::atomic<int> deleted = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      if (Delete(dev_.id, {false, {app.id}, {}}) == kDeleted) ++deleted;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(deleted.load(), 1);
}

TEST_P(ApplicationsTest, CallsOnADeletedApplicationAreRefused) {
  const Application app = Create("gone");
  EXPECT_EQ(key_value().Get(app.id, "k", 1000).outcome(), Outcome::kNotFound);
  ASSERT_EQ(Delete(dev_.id, {false, {app.id}, {}}), kDeleted);
  EXPECT_EQ(applications().Find(dev_.id, app.id), std::nullopt);
  EXPECT_EQ(key_value().Put(app.id, {"k", "v", 5000}), Outcome::kApplicationGone);
  EXPECT_EQ(key_value().Delete(app.id, "k", 1000), Outcome::kApplicationGone);
  EXPECT_EQ(secrets().EnsureDataKey(app.id, "wrapped").outcome(), Outcome::kApplicationGone);
  EXPECT_EQ(secrets()
                .Add(app.id, "s", 1000,
                     [](int64_t) {
                       return SealedSecretFields{"sealed", std::nullopt};
                     })
                .outcome(),
            Outcome::kApplicationGone);
  EXPECT_EQ(secrets().Revise(app.id, {1, ""},
                             [](const SecretRecord&) { return std::optional<SecretRecord>(); }),
            Outcome::kApplicationGone);
  EXPECT_EQ(secrets().Delete(app.id, {true, {}, {}}).outcome, Outcome::kApplicationGone);
  // Reads that find nothing say why.
  EXPECT_EQ(key_value().Get(app.id, "k", 1000).outcome(), Outcome::kApplicationGone);
  EXPECT_EQ(key_value().List(app.id, "", 1000, 0, 10, true).outcome(), Outcome::kApplicationGone);
  EXPECT_EQ(secrets().GetDataKey(app.id).outcome(), Outcome::kApplicationGone);
  EXPECT_EQ(secrets().Find(app.id, {1, ""}).outcome(), Outcome::kApplicationGone);
  EXPECT_EQ(secrets().List(app.id, "", 0, 10).outcome(), Outcome::kApplicationGone);
}

TEST_P(ApplicationsTest, DeleteEverywhereEmptiesEveryAccountButKeepsAccountsAndKeys) {
  const Application web = Create("web");
  Create("api");
  const Application theirs = Create("theirs", other_.id);
  ASSERT_EQ(key_value().Put(web.id, {"k", "v", 5000}), Outcome::kOk);
  ASSERT_TRUE(secrets().EnsureDataKey(theirs.id, "wrapped").ok());
  ASSERT_TRUE(secrets()
                  .Add(theirs.id, "s", 1000,
                       [](int64_t) { return SealedSecretFields{"sealed", std::nullopt}; })
                  .ok());
  const auto other_store = OpenAnother();
  ASSERT_TRUE(other_store->applications().Find(dev_.id, web.id)) << "cached on another node";

  EXPECT_EQ(applications().DeleteEverywhere(), 3);
  EXPECT_TRUE(Names(dev_.id).empty());
  EXPECT_TRUE(Names(other_.id).empty());
  EXPECT_FALSE(other_store->applications().Find(dev_.id, web.id)) << "seen by every node";
  EXPECT_EQ(key_value().Get(web.id, "k", 1000).outcome(), Outcome::kApplicationGone);
  EXPECT_EQ(secrets().GetDataKey(theirs.id).outcome(), Outcome::kApplicationGone);
  EXPECT_TRUE(accounts().FindById(dev_.id)) << "accounts stay";
  EXPECT_TRUE(accounts().FindKey("dev-key")) << "and their keys";
  EXPECT_EQ(applications().DeleteEverywhere(), 0);
  EXPECT_GT(Create("web").id, theirs.id) << "ids are never reused";
}

INSTANTIATE_TEST_SUITE_P(Backends, ApplicationsTest, ::testing::ValuesIn(ConformanceBackends()),
                         BackendName);

}  // namespace
}  // namespace coffer::store
