#include "service/applications.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/api_error.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

namespace coffer::service {
namespace {

using common::ApiError;
using Names = std::vector<std::string>;
using OptString = std::optional<std::string>;

constexpr const char* kEitherParam = "application_id' or 'application_name";

store::ServiceKey KeyNamed(std::string id) {
  store::ServiceKey key;
  key.key_id = std::move(id);
  key.public_key_pem = "unused";
  return key;
}

// Runs `action`; returns the ApiError code and parameter it threw, or {0, ""}.
template <typename F>
std::pair<int, std::string> ErrorOf(F&& action) {
  try {
    action();
    return {0, ""};
  } catch (const ApiError& e) {
    return {static_cast<int>(e.code()), e.param()};
  }
}

class ApplicationsTest : public ::testing::Test {
 protected:
  ApplicationsTest()
      : store_(store::sqlite::SqliteOptions{.path = dir_.File("coffer.db")}),
        applications_(store_, clock_, ApplicationsOptions{}) {
    const auto dev = store_.CreateAccount("dev", "dev@localhost", 1, KeyNamed("k-dev"));
    const auto other = store_.CreateAccount("other", "other@localhost", 1, KeyNamed("k-other"));
    dev_ = AccountRef{dev.id, dev.name};
    other_ = AccountRef{other.id, other.name};
  }

  store::Application Add(const std::string& name, const AccountRef* account = nullptr) {
    return applications_.Add(account ? *account : dev_, name, false);
  }

  Names ShortNames(const AccountRef& account) {
    Names names;
    for (const auto& app : store_.ListApplications(account.id)) names.push_back(app.short_name);
    return names;
  }

  int ResolveCode(const OptString& id, const OptString& name) {
    return ErrorOf([&] { applications_.Resolve(dev_, id, name); }).first;
  }
  int DeleteCode(const OptString& ids, const OptString& names) {
    return ErrorOf([&] { applications_.Delete(dev_, ids, names); }).first;
  }

  testing_support::TempDir dir_;
  testing_support::FakeClock clock_;
  store::sqlite::SqliteStore store_;
  Applications applications_;
  AccountRef dev_;
  AccountRef other_;
};

TEST_F(ApplicationsTest, FullNameUsesAccountAndDomain) {
  const auto app = Add("myapp");
  EXPECT_EQ(applications_.FullName(dev_, app), "myapp.dev.voximplant.com");
  Applications custom(store_, clock_, ApplicationsOptions{.domain = "example.org"});
  EXPECT_EQ(custom.FullName(dev_, app), "myapp.dev.example.org");
}

TEST_F(ApplicationsTest, ResolveById) {
  const auto app = Add("myapp");
  EXPECT_EQ(applications_.Resolve(dev_, std::to_string(app.id), std::nullopt).id, app.id);
  // The id wins; the name is then ignored, even when it names nothing.
  const auto second = Add("second");
  EXPECT_EQ(applications_.Resolve(dev_, std::to_string(app.id), "second").id, app.id);
  EXPECT_EQ(applications_.Resolve(dev_, std::to_string(second.id), "nothing").id, second.id);
}

TEST_F(ApplicationsTest, ResolveTreatsIdZeroAsAbsent) {
  const auto app = Add("myapp");
  EXPECT_EQ(applications_.Resolve(dev_, "0", "myapp").id, app.id);
  const auto [code, param] = ErrorOf([&] { applications_.Resolve(dev_, "0", std::nullopt); });
  EXPECT_EQ(code, 485);
  EXPECT_EQ(param, kEitherParam);
}

TEST_F(ApplicationsTest, ResolveRejectsBadOrForeignIdsWith116) {
  const auto mine = Add("myapp");
  const auto theirs = Add("theirs", &other_);
  for (const std::string id :
       {"abc", "1.0", " 1", "1 ", "+1", "-1", "0x1", "1;2", "all", "99999999999999999999"}) {
    EXPECT_EQ(ResolveCode(id, "myapp"), 116) << "'" << id << "'";
  }
  EXPECT_EQ(ResolveCode(std::to_string(theirs.id), std::nullopt), 116);
  EXPECT_EQ(ResolveCode(std::to_string(theirs.id), "myapp"), 116);  // no fallback to the name
  EXPECT_EQ(ResolveCode(std::to_string(mine.id + 1000), std::nullopt), 116);
}

TEST_F(ApplicationsTest, ResolveByFullOrShortNameIgnoringCase) {
  const auto app = Add("myapp");
  for (const std::string name :
       {"myapp", "MyApp", "MYAPP", "myapp.dev.voximplant.com", "MyApp.Dev.VoxImplant.COM"}) {
    EXPECT_EQ(applications_.Resolve(dev_, std::nullopt, name).id, app.id) << name;
  }
}

TEST_F(ApplicationsTest, ResolveUnknownNameIs558) {
  Add("myapp");
  Add("theirs", &other_);
  for (const std::string name :
       {"nothing", "theirs", "theirs.other.voximplant.com", "myapp.other.voximplant.com",
        "myapp.dev.example.com", "my_app", "myapp.dev"}) {
    EXPECT_EQ(ResolveCode(std::nullopt, name), 558) << name;
  }
}

TEST_F(ApplicationsTest, ResolveWithNeitherIs485NamingBothParameters) {
  auto [code, param] = ErrorOf([&] { applications_.Resolve(dev_, std::nullopt, std::nullopt); });
  EXPECT_EQ(code, 485);
  EXPECT_EQ(param, kEitherParam);
  std::tie(code, param) = ErrorOf([&] {
    applications_.Resolve(dev_, std::nullopt, std::nullopt, "application_id",
                          "required_application_name");
  });
  EXPECT_EQ(code, 485);
  EXPECT_EQ(param, "application_id' or 'required_application_name");
}

TEST_F(ApplicationsTest, AddStoresShortNameFlagAndTime) {
  const auto app = applications_.Add(dev_, "myapp", true);
  EXPECT_EQ(app.short_name, "myapp");
  EXPECT_EQ(app.account_id, dev_.id);
  EXPECT_TRUE(app.secure_record_storage);
  EXPECT_EQ(app.modified, clock_.NowSeconds());
  const auto stored = store_.FindApplication(dev_.id, app.id);
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
  EXPECT_EQ(ErrorOf([&] { applications_.CheckNewName(dev_, "MyApp"); }).first, 107);
  EXPECT_EQ(ErrorOf([&] { applications_.CheckNewName(other_, "myapp.dev.voximplant.com"); }).first,
            107);
  EXPECT_TRUE(ShortNames(dev_).empty());  // checks only
}

TEST_F(ApplicationsTest, AddRejectsBadNamesWith107) {
  for (const std::string& name :
       Names{"", "a", "1app", "-app", "my_app", "my app", "my.app", "MyApp",
             "UPPER.dev.voximplant.com", "app.other.voximplant.com", "app.dev.example.com",
             "a" + std::string(65, 'b'), "\xD0\xB0pp"}) {
    EXPECT_EQ(ErrorOf([&] { Add(name); }).first, 107) << "'" << name << "'";
  }
  EXPECT_TRUE(ShortNames(dev_).empty());
}

TEST_F(ApplicationsTest, AddRejectsTakenNamesWith129) {
  Add("myapp");
  for (const std::string name : {"myapp", "myapp.dev.voximplant.com", "myapp.DEV.voximplant.com"}) {
    EXPECT_EQ(ErrorOf([&] { Add(name); }).first, 129) << name;
  }
  EXPECT_EQ(ShortNames(dev_), Names{"myapp"});
  EXPECT_NO_THROW(Add("myapp", &other_));  // another account may use it
}

TEST_F(ApplicationsTest, AddHonoursMaxPerAccountWith108) {
  Applications limited(store_, clock_, ApplicationsOptions{.max_per_account = 2});
  limited.Add(dev_, "one", false);
  limited.Add(dev_, "two", false);
  EXPECT_EQ(ErrorOf([&] { limited.Add(dev_, "three", false); }).first, 108);
  EXPECT_NO_THROW(limited.Add(other_, "three", false));
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
  const auto updated = applications_.Update(dev_, app, std::string("after"), std::nullopt);
  EXPECT_EQ(updated.short_name, "after");
  EXPECT_EQ(updated.modified, clock_.NowSeconds());
  EXPECT_FALSE(updated.secure_record_storage);
  const auto stored = store_.FindApplication(dev_.id, app.id);
  EXPECT_EQ(stored->short_name, "after");
  EXPECT_EQ(stored->modified, clock_.NowSeconds());
}

TEST_F(ApplicationsTest, UpdateAcceptsAFullNameAndItsOwnName) {
  const auto app = Add("myapp");
  EXPECT_EQ(applications_.Update(dev_, app, std::string("renamed.dev.voximplant.com"), std::nullopt)
                .short_name,
            "renamed");
  const auto again = *store_.FindApplication(dev_.id, app.id);
  EXPECT_EQ(applications_.Update(dev_, again, std::string("renamed"), std::nullopt).short_name,
            "renamed");
  EXPECT_EQ(ErrorOf([&] { applications_.Update(dev_, again, std::string("RENAMED"), true); }).first,
            107);
}

TEST_F(ApplicationsTest, UpdateSetsTheFlagOnly) {
  const auto app = Add("myapp");
  clock_.Advance(5);
  const auto updated = applications_.Update(dev_, app, std::nullopt, true);
  EXPECT_TRUE(updated.secure_record_storage);
  EXPECT_EQ(updated.short_name, "myapp");
  EXPECT_EQ(updated.modified, clock_.NowSeconds());
  EXPECT_TRUE(store_.FindApplication(dev_.id, app.id)->secure_record_storage);
}

TEST_F(ApplicationsTest, UpdateRejectsBadAndTakenNamesAndChangesNothing) {
  Add("taken");
  const auto app = Add("mine");
  Add("free", &other_);
  clock_.Advance(100);
  EXPECT_EQ(ErrorOf([&] { applications_.Update(dev_, app, std::string("taken"), true); }).first,
            129);
  EXPECT_EQ(ErrorOf([&] {
              applications_.Update(dev_, app, std::string("taken.dev.voximplant.com"), true);
            }).first,
            129);
  EXPECT_EQ(ErrorOf([&] { applications_.Update(dev_, app, std::string("bad_name"), true); }).first,
            107);
  EXPECT_EQ(ErrorOf([&] { applications_.Update(dev_, app, std::string("x"), true); }).first, 107);
  const auto stored = store_.FindApplication(dev_.id, app.id);
  EXPECT_EQ(stored->short_name, "mine");
  EXPECT_FALSE(stored->secure_record_storage);
  EXPECT_EQ(stored->modified, app.modified);
  EXPECT_EQ(applications_.Update(dev_, app, std::string("free"), std::nullopt).short_name, "free");
}

TEST_F(ApplicationsTest, DeleteByIds) {
  const auto a = Add("alpha");
  const auto b = Add("bravo");
  Add("charlie");
  applications_.Delete(dev_, std::to_string(a.id) + ";" + std::to_string(b.id), std::nullopt);
  EXPECT_EQ(ShortNames(dev_), Names{"charlie"});
}

TEST_F(ApplicationsTest, DeleteAllTouchesOnlyTheCallersAccount) {
  Add("alpha");
  Add("bravo");
  Add("foreign", &other_);
  applications_.Delete(dev_, std::string("all"), std::nullopt);
  EXPECT_TRUE(ShortNames(dev_).empty());
  EXPECT_EQ(ShortNames(other_), Names{"foreign"});
  EXPECT_NO_THROW(applications_.Delete(dev_, std::string("all"), std::nullopt));  // none left
}

TEST_F(ApplicationsTest, DeleteByNames) {
  Add("alpha");
  Add("bravo");
  Add("charlie");
  applications_.Delete(dev_, std::nullopt, std::string("ALPHA;charlie.dev.voximplant.com"));
  EXPECT_EQ(ShortNames(dev_), Names{"bravo"});
}

TEST_F(ApplicationsTest, DeleteUnionOfIdsAndNames) {
  const auto a = Add("alpha");
  Add("bravo");
  Add("charlie");
  applications_.Delete(dev_, std::to_string(a.id), std::string("bravo;alpha"));
  EXPECT_EQ(ShortNames(dev_), Names{"charlie"});
}

TEST_F(ApplicationsTest, DeleteWithAnUnknownIdDeletesNothing) {
  const auto a = Add("alpha");
  const auto foreign = Add("foreign", &other_);
  EXPECT_EQ(DeleteCode(std::to_string(a.id) + ";987654", std::nullopt), 116);
  EXPECT_EQ(DeleteCode(std::to_string(a.id) + ";" + std::to_string(foreign.id), std::nullopt), 116);
  EXPECT_EQ(ShortNames(dev_), Names{"alpha"});
  EXPECT_EQ(ShortNames(other_), Names{"foreign"});
}

TEST_F(ApplicationsTest, DeleteWithAnUnknownNameDeletesNothing) {
  const auto a = Add("alpha");
  Add("bravo");
  Add("foreign", &other_);
  EXPECT_EQ(DeleteCode(std::nullopt, std::string("alpha;nothing")), 558);
  EXPECT_EQ(DeleteCode(std::nullopt, std::string("alpha;foreign")), 558);
  EXPECT_EQ(DeleteCode(std::to_string(a.id), std::string("nothing")), 558);
  EXPECT_EQ(DeleteCode(std::string("all"), std::string("nothing")), 558);
  EXPECT_EQ(ShortNames(dev_), (Names{"alpha", "bravo"}));
  EXPECT_EQ(ShortNames(other_), Names{"foreign"});
}

TEST_F(ApplicationsTest, DeleteWithAMalformedIdListIs116) {
  const auto a = Add("alpha");
  const std::string id = std::to_string(a.id);
  for (const std::string& ids :
       Names{id + ";;" + id, id + ";", "abc", "0", "-1", id + ";all", "ALL", "any", "1.0", ""}) {
    EXPECT_EQ(DeleteCode(ids, std::nullopt), 116) << "'" << ids << "'";
  }
  EXPECT_EQ(ShortNames(dev_), Names{"alpha"});
}

TEST_F(ApplicationsTest, DeleteWithAMalformedNameListIs496AndDeletesNothing) {
  Add("alpha");
  const auto [code, param] =
      ErrorOf([&] { applications_.Delete(dev_, std::nullopt, std::string("alpha;;alpha")); });
  EXPECT_EQ(code, 496);
  EXPECT_EQ(param, "application_name");
  EXPECT_EQ(DeleteCode(std::nullopt, std::string("alpha;")), 496);
  EXPECT_EQ(ShortNames(dev_), Names{"alpha"});
}

TEST_F(ApplicationsTest, DeleteWithNeitherIs485) {
  Add("alpha");
  const auto [code, param] =
      ErrorOf([&] { applications_.Delete(dev_, std::nullopt, std::nullopt); });
  EXPECT_EQ(code, 485);
  EXPECT_EQ(param, kEitherParam);
  EXPECT_EQ(ShortNames(dev_), Names{"alpha"});
}

}  // namespace
}  // namespace coffer::service
