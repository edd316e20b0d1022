// The master-key check at start (SPEC 14): a store serves one master key only.

#include "cli/master_key.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cli/data_dir.hpp"
#include "store/open.hpp"
#include "support/temp_dir.hpp"

namespace coffer::cli {
namespace {

constexpr const char* kCheckName = "master_key_check";

class MasterKeyTest : public ::testing::Test {
 protected:
  // A new master key file; returns its path.
  std::string NewKeyFile(const std::string& name) {
    const std::string path = keys_.File(name);
    WriteNewFile(path, crypto::MasterKey::Generate().ToText(), 0600);
    return path;
  }

  // Another handle on the same storage, as another server process would open it.
  std::unique_ptr<store::Store> OpenStore() const {
    return store::Open(StorageIn(data_.path().string()));
  }

  std::string data_dir() const { return data_.path().string(); }

  testing_support::TempDir data_;
  testing_support::TempDir keys_;
};

TEST_F(MasterKeyTest, TheFirstKeyClaimsTheStoreAndAnotherIsRefused) {
  const std::string first = NewKeyFile("first.key");
  const std::string second = NewKeyFile("second.key");
  const auto store = OpenStore();
  const crypto::Keyring keyring = OpenKeyring(store->meta(), data_dir(), first);
  const auto check = store->meta().Get(kCheckName);
  ASSERT_TRUE(check);
  EXPECT_TRUE(keyring.VerifyCheck(*check));
  EXPECT_NO_THROW(OpenKeyring(store->meta(), data_dir(), first)) << "a restart with the same key";
  try {
    OpenKeyring(store->meta(), data_dir(), second);
    FAIL() << "a second master key was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("wrong master key"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(keyring.master_key_id()), std::string::npos) << e.what();
  }
  EXPECT_EQ(store->meta().Get(kCheckName), check) << "the refused key changed nothing";
}

TEST_F(MasterKeyTest, OfServersStartedAtOnceWithDifferentKeysExactlyOneServes) {
  constexpr int kServers = 6;
  std::vector<std::string> key_files;
  std::vector<std::unique_ptr<store::Store>> stores;
  for (int i = 0; i < kServers; ++i) {
    key_files.push_back(NewKeyFile("key-" + std::to_string(i)));
    stores.push_back(OpenStore());
  }
  std::vector<std::unique_ptr<crypto::Keyring>> started(kServers);
  std::atomic<int> ready = 0;
  std::atomic<int> refused = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kServers; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready < kServers) std::this_thread::yield();
      try {
        started[i] = std::make_unique<crypto::Keyring>(
            OpenKeyring(stores[i]->meta(), data_dir(), key_files[i]));
      } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("wrong master key"), std::string::npos) << e.what();
        ++refused;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(refused.load(), kServers - 1);
  const auto check = stores[0]->meta().Get(kCheckName);
  ASSERT_TRUE(check);
  for (const auto& keyring : started) {
    if (keyring) {
      EXPECT_TRUE(keyring->VerifyCheck(*check)) << "the server that runs owns the check";
    }
  }
}

}  // namespace
}  // namespace coffer::cli
