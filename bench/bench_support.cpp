#include "bench_support.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "crypto/random.hpp"
#include "crypto/rsa.hpp"

namespace coffer::bench {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "coffer-bench-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

StoreFixture::StoreFixture() {
  database_path = (dir.path() / "coffer.db").string();
  store::sqlite::SqliteOptions options;
  options.path = database_path;
  store = std::make_unique<store::sqlite::SqliteStore>(options);

  auto pair = crypto::GenerateRsaKeyPair(2048);
  private_key_pem = std::move(pair.private_pkcs8_pem);
  const int64_t now = NowSeconds();
  store::ServiceKey first;
  first.key_id = crypto::RandomHex(16);
  first.public_key_pem = std::move(pair.public_pem);
  first.roles = {"Owner"};
  first.created = now;
  account = store->accounts().Create("bench", "bench@localhost", now, first).value();
  key = *store->accounts().FindKey(first.key_id);
  application_id = store->applications().Create(account.id, "bench-app", false, now, 0).value().id;
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string IndexedKey(int64_t index) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "k:%07lld", static_cast<long long>(index));
  return buffer;
}

}  // namespace coffer::bench
