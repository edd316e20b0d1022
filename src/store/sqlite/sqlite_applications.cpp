// Applications of SqliteStore.

#include "store/sqlite/sqlite_store.hpp"

namespace coffer::store::sqlite {

namespace {

Application ApplicationFromRow(const StatementUse& row) {
  return Application{row.Int(0), row.Int(1), row.Text(2), row.Int(3) != 0, row.Int(4)};
}

}  // namespace

Application SqliteStore::CreateApplication(int64_t account_id, const std::string& short_name,
                                           bool secure_record_storage, int64_t now,
                                           int64_t max_per_account) {
  return Write([&](Connection& c) {
    if (max_per_account > 0) {
      StatementUse count(c, "SELECT COUNT(*) FROM applications WHERE account_id = ?");
      count.Bind(1, account_id).Step();
      if (count.Int(0) >= max_per_account) throw LimitExceeded("application limit reached");
    }
    StatementUse(c,
                 "INSERT INTO applications (account_id, short_name, secure_record_storage, "
                 "modified) VALUES (?, ?, ?, ?)")
        .Bind(1, account_id)
        .Bind(2, short_name)
        .Bind(3, int64_t{secure_record_storage ? 1 : 0})
        .Bind(4, now)
        .Run();
    return Application{c.LastInsertRowId(), account_id, short_name, secure_record_storage, now};
  });
}

std::optional<Application> SqliteStore::FindApplication(int64_t account_id, int64_t id) {
  return Read([&](Connection& c) -> std::optional<Application> {
    StatementUse query(c,
                       "SELECT id, account_id, short_name, secure_record_storage, modified "
                       "FROM applications WHERE id = ? AND account_id = ?");
    query.Bind(1, id).Bind(2, account_id);
    if (!query.Step()) return std::nullopt;
    return ApplicationFromRow(query);
  });
}

std::optional<Application> SqliteStore::FindApplicationByShortName(int64_t account_id,
                                                                   std::string_view short_name) {
  return Read([&](Connection& c) -> std::optional<Application> {
    StatementUse query(c,
                       "SELECT id, account_id, short_name, secure_record_storage, modified "
                       "FROM applications WHERE account_id = ? AND short_name = ?");
    query.Bind(1, account_id).Bind(2, short_name);
    if (!query.Step()) return std::nullopt;
    return ApplicationFromRow(query);
  });
}

std::vector<Application> SqliteStore::ListApplications(int64_t account_id) {
  return Read([&](Connection& c) {
    StatementUse query(c,
                       "SELECT id, account_id, short_name, secure_record_storage, modified "
                       "FROM applications WHERE account_id = ? ORDER BY id");
    query.Bind(1, account_id);
    std::vector<Application> applications;
    while (query.Step()) applications.push_back(ApplicationFromRow(query));
    return applications;
  });
}

void SqliteStore::UpdateApplication(const Application& application) {
  Write([&](Connection& c) {
    StatementUse(c,
                 "UPDATE applications SET short_name = ?, secure_record_storage = ?, modified = ? "
                 "WHERE id = ? AND account_id = ?")
        .Bind(1, application.short_name)
        .Bind(2, int64_t{application.secure_record_storage ? 1 : 0})
        .Bind(3, application.modified)
        .Bind(4, application.id)
        .Bind(5, application.account_id)
        .Run();
  });
}

void SqliteStore::DeleteApplications(int64_t account_id, const std::vector<int64_t>& ids) {
  Write([&](Connection& c) {
    for (const int64_t id : ids) {
      StatementUse(c, "DELETE FROM applications WHERE id = ? AND account_id = ?")
          .Bind(1, id)
          .Bind(2, account_id)
          .Run();
    }
  });
}

}  // namespace coffer::store::sqlite
