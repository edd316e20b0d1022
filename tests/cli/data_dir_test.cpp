// The storage the command-line options name.

#include "cli/data_dir.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace coffer::cli
