// First start (SPEC 13.1): exactly one account 1, and credentials only from its creator.

#include "cli/bootstrap.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/data_dir.hpp"
#include "store/open.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

namespace coffer::cli {
namespace {

boost::json::object ReadJson(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return boost::json::parse(text.str()).as_object();
}

class BootstrapTest : public ::testing::Test {
 protected:
  std::unique_ptr<store::Store> OpenStore() const {
    return store::Open(StorageIn(storage_.path().string()));
  }

  testing_support::TempDir storage_;
  testing_support::FakeClock clock_;
};

TEST_F(BootstrapTest, FirstStartCreatesAccountOneWithItsCredentialsOnce) {
  const auto store = OpenStore();
  const std::string dir = storage_.path().string();
  const auto path = BootstrapOwner(store->accounts(), clock_, dir);
  ASSERT_TRUE(path);
  EXPECT_EQ(*path, dir + "/credentials.json");
  struct stat info {};
  ASSERT_EQ(::stat(path->c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  const auto credentials = ReadJson(*path);
  EXPECT_EQ(credentials.at("account_id").as_int64(), 1);
  EXPECT_EQ(credentials.at("account_email").as_string(), "dev@localhost");
  const auto keys = store->accounts().ListKeys(1);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(credentials.at("key_id").as_string(), keys[0].key_id);
  EXPECT_EQ(keys[0].roles, std::vector<std::string>{"Owner"});

  const std::string written = ReadJson(*path).at("key_id").as_string().c_str();
  EXPECT_EQ(BootstrapOwner(store->accounts(), clock_, dir), path) << "a restart";
  EXPECT_EQ(store->accounts().ListKeys(1).size(), 1u) << "a restart creates nothing";
  EXPECT_EQ(ReadJson(*path).at("key_id").as_string(), written);
}

TEST_F(BootstrapTest, OfServersStartedAtOnceExactlyOneCreatesTheAccount) {
  // Nodes sharing one store, each with a data directory of its own.
  constexpr int kServers = 4;
  std::vector<std::unique_ptr<testing_support::TempDir>> dirs;
  std::vector<std::unique_ptr<store::Store>> stores;
  for (int i = 0; i < kServers; ++i) {
    dirs.push_back(std::make_unique<testing_support::TempDir>());
    stores.push_back(OpenStore());
  }
  std::atomic<int> ready = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kServers; ++i) {
    threads.emplace_back([&, i] {
      ++ready;
      while (ready < kServers) std::this_thread::yield();
      EXPECT_NO_THROW(BootstrapOwner(stores[i]->accounts(), clock_, dirs[i]->path().string()));
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<std::string> written;
  for (const auto& dir : dirs) {
    const std::string path = dir->File("credentials.json");
    if (std::filesystem::exists(path)) written.push_back(path);
  }
  ASSERT_EQ(written.size(), 1u) << "only the server that created the account writes credentials";
  const auto keys = stores[0]->accounts().ListKeys(1);
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(ReadJson(written[0]).at("key_id").as_string(), keys[0].key_id);
  EXPECT_EQ(stores[0]->accounts().FindById(2), std::nullopt);
}

}  // namespace
}  // namespace coffer::cli
