#include "api/param_reader.hpp"

#include <gtest/gtest.h>

#include <string>

#include "common/api_error.hpp"

namespace coffer::api {
namespace {

using common::ApiError;

struct Thrown {
  int code = 0;
  std::string param;
  int64_t min = 0;
  int64_t max = 0;
};

template <typename F>
Thrown ErrorOf(F&& read) {
  try {
    read();
    return {};
  } catch (const ApiError& e) {
    return {static_cast<int>(e.code()), e.param(), e.min(), e.max()};
  }
}

class ParamReaderTest : public ::testing::Test {
 protected:
  ParamReaderTest() : reader_(params_) {}
  void Set(const std::string& name, const std::string& value) {
    params_.Add(ParamSource::kQuery, name, value);
  }
  Params params_;
  ParamReader reader_;
};

TEST_F(ParamReaderTest, EmptyIsAbsent) {
  Set("empty", "");
  Set("full", "x");
  EXPECT_EQ(reader_.Optional("missing"), std::nullopt);
  EXPECT_EQ(reader_.Optional("empty"), std::nullopt);
  EXPECT_EQ(reader_.Optional("full"), "x");
  EXPECT_EQ(reader_.OptionalAllowEmpty("missing"), std::nullopt);
  EXPECT_EQ(reader_.OptionalAllowEmpty("empty"), "");
  EXPECT_EQ(reader_.OptionalAllowEmpty("full"), "x");
}

TEST_F(ParamReaderTest, RequiredIs485NamingTheParameter) {
  Set("empty", "");
  Set("key", "k");
  EXPECT_EQ(reader_.Required("key"), "k");
  auto thrown = ErrorOf([&] { reader_.Required("missing"); });
  EXPECT_EQ(thrown.code, 485);
  EXPECT_EQ(thrown.param, "missing");
  thrown = ErrorOf([&] { reader_.Required("empty"); });
  EXPECT_EQ(thrown.code, 485);
  EXPECT_EQ(thrown.param, "empty");
}

TEST_F(ParamReaderTest, InvalidUtf8Is496NamingTheParameter) {
  Set("bad", "caf\xE9");
  Set("good", "caf\xC3\xA9");
  Set("surrogate", "\xED\xA0\x80");
  EXPECT_EQ(reader_.Optional("good"), "caf\xC3\xA9");  // other parameters stay readable
  for (auto read : {+[](const ParamReader& r) { r.Optional("bad"); },
                    +[](const ParamReader& r) { r.OptionalAllowEmpty("bad"); },
                    +[](const ParamReader& r) { r.Required("bad"); },
                    +[](const ParamReader& r) { r.OptionalList("bad"); },
                    +[](const ParamReader& r) { r.OptionalBool("bad"); },
                    +[](const ParamReader& r) { r.OptionalInt("bad"); }}) {
    const auto thrown = ErrorOf([&] { read(reader_); });
    EXPECT_EQ(thrown.code, 496);
    EXPECT_EQ(thrown.param, "bad");
  }
  const auto thrown = ErrorOf([&] { reader_.Optional("surrogate"); });
  EXPECT_EQ(thrown.code, 496);
  EXPECT_EQ(thrown.param, "surrogate");
}

TEST_F(ParamReaderTest, OptionalListJoinsOccurrences) {
  Set("id", "1");
  Set("id", "");
  Set("id", "2;3");
  EXPECT_EQ(reader_.OptionalList("id"), "1;2;3");
  EXPECT_EQ(reader_.OptionalList("missing"), std::nullopt);
}

TEST_F(ParamReaderTest, Integers) {
  const std::pair<const char*, int64_t> good[] = {
      {"0", 0}, {"42", 42}, {"-5", -5}, {"9223372036854775807", INT64_MAX}};
  for (const auto& [text, value] : good) {
    Params params;
    params.Add(ParamSource::kQuery, "n", text);
    EXPECT_EQ(ParamReader(params).OptionalInt("n"), value) << text;
  }
  for (const char* text : {"1.0", " 1", "1 ", "+1", "1e3", "abc", "0x1", "-", "9223372036854775808",
                           "12345678901234567890"}) {
    Params params;
    params.Add(ParamSource::kQuery, "n", text);
    const auto thrown = ErrorOf([&] { ParamReader(params).OptionalInt("n"); });
    EXPECT_EQ(thrown.code, 496) << text;
    EXPECT_EQ(thrown.param, "n");
  }
  Set("empty", "");
  EXPECT_EQ(reader_.OptionalInt("missing"), std::nullopt);
  EXPECT_EQ(reader_.OptionalInt("empty"), std::nullopt);
}

TEST_F(ParamReaderTest, IntInRange) {
  Set("count", "50");
  EXPECT_EQ(reader_.IntInRange("count", 10, 1, 50), 50);
  EXPECT_EQ(reader_.IntInRange("absent", 10, 1, 50), 10);
  const struct {
    const char* text;
    int64_t min, max;
  } out_of_range[] = {{"0", 1, 50}, {"51", 1, 50}, {"-1", 0, INT64_MAX}, {"1001", 1, 1000}};
  for (const auto& c : out_of_range) {
    Params params;
    params.Add(ParamSource::kQuery, "count", c.text);
    const auto thrown = ErrorOf([&] { ParamReader(params).IntInRange("count", 1, c.min, c.max); });
    EXPECT_EQ(thrown.code, 497) << c.text;
    EXPECT_EQ(thrown.param, "count");
    EXPECT_EQ(thrown.min, c.min);
    EXPECT_EQ(thrown.max, c.max);
  }
  Set("offset", "ten");
  EXPECT_EQ(ErrorOf([&] { reader_.IntInRange("offset", 0, 0, 100); }).code, 496);
}

TEST_F(ParamReaderTest, BooleansInAnyCase) {
  for (const char* text : {"true", "TRUE", "True", "tRuE", "1"}) {
    Params params;
    params.Add(ParamSource::kQuery, "b", text);
    EXPECT_EQ(ParamReader(params).OptionalBool("b"), true) << text;
  }
  for (const char* text : {"false", "FALSE", "False", "0"}) {
    Params params;
    params.Add(ParamSource::kQuery, "b", text);
    EXPECT_EQ(ParamReader(params).OptionalBool("b"), false) << text;
  }
  for (const char* text : {"yes", "no", "2", "t", "f", " true", "true ", "01", "-1", "on"}) {
    Params params;
    params.Add(ParamSource::kQuery, "b", text);
    const auto thrown = ErrorOf([&] { ParamReader(params).OptionalBool("b"); });
    EXPECT_EQ(thrown.code, 496) << text;
    EXPECT_EQ(thrown.param, "b");
  }
  Set("empty", "");
  EXPECT_EQ(reader_.OptionalBool("empty"), std::nullopt);
  EXPECT_EQ(reader_.OptionalBool("missing"), std::nullopt);
}

TEST(ParamReaderCheckLengthTest, CountsCharactersNotBytes) {
  EXPECT_NO_THROW(ParamReader::CheckLength("key", std::string(200, 'a'), 200));
  std::string two_hundred_e_acute;
  for (int i = 0; i < 200; ++i) two_hundred_e_acute += "\xC3\xA9";  // 400 bytes
  EXPECT_NO_THROW(ParamReader::CheckLength("key", two_hundred_e_acute, 200));
  std::string emoji;
  for (int i = 0; i < 200; ++i) emoji += "\xF0\x9F\x98\x80";  // 800 bytes
  EXPECT_NO_THROW(ParamReader::CheckLength("key", emoji, 200));
  EXPECT_NO_THROW(ParamReader::CheckLength("value", "", 2000));

  const auto thrown =
      ErrorOf([&] { ParamReader::CheckLength("key", two_hundred_e_acute + "x", 200); });
  EXPECT_EQ(thrown.code, 477);
  EXPECT_EQ(thrown.param, "key");
  EXPECT_EQ(thrown.max, 200);
  EXPECT_EQ(ErrorOf([&] { ParamReader::CheckLength("key", std::string(201, 'a'), 200); }).code,
            477);
}

}  // namespace
}  // namespace coffer::api
