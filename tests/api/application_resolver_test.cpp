// How the API finds the application a call names, and answers once it is gone.

#include "api/application_resolver.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "store/open.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

namespace coffer::api {
namespace {

using common::ApiError;
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

class ApplicationResolverTest : public ::testing::Test {
 protected:
  ApplicationResolverTest()
      : store_(store::Open({.sqlite_path = dir_.File("coffer.db")})),
        applications_(store_->applications(), clock_, service::ApplicationsOptions{}) {
    auto& accounts = store_->accounts();
    const auto dev = accounts.Create("dev", "dev@localhost", 1, KeyNamed("k-dev")).value();
    const auto other = accounts.Create("other", "other@localhost", 1, KeyNamed("k-other")).value();
    dev_ = service::AccountRef{dev.id, dev.name};
    other_ = service::AccountRef{other.id, other.name};
  }

  store::Application Add(const std::string& name, const service::AccountRef* account = nullptr) {
    return applications_.Add(account ? *account : dev_, name, false).value();
  }

  store::Application Resolve(const OptString& id, const OptString& name) {
    return ResolveApplication(applications_, dev_, id, name);
  }

  int ResolveCode(const OptString& id, const OptString& name) {
    return ErrorOf([&] { Resolve(id, name); }).first;
  }

  // A call with `query` as its parameters, by the dev account.
  template <typename F>
  auto WithCall(std::initializer_list<std::pair<std::string, std::string>> query, F&& use) {
    Params params;
    for (const auto& [name, value] : query) params.Add(ParamSource::kQuery, name, value);
    const ParamReader reader(params);
    const auth::Principal principal{dev_.id, dev_.name, "k-dev", {"Owner"}, false};
    return use(MethodCall{principal, reader});
  }

  testing_support::TempDir dir_;
  testing_support::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  service::Applications applications_;
  service::AccountRef dev_;
  service::AccountRef other_;
};

TEST_F(ApplicationResolverTest, ResolveById) {
  const auto app = Add("myapp");
  EXPECT_EQ(Resolve(std::to_string(app.id), std::nullopt).id, app.id);
  // The id wins; the name is then ignored, even when it names nothing.
  const auto second = Add("second");
  EXPECT_EQ(Resolve(std::to_string(app.id), "second").id, app.id);
  EXPECT_EQ(Resolve(std::to_string(second.id), "nothing").id, second.id);
}

TEST_F(ApplicationResolverTest, ResolveTreatsIdZeroAsAbsent) {
  const auto app = Add("myapp");
  EXPECT_EQ(Resolve("0", "myapp").id, app.id);
  const auto [code, param] = ErrorOf([&] { Resolve("0", std::nullopt); });
  EXPECT_EQ(code, 485);
  EXPECT_EQ(param, kEitherParam);
}

TEST_F(ApplicationResolverTest, ResolveRejectsBadOrForeignIdsWith116) {
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

TEST_F(ApplicationResolverTest, ResolveByFullOrShortNameIgnoringCase) {
  const auto app = Add("myapp");
  for (const std::string name :
       {"myapp", "MyApp", "MYAPP", "myapp.dev.voximplant.com", "MyApp.Dev.VoxImplant.COM"}) {
    EXPECT_EQ(Resolve(std::nullopt, name).id, app.id) << name;
  }
}

TEST_F(ApplicationResolverTest, ResolveUnknownNameIs558) {
  Add("myapp");
  Add("theirs", &other_);
  for (const std::string name :
       {"nothing", "theirs", "theirs.other.voximplant.com", "myapp.other.voximplant.com",
        "myapp.dev.example.com", "my_app", "myapp.dev"}) {
    EXPECT_EQ(ResolveCode(std::nullopt, name), 558) << name;
  }
}

TEST_F(ApplicationResolverTest, ResolveWithNeitherIs485NamingBothParameters) {
  auto [code, param] = ErrorOf([&] { Resolve(std::nullopt, std::nullopt); });
  EXPECT_EQ(code, 485);
  EXPECT_EQ(param, kEitherParam);
  std::tie(code, param) = ErrorOf([&] {
    ResolveApplication(applications_, dev_, std::nullopt, std::nullopt, "application_id",
                       "required_application_name");
  });
  EXPECT_EQ(code, 485);
  EXPECT_EQ(param, "application_id' or 'required_application_name");
}

TEST_F(ApplicationResolverTest, ResolveApplicationIdReadsTheCallsParameters) {
  const auto app = Add("myapp");
  EXPECT_EQ(
      WithCall({{"application_name", "myapp"}},
               [&](const MethodCall& call) { return ResolveApplicationId(applications_, call); }),
      app.id);
  EXPECT_EQ(
      WithCall({{"application_id", std::to_string(app.id)}},
               [&](const MethodCall& call) { return ResolveApplicationId(applications_, call); }),
      app.id);
}

TEST_F(ApplicationResolverTest, AGoneApplicationIs116ByIdAnd558ByName) {
  const auto code = [&](std::initializer_list<std::pair<std::string, std::string>> query) {
    return WithCall(query, [](const MethodCall& call) {
      return static_cast<int>(ApplicationGoneError(call).code());
    });
  };
  EXPECT_EQ(code({{"application_id", "7"}}), 116);
  EXPECT_EQ(code({{"application_id", "7"}, {"application_name", "x"}}), 116);
  EXPECT_EQ(code({{"application_id", "0"}, {"application_name", "x"}}), 558);
  EXPECT_EQ(code({{"application_name", "x"}}), 558);
  EXPECT_EQ(code({{"required_application_name", "x"}}), 558);
}

TEST_F(ApplicationResolverTest, OutcomesAMethodDidNotMapAreBugs) {
  WithCall({{"application_id", "7"}}, [](const MethodCall& call) {
    EXPECT_EQ(ErrorOf([&] { FailOutcome(store::Outcome::kApplicationGone, call); }).first, 116);
    EXPECT_THROW(FailOutcome(store::Outcome::kConflict, call), std::logic_error);
    EXPECT_EQ(ValueOf(store::Result<int>(5), call), 5);
    EXPECT_THROW(ValueOf(store::Result<int>(store::Outcome::kNotFound), call), std::logic_error);
    return 0;
  });
}

}  // namespace
}  // namespace coffer::api
