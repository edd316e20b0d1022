// Applications of SqliteStore.

#include <gtest/gtest.h>

#include <string>
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
  Application app = Create("before");
  app.short_name = "after";
  app.secure_record_storage = true;
  app.modified = 2000;
  store_->UpdateApplication(app);
  const auto found = store_->FindApplication(dev_.id, app.id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->short_name, "after");
  EXPECT_TRUE(found->secure_record_storage);
  EXPECT_EQ(found->modified, 2000);
  EXPECT_EQ(store_->FindApplicationByShortName(dev_.id, "before"), std::nullopt);
}

TEST_F(SqliteApplicationsTest, UpdateToItsOwnNameIsFine) {
  Application app = Create("same");
  app.modified = 3000;
  EXPECT_NO_THROW(store_->UpdateApplication(app));
  EXPECT_EQ(store_->FindApplication(dev_.id, app.id)->modified, 3000);
}

TEST_F(SqliteApplicationsTest, UpdateToATakenNameConflictsAndChangesNothing) {
  Create("taken");
  Application app = Create("mine");
  Create("free-elsewhere", other_.id);
  app.short_name = "taken";
  app.secure_record_storage = true;
  app.modified = 5000;
  EXPECT_THROW(store_->UpdateApplication(app), Conflict);
  const auto found = store_->FindApplication(dev_.id, app.id);
  EXPECT_EQ(found->short_name, "mine");
  EXPECT_FALSE(found->secure_record_storage);
  EXPECT_EQ(found->modified, 1000);
  // A name used only by another account is free here.
  app.short_name = "free-elsewhere";
  EXPECT_NO_THROW(store_->UpdateApplication(app));
}

TEST_F(SqliteApplicationsTest, UpdateCannotTouchAnotherAccountsApplication) {
  const Application theirs = Create("theirs", other_.id);
  Application forged = theirs;
  forged.account_id = dev_.id;
  forged.short_name = "hijacked";
  store_->UpdateApplication(forged);
  EXPECT_EQ(store_->FindApplication(other_.id, theirs.id)->short_name, "theirs");
}

TEST_F(SqliteApplicationsTest, IdsAreNeverReused) {
  const Application a = Create("a1");
  const Application b = Create("b1");
  store_->DeleteApplications(dev_.id, {b.id});
  const Application c = Create("c1");
  EXPECT_GT(c.id, b.id);
  store_->DeleteApplications(dev_.id, {a.id, c.id});
  Reopen();
  const Application d = Create("d1");
  EXPECT_GT(d.id, c.id);
  const Application e = Create("b1");  // the name is free again, the id is not
  EXPECT_GT(e.id, d.id);
}

TEST_F(SqliteApplicationsTest, DeleteSeveralAtOnce) {
  const Application a = Create("a1");
  const Application b = Create("b1");
  const Application c = Create("c1");
  store_->DeleteApplications(dev_.id, {a.id, c.id});
  EXPECT_EQ(Names(dev_.id), (std::vector<std::string>{"b1"}));
  EXPECT_TRUE(store_->FindApplication(dev_.id, b.id));
}

TEST_F(SqliteApplicationsTest, DeleteIsScopedByAccount) {
  const Application mine = Create("mine");
  const Application theirs = Create("theirs", other_.id);
  store_->DeleteApplications(dev_.id, {mine.id, theirs.id});
  EXPECT_EQ(store_->FindApplication(dev_.id, mine.id), std::nullopt);
  ASSERT_TRUE(store_->FindApplication(other_.id, theirs.id));
  EXPECT_EQ(Names(other_.id), (std::vector<std::string>{"theirs"}));
}

TEST_F(SqliteApplicationsTest, DeleteOfNothingOrUnknownIdsIsHarmless) {
  Create("keep");
  EXPECT_NO_THROW(store_->DeleteApplications(dev_.id, {}));
  EXPECT_NO_THROW(store_->DeleteApplications(dev_.id, {987654}));
  EXPECT_EQ(Names(dev_.id), (std::vector<std::string>{"keep"}));
}

}  // namespace
}  // namespace coffer::store::sqlite
