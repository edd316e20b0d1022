// The storage the command-line options name.

#include "cli/data_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "support/temp_dir.hpp"

namespace coffer::cli {
namespace {

TEST(StorageForTest, WithoutAUrlTheSqliteFileOfTheDataDirectory) {
  const store::StorageOptions storage = StorageFor("/srv/coffer", "", 16);
  EXPECT_EQ(storage.sqlite_path, "/srv/coffer/coffer.db");
  EXPECT_EQ(storage.postgres_url, "");
}

TEST(StorageForTest, WithAUrlPostgresqlWithThePoolSize) {
  const store::StorageOptions storage =
      StorageFor("/srv/coffer", "postgresql://coffer@db.internal/coffer", 4);
  EXPECT_EQ(storage.postgres_url, "postgresql://coffer@db.internal/coffer");
  EXPECT_EQ(storage.db_pool, 4u);
  EXPECT_EQ(storage.sqlite_path, "") << "no SQLite file is named next to a PostgreSQL database";
}

// The one-line refusal RequirePrivate gives `path`, or "" when it passes.
std::string Refusal(const std::string& path) {
  try {
    RequirePrivate(path);
    return "";
  } catch (const std::runtime_error& e) {
    return e.what();
  }
}

void Touch(const std::string& path, mode_t mode) {
  std::ofstream(path) << "x";
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

TEST(ReadWholeFileTest, ReadsEveryByteOrSaysWhatItCouldNotRead) {
  testing_support::TempDir dir;
  const std::string path = dir.File("bytes");
  const std::string content("a\0b\r\n\xff", 6);
  WriteNewFile(path, content, 0600);
  EXPECT_EQ(ReadWholeFile(path, "test file"), content);
  try {
    ReadWholeFile(dir.File("missing"), "seed file");
    FAIL() << "a missing file was read";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read seed file " + dir.File("missing"));
  }
  EXPECT_THROW(ReadWholeFile(dir.path(), "directory"), std::runtime_error);
}

TEST(WriteNewFileTest, NeverReplacesAFile) {
  testing_support::TempDir dir;
  const std::string path = dir.File("once");
  WriteNewFile(path, "first", 0600);
  EXPECT_THROW(WriteNewFile(path, "second", 0600), std::runtime_error);
  EXPECT_EQ(ReadWholeFile(path, "file"), "first");
}

TEST(RequirePrivateTest, OwnFilesThatOnlyTheOwnerWritesPass) {
  testing_support::TempDir dir;
  Touch(dir.File("key"), 0600);
  Touch(dir.File("readable"), 0644);
  EXPECT_EQ(Refusal(dir.File("key")), "");
  EXPECT_EQ(Refusal(dir.File("readable")), "");
  EXPECT_EQ(Refusal(dir.File("missing")), "") << "what does not exist yet is created private";
}

TEST(RequirePrivateTest, GroupOrOtherWritableIsRefusedNamingTheModeAndTheFix) {
  testing_support::TempDir dir;
  for (const mode_t mode : {0666, 0620, 0602, 0777}) {
    Touch(dir.File("key"), mode);
    const std::string refusal = Refusal(dir.File("key"));
    EXPECT_NE(refusal.find("writable by group or others"), std::string::npos) << refusal;
    EXPECT_NE(refusal.find("chmod go-w " + dir.File("key")), std::string::npos) << refusal;
    EXPECT_EQ(refusal.find('\n'), std::string::npos) << "one line";
  }
}

TEST(RequirePrivateTest, ADataDirectoryOthersCanWriteIsRefusedBeforeAnythingIsWritten) {
  testing_support::TempDir dir;
  const std::string data = dir.File("data");
  ASSERT_EQ(::mkdir(data.c_str(), 0700), 0);
  ASSERT_EQ(::chmod(data.c_str(), 0777), 0);
  EXPECT_THROW(PrepareDataDir(data), std::runtime_error);
  ASSERT_EQ(::chmod(data.c_str(), 0700), 0);
  Touch(data + "/coffer.db", 0666);  // a planted database
  EXPECT_THROW(PrepareDataDir(data), std::runtime_error);
  ASSERT_EQ(::chmod((data + "/coffer.db").c_str(), 0600), 0);
  EXPECT_NO_THROW(PrepareDataDir(data));
}

TEST(RequirePrivateTest, AnotherUsersFileIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a file to another user";
  testing_support::TempDir dir;
  Touch(dir.File("key"), 0600);
  ASSERT_EQ(::chown(dir.File("key").c_str(), 65534, 65534), 0);
  const std::string refusal = Refusal(dir.File("key"));
  EXPECT_NE(refusal.find("belongs to uid 65534"), std::string::npos) << refusal;
}

}  // namespace
}  // namespace coffer::cli
