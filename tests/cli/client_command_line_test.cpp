// Each client shorthand (SPEC 17) becomes exactly one method with exactly its parameters, and
// the answer prints as indented JSON on a terminal.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <vector>

#include "cli/client_commands.hpp"
#include "cli/command_line.hpp"

namespace coffer::cli {
namespace {

using Params = std::vector<std::tuple<std::string, std::string, bool>>;

ClientOptions Parse(std::vector<const char*> words) {
  words.insert(words.begin(), "coffer");
  const Command command = ParseCommandLine(static_cast<int>(words.size()), words.data());
  const auto* options = std::get_if<ClientOptions>(&command);
  if (options == nullptr) throw std::runtime_error("not a client command");
  return *options;
}

Params ParamsOf(const ClientOptions& options) {
  Params params;
  for (const auto& p : options.params) params.emplace_back(p.name, p.value, p.from_file);
  return params;
}

TEST(ClientCommandLineTest, CallTakesValuesAndFiles) {
  const ClientOptions o = Parse({"call", "SetSecretInfo", "application_id=7", "secret_name=a=b",
                                 "secret_value@-", "description=", "--server", "https://h:1",
                                 "--credentials", "c.json", "--data", "d", "--ca-file", "/dev/null"});
  EXPECT_EQ(o.method, "SetSecretInfo");
  EXPECT_EQ(ParamsOf(o), (Params{{"application_id", "7", false},
                                 {"secret_name", "a=b", false},
                                 {"secret_value", "-", true},
                                 {"description", "", false}}));
  EXPECT_EQ(o.server, "https://h:1");
  EXPECT_EQ(o.credentials, "c.json");
  EXPECT_EQ(o.data_dir, "d");
  EXPECT_EQ(o.ca_file, "/dev/null");
  EXPECT_THROW(Parse({"call", "X", "novalue"}), UsageError);
  EXPECT_THROW(Parse({"call", "X", "=v"}), UsageError);
  EXPECT_THROW(Parse({"call"}), UsageError);
  const ClientOptions defaults = Parse({"call", "GetApplications"});
  EXPECT_EQ(defaults.server, "") << "COFFER_SERVER or the default, at run time";
  EXPECT_EQ(defaults.data_dir, "coffer-data");
  EXPECT_EQ(defaults.form, "urlencoded");
  EXPECT_EQ(Parse({"call", "GetApplications", "--form", "multipart"}).form, "multipart");
  EXPECT_THROW(Parse({"call", "GetApplications", "--form", "xml"}), UsageError);
}

TEST(ClientCommandLineTest, EachShorthandIsOneMethod) {
  const auto expect = [](std::vector<const char*> words, const std::string& method,
                         const Params& params) {
    const ClientOptions o = Parse(words);
    EXPECT_EQ(o.method, method) << words[0] << " " << words[1];
    EXPECT_EQ(ParamsOf(o), params) << words[0] << " " << words[1];
  };
  expect({"app", "ls"}, "GetApplications", {{"count", "1000", false}});
  EXPECT_TRUE(Parse({"app", "ls"}).every_page);
  EXPECT_TRUE(Parse({"kv", "ls", "--app", "web"}).every_page);
  EXPECT_TRUE(Parse({"secret", "ls", "--app", "web"}).every_page);
  EXPECT_FALSE(Parse({"kv", "get", "k", "--app", "web"}).every_page);
  EXPECT_FALSE(Parse({"call", "GetKeyValueKeys"}).every_page);
  expect({"app", "add", "web"}, "AddApplication", {{"application_name", "web", false}});
  expect({"app", "rm", "12"}, "DelApplication", {{"application_id", "12", false}});
  expect({"app", "rm", "web"}, "DelApplication", {{"application_name", "web", false}});
  expect({"secret", "ls", "--app", "web"}, "GetSecrets",
         {{"application_name", "web", false}, {"count", "1000", false}});
  expect({"secret", "ls", "--app", "3", "--filter", "db"}, "GetSecrets",
         {{"application_id", "3", false}, {"count", "1000", false}, {"secret_name_part", "db", false}});
  expect({"secret", "add", "db", "--app", "web", "--value-file", "f", "--description", "d"},
         "AddSecret",
         {{"application_name", "web", false},
          {"secret_name", "db", false},
          {"secret_value", "f", true},
          {"description", "d", false}});
  expect({"secret", "get", "db", "--app", "web"}, "GetSecretValue",
         {{"application_name", "web", false}, {"secret_name", "db", false}});
  expect({"secret", "set", "db", "--app", "web", "--new-name", "db2", "--description", ""},
         "SetSecretInfo",
         {{"application_name", "web", false},
          {"secret_name", "db", false},
          {"new_secret_name", "db2", false},
          {"description", "", false}});
  expect({"secret", "rm", "db", "--app", "web"}, "DelSecret",
         {{"application_name", "web", false}, {"secret_name", "db", false}});
  expect({"kv", "ls", "--app", "web"}, "GetKeyValueKeys",
         {{"application_name", "web", false}, {"count", "50", false}});
  expect({"kv", "ls", "--app", "web", "--prefix", "order:"}, "GetKeyValueKeys",
         {{"application_name", "web", false}, {"count", "50", false}, {"key", "order:", false}});
  expect({"kv", "get", "k", "--app", "web"}, "GetKeyValueItem",
         {{"application_name", "web", false}, {"key", "k", false}});
  expect({"kv", "set", "k", "--app", "web", "--value", "", "--ttl", "60"}, "SetKeyValueItem",
         {{"application_name", "web", false},
          {"key", "k", false},
          {"value", "", false},
          {"ttl", "60", false}});
  expect({"kv", "set", "k", "--app", "web", "--value-file", "-"}, "SetKeyValueItem",
         {{"application_name", "web", false}, {"key", "k", false}, {"value", "-", true}});
  expect({"kv", "rm", "k", "--app", "web"}, "DelKeyValueItem",
         {{"application_name", "web", false}, {"key", "k", false}});
}

TEST(ClientCommandLineTest, SecretValuesNeverComeFromArgv) {
  EXPECT_THROW(Parse({"secret", "add", "db", "--app", "web"}), UsageError);
  EXPECT_THROW(Parse({"secret", "add", "db", "--app", "web", "--value", "x"}), UsageError);
  EXPECT_THROW(Parse({"secret", "get", "db"}), UsageError) << "--app is required";
  EXPECT_THROW(Parse({"kv", "set", "k", "--app", "web"}), UsageError);
  EXPECT_THROW(Parse({"kv", "set", "k", "--app", "w", "--value", "v", "--value-file", "f"}),
               UsageError);
  EXPECT_THROW(Parse({"kv", "set", "k", "--app", "w", "--value", "v", "--ttl", "x"}), UsageError);
}

TEST(ClientCommandLineTest, TheOperatorsAppCreateStaysAnOperatorCommand) {
  std::vector<const char*> words = {"coffer", "app", "create", "--account", "1", "--name", "web"};
  const Command command = ParseCommandLine(static_cast<int>(words.size()), words.data());
  EXPECT_TRUE(std::holds_alternative<AppCreateOptions>(command));
}

TEST(ClientCommandLineTest, PrettyJsonIndentsTwoSpacesPerLevel) {
  const auto value = boost::json::parse(
      R"({"result":[{"key":"k","n":1},[]],"empty":{},"text":"a\"b","count":2})");
  EXPECT_EQ(PrettyJson(value),
            "{\n"
            "  \"result\": [\n"
            "    {\n"
            "      \"key\": \"k\",\n"
            "      \"n\": 1\n"
            "    },\n"
            "    []\n"
            "  ],\n"
            "  \"empty\": {},\n"
            "  \"text\": \"a\\\"b\",\n"
            "  \"count\": 2\n"
            "}");
  EXPECT_EQ(boost::json::parse(PrettyJson(value)), value);
}

}  // namespace
}  // namespace coffer::cli
