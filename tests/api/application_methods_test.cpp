// AddApplication, GetApplications, SetApplicationInfo and DelApplication through the Router.

#include "api/application_methods.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/api_error.hpp"
#include "router_fixture.hpp"

namespace coffer::api {
namespace {

namespace json = boost::json;

class ApplicationMethodsTest : public RouterTest {
 protected:
  // Adds an application as owner-key and returns its id.
  int64_t Add(const std::string& name, const std::string& kid = "owner-key") {
    const auto response = Get("/platform_api/AddApplication?application_name=" + name, kid);
    EXPECT_EQ(Code(response), 0) << response.body;
    return Body(response).at("application_id").as_int64();
  }

  // Short names of dev's applications, by id.
  std::vector<std::string> Names() {
    std::vector<std::string> names;
    for (const auto& app : store_->applications().List(dev_id_)) names.push_back(app.short_name);
    return names;
  }
};

TEST_F(ApplicationMethodsTest, RegistersTheFourMethodsForDataRoles) {
  for (const char* name :
       {"AddApplication", "GetApplications", "SetApplicationInfo", "DelApplication"}) {
    const MethodSpec* spec = methods_.Find(name);
    ASSERT_NE(spec, nullptr) << name;
    std::vector<std::string> roles(spec->allowed_roles.begin(), spec->allowed_roles.end());
    std::sort(roles.begin(), roles.end());
    EXPECT_EQ(roles, (std::vector<std::string>{"Admin", "Developer", "Owner"})) << name;
  }
}

TEST_F(ApplicationMethodsTest, AddApplicationAnswer) {
  const auto response = Get("/platform_api/AddApplication?application_name=myapp1");
  const json::object body = Body(response);
  EXPECT_EQ(body.at("result").as_int64(), 1);
  EXPECT_GE(body.at("application_id").as_int64(), 1);
  EXPECT_EQ(body.at("application_name").as_string(), "myapp1.dev.voximplant.com");
  EXPECT_EQ(body.at("secure_record_storage").as_bool(), false);
  EXPECT_EQ(body.size(), 4u);

  const auto secure = Post("/platform_api/AddApplication",
                           "application_name=second.dev.voximplant.com&secure_record_storage=True");
  EXPECT_EQ(Body(secure).at("secure_record_storage").as_bool(), true);
  EXPECT_EQ(Body(secure).at("application_name").as_string(), "second.dev.voximplant.com");
}

TEST_F(ApplicationMethodsTest, AddApplicationErrors) {
  Add("taken");
  EXPECT_EQ(Code(Get("/platform_api/AddApplication")), 485);
  EXPECT_EQ(Msg(Get("/platform_api/AddApplication?application_name=")),
            "Specify the 'application_name' parameter.");
  EXPECT_EQ(Code(Get("/platform_api/AddApplication?application_name=bad_name")), 107);
  EXPECT_EQ(Code(Get("/platform_api/AddApplication?application_name=x.other.voximplant.com")), 107);
  EXPECT_EQ(Code(Get("/platform_api/AddApplication?application_name=taken")), 129);
  EXPECT_EQ(
      Code(Get("/platform_api/AddApplication?application_name=fresh&secure_record_storage=yes")),
      496);
  // The name is checked before the flag (SPEC 8.1 order).
  EXPECT_EQ(
      Code(Get("/platform_api/AddApplication?application_name=Bad&secure_record_storage=yes")),
      107);
  EXPECT_EQ(Code(Get("/platform_api/AddApplication?application_name=MyApp")), 107);
  EXPECT_EQ(Names(), std::vector<std::string>{"taken"});
  // Another account may use the same name.
  EXPECT_EQ(Code(Get("/platform_api/AddApplication?application_name=taken", "other-key")), 0);
}

TEST_F(ApplicationMethodsTest, GetApplicationsAnswer) {
  const int64_t id = Add("myapp1");
  const auto response = Get("/platform_api/GetApplications");
  const json::object body = Body(response);
  EXPECT_EQ(body.at("total_count").as_int64(), 1);
  EXPECT_EQ(body.at("count").as_int64(), 1);
  const json::array& result = body.at("result").as_array();
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0],
            json::parse(R"({"application_id":)" + std::to_string(id) +
                        R"(,"application_name":"myapp1.dev.voximplant.com",)"
                        R"("modified":"2024-05-10 14:22:35","secure_record_storage":false})"));
}

TEST_F(ApplicationMethodsTest, GetApplicationsFiltersAndPages) {
  const int64_t a = Add("alpha");
  Add("bravo");
  Add("charlie-ci");
  const int64_t foreign = Add("foreign", "other-key");
  const auto count = [&](const std::string& query) {
    const auto body = Body(Get("/platform_api/GetApplications?" + query));
    return std::make_pair(body.at("count").as_int64(), body.at("total_count").as_int64());
  };
  EXPECT_EQ(count(""), std::make_pair(int64_t{3}, int64_t{3}));
  EXPECT_EQ(count("application_id=" + std::to_string(a)), std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(count("application_id=0"), std::make_pair(int64_t{3}, int64_t{3}));  // 0 = absent
  EXPECT_EQ(count("application_id=" + std::to_string(foreign)),
            std::make_pair(int64_t{0}, int64_t{0}));
  EXPECT_EQ(count("application_id=987654"), std::make_pair(int64_t{0}, int64_t{0}));
  EXPECT_EQ(count("application_name=CI"), std::make_pair(int64_t{1}, int64_t{1}));
  EXPECT_EQ(count("count=2"), std::make_pair(int64_t{2}, int64_t{3}));
  EXPECT_EQ(count("count=2&offset=2"), std::make_pair(int64_t{1}, int64_t{3}));
  EXPECT_EQ(count("offset=9"), std::make_pair(int64_t{0}, int64_t{3}));
  EXPECT_EQ(count("with_rules=true&with_scenarios=1"), std::make_pair(int64_t{3}, int64_t{3}));
  const auto first = Body(Get("/platform_api/GetApplications?count=1&offset=1"));
  EXPECT_EQ(first.at("result").as_array()[0].at("application_name").as_string(),
            "bravo.dev.voximplant.com");
}

TEST_F(ApplicationMethodsTest, GetApplicationsParameterErrors) {
  EXPECT_EQ(Msg(Get("/platform_api/GetApplications?count=0")),
            "count should be in range of 1..1000");
  EXPECT_EQ(Code(Get("/platform_api/GetApplications?count=1001")), 497);
  EXPECT_EQ(Code(Get("/platform_api/GetApplications?offset=-1")), 497);
  EXPECT_EQ(Code(Get("/platform_api/GetApplications?count=ten")), 496);
  EXPECT_EQ(Code(Get("/platform_api/GetApplications?count=1.5")), 496);
  EXPECT_EQ(Code(Get("/platform_api/GetApplications?application_id=abc")), 116);
  EXPECT_EQ(Code(Get("/platform_api/GetApplications?with_rules=maybe")), 496);
  EXPECT_EQ(Code(Get("/platform_api/GetApplications?count=1000&offset=0")), 0);
}

TEST_F(ApplicationMethodsTest, SetApplicationInfoByIdOrRequiredName) {
  const int64_t id = Add("before");
  clock_.Advance(3600);
  const auto renamed = Get("/platform_api/SetApplicationInfo?application_id=" + std::to_string(id) +
                           "&application_name=after");
  EXPECT_EQ(Body(renamed),
            json::parse(R"({"result":1,"application_name":"after.dev.voximplant.com",)"
                        R"("secure_record_storage":false})"));
  EXPECT_EQ(store_->applications().Find(dev_id_, id)->modified, clock_.NowSeconds());

  const auto flagged = Post("/platform_api/SetApplicationInfo",
                            "required_application_name=after.dev.voximplant.com&"
                            "secure_record_storage=true");
  EXPECT_EQ(Code(flagged), 0);
  EXPECT_EQ(Body(flagged).at("secure_record_storage").as_bool(), true);
  EXPECT_EQ(Body(flagged).at("application_name").as_string(), "after.dev.voximplant.com");
}

TEST_F(ApplicationMethodsTest, SetApplicationInfoErrors) {
  const int64_t id = Add("mine");
  Add("taken");
  const int64_t foreign = Add("foreign", "other-key");
  const std::string by_id = "/platform_api/SetApplicationInfo?application_id=" + std::to_string(id);
  EXPECT_EQ(Code(Get("/platform_api/SetApplicationInfo?application_name=x2")), 485);
  EXPECT_EQ(Code(Get("/platform_api/SetApplicationInfo?application_id=" + std::to_string(foreign) +
                     "&application_name=stolen")),
            116);
  EXPECT_EQ(Code(Get("/platform_api/SetApplicationInfo?application_id=1x")), 116);
  EXPECT_EQ(Code(Get("/platform_api/SetApplicationInfo?required_application_name=foreign")), 558);
  EXPECT_EQ(Code(Get(by_id + "&application_name=Bad_Name")), 107);
  EXPECT_EQ(Code(Get(by_id + "&application_name=taken")), 129);
  EXPECT_EQ(Code(Get(by_id + "&secure_record_storage=2")), 496);
  EXPECT_EQ(Names(), (std::vector<std::string>{"mine", "taken"}));
  EXPECT_EQ(store_->applications().Find(other_id_, foreign)->short_name, "foreign");
}

TEST_F(ApplicationMethodsTest, DelApplicationByIdsNamesAndAll) {
  const int64_t a = Add("alpha");
  const int64_t b = Add("bravo");
  Add("charlie");
  Add("delta");
  Add("echo");
  EXPECT_EQ(Body(Get("/platform_api/DelApplication?application_id=" + std::to_string(a) + "%3B" +
                     std::to_string(b))),
            json::parse(R"({"result":1})"));
  EXPECT_EQ(Names(), (std::vector<std::string>{"charlie", "delta", "echo"}));
  EXPECT_EQ(Code(Post("/platform_api/DelApplication",
                      "application_name=charlie&application_name=delta.dev.voximplant.com")),
            0);
  EXPECT_EQ(Names(), std::vector<std::string>{"echo"});
  // Go sends both members, one of them empty.
  EXPECT_EQ(Code(Post("/platform_api/DelApplication", "application_id=&application_name=echo")), 0);
  EXPECT_TRUE(Names().empty());

  Add("one");
  Add("two");
  Add("kept", "other-key");
  EXPECT_EQ(Code(Get("/platform_api/DelApplication?application_id=all")), 0);
  EXPECT_TRUE(Names().empty());
  EXPECT_EQ(store_->applications().List(other_id_).size(), 1u);
}

TEST_F(ApplicationMethodsTest, DelApplicationRepeatedIdsAreJoined) {
  const int64_t a = Add("alpha");
  const int64_t b = Add("bravo");
  Add("charlie");
  EXPECT_EQ(Code(Get("/platform_api/DelApplication?application_id=" + std::to_string(a) +
                     "&application_id=" + std::to_string(b))),
            0);
  EXPECT_EQ(Names(), std::vector<std::string>{"charlie"});
}

TEST_F(ApplicationMethodsTest, DelApplicationIsAllOrNothing) {
  const int64_t a = Add("alpha");
  const int64_t foreign = Add("foreign", "other-key");
  const std::string ids = std::to_string(a);
  EXPECT_EQ(Code(Get("/platform_api/DelApplication?application_id=" + ids + ";987654")), 116);
  EXPECT_EQ(Code(Get("/platform_api/DelApplication?application_id=" + ids + ";" +
                     std::to_string(foreign))),
            116);
  EXPECT_EQ(Code(Get("/platform_api/DelApplication?application_id=" + ids + ";;")), 116);
  EXPECT_EQ(Code(Get("/platform_api/DelApplication?application_id=any")), 116);
  EXPECT_EQ(
      Code(Get("/platform_api/DelApplication?application_id=" + ids + "&application_name=nothing")),
      558);
  EXPECT_EQ(Code(Get("/platform_api/DelApplication?application_name=alpha;foreign")), 558);
  EXPECT_EQ(Names(), std::vector<std::string>{"alpha"});
  EXPECT_EQ(store_->applications().List(other_id_).size(), 1u);
}

TEST_F(ApplicationMethodsTest, DelApplicationWithNeitherIs485) {
  const auto response = Get("/platform_api/DelApplication?application_id=&application_name=");
  EXPECT_EQ(Code(response), 485);
  EXPECT_EQ(Msg(response), "Specify the 'application_id' or 'application_name' parameter.");
}

// AddApplication and DeleteApplications called directly, as `coffer app create` does.
class ApplicationEffectsTest : public ApplicationMethodsTest {
 protected:
  using NameList = std::vector<std::string>;
  using OptString = std::optional<std::string>;

  service::AccountRef dev() const { return {dev_id_, "dev"}; }
  service::AccountRef other() const { return {other_id_, "other"}; }

  store::Application AddTo(const service::AccountRef& account, const std::string& name) {
    return AddApplication(applications_, account, name, false);
  }

  // The ApiError code and parameter `action` threw, or {0, ""}.
  template <typename F>
  static std::pair<int, std::string> ErrorOf(F&& action) {
    try {
      action();
      return {0, ""};
    } catch (const common::ApiError& e) {
      return {static_cast<int>(e.code()), e.param()};
    }
  }

  int AddCode(const std::string& name, service::Applications* applications = nullptr) {
    return ErrorOf([&] {
             AddApplication(applications ? *applications : applications_, dev(), name, false);
           })
        .first;
  }
  int DeleteCode(const OptString& ids, const OptString& names) {
    return ErrorOf([&] { DeleteApplications(applications_, dev(), ids, names); }).first;
  }
  NameList OtherNames() {
    NameList names;
    for (const auto& app : store_->applications().List(other_id_)) {
      names.push_back(app.short_name);
    }
    return names;
  }
};

TEST_F(ApplicationEffectsTest, AddRejectsBadNamesWith107) {
  for (const std::string& name :
       NameList{"", "a", "1app", "-app", "my_app", "my app", "my.app", "MyApp",
                "UPPER.dev.voximplant.com", "app.other.voximplant.com", "app.dev.example.com",
                "a" + std::string(65, 'b'), "\xD0\xB0pp"}) {
    EXPECT_EQ(AddCode(name), 107) << "'" << name << "'";
  }
  EXPECT_TRUE(Names().empty());
}

TEST_F(ApplicationEffectsTest, AddRejectsTakenNamesWith129) {
  AddTo(dev(), "myapp");
  for (const std::string name : {"myapp", "myapp.dev.voximplant.com", "myapp.DEV.voximplant.com"}) {
    EXPECT_EQ(AddCode(name), 129) << name;
  }
  EXPECT_EQ(Names(), NameList{"myapp"});
  EXPECT_NO_THROW(AddTo(other(), "myapp"));  // another account may use it
}

TEST_F(ApplicationEffectsTest, AddHonoursMaxPerAccountWith108) {
  service::Applications limited(store_->applications(), clock_,
                                service::ApplicationsOptions{.max_per_account = 2});
  EXPECT_EQ(AddCode("one", &limited), 0);
  EXPECT_EQ(AddCode("two", &limited), 0);
  EXPECT_EQ(AddCode("three", &limited), 108);
  EXPECT_NO_THROW(AddApplication(limited, other(), "three", false));
  EXPECT_EQ(Names(), (NameList{"one", "two"}));
}

TEST_F(ApplicationEffectsTest, RenameToBadOrTakenNamesIs107Or129) {
  const int64_t id = AddTo(dev(), "mine").id;
  AddTo(dev(), "taken");
  const std::string by_id = "/platform_api/SetApplicationInfo?application_id=" + std::to_string(id);
  EXPECT_EQ(Code(Get(by_id + "&application_name=taken.dev.voximplant.com")), 129);
  EXPECT_EQ(Code(Get(by_id + "&application_name=bad_name")), 107);
  EXPECT_EQ(Code(Get(by_id + "&application_name=x")), 107);
  EXPECT_EQ(Names(), (NameList{"mine", "taken"}));
}

TEST_F(ApplicationEffectsTest, DeleteByIdsAllAndNames) {
  const auto a = AddTo(dev(), "alpha");
  const auto b = AddTo(dev(), "bravo");
  AddTo(dev(), "charlie");
  DeleteApplications(applications_, dev(), std::to_string(a.id) + ";" + std::to_string(b.id),
                     std::nullopt);
  EXPECT_EQ(Names(), NameList{"charlie"});
  AddTo(dev(), "delta");
  AddTo(dev(), "echo");
  DeleteApplications(applications_, dev(), std::nullopt,
                     std::string("CHARLIE;delta.dev.voximplant.com"));
  EXPECT_EQ(Names(), NameList{"echo"});
  const auto f = AddTo(dev(), "foxtrot");
  DeleteApplications(applications_, dev(), std::to_string(f.id), std::string("echo;foxtrot"));
  EXPECT_TRUE(Names().empty());
  AddTo(dev(), "golf");
  AddTo(other(), "foreign");
  DeleteApplications(applications_, dev(), std::string("all"), std::nullopt);
  EXPECT_TRUE(Names().empty());
  EXPECT_EQ(OtherNames(), NameList{"foreign"});
  EXPECT_NO_THROW(DeleteApplications(applications_, dev(), std::string("all"), std::nullopt));
}

TEST_F(ApplicationEffectsTest, DeleteWithAnUnknownIdIs116AndDeletesNothing) {
  const auto a = AddTo(dev(), "alpha");
  const auto foreign = AddTo(other(), "foreign");
  EXPECT_EQ(DeleteCode(std::to_string(a.id) + ";987654", std::nullopt), 116);
  EXPECT_EQ(DeleteCode(std::to_string(a.id) + ";" + std::to_string(foreign.id), std::nullopt), 116);
  EXPECT_EQ(Names(), NameList{"alpha"});
  EXPECT_EQ(OtherNames(), NameList{"foreign"});
}

TEST_F(ApplicationEffectsTest, DeleteWithAnUnknownNameIs558AndDeletesNothing) {
  const auto a = AddTo(dev(), "alpha");
  AddTo(dev(), "bravo");
  AddTo(other(), "foreign");
  EXPECT_EQ(DeleteCode(std::nullopt, std::string("alpha;nothing")), 558);
  EXPECT_EQ(DeleteCode(std::nullopt, std::string("alpha;foreign")), 558);
  EXPECT_EQ(DeleteCode(std::to_string(a.id), std::string("nothing")), 558);
  EXPECT_EQ(DeleteCode(std::string("all"), std::string("nothing")), 558);
  EXPECT_EQ(Names(), (NameList{"alpha", "bravo"}));
  EXPECT_EQ(OtherNames(), NameList{"foreign"});
}

TEST_F(ApplicationEffectsTest, DeleteWithAMalformedIdListIs116) {
  const auto a = AddTo(dev(), "alpha");
  const std::string id = std::to_string(a.id);
  for (const std::string& ids :
       NameList{id + ";;" + id, id + ";", "abc", "0", "-1", id + ";all", "ALL", "any", "1.0", ""}) {
    EXPECT_EQ(DeleteCode(ids, std::nullopt), 116) << "'" << ids << "'";
  }
  EXPECT_EQ(Names(), NameList{"alpha"});
}

TEST_F(ApplicationEffectsTest, DeleteWithAMalformedNameListIs496AndDeletesNothing) {
  AddTo(dev(), "alpha");
  const auto [code, param] = ErrorOf(
      [&] { DeleteApplications(applications_, dev(), std::nullopt, std::string("alpha;;alpha")); });
  EXPECT_EQ(code, 496);
  EXPECT_EQ(param, "application_name");
  EXPECT_EQ(DeleteCode(std::nullopt, std::string("alpha;")), 496);
  EXPECT_EQ(Names(), NameList{"alpha"});
}

TEST_F(ApplicationEffectsTest, DeleteWithNeitherIs485) {
  AddTo(dev(), "alpha");
  const auto [code, param] =
      ErrorOf([&] { DeleteApplications(applications_, dev(), std::nullopt, std::nullopt); });
  EXPECT_EQ(code, 485);
  EXPECT_EQ(param, "application_id' or 'application_name");
  EXPECT_EQ(Names(), NameList{"alpha"});
}

}  // namespace
}  // namespace coffer::api
