#include "cli/master_key.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/data_dir.hpp"

namespace coffer::cli {

namespace {

constexpr const char* kCheckName = "master_key_check";

std::string DefaultKeyPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "master.key").string();
}

crypto::MasterKey ReadKeyFile(const std::string& path) {
  RequirePrivate(path);  // a key another user could write is a key they chose
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read master key file " + path);
  std::ostringstream text;
  text << file.rdbuf();
  try {
    return crypto::MasterKey::FromText(text.str());
  } catch (const crypto::KeyringError& e) {
    throw std::runtime_error("master key file " + path + ": " + e.what());
  }
}

// Fails unless `keyring` opens `check`, the store's master-key check.
void RequireKeyOf(const std::string& check, const crypto::Keyring& keyring,
                  const std::string& path) {
  if (keyring.VerifyCheck(check)) return;
  throw std::runtime_error("wrong master key: " + path + " has id " + keyring.master_key_id() +
                           ", but the data is encrypted under master key " +
                           crypto::Keyring::WrappingKeyId(check));
}

// Fails unless `keyring` opens the store's check (when the store has one).
void VerifyAgainstStore(store::MetaStore& meta, const crypto::Keyring& keyring,
                        const std::string& path) {
  if (const auto check = meta.Get(kCheckName)) RequireKeyOf(*check, keyring, path);
}

}  // namespace

crypto::Keyring OpenKeyring(store::MetaStore& meta, const std::string& data_dir,
                            const std::string& master_key_file) {
  std::string path = master_key_file.empty() ? DefaultKeyPath(data_dir) : master_key_file;
  std::error_code ec;
  if (master_key_file.empty() && !std::filesystem::exists(path, ec)) {
    if (meta.Get(kCheckName)) {
      throw std::runtime_error("the data is encrypted, but " + path +
                               " is missing: pass --master-key-file");
    }
    WriteNewFile(path, crypto::MasterKey::Generate().ToText(), 0600);
    spdlog::warn(
        "generated master key {}; in production keep the master key apart from the data "
        "(--master-key-file)",
        path);
  }
  crypto::Keyring keyring(ReadKeyFile(path));
  // One store operation both claims an unclaimed store for this key and reports the key that
  // holds it, so of servers started at once with different keys exactly one serves. A wrong
  // key changes nothing: the check in force stays.
  RequireKeyOf(meta.SetIfAbsent(kCheckName, keyring.MakeCheck()), keyring, path);
  return keyring;
}

std::unique_ptr<store::ServingLease> HoldServingLease(store::MetaStore& meta,
                                                      const crypto::Keyring& keyring,
                                                      const std::string& data_dir,
                                                      const std::string& master_key_file,
                                                      std::function<void()> on_fenced) {
  auto lease = meta.HoldServingLease(kCheckName, std::move(on_fenced));
  VerifyAgainstStore(meta, keyring,
                     master_key_file.empty() ? DefaultKeyPath(data_dir) : master_key_file);
  return lease;
}

void MasterKeyGenerate(const MasterKeyGenerateOptions& options, std::ostream& out) {
  const crypto::MasterKey key = crypto::MasterKey::Generate();
  WriteNewFile(options.out, key.ToText(), 0600);
  out << boost::json::serialize(
             boost::json::object{{"master_key_file", options.out}, {"master_key_id", key.id()}})
      << "\n";
}

void MasterKeyRotate(store::Store& store, const MasterKeyRotateOptions& options,
                     std::ostream& out) {
  const std::string old_path = options.master_key_file.empty()
                                   ? DefaultKeyPath(options.storage.data_dir)
                                   : options.master_key_file;
  const crypto::Keyring old_keyring(ReadKeyFile(old_path));
  VerifyAgainstStore(store.meta(), old_keyring, old_path);
  const crypto::Keyring new_keyring(ReadKeyFile(options.new_key_file));

  const auto rewrapped = store.secrets().RotateDataKeys(
      [&](const store::WrappedDataKey& current) {
        const auto data_key = old_keyring.UnwrapDataKey(current.wrapped, current.application_id);
        return new_keyring.WrapDataKey(data_key, current.application_id);
      },
      kCheckName, new_keyring.MakeCheck());
  if (rewrapped.outcome() == store::Outcome::kBusy) {
    throw std::runtime_error(
        "a coffer server is running on this storage; stop every server on every node before "
        "rotating the master key");
  }
  if (options.master_key_file.empty()) {
    // The default key file follows the data, so a plain `coffer serve` keeps working.
    const std::string staged = old_path + ".new";
    WriteFileReplacing(staged, ReadKeyFile(options.new_key_file).ToText(), 0600);
    std::filesystem::rename(staged, old_path);
  }
  out << boost::json::serialize(boost::json::object{{"result", 1},
                                                    {"data_keys", rewrapped.value()},
                                                    {"master_key_id", new_keyring.master_key_id()}})
      << "\n";
}

}  // namespace coffer::cli
