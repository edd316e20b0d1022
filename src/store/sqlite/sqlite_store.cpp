#include "store/sqlite/sqlite_store.hpp"

namespace coffer::store::sqlite {

SqliteStore::SqliteStore(SqliteOptions options) : options_(std::move(options)) {
  writer_ = std::make_unique<Connection>(options_.path, options_.busy_timeout_ms, false);
  Migrate(*writer_);
  write_queue_ = std::make_unique<WriteQueue>(*writer_, options_.max_write_batch);
}

// The queue finishes pending writes before the writer connection closes.
SqliteStore::~SqliteStore() { write_queue_.reset(); }

SqliteStore::ReaderLease::ReaderLease(SqliteStore& store) : store_(store) {
  {
    std::lock_guard lock(store_.readers_mutex_);
    if (!store_.idle_readers_.empty()) {
      connection_ = std::move(store_.idle_readers_.back());
      store_.idle_readers_.pop_back();
      return;
    }
  }
  connection_ = std::make_unique<Connection>(store_.options_.path,
                                             store_.options_.busy_timeout_ms, true);
}

SqliteStore::ReaderLease::~ReaderLease() {
  std::lock_guard lock(store_.readers_mutex_);
  if (store_.idle_readers_.size() < store_.options_.max_idle_readers) {
    store_.idle_readers_.push_back(std::move(connection_));
  }
}

bool SqliteStore::Ping() {
  try {
    return Read([](Connection& c) { return StatementUse(c, "SELECT 1").Step(); });
  } catch (const StoreError&) {
    return false;
  }
}

}  // namespace coffer::store::sqlite
