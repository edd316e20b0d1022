// SPEC 16 backups of the SQLite store: consistent while writes go on, restorable only into a new
// database, and refused, leaving no file, whenever something is wrong.

#include "store/backup.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "support/temp_dir.hpp"

namespace coffer::store {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kFarFuture = 4'000'000'000;

std::string Contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class BackupTest : public ::testing::Test {
 protected:
  BackupTest() {
    ServiceKey key;
    key.key_id = "k";
    auto store = Open(Live());
    account_id_ = store->accounts().Create("dev", "dev@localhost", 1, key).value().id;
    app_id_ = store->applications().Create(account_id_, "app", false, 1, 0).value().id;
    EXPECT_EQ(store->key_value().Put(app_id_, {"before", "v0", kFarFuture}), Outcome::kOk);
  }

  StorageOptions Live() const { return {.sqlite_path = dir_.File("coffer.db")}; }
  StorageOptions Restored() const { return {.sqlite_path = dir_.File("restored/coffer.db")}; }

  // The files of `dir_` whose names contain `part`.
  std::vector<std::string> FilesNamed(const std::string& part) const {
    std::vector<std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
      if (entry.path().filename().string().find(part) != std::string::npos) {
        found.push_back(entry.path().string());
      }
    }
    return found;
  }

  testing_support::TempDir dir_;
  int64_t account_id_ = 0;
  int64_t app_id_ = 0;
};

TEST_F(BackupTest, ABackupTakenUnderWritesHoldsEveryWriteAcknowledgedBeforeIt) {
  auto store = Open(Live());
  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::atomic<bool> stop = false;
  std::vector<std::thread> writers;
  for (int w = 0; w < 4; ++w) {
    writers.emplace_back([&, w] {
      for (int i = 0; !stop; ++i) {
        const std::string key = "w" + std::to_string(w) + ":" + std::to_string(i);
        if (store->key_value().Put(app_id_, {key, "v", kFarFuture}) != Outcome::kOk) continue;
        std::lock_guard lock(mutex);
        acknowledged.insert(key);
      }
    });
  }
  while (true) {  // let some writes land first
    std::lock_guard lock(mutex);
    if (acknowledged.size() >= 200) break;
  }
  std::set<std::string> before_backup;
  {
    std::lock_guard lock(mutex);
    before_backup = acknowledged;
  }
  const BackupResult backup = Backup(Live(), dir_.File("backup.db"));
  stop = true;
  for (auto& writer : writers) writer.join();

  EXPECT_EQ(backup.path, dir_.File("backup.db"));
  EXPECT_EQ(backup.bytes, static_cast<int64_t>(fs::file_size(backup.path)));
  EXPECT_EQ(fs::status(backup.path).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  fs::create_directories(dir_.File("restored"));
  Restore(backup.path, Restored());
  auto restored = Open(Restored());
  for (const std::string& key : before_backup) {
    ASSERT_TRUE(restored->key_value().Get(app_id_, key, 2).ok()) << key << " was acknowledged";
  }
  EXPECT_TRUE(restored->key_value().Get(app_id_, "before", 2).ok());
  EXPECT_TRUE(restored->applications().Find(account_id_, app_id_).has_value());
  EXPECT_TRUE(FilesNamed(".partial").empty()) << "no partial file is left";
}

TEST_F(BackupTest, ABackupNeverReplacesAFileAndLeavesNothingWhenItFails) {
  std::ofstream(dir_.File("taken.db")) << "mine";
  EXPECT_THROW(Backup(Live(), dir_.File("taken.db")), StoreError);
  EXPECT_EQ(Contents(dir_.File("taken.db")), "mine");
  EXPECT_THROW(Backup({.sqlite_path = dir_.File("absent.db")}, dir_.File("b.db")), StoreError);
  EXPECT_FALSE(fs::exists(dir_.File("absent.db"))) << "a missing store is not created";
  EXPECT_THROW(Backup(Live(), dir_.File("no-such-dir/b.db")), StoreError);
  EXPECT_FALSE(fs::exists(dir_.File("b.db")));
  EXPECT_TRUE(FilesNamed(".partial").empty());
}

TEST_F(BackupTest, RestoreRefusesWhatIsNotAnIntactCofferStoreAndWritesNothing) {
  const std::string good = Backup(Live(), dir_.File("good.db")).path;
  const std::string whole = Contents(good);
  const auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir_.File(name), std::ios::binary) << bytes;
    return dir_.File(name);
  };
  const std::string truncated = write("truncated.db", whole.substr(0, whole.size() / 2));
  const std::string garbage = write("garbage.db", "not a database at all");
  std::string flipped_bytes = whole;
  flipped_bytes[whole.size() - 100] ^= 0x5a;  // inside the last page
  const std::string flipped = write("flipped.db", flipped_bytes);
  const std::string empty_sqlite = dir_.File("empty.db");
  { sqlite::Connection(empty_sqlite, 1000, false).Exec("CREATE TABLE t(x)"); }
  const std::string newer = write("newer.db", whole);
  { sqlite::Connection(newer, 1000, false).Exec("PRAGMA user_version = 9999"); }

  fs::create_directories(dir_.File("restored"));
  for (const std::string& bad :
       {truncated, garbage, empty_sqlite, newer, dir_.File("nothing.db")}) {
    EXPECT_THROW(Restore(bad, Restored()), StoreError) << bad;
    EXPECT_TRUE(fs::is_empty(dir_.File("restored"))) << bad << " left something";
  }
  try {
    Restore(flipped, Restored());
    ADD_FAILURE() << "a damaged page was restored";
  } catch (const StoreError&) {
  }
  EXPECT_TRUE(fs::is_empty(dir_.File("restored")));

  EXPECT_EQ(Restore(good, Restored()).path, Restored().sqlite_path);
  EXPECT_THROW(Restore(good, Restored()), StoreError) << "never over an existing store";
  EXPECT_EQ(Contents(good), whole) << "the backup itself is never changed";
}

TEST_F(BackupTest, PostgreSQLIsBackedUpByItsOwnTools) {
  const StorageOptions postgres{.postgres_url = "postgresql://nowhere.invalid/coffer"};
  try {
    Backup(postgres, dir_.File("pg.db"));
    ADD_FAILURE() << "no PostgreSQL backup";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("pg_dump"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Restore(dir_.File("pg.db"), postgres), StoreError);
  EXPECT_FALSE(fs::exists(dir_.File("pg.db")));
}

}  // namespace
}  // namespace coffer::store
