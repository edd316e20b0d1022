#include "store/sqlite/database.hpp"

#include <filesystem>

#include "store/sqlite/migrations.hpp"

namespace coffer::store::sqlite {

Database::Database(SqliteOptions options) : options_(std::move(options)) {
  writer_ = std::make_unique<Connection>(options_.path, options_.busy_timeout_ms, false);
  Migrate(*writer_);
  write_queue_ = std::make_unique<WriteQueue>(*writer_, options_.max_write_batch);
}

// The queue finishes pending writes before the writer connection closes.
Database::~Database() { write_queue_.reset(); }

std::string Database::lock_path() const {
  return (std::filesystem::path(options_.path).parent_path() / "coffer.lock").string();
}

bool Database::ApplicationExists(Connection& c, int64_t application_id) {
  return StatementUse(c, "SELECT 1 FROM applications WHERE id = ?").Bind(1, application_id).Step();
}

Database::ReaderLease::ReaderLease(Database& database) : database_(database) {
  {
    std::lock_guard lock(database_.readers_mutex_);
    if (!database_.idle_readers_.empty()) {
      connection_ = std::move(database_.idle_readers_.back());
      database_.idle_readers_.pop_back();
      return;
    }
  }
  connection_ = std::make_unique<Connection>(database_.options_.path,
                                             database_.options_.busy_timeout_ms, true);
}

Database::ReaderLease::~ReaderLease() {
  std::lock_guard lock(database_.readers_mutex_);
  if (database_.idle_readers_.size() < database_.options_.max_idle_readers) {
    database_.idle_readers_.push_back(std::move(connection_));
  }
}

}  // namespace coffer::store::sqlite
