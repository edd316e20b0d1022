#include "cli/bootstrap.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>

#include "cli/credentials.hpp"
#include "cli/data_dir.hpp"

namespace coffer::cli {

std::optional<std::string> BootstrapOwner(store::AccountStore& accounts, const common::Clock& clock,
                                          const std::string& data_dir) {
  const std::string path = (std::filesystem::path(data_dir) / "credentials.json").string();
  std::error_code ec;
  const bool file_exists = std::filesystem::exists(path, ec);
  const auto existing = file_exists ? std::optional<std::string>(path) : std::nullopt;
  // Spares every later start an RSA key generation; CreateFirst below decides.
  if (accounts.HasAny()) return existing;
  const int64_t now = clock.NowSeconds();
  IssuedKey issued = IssueKey({"Owner"}, "created on first start", now);
  const auto created = accounts.CreateFirst("dev", "dev@localhost", now, issued.key);
  if (!created.ok()) {
    // Another process or node started at the same time and created it; that one alone hands
    // out the credentials.
    spdlog::info("first start: the first account was created by another server");
    return existing;
  }
  const store::Account& account = created.value();
  issued.key.account_id = account.id;
  if (file_exists) {
    spdlog::warn("{} exists and was kept; the new Owner key {} has no credentials file", path,
                 issued.key.key_id);
    return path;
  }
  WriteNewFile(path, CredentialsJson(account, issued), 0600);
  spdlog::info("first start: created account {} ({}) and its Owner key", account.id, account.name);
  return path;
}

}  // namespace coffer::cli
