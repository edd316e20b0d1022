#include "cli/operator_commands.hpp"

#include <boost/json.hpp>
#include <stdexcept>

#include "api/application_methods.hpp"
#include "api/errors.hpp"
#include "cli/credentials.hpp"
#include "cli/data_dir.hpp"
#include "common/timestamp.hpp"
#include "crypto/digest.hpp"
#include "crypto/random.hpp"
#include "domain/names.hpp"
#include "service/applications.hpp"

namespace coffer::cli {

namespace json = boost::json;

store::Account RequireAccount(store::Store& store, int64_t id) {
  auto account = store.accounts().FindById(id);
  if (!account) throw std::runtime_error("account " + std::to_string(id) + " does not exist");
  return *account;
}

namespace {

// Credentials go to --out (0600, never overwriting) or to stdout.
void EmitCredentials(const std::string& credentials, const std::string& out_path,
                     std::ostream& out) {
  if (out_path.empty()) {
    out << credentials;
    return;
  }
  WriteNewFile(out_path, credentials, 0600);
  out << json::serialize(json::object{{"credentials_file", out_path}}) << "\n";
}

}  // namespace

void AccountCreate(store::Store& store, const common::Clock& clock, const AccountCreateOptions& o,
                   std::ostream& out) {
  if (!domain::IsValidAccountName(o.name)) {
    throw std::runtime_error("account name must match [a-z][a-z0-9-]{0,39}, got '" + o.name + "'");
  }
  if (o.email.empty() || o.email.find('@') == std::string::npos) {
    throw std::runtime_error("--email must be an e-mail address");
  }
  const int64_t now = clock.NowSeconds();
  IssuedKey issued = IssueKey({"Owner"}, "account owner", now);
  const auto created = store.accounts().Create(o.name, o.email, now, issued.key);
  if (!created.ok()) throw std::runtime_error("account name '" + o.name + "' is taken");
  const store::Account& account = created.value();
  issued.key.account_id = account.id;
  EmitCredentials(CredentialsJson(account, issued), o.out, out);
}

void AccountApiKey(store::Store& store, const AccountApiKeyOptions& o, std::ostream& out) {
  const std::string api_key = crypto::RandomHex(20);
  // Only a hash is stored; the key itself is shown once, here.
  if (store.accounts().SetApiKeyHash(o.account_id, crypto::Sha256Hex(api_key)) !=
      store::Outcome::kOk) {
    throw std::runtime_error("account " + std::to_string(o.account_id) + " does not exist");
  }
  out << json::serialize(json::object{{"account_id", o.account_id}, {"api_key", api_key}}) << "\n";
}

void KeyCreate(store::Store& store, const common::Clock& clock, const KeyCreateOptions& o,
               std::ostream& out) {
  const auto account = RequireAccount(store, o.account_id);
  IssuedKey issued = IssueKey(o.roles, o.description, clock.NowSeconds());
  issued.key.account_id = account.id;
  switch (store.accounts().AddKey(issued.key)) {
    case store::Outcome::kOk:
      break;
    case store::Outcome::kNotFound:
      throw std::runtime_error("account " + std::to_string(account.id) + " does not exist");
    default:
      throw std::runtime_error("key id " + issued.key.key_id + " exists");
  }
  EmitCredentials(CredentialsJson(account, issued), o.out, out);
}

void KeyList(store::Store& store, const KeyListOptions& o, std::ostream& out) {
  RequireAccount(store, o.account_id);
  json::array keys;
  for (const auto& key : store.accounts().ListKeys(o.account_id)) {
    json::array roles;
    for (const auto& role : key.roles) roles.emplace_back(role);
    keys.push_back(json::object{{"key_id", key.key_id},
                                {"roles", std::move(roles)},
                                {"description", key.description},
                                {"created", common::FormatTimestamp(key.created)}});
  }
  out << json::serialize(keys) << "\n";
}

void KeyDelete(store::Store& store, const KeyDeleteOptions& o, std::ostream& out) {
  if (store.accounts().DeleteKey(o.key_id) != store::Outcome::kOk) {
    throw std::runtime_error("key '" + o.key_id + "' does not exist");
  }
  out << R"({"result":1})"
      << "\n";
}

void AppCreate(store::Store& store, const common::Clock& clock, const AppCreateOptions& o,
               std::ostream& out) {
  const auto account = RequireAccount(store, o.account_id);
  service::Applications applications(store.applications(), clock,
                                     service::ApplicationsOptions{o.domain, 0});
  const service::AccountRef ref{account.id, account.name};
  try {
    const auto created = api::AddApplication(applications, ref, o.name, false);
    out << json::serialize(json::object{{"application_id", created.id},
                                        {"application_name", applications.FullName(ref, created)}})
        << "\n";
  } catch (const common::ApiError& e) {
    throw std::runtime_error(api::ErrorMessage(e));
  }
}

}  // namespace coffer::cli
