// The five key-value methods through the Router.

#include "api/key_value_methods.hpp"

#include <gtest/gtest.h>

#include <string>

#include "router_fixture.hpp"
#include "service/key_value.hpp"

namespace coffer::api {
namespace {

namespace json = boost::json;

constexpr int64_t kThirtyDays = 2'592'000;
constexpr int64_t kNinetyDays = 7'776'000;

class KeyValueMethodsTest : public RouterTest {
 protected:
  KeyValueMethodsTest() : key_value_(store_->key_value(), clock_) {
    RegisterKeyValueMethods(methods_, applications_, key_value_);
    app_id_ = applications_.Add(service::AccountRef{dev_id_, "dev"}, "kv-app", false).value().id;
    app_ = "application_id=" + std::to_string(app_id_);
  }

  common::HttpResponse Call(const std::string& method, const std::string& query,
                            const std::string& kid = "owner-key") {
    return Get("/platform_api/" + method + "?" + query, kid);
  }
  int64_t now() const { return clock_.NowSeconds(); }

  service::KeyValue key_value_;
  int64_t app_id_ = 0;
  std::string app_;
};

TEST_F(KeyValueMethodsTest, SetKeyValueItemAnswersTheStoredItem) {
  const auto response =
      Call("SetKeyValueItem", app_ + "&key=order:1&value=%2B15551234567&ttl=864000");
  EXPECT_EQ(Body(response), json::parse(R"({"result":{"key":"order:1","value":"+15551234567",)"
                                        R"("expires_at":)" +
                                        std::to_string(now() + 864000) + "}}"));
}

TEST_F(KeyValueMethodsTest, ExpiryDefaultsAndCaps) {
  const auto expires = [&](const std::string& extra) {
    const auto body = Body(Call("SetKeyValueItem", app_ + "&key=k&value=v" + extra));
    return body.at("result").at("expires_at").as_int64();
  };
  EXPECT_EQ(expires(""), now() + kThirtyDays);
  EXPECT_EQ(expires("&ttl=7776001"), now() + kNinetyDays);
  EXPECT_EQ(expires("&expires_at=" + std::to_string(now() + 60)), now() + 60);
  EXPECT_EQ(expires("&expires_at=" + std::to_string(now() + kNinetyDays + 5)), now() + kNinetyDays);
  EXPECT_EQ(expires("&ttl="), now() + kThirtyDays);  // empty = absent
  EXPECT_EQ(expires("&ttl=0"), now());               // stored already expired
  EXPECT_EQ(Code(Call("GetKeyValueItem", app_ + "&key=k")), 496);
}

TEST_F(KeyValueMethodsTest, SetKeyValueItemErrorsInSpecOrder) {
  EXPECT_EQ(Msg(Call("SetKeyValueItem", "key=bad%20key&ttl=-1")),
            "Specify the 'application_id' or 'application_name' parameter.");
  EXPECT_EQ(Code(Call("SetKeyValueItem", app_ + "&value=v")), 485);
  EXPECT_EQ(Code(Call("SetKeyValueItem", app_ + "&key=bad%20key&ttl=-1")), 496);
  EXPECT_EQ(Code(Call("SetKeyValueItem", app_ + "&key=" + std::string(201, 'k') + "&value=v")),
            477);
  EXPECT_EQ(Msg(Call("SetKeyValueItem", app_ + "&key=k")), "Specify the 'value' parameter.");
  EXPECT_EQ(Msg(Call("SetKeyValueItem", app_ + "&key=k&value=" + std::string(2001, 'v'))),
            "The 'value' parameter length should not exceed 2000 symbols.");
  EXPECT_EQ(Code(Call("SetKeyValueItem", app_ + "&key=k&value=v&ttl=ten")), 496);
  EXPECT_EQ(Msg(Call("SetKeyValueItem", app_ + "&key=k&value=v&ttl=-1")),
            "ttl should be in range of 0..7776000");
  EXPECT_EQ(Code(Call("SetKeyValueItem",
                      app_ + "&key=k&value=v&expires_at=" + std::to_string(now() - 1))),
            496);
  EXPECT_EQ(Code(Call("SetKeyValueItem", app_ + "&key=k&value=v&expires_at=soon")), 496);
  EXPECT_EQ(Code(Call("SetKeyValueItem",
                      app_ + "&key=k&value=v&ttl=60&expires_at=" + std::to_string(now() + 60))),
            458);
  EXPECT_EQ(Code(Call("GetKeyValueItem", app_ + "&key=k")), 496);  // nothing was written
}

TEST_F(KeyValueMethodsTest, LengthsCountCharacters) {
  std::string key, value;
  for (int i = 0; i < 200; ++i) key += "%D0%B6";     // ж
  for (int i = 0; i < 2000; ++i) value += "%D0%B6";  // 4000 bytes
  EXPECT_EQ(Code(Call("SetKeyValueItem", app_ + "&key=" + key + "&value=" + value)), 0);
  EXPECT_EQ(Code(Call("SetKeyValueItem", app_ + "&key=" + key + "%D0%B6&value=v")), 477);
  EXPECT_EQ(Code(Call("SetKeyValueItem", app_ + "&key=k&value=" + value + "%D0%B6")), 477);
}

TEST_F(KeyValueMethodsTest, EmptyValueIsAllowed) {
  EXPECT_EQ(Code(Call("SetKeyValueItem", app_ + "&key=k&value=")), 0);
  EXPECT_EQ(Body(Call("GetKeyValueItem", app_ + "&key=k")).at("result").at("value").as_string(),
            "");
}

TEST_F(KeyValueMethodsTest, ApplicationByNameAndTenancy) {
  EXPECT_EQ(Code(Call("SetKeyValueItem", "application_name=kv-app&key=k&value=v")), 0);
  EXPECT_EQ(Code(Call("GetKeyValueItem", "application_name=KV-APP.dev.voximplant.com&key=k")), 0);
  EXPECT_EQ(Code(Call("GetKeyValueItem", "application_name=nothing&key=k")), 558);
  EXPECT_EQ(Code(Call("GetKeyValueItem", app_ + "&key=k", "other-key")), 116);
  EXPECT_EQ(Code(Call("GetKeyValueItem", "application_name=kv-app&key=k", "other-key")), 558);
  EXPECT_EQ(Code(Call("GetKeyValueItem", app_ + "&key=k", "noroles-key")), 104);
  EXPECT_EQ(Code(Call("GetKeyValueItem", app_ + "&key=k", "developer-key")), 0);
}

TEST_F(KeyValueMethodsTest, GetAndDeleteOneItem) {
  Call("SetKeyValueItem", app_ + "&key=key1&value=value1&ttl=100");
  EXPECT_EQ(Body(Call("GetKeyValueItem", app_ + "&key=key1")),
            json::parse(R"({"result":{"key":"key1","value":"value1","expires_at":)" +
                        std::to_string(now() + 100) + "}}"));
  EXPECT_EQ(Msg(Call("GetKeyValueItem", app_ + "&key=key2")), "The 'key' parameter is invalid.");
  EXPECT_EQ(Code(Call("GetKeyValueItem", app_)), 485);
  EXPECT_EQ(Body(Call("DelKeyValueItem", app_ + "&key=key1")), json::parse(R"({"result":1})"));
  EXPECT_EQ(Body(Call("DelKeyValueItem", app_ + "&key=key1")), json::parse(R"({"result":0})"));
  EXPECT_EQ(Code(Call("DelKeyValueItem", app_ + "&key=a/b")), 496);
}

TEST_F(KeyValueMethodsTest, ItemsExpireAtExpiresAt) {
  Call("SetKeyValueItem", app_ + "&key=k&value=v&ttl=10");
  clock_.Advance(9);
  EXPECT_EQ(Code(Call("GetKeyValueItem", app_ + "&key=k")), 0);
  clock_.Advance(1);
  EXPECT_EQ(Code(Call("GetKeyValueItem", app_ + "&key=k")), 496);
  EXPECT_EQ(Body(Call("DelKeyValueItem", app_ + "&key=k")).at("result").as_int64(), 0);
}

TEST_F(KeyValueMethodsTest, GetKeyValueItemsIsAnArrayByPrefix) {
  for (const char* key : {"testing", "test:1", "test", "other"}) {
    Call("SetKeyValueItem", app_ + "&key=" + key + "&value=v&ttl=100");
  }
  const auto body = Body(Call("GetKeyValueItems", app_ + "&key=test"));
  EXPECT_EQ(body.size(), 1u);  // no count members
  const json::array& items = body.at("result").as_array();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].at("key").as_string(), "test");
  EXPECT_EQ(items[1].at("key").as_string(), "test:1");
  EXPECT_EQ(items[2].at("key").as_string(), "testing");
  EXPECT_EQ(items[0].at("value").as_string(), "v");
  EXPECT_EQ(Body(Call("GetKeyValueItems", app_ + "&key=zzz")).at("result").as_array().size(), 0u);
  EXPECT_EQ(Code(Call("GetKeyValueItems", app_)), 485);
}

TEST_F(KeyValueMethodsTest, GetKeyValueKeysHasNoValuesAndAnOptionalPattern) {
  for (const char* key : {"b", "a", "c"})
    Call("SetKeyValueItem", app_ + "&key=" + key + "&value=v");
  const auto body = Body(Call("GetKeyValueKeys", app_));
  const json::array& keys = body.at("result").as_array();
  ASSERT_EQ(keys.size(), 3u);
  EXPECT_EQ(keys[0],
            json::parse(R"({"key":"a","expires_at":)" + std::to_string(now() + kThirtyDays) + "}"));
  EXPECT_EQ(Body(Call("GetKeyValueKeys", app_ + "&key=b")).at("result").as_array().size(), 1u);
}

TEST_F(KeyValueMethodsTest, PagingAndItsRange) {
  for (int i = 0; i < 12; ++i) {
    Call("SetKeyValueItem", app_ + "&key=k" + (i < 10 ? "0" : "") + std::to_string(i) + "&value=v");
  }
  const auto size = [&](const std::string& method, const std::string& extra) {
    return Body(Call(method, app_ + "&key=k" + extra)).at("result").as_array().size();
  };
  EXPECT_EQ(size("GetKeyValueItems", ""), 10u);  // default page
  EXPECT_EQ(size("GetKeyValueKeys", "&count=50"), 12u);
  EXPECT_EQ(size("GetKeyValueItems", "&count=5&offset=10"), 2u);
  EXPECT_EQ(Msg(Call("GetKeyValueItems", app_ + "&key=k&count=51")),
            "count should be in range of 1..50");
  EXPECT_EQ(Code(Call("GetKeyValueKeys", app_ + "&count=0")), 497);
  EXPECT_EQ(Code(Call("GetKeyValueKeys", app_ + "&offset=-1")), 497);
  EXPECT_EQ(Code(Call("GetKeyValueKeys", app_ + "&count=x")), 496);
}

TEST_F(KeyValueMethodsTest, DeletingTheApplicationDeletesItsItems) {
  Call("SetKeyValueItem", app_ + "&key=k&value=v");
  EXPECT_EQ(Code(Call("DelApplication", app_)), 0);
  const auto again =
      applications_.Add(service::AccountRef{dev_id_, "dev"}, "kv-app", false).value();
  EXPECT_EQ(Code(Call("GetKeyValueItem", "application_id=" + std::to_string(again.id) + "&key=k")),
            496);
}

}  // namespace
}  // namespace coffer::api
