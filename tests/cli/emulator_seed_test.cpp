// The emulator's seed format (SPEC 17, docs/formats.md) and its movable clock.

#include "cli/emulator_seed.hpp"

#include <gtest/gtest.h>

#include "common/clock.hpp"
#include "domain/key_value_rules.hpp"
#include "support/fake_clock.hpp"

namespace coffer::cli {
namespace {

constexpr int64_t kNow = 1'800'000'000;

std::string ErrorOf(std::string_view text) {
  try {
    ParseSeed(text, kNow);
  } catch (const SeedError& e) {
    return e.what();
  }
  return "";
}

TEST(EmulatorSeedTest, ReadsApplicationsSecretsAndItems) {
  const Seed seed = ParseSeed(R"({"account_id": 3, "applications": [
      {"name": "web",
       "secrets": [{"name": "a", "value": "v", "description": "d"}, {"name": "b", "value": "w"}],
       "items": [{"key": "k1", "value": "x"}, {"key": "k2", "value": "y", "ttl": 60},
                 {"key": "k3", "value": "z", "expires_at": 1800000100},
                 {"key": "k4", "value": "", "ttl": 99999999}]},
      {"name": "empty"}]})",
                              kNow);
  EXPECT_EQ(seed.account_id, 3);
  ASSERT_EQ(seed.applications.size(), 2U);
  const auto& web = seed.applications[0].data;
  EXPECT_EQ(seed.applications[0].name, "web");
  ASSERT_EQ(web.secrets.size(), 2U);
  EXPECT_EQ(web.secrets[0].value.view(), "v");
  EXPECT_EQ(web.secrets[0].description, "d");
  EXPECT_EQ(web.secrets[1].description, std::nullopt);
  EXPECT_EQ(web.secrets[0].created, kNow);
  ASSERT_EQ(web.items.size(), 4U);
  EXPECT_EQ(web.items[0].expires_at, kNow + domain::kDefaultKvTtl);
  EXPECT_EQ(web.items[1].expires_at, kNow + 60);
  EXPECT_EQ(web.items[2].expires_at, 1'800'000'100);
  EXPECT_EQ(web.items[3].expires_at, kNow + domain::kMaxKvTtl) << "capped as SetKeyValueItem caps";
  EXPECT_TRUE(seed.applications[1].data.secrets.empty());
  EXPECT_EQ(ParseSeed("{}", kNow).account_id, std::nullopt);
}

TEST(EmulatorSeedTest, NamesWhatIsWrong) {
  EXPECT_EQ(ErrorOf("[1]"), "seed must be an object");
  EXPECT_EQ(ErrorOf(R"({"apps": []})"), "seed has an unknown member \"apps\"");
  EXPECT_EQ(ErrorOf(R"({"account_id": "1"})"), "seed.account_id must be an integer");
  EXPECT_EQ(ErrorOf(R"({"applications": {}})"), "seed.applications must be an array");
  EXPECT_EQ(ErrorOf(R"({"applications": [{}]})"), "applications[0].name must be a string");
  EXPECT_EQ(ErrorOf(R"({"applications": [{"name": "a", "secrets": [{"name": "s", "value": 1}]}]})"),
            "applications[0].secrets[0].value must be a string");
  EXPECT_EQ(ErrorOf(R"({"applications": [{"name": "a", "items": [{"key": "k", "value": "v",
            "ttl": -1}]}]})"),
            "applications[0].items[0].ttl must not be negative");
  EXPECT_EQ(ErrorOf(R"({"applications": [{"name": "a", "items": [{"key": "k", "value": "v",
            "expires_at": 1800000000}]}]})"),
            "applications[0].items[0].expires_at has passed");
  EXPECT_NE(ErrorOf("{"), "");
}

TEST(MovableClockTest, MovesAheadOfItsBaseAndBack) {
  testing_support::FakeClock base(kNow);
  common::MovableClock clock(base);
  EXPECT_EQ(clock.NowSeconds(), kNow);
  clock.Advance(100);
  EXPECT_EQ(clock.NowSeconds(), kNow + 100);
  base.Advance(5);
  EXPECT_EQ(clock.NowSeconds(), kNow + 105) << "it keeps running";
  clock.Set(1'900'000'000);
  EXPECT_EQ(clock.NowSeconds(), 1'900'000'000);
  EXPECT_EQ(clock.offset(), 1'900'000'000 - (kNow + 5));
  clock.Set(base.NowSeconds());
  EXPECT_EQ(clock.offset(), 0);
}

}  // namespace
}  // namespace coffer::cli
