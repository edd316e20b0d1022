#include "service/export_file.hpp"

#include <boost/json.hpp>

#include "crypto/aead.hpp"
#include "crypto/base64url.hpp"
#include "crypto/digest.hpp"
#include "crypto/random.hpp"

namespace coffer::service {

namespace json = boost::json;

namespace {

constexpr std::string_view kFormat = "coffer-export";
constexpr int64_t kVersion = 1;
constexpr std::size_t kSaltBytes = 16;
constexpr std::string_view kCheckText = "coffer-export:v1:check";

// The two keys of one export: the first half seals values, the second authenticates the file.
struct ExportKeys {
  common::SecureString derived;
  std::string_view seal() const { return derived.view().substr(0, crypto::kAeadKeyBytes); }
  std::string_view mac() const { return derived.view().substr(crypto::kAeadKeyBytes); }
};

ExportKeys DeriveKeys(std::string_view passphrase, std::string_view salt,
                      const crypto::ScryptParams& params) {
  return ExportKeys{
      crypto::DeriveFromPassphrase(passphrase, salt, params, 2 * crypto::kAeadKeyBytes)};
}

// Associated data of a sealed field: it opens only as this field of this secret.
std::string FieldAad(std::string_view name, std::string_view field) {
  return "coffer-export:v1:" + std::string(field) + ":" + std::string(name);
}

std::string Encode(std::string_view bytes) { return crypto::Base64UrlEncode(bytes); }

[[noreturn]] void Fail(const std::string& message) { throw ExportFileError(message); }

// As a JSON string, so that no name can break the one-line message it is quoted in.
std::string Quoted(std::string_view text) { return json::serialize(json::string(text)); }

// Reading members of a record, each failure naming the line.
class Record {
 public:
  Record(const json::object& object, std::size_t line) : object_(object), line_(line) {}

  const json::value& Member(std::string_view name) const {
    const json::value* value = object_.if_contains(name);
    if (value == nullptr) Fail(Where() + "has no \"" + std::string(name) + "\"");
    return *value;
  }
  std::string Text(std::string_view name) const {
    const json::value& value = Member(name);
    if (!value.is_string()) Fail(Where() + "\"" + std::string(name) + "\" is not a string");
    return std::string(value.get_string());
  }
  int64_t Int(std::string_view name) const {
    const json::value& value = Member(name);
    if (!value.is_int64() && !value.is_uint64()) {
      Fail(Where() + "\"" + std::string(name) + "\" is not an integer");
    }
    if (value.is_uint64() && value.get_uint64() > INT64_MAX) {
      Fail(Where() + "\"" + std::string(name) + "\" is out of range");
    }
    return value.is_int64() ? value.get_int64() : static_cast<int64_t>(value.get_uint64());
  }
  std::string Bytes(std::string_view name) const {
    auto bytes = crypto::Base64UrlDecode(Text(name));
    if (!bytes) Fail(Where() + "\"" + std::string(name) + "\" is not base64url");
    return std::move(*bytes);
  }
  bool Has(std::string_view name) const { return object_.contains(name); }
  std::string Where() const { return "line " + std::to_string(line_) + ": "; }

 private:
  const json::object& object_;
  std::size_t line_;
};

std::optional<json::object> ParseObject(std::string_view line) {
  boost::system::error_code ec;
  json::value value = json::parse(line, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.get_object());
}

// The lines of `text`, each with the offset it starts at; a final newline ends the last line.
std::vector<std::pair<std::size_t, std::string_view>> Lines(std::string_view text) {
  std::vector<std::pair<std::size_t, std::string_view>> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end;
    lines.emplace_back(start, text.substr(start, stop - start));
    start = stop + 1;
  }
  return lines;
}

ExportKeys OpenHeader(std::string_view line, std::string_view passphrase, ApplicationExport& data) {
  const auto object = ParseObject(line);
  if (!object || !object->contains("format") || object->at("format") != json::value(kFormat)) {
    Fail("not a Coffer export: its first line is not an export header");
  }
  const Record header(*object, 1);
  if (const int64_t version = header.Int("version"); version != kVersion) {
    Fail("this export has format version " + std::to_string(version) + "; this build reads " +
         std::to_string(kVersion));
  }
  data.application = header.Text("application");
  data.exported_at = header.Int("exported_at");
  if (header.Text("cipher") != "AES-256-GCM") Fail("line 1: unknown cipher");
  const json::value& kdf_value = header.Member("kdf");
  if (!kdf_value.is_object()) Fail("line 1: \"kdf\" is not an object");
  const Record kdf(kdf_value.get_object(), 1);
  if (kdf.Text("name") != "scrypt")
    Fail("line 1: unknown key derivation " + Quoted(kdf.Text("name")));
  const crypto::ScryptParams params{static_cast<uint64_t>(kdf.Int("n")),
                                    static_cast<uint64_t>(kdf.Int("r")),
                                    static_cast<uint64_t>(kdf.Int("p"))};
  if (!crypto::AcceptableScryptParams(params)) {
    Fail("line 1: the scrypt parameters are outside the range this build accepts");
  }
  const std::string salt = kdf.Bytes("salt");
  ExportKeys keys = DeriveKeys(passphrase, salt, params);
  if (!crypto::ConstantTimeEquals(crypto::HmacSha256(keys.mac(), kCheckText),
                                  header.Bytes("check"))) {
    Fail("wrong passphrase: the export does not open with it");
  }
  return keys;
}

ExportedSecret ReadSecret(const Record& record, const ExportKeys& keys) {
  ExportedSecret secret;
  secret.name = record.Text("name");
  secret.created = record.Int("created");
  secret.modified = record.Int("modified");
  auto value = crypto::AeadOpen(keys.seal(), record.Bytes("value"), FieldAad(secret.name, "value"));
  if (!value)
    Fail(record.Where() + "the value of secret " + Quoted(secret.name) + " does not open");
  secret.value = std::move(*value);
  if (record.Has("description")) {
    const auto description = crypto::AeadOpen(keys.seal(), record.Bytes("description"),
                                              FieldAad(secret.name, "description"));
    if (!description) {
      Fail(record.Where() + "the description of secret " + Quoted(secret.name) + " does not open");
    }
    secret.description = std::string(description->view());
  }
  return secret;
}

}  // namespace

std::string WriteExportFile(const ApplicationExport& data, std::string_view passphrase,
                            const crypto::ScryptParams& params) {
  const std::string salt = crypto::RandomBytes(kSaltBytes);
  const ExportKeys keys = DeriveKeys(passphrase, salt, params);
  std::string out;
  const auto append = [&out](const json::object& record) {
    out += json::serialize(record);
    out += '\n';
  };
  append({{"format", kFormat},
          {"version", kVersion},
          {"application", data.application},
          {"exported_at", data.exported_at},
          {"kdf",
           {{"name", "scrypt"},
            {"n", params.n},
            {"r", params.r},
            {"p", params.p},
            {"salt", Encode(salt)}}},
          {"cipher", "AES-256-GCM"},
          {"check", Encode(crypto::HmacSha256(keys.mac(), kCheckText))}});
  for (const ExportedSecret& secret : data.secrets) {
    json::object fields{{"name", secret.name},
                        {"created", secret.created},
                        {"modified", secret.modified},
                        {"value", Encode(crypto::AeadSeal(keys.seal(), secret.value.view(),
                                                          FieldAad(secret.name, "value")))}};
    if (secret.description) {
      fields["description"] = Encode(
          crypto::AeadSeal(keys.seal(), *secret.description, FieldAad(secret.name, "description")));
    }
    append({{"secret", std::move(fields)}});
  }
  for (const store::KvItem& item : data.items) {
    append({{"item", {{"key", item.key}, {"value", item.value}, {"expires_at", item.expires_at}}}});
  }
  append({{"end",
           {{"secrets", data.secrets.size()},
            {"items", data.items.size()},
            {"mac", Encode(crypto::HmacSha256(keys.mac(), out))}}}});
  return out;
}

ApplicationExport ReadExportFile(std::string_view text, std::string_view passphrase) {
  const auto lines = Lines(text);
  if (lines.empty()) Fail("not a Coffer export: the file is empty");
  ApplicationExport data;
  const ExportKeys keys = OpenHeader(lines.front().second, passphrase, data);

  // The end record is the last line; anything else there means the file was cut short.
  const auto& [end_offset, end_line] = lines.back();
  const auto end_object = lines.size() > 1 ? ParseObject(end_line) : std::nullopt;
  if (!end_object || !end_object->contains("end") || !end_object->at("end").is_object()) {
    for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
      const auto object = ParseObject(lines[i].second);
      if (object && object->contains("end")) {
        Fail("the export has content after its end record, from line " + std::to_string(i + 2));
      }
    }
    Fail("the export is truncated: it ends at line " + std::to_string(lines.size()) +
         " without its end record");
  }
  const Record end(end_object->at("end").get_object(), lines.size());
  if (!crypto::ConstantTimeEquals(crypto::HmacSha256(keys.mac(), text.substr(0, end_offset)),
                                  end.Bytes("mac"))) {
    Fail("the export was changed or damaged: its content does not match its end record");
  }

  // Authenticated from here on: what fails now was written wrong, not damaged on the way.
  for (std::size_t i = 1; i + 1 < lines.size(); ++i) {
    const std::size_t number = i + 1;
    const auto object = ParseObject(lines[i].second);
    if (!object || object->size() != 1 || !object->begin()->value().is_object()) {
      Fail("line " + std::to_string(number) + " is not a secret or an item record");
    }
    const Record record(object->begin()->value().get_object(), number);
    if (object->contains("secret")) {
      data.secrets.push_back(ReadSecret(record, keys));
    } else if (object->contains("item")) {
      data.items.push_back(
          store::KvItem{record.Text("key"), record.Text("value"), record.Int("expires_at")});
    } else {
      Fail("line " + std::to_string(number) + " is not a secret or an item record");
    }
  }
  if (end.Int("secrets") != static_cast<int64_t>(data.secrets.size()) ||
      end.Int("items") != static_cast<int64_t>(data.items.size())) {
    Fail("the export's end record counts other entries than the file holds");
  }
  return data;
}

}  // namespace coffer::service
