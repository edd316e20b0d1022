#include "service/applications.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "store/open.hpp"
#include "support/fake_clock.hpp"
#include "support/store_outcomes.hpp"
#include "support/temp_dir.hpp"

namespace coffer::service {
namespace {

using Names = std::vector<std::string>;
using store::Outcome;

store::ServiceKey KeyNamed(std::string id) {
  store::ServiceKey key;
  key.key_id = std::move(id);
  key.public_key_pem = "unused";
  return key;
}

class ApplicationsTest : public ::testing::Test {
 protected:
  ApplicationsTest()
      : store_(store::Open({.sqlite_path = dir_.File("coffer.db")})),
        applications_(store_->applications(), clock_, ApplicationsOptions{}) {
    auto& accounts = store_->accounts();
    const auto dev = accounts.Create("dev", "dev@localhost", 1, KeyNamed("k-dev")).value();
    const auto other = accounts.Create("other", "other@localhost", 1, KeyNamed("k-other")).value();
    dev_ = AccountRef{dev.id, dev.name};
    other_ = AccountRef{other.id, other.name};
  }

  // Adds `name` (short or full) through CheckNewName, as the API does.
  store::Result<store::Application> TryAdd(const std::string& name,
                                           const AccountRef* account = nullptr,
                                           Applications* applications = nullptr) {
    const AccountRef& owner = account ? *account : dev_;
    Applications& service = applications ? *applications : applications_;
    const auto short_name = service.CheckNewName(owner, name);
    EXPECT_TRUE(short_name) << name;
    return service.Add(owner, short_name.value_or(""), false);
  }

  store::Application Add(const std::string& name, const AccountRef* account = nullptr) {
    return TryAdd(name, account).value();
  }

  store::Result<store::Application> Rename(const store::Application& app, const std::string& name,
                                           std::optional<bool> secure = std::nullopt) {
    return applications_.Update(dev_, app, applications_.CheckNewName(dev_, name), secure);
  }

  Names ShortNames(const AccountRef& account) {
    Names names;
    for (const auto& app : store_->applications().List(account.id)) {
      names.push_back(app.short_name);
    }
    return names;
  }

  testing_support::TempDir dir_;
  testing_support::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  Applications applications_;
  AccountRef dev_;
  AccountRef other_;
};

TEST_F(ApplicationsTest, FullNameUsesAccountAndDomain) {
  const auto app = Add("myapp");
  EXPECT_EQ(applications_.FullName(dev_, app), "myapp.dev.voximplant.com");
  Applications custom(store_->applications(), clock_, ApplicationsOptions{.domain = "example.org"});
  EXPECT_EQ(custom.FullName(dev_, app), "myapp.dev.example.org");
}

TEST_F(ApplicationsTest, FindByIdIsScopedByAccount) {
  const auto mine = Add("myapp");
  const auto theirs = Add("theirs", &other_);
  EXPECT_EQ(applications_.FindById(dev_, mine.id)->short_name, "myapp");
  EXPECT_EQ(applications_.FindById(dev_, theirs.id), std::nullopt);
  EXPECT_EQ(applications_.FindById(dev_, mine.id + 1000), std::nullopt);
}

TEST_F(ApplicationsTest, FindByFullOrShortNameIgnoringCase) {
  const auto app = Add("myapp");
  Add("theirs", &other_);
  for (const std::string name :
       {"myapp", "MyApp", "MYAPP", "myapp.dev.voximplant.com", "MyApp.Dev.VoxImplant.COM"}) {
    EXPECT_EQ(applications_.FindByName(dev_, name)->id, app.id) << name;
  }
  for (const std::string name :
       {"nothing", "theirs", "theirs.other.voximplant.com", "myapp.other.voximplant.com",
        "myapp.dev.example.com", "my_app", "myapp.dev"}) {
    EXPECT_EQ(applications_.FindByName(dev_, name), std::nullopt) << name;
  }
}

TEST_F(ApplicationsTest, AddStoresShortNameFlagAndTime) {
  const auto app = applications_.Add(dev_, "myapp", true).value();
  EXPECT_EQ(app.short_name, "myapp");
  EXPECT_EQ(app.account_id, dev_.id);
  EXPECT_TRUE(app.secure_record_storage);
  EXPECT_EQ(app.modified, clock_.NowSeconds());
  const auto stored = store_->applications().Find(dev_.id, app.id);
  ASSERT_TRUE(stored);
  EXPECT_TRUE(stored->secure_record_storage);
}

TEST_F(ApplicationsTest, AddAcceptsFullNamesWithASuffixInAnyCase) {
  EXPECT_EQ(Add("full-one.dev.voximplant.com").short_name, "full-one");
  EXPECT_EQ(Add("lower.DEV.VOXIMPLANT.COM").short_name, "lower");
}

TEST_F(ApplicationsTest, CheckNewNameGivesTheShortName) {
  EXPECT_EQ(applications_.CheckNewName(dev_, "myapp"), "myapp");
  EXPECT_EQ(applications_.CheckNewName(dev_, "myapp.Dev.voximplant.com"), "myapp");
  EXPECT_EQ(applications_.CheckNewName(dev_, "MyApp"), std::nullopt);
  EXPECT_EQ(applications_.CheckNewName(other_, "myapp.dev.voximplant.com"), std::nullopt);
  EXPECT_TRUE(ShortNames(dev_).empty());  // checks only
}

TEST_F(ApplicationsTest, CheckNewNameRefusesBadNames) {
  for (const std::string& name :
       Names{"", "a", "1app", "-app", "my_app", "my app", "my.app", "MyApp",
             "UPPER.dev.voximplant.com", "app.other.voximplant.com", "app.dev.example.com",
             "a" + std::string(65, 'b'), "\xD0\xB0pp"}) {
    EXPECT_EQ(applications_.CheckNewName(dev_, name), std::nullopt) << "'" << name << "'";
  }
  EXPECT_TRUE(ShortNames(dev_).empty());
}

TEST_F(ApplicationsTest, AddRefusesTakenNamesAsConflicts) {
  Add("myapp");
  for (const std::string name : {"myapp", "myapp.dev.voximplant.com", "myapp.DEV.voximplant.com"}) {
    EXPECT_EQ(TryAdd(name).outcome(), Outcome::kConflict) << name;
  }
  EXPECT_EQ(ShortNames(dev_), Names{"myapp"});
  EXPECT_TRUE(TryAdd("myapp", &other_).ok());  // another account may use it
}

TEST_F(ApplicationsTest, AddHonoursMaxPerAccount) {
  Applications limited(store_->applications(), clock_, ApplicationsOptions{.max_per_account = 2});
  EXPECT_TRUE(TryAdd("one", &dev_, &limited).ok());
  EXPECT_TRUE(TryAdd("two", &dev_, &limited).ok());
  EXPECT_EQ(TryAdd("three", &dev_, &limited).outcome(), Outcome::kLimitExceeded);
  EXPECT_TRUE(TryAdd("three", &other_, &limited).ok());
  EXPECT_EQ(ShortNames(dev_), (Names{"one", "two"}));
}

TEST_F(ApplicationsTest, ListOrdersByIdAndCountsBeforePaging) {
  for (const char* name : {"echo", "alpha", "delta", "charlie", "bravo"}) Add(name);
  Add("foreign", &other_);

  auto page = applications_.List(dev_, std::nullopt, std::nullopt, 20, 0);
  EXPECT_EQ(page.total_count, 5);
  ASSERT_EQ(page.items.size(), 5u);
  for (std::size_t i = 1; i < page.items.size(); ++i) {
    EXPECT_LT(page.items[i - 1].id, page.items[i].id);
  }
  EXPECT_EQ(page.items[0].short_name, "echo");

  page = applications_.List(dev_, std::nullopt, std::nullopt, 2, 1);
  EXPECT_EQ(page.total_count, 5);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].short_name, "alpha");
  EXPECT_EQ(page.items[1].short_name, "delta");

  page = applications_.List(dev_, std::nullopt, std::nullopt, 2, 4);
  EXPECT_EQ(page.total_count, 5);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].short_name, "bravo");

  page = applications_.List(dev_, std::nullopt, std::nullopt, 20, 50);
  EXPECT_EQ(page.total_count, 5);
  EXPECT_TRUE(page.items.empty());
}

TEST_F(ApplicationsTest, ListFiltersById) {
  const auto a = Add("alpha");
  Add("bravo");
  const auto foreign = Add("foreign", &other_);
  auto page = applications_.List(dev_, a.id, std::nullopt, 20, 0);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].id, a.id);
  EXPECT_EQ(page.total_count, 1);
  page = applications_.List(dev_, foreign.id, std::nullopt, 20, 0);
  EXPECT_TRUE(page.items.empty());
  EXPECT_EQ(page.total_count, 0);
  EXPECT_TRUE(applications_.List(dev_, 987654, std::nullopt, 20, 0).items.empty());
}

TEST_F(ApplicationsTest, ListFiltersByFullNamePartIgnoringCase) {
  Add("voxengine-ci");
  Add("billing");
  Add("ci-runner");
  Add("voxengine-ci", &other_);
  const auto names = [&](const std::string& part) {
    Names out;
    for (const auto& app : applications_.List(dev_, std::nullopt, part, 20, 0).items) {
      out.push_back(app.short_name);
    }
    return out;
  };
  EXPECT_EQ(names("ci"), (Names{"voxengine-ci", "ci-runner"}));
  EXPECT_EQ(names("VoxEngine"), Names{"voxengine-ci"});
  EXPECT_EQ(names("BILLING.DEV.voximplant"), Names{"billing"});
  EXPECT_EQ(names(".dev.voximplant.com"), (Names{"voxengine-ci", "billing", "ci-runner"}));
  EXPECT_TRUE(names("other").empty());
  EXPECT_TRUE(names("zzz").empty());
  const auto page = applications_.List(dev_, std::nullopt, std::string("ci"), 1, 0);
  EXPECT_EQ(page.total_count, 2);
  EXPECT_EQ(page.items.size(), 1u);
}

TEST_F(ApplicationsTest, UpdateRenamesAndMovesModified) {
  const auto app = Add("before");
  clock_.Advance(100);
  const auto updated = Rename(app, "after").value();
  EXPECT_EQ(updated.short_name, "after");
  EXPECT_EQ(updated.modified, clock_.NowSeconds());
  EXPECT_FALSE(updated.secure_record_storage);
  const auto stored = store_->applications().Find(dev_.id, app.id);
  EXPECT_EQ(stored->short_name, "after");
  EXPECT_EQ(stored->modified, clock_.NowSeconds());
}

TEST_F(ApplicationsTest, UpdateAcceptsAFullNameAndItsOwnName) {
  const auto app = Add("myapp");
  EXPECT_EQ(Rename(app, "renamed.dev.voximplant.com").value().short_name, "renamed");
  const auto again = *store_->applications().Find(dev_.id, app.id);
  EXPECT_EQ(Rename(again, "renamed").value().short_name, "renamed");
  EXPECT_EQ(applications_.CheckNewName(dev_, "RENAMED"), std::nullopt);
}

TEST_F(ApplicationsTest, UpdateSetsTheFlagOnly) {
  const auto app = Add("myapp");
  clock_.Advance(5);
  const auto updated = applications_.Update(dev_, app, std::nullopt, true).value();
  EXPECT_TRUE(updated.secure_record_storage);
  EXPECT_EQ(updated.short_name, "myapp");
  EXPECT_EQ(updated.modified, clock_.NowSeconds());
  EXPECT_TRUE(store_->applications().Find(dev_.id, app.id)->secure_record_storage);
}

TEST_F(ApplicationsTest, UpdateToATakenNameIsAConflictAndChangesNothing) {
  Add("taken");
  const auto app = Add("mine");
  Add("free", &other_);
  clock_.Advance(100);
  EXPECT_EQ(Rename(app, "taken", true).outcome(), Outcome::kConflict);
  EXPECT_EQ(Rename(app, "taken.dev.voximplant.com", true).outcome(), Outcome::kConflict);
  EXPECT_EQ(applications_.CheckNewName(dev_, "bad_name"), std::nullopt);
  EXPECT_EQ(applications_.CheckNewName(dev_, "x"), std::nullopt);
  const auto stored = store_->applications().Find(dev_.id, app.id);
  EXPECT_EQ(stored->short_name, "mine");
  EXPECT_FALSE(stored->secure_record_storage);
  EXPECT_EQ(stored->modified, app.modified);
  EXPECT_EQ(Rename(app, "free").value().short_name, "free");
}

TEST_F(ApplicationsTest, UpdateOfADeletedApplicationSaysItIsGone) {
  const auto app = Add("doomed");
  ASSERT_EQ(applications_.Delete(dev_, {false, {app.id}, {}}), store::kDeleted);
  EXPECT_EQ(applications_.Update(dev_, app, std::nullopt, true).outcome(),
            Outcome::kApplicationGone);
}

TEST_F(ApplicationsTest, DeleteByIds) {
  const auto a = Add("alpha");
  const auto b = Add("bravo");
  Add("charlie");
  EXPECT_EQ(applications_.Delete(dev_, {false, {a.id, b.id}, {}}), store::kDeleted);
  EXPECT_EQ(ShortNames(dev_), Names{"charlie"});
}

TEST_F(ApplicationsTest, DeleteAllTouchesOnlyTheCallersAccount) {
  Add("alpha");
  Add("bravo");
  Add("foreign", &other_);
  EXPECT_EQ(applications_.Delete(dev_, {true, {}, {}}), store::kDeleted);
  EXPECT_TRUE(ShortNames(dev_).empty());
  EXPECT_EQ(ShortNames(other_), Names{"foreign"});
  EXPECT_EQ(applications_.Delete(dev_, {true, {}, {}}), store::kDeleted);  // none left
}

TEST_F(ApplicationsTest, DeleteByShortOrFullNamesInAnyCase) {
  Add("alpha");
  Add("bravo");
  Add("charlie");
  EXPECT_EQ(applications_.Delete(dev_, {false, {}, {"ALPHA", "charlie.dev.voximplant.com"}}),
            store::kDeleted);
  EXPECT_EQ(ShortNames(dev_), Names{"bravo"});
}

TEST_F(ApplicationsTest, DeleteUnionOfIdsAndNames) {
  const auto a = Add("alpha");
  Add("bravo");
  Add("charlie");
  EXPECT_EQ(applications_.Delete(dev_, {false, {a.id}, {"bravo", "alpha"}}), store::kDeleted);
  EXPECT_EQ(ShortNames(dev_), Names{"charlie"});
}

TEST_F(ApplicationsTest, DeleteWithAnUnknownIdDeletesNothing) {
  const auto a = Add("alpha");
  const auto foreign = Add("foreign", &other_);
  EXPECT_EQ(applications_.Delete(dev_, {false, {a.id, 987654}, {}}), store::kMissingId);
  EXPECT_EQ(applications_.Delete(dev_, {false, {a.id, foreign.id}, {}}), store::kMissingId);
  EXPECT_EQ(ShortNames(dev_), Names{"alpha"});
  EXPECT_EQ(ShortNames(other_), Names{"foreign"});
}

TEST_F(ApplicationsTest, DeleteWithAnUnknownNameDeletesNothing) {
  const auto a = Add("alpha");
  Add("bravo");
  Add("foreign", &other_);
  EXPECT_EQ(applications_.Delete(dev_, {false, {}, {"alpha", "nothing"}}), store::kMissingName);
  EXPECT_EQ(applications_.Delete(dev_, {false, {}, {"alpha", "foreign"}}), store::kMissingName);
  EXPECT_EQ(applications_.Delete(dev_, {false, {a.id}, {"nothing"}}), store::kMissingName);
  EXPECT_EQ(applications_.Delete(dev_, {true, {}, {"nothing"}}), store::kMissingName);
  EXPECT_EQ(applications_.Delete(dev_, {false, {}, {"my_app"}}), store::kMissingName)
      << "a name no application can have matches nothing";
  EXPECT_EQ(ShortNames(dev_), (Names{"alpha", "bravo"}));
  EXPECT_EQ(ShortNames(other_), Names{"foreign"});
}

}  // namespace
}  // namespace coffer::service
