#include "cli/client_command_line.hpp"

#include <functional>
#include <vector>

#include "cli/command_line.hpp"
#include "common/strings.hpp"

namespace coffer::cli {

namespace {

// What the shorthands' options hold before they become a call.
struct ShorthandFlags {
  std::string app;   // --app NAME|ID
  std::string name;  // the positional NAME or KEY
  std::string value;
  std::string value_file;
  std::optional<std::string> description;
  std::string new_name;
  std::optional<int64_t> ttl;
  std::string filter;
  std::vector<std::string> params;  // `call`'s name=value words
};

// `--app 12` names an application by id, `--app web` by name.
ClientParam AppParam(const std::string& app) {
  const auto id = common::ParseStrictInt64(app);
  return id ? ClientParam{"application_id", app, false}
            : ClientParam{"application_name", app, false};
}

// `name=value`, or `name@FILE` to read the value from FILE (`-`: standard input).
ClientParam ParseParam(const std::string& word) {
  const auto split = word.find_first_of("=@");
  if (split == std::string::npos || split == 0) {
    throw UsageError("a parameter is name=value or name@FILE, got '" + word + "'");
  }
  return ClientParam{word.substr(0, split), word.substr(split + 1), word[split] == '@'};
}

}  // namespace

struct ClientCommandLine::Commands {
  ClientOptions connection;
  ShorthandFlags flags;
  CLI::Option* kv_value = nullptr;  // kv set takes one of these two
  CLI::Option* kv_value_file = nullptr;
  // Each command and how it becomes a call.
  std::vector<std::pair<CLI::App*, std::function<void(ClientOptions&)>>> calls;

  void AddConnection(CLI::App& command) {
    command.add_option("--server", connection.server,
                       "https://HOST:PORT (default $COFFER_SERVER, else https://127.0.0.1:8443)");
    command.add_option(
        "--credentials", connection.credentials,
        "credentials file (default $COFFER_CREDENTIALS, else DATA/credentials.json)");
    command
        .add_option("--data", connection.data_dir,
                    "data directory whose tls/cert.pem is trusted (and holds the credentials)")
        ->capture_default_str();
    command
        .add_option("--ca-file", connection.ca_file,
                    "a certificate to trust besides the system's CAs")
        ->check(CLI::ExistingFile);
  }

  CLI::App* Add(CLI::App& parent, const char* name, const char* about,
                std::function<void(ClientOptions&)> make, bool needs_app = true) {
    CLI::App* command = parent.add_subcommand(name, about);
    AddConnection(*command);
    if (needs_app) command->add_option("--app", flags.app, "application name or id")->required();
    calls.emplace_back(command, std::move(make));
    return command;
  }

  // The value of a write: --value-file (a secret's only way in), or --value where allowed.
  ClientParam Value(const char* name) const {
    if (!flags.value_file.empty()) return ClientParam{name, flags.value_file, true};
    return ClientParam{name, flags.value, false};
  }
};

ClientCommandLine::ClientCommandLine(CLI::App& app, CLI::App& app_group)
    : commands_(std::make_unique<Commands>()) {
  Commands& c = *commands_;
  ShorthandFlags& f = c.flags;

  CLI::App* call = c.Add(
      app, "call", "call any API method: coffer call METHOD [name=value | name@FILE]...",
      [&f](ClientOptions& o) {
        for (const auto& word : f.params) o.params.push_back(ParseParam(word));
      },
      false);
  call->add_option("method", c.connection.method, "the method, such as GetApplications")
      ->required();
  call->add_option("params", f.params, "name=value, or name@FILE to read the value (- : stdin)");
  call->add_option("--form", c.connection.form, "how the request is sent")
      ->check(CLI::IsMember({"urlencoded", "query", "json", "multipart", "cmd"}))
      ->capture_default_str();

  c.Add(
      app_group, "ls", "list applications (GetApplications)",
      [](ClientOptions& o) {
        o.method = "GetApplications";
        o.params = {{"count", "1000", false}};
        o.every_page = true;
      },
      false);
  c.Add(
       app_group, "add", "add an application (AddApplication)",
       [&f](ClientOptions& o) {
         o.method = "AddApplication";
         o.params = {{"application_name", f.name, false}};
       },
       false)
      ->add_option("name", f.name, "short name")
      ->required();
  c.Add(
       app_group, "rm", "delete an application and everything it holds (DelApplication)",
       [&f](ClientOptions& o) {
         o.method = "DelApplication";
         o.params = {AppParam(f.name)};
       },
       false)
      ->add_option("name", f.name, "name or id")
      ->required();

  CLI::App* secret = app.add_subcommand("secret", "an application's secrets (client)");
  secret->require_subcommand(1, 1);
  c.Add(*secret, "ls", "list secrets without values (GetSecrets)", [&f](ClientOptions& o) {
     o.method = "GetSecrets";
     o.params = {AppParam(f.app), {"count", "1000", false}};
     o.every_page = true;
     if (!f.filter.empty()) o.params.push_back({"secret_name_part", f.filter, false});
   })->add_option("--filter", f.filter, "names containing this, ignoring case");
  CLI::App* secret_add =
      c.Add(*secret, "add", "add a secret (AddSecret)", [&c, &f](ClientOptions& o) {
        o.method = "AddSecret";
        o.params = {AppParam(f.app), {"secret_name", f.name, false}, c.Value("secret_value")};
        if (f.description) o.params.push_back({"description", *f.description, false});
      });
  secret_add->add_option("name", f.name, "secret name")->required();
  secret_add->add_option("--value-file", f.value_file, "read the value from this file (- : stdin)")
      ->required();
  secret_add->add_option("--description", f.description, "free text");
  c.Add(*secret, "get", "a secret with its value (GetSecretValue)",
        [&f](ClientOptions& o) {
          o.method = "GetSecretValue";
          o.params = {AppParam(f.app), {"secret_name", f.name, false}};
        })
      ->add_option("name", f.name, "secret name")
      ->required();
  CLI::App* secret_set =
      c.Add(*secret, "set", "change a secret's value, name or description (SetSecretInfo)",
            [&f](ClientOptions& o) {
              o.method = "SetSecretInfo";
              o.params = {AppParam(f.app), {"secret_name", f.name, false}};
              if (!f.value_file.empty()) o.params.push_back({"secret_value", f.value_file, true});
              if (!f.new_name.empty()) o.params.push_back({"new_secret_name", f.new_name, false});
              if (f.description) o.params.push_back({"description", *f.description, false});
            });
  secret_set->add_option("name", f.name, "secret name")->required();
  secret_set->add_option("--value-file", f.value_file, "the new value from this file (- : stdin)");
  secret_set->add_option("--new-name", f.new_name, "rename it");
  secret_set->add_option("--description", f.description, "new description (empty clears it)");
  c.Add(*secret, "rm", "delete a secret (DelSecret)",
        [&f](ClientOptions& o) {
          o.method = "DelSecret";
          o.params = {AppParam(f.app), {"secret_name", f.name, false}};
        })
      ->add_option("name", f.name, "secret name")
      ->required();

  CLI::App* kv = app.add_subcommand("kv", "an application's key-value items (client)");
  kv->require_subcommand(1, 1);
  c.Add(*kv, "ls", "list keys (GetKeyValueKeys)", [&f](ClientOptions& o) {
     o.method = "GetKeyValueKeys";
     o.params = {AppParam(f.app), {"count", "50", false}};
     o.every_page = true;
     if (!f.filter.empty()) o.params.push_back({"key", f.filter, false});
   })->add_option("--prefix", f.filter, "keys starting with this");
  c.Add(*kv, "get", "one item (GetKeyValueItem)",
        [&f](ClientOptions& o) {
          o.method = "GetKeyValueItem";
          o.params = {AppParam(f.app), {"key", f.name, false}};
        })
      ->add_option("key", f.name, "the key")
      ->required();
  CLI::App* kv_set =
      c.Add(*kv, "set", "create or replace an item (SetKeyValueItem)", [&c, &f](ClientOptions& o) {
        if (c.kv_value->count() == 0 && c.kv_value_file->count() == 0) {
          throw UsageError("kv set needs --value or --value-file");
        }
        o.method = "SetKeyValueItem";
        o.params = {AppParam(f.app), {"key", f.name, false}, c.Value("value")};
        if (f.ttl) o.params.push_back({"ttl", std::to_string(*f.ttl), false});
      });
  kv_set->add_option("key", f.name, "the key")->required();
  c.kv_value = kv_set->add_option("--value", f.value, "the value");
  c.kv_value_file =
      kv_set->add_option("--value-file", f.value_file, "read the value from this file (- : stdin)");
  c.kv_value->excludes(c.kv_value_file);
  kv_set->add_option("--ttl", f.ttl, "seconds to live (default 30 days)");
  c.Add(*kv, "rm", "delete an item (DelKeyValueItem)",
        [&f](ClientOptions& o) {
          o.method = "DelKeyValueItem";
          o.params = {AppParam(f.app), {"key", f.name, false}};
        })
      ->add_option("key", f.name, "the key")
      ->required();
}

ClientCommandLine::~ClientCommandLine() = default;

std::optional<ClientOptions> ClientCommandLine::Parsed() const {
  for (const auto& [command, make] : commands_->calls) {
    if (!command->parsed()) continue;
    ClientOptions options = commands_->connection;
    make(options);
    return options;
  }
  return std::nullopt;
}

}  // namespace coffer::cli
