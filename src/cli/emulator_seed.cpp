#include "cli/emulator_seed.hpp"

#include <boost/json.hpp>
#include <initializer_list>

#include "domain/key_value_rules.hpp"

namespace coffer::cli {

namespace json = boost::json;

namespace {

// An object of the seed, read member by member; `where` names it in errors ("applications[0]").
class Member {
 public:
  Member(const json::value& value, std::string where, std::initializer_list<std::string_view> known)
      : where_(std::move(where)) {
    if (!value.is_object()) throw SeedError(where_ + " must be an object");
    object_ = &value.get_object();
    for (const auto& member : *object_) {
      bool listed = false;
      for (const std::string_view name : known) listed = listed || member.key() == name;
      if (!listed)
        throw SeedError(where_ + " has an unknown member \"" + std::string(member.key()) + "\"");
    }
  }

  const json::value* Find(std::string_view name) const { return object_->if_contains(name); }
  std::string Text(std::string_view name) const {
    const json::value* value = Find(name);
    if (value == nullptr || !value->is_string()) throw SeedError(Name(name) + " must be a string");
    return std::string(value->get_string());
  }
  std::optional<std::string> OptionalText(std::string_view name) const {
    if (Find(name) == nullptr) return std::nullopt;
    return Text(name);
  }
  std::optional<int64_t> OptionalInt(std::string_view name) const {
    const json::value* value = Find(name);
    if (value == nullptr) return std::nullopt;
    if (!value->is_int64()) throw SeedError(Name(name) + " must be an integer");
    return value->get_int64();
  }
  const json::array& Array(std::string_view name) const {
    static const json::array kEmpty;
    const json::value* value = Find(name);
    if (value == nullptr) return kEmpty;
    if (!value->is_array()) throw SeedError(Name(name) + " must be an array");
    return value->get_array();
  }
  std::string Name(std::string_view member) const { return where_ + "." + std::string(member); }

 private:
  std::string where_;
  const json::object* object_ = nullptr;
};

int64_t ExpiresAt(const Member& item, int64_t now) {
  const auto ttl = item.OptionalInt("ttl");
  const auto expires_at = item.OptionalInt("expires_at");
  if (ttl && expires_at) throw SeedError(item.Name("ttl") + " and expires_at exclude each other");
  if (ttl && *ttl < 0) throw SeedError(item.Name("ttl") + " must not be negative");
  if (expires_at && *expires_at <= now) throw SeedError(item.Name("expires_at") + " has passed");
  return domain::KvExpiresAt(now, ttl, expires_at);
}

}  // namespace

Seed ParseSeed(std::string_view json_text, int64_t now) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(json_text, ec);
  if (ec) throw SeedError("the seed is not JSON: " + ec.message());
  const Member root(parsed, "seed", {"account_id", "applications"});
  Seed seed{root.OptionalInt("account_id"), {}};
  const json::array& applications = root.Array("applications");
  for (std::size_t a = 0; a < applications.size(); ++a) {
    const Member app(applications[a], "applications[" + std::to_string(a) + "]",
                     {"name", "secrets", "items"});
    SeedApplication entry{app.Text("name"), {}};
    entry.data.application = entry.name;
    entry.data.exported_at = now;
    const json::array& secrets = app.Array("secrets");
    for (std::size_t s = 0; s < secrets.size(); ++s) {
      const Member secret(secrets[s], app.Name("secrets") + "[" + std::to_string(s) + "]",
                          {"name", "value", "description"});
      entry.data.secrets.push_back(
          service::ExportedSecret{secret.Text("name"), common::SecureString(secret.Text("value")),
                                  secret.OptionalText("description"), now, now});
    }
    const json::array& items = app.Array("items");
    for (std::size_t i = 0; i < items.size(); ++i) {
      const Member item(items[i], app.Name("items") + "[" + std::to_string(i) + "]",
                        {"key", "value", "ttl", "expires_at"});
      entry.data.items.push_back(
          store::KvItem{item.Text("key"), item.Text("value"), ExpiresAt(item, now)});
    }
    seed.applications.push_back(std::move(entry));
  }
  return seed;
}

}  // namespace coffer::cli
