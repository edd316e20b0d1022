// Applications of SqliteStore.

#include "store/sqlite/sqlite_applications.hpp"

#include <set>

namespace coffer::store::sqlite {

namespace {

Application ApplicationFromRow(const StatementUse& row) {
  return Application{row.Int(0), row.Int(1), row.Text(2), row.Int(3) != 0, row.Int(4)};
}

int64_t CountApplications(Connection& c, int64_t account_id) {
  StatementUse count(c, "SELECT COUNT(*) FROM applications WHERE account_id = ?");
  count.Bind(1, account_id).Step();
  return count.Int(0);
}

// NULL keeps a field as it is in the row, which may have changed since the caller read it.
void BindChanges(StatementUse& update, const ApplicationChanges& changes) {
  if (changes.short_name) {
    update.Bind(1, *changes.short_name);
  } else {
    update.BindNull(1);
  }
  if (changes.secure_record_storage) {
    update.Bind(2, int64_t{*changes.secure_record_storage ? 1 : 0});
  } else {
    update.BindNull(2);
  }
  update.Bind(3, changes.modified);
}

}  // namespace

Result<Application> SqliteApplications::Create(int64_t account_id, const std::string& short_name,
                                               bool secure_record_storage, int64_t now,
                                               int64_t max_per_account) {
  return db_.Write([&](Connection& c) -> Result<Application> {
    if (max_per_account > 0 && CountApplications(c, account_id) >= max_per_account) {
      return Outcome::kLimitExceeded;
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

std::optional<Application> SqliteApplications::Find(int64_t account_id, int64_t id) {
  if (auto cached = db_.lookups().FindApplication(account_id, id)) return cached;
  return db_.Read([&](Connection& c) -> std::optional<Application> {
    StatementUse query(c,
                       "SELECT id, account_id, short_name, secure_record_storage, modified "
                       "FROM applications WHERE id = ? AND account_id = ?");
    query.Bind(1, id).Bind(2, account_id);
    return Remembered(c, query);
  });
}

std::optional<Application> SqliteApplications::FindByShortName(int64_t account_id,
                                                               std::string_view short_name) {
  if (auto cached = db_.lookups().FindApplicationByName(account_id, short_name)) return cached;
  return db_.Read([&](Connection& c) -> std::optional<Application> {
    StatementUse query(c,
                       "SELECT id, account_id, short_name, secure_record_storage, modified "
                       "FROM applications WHERE account_id = ? AND short_name = ?");
    query.Bind(1, account_id).Bind(2, short_name);
    return Remembered(c, query);
  });
}

std::optional<Application> SqliteApplications::Remembered(Connection& c, StatementUse& query) {
  if (!query.Step()) return std::nullopt;
  Application application = ApplicationFromRow(query);
  db_.lookups().Remember(application, db_.ObserveGeneration(c));
  return application;
}

std::vector<Application> SqliteApplications::List(int64_t account_id) {
  return db_.Read([&](Connection& c) {
    StatementUse query(c,
                       "SELECT id, account_id, short_name, secure_record_storage, modified "
                       "FROM applications WHERE account_id = ? ORDER BY id");
    query.Bind(1, account_id);
    std::vector<Application> applications;
    while (query.Step()) applications.push_back(ApplicationFromRow(query));
    return applications;
  });
}

Result<Application> SqliteApplications::Update(int64_t account_id, int64_t id,
                                               const ApplicationChanges& changes) {
  return db_.Write([&](Connection& c) -> Result<Application> {
    StatementUse update(c,
                        "UPDATE applications SET short_name = coalesce(?1, short_name), "
                        "secure_record_storage = coalesce(?2, secure_record_storage), "
                        "modified = ?3 WHERE id = ?4 AND account_id = ?5 "
                        "RETURNING id, account_id, short_name, secure_record_storage, modified");
    BindChanges(update, changes);
    update.Bind(4, id).Bind(5, account_id);
    if (!update.Step()) return Outcome::kNotFound;
    Application application = ApplicationFromRow(update);
    while (update.Step()) {
    }
    return application;
  });
}

SelectionOutcome SqliteApplications::Delete(int64_t account_id,
                                            const ApplicationSelection& selection) {
  return db_.Write([&](Connection& c) {
    std::set<int64_t> doomed;
    if (selection.all) {
      StatementUse all(c, "SELECT id FROM applications WHERE account_id = ?");
      all.Bind(1, account_id);
      while (all.Step()) doomed.insert(all.Int(0));
    }
    for (const int64_t id : selection.ids) {
      StatementUse query(c, "SELECT 1 FROM applications WHERE id = ? AND account_id = ?");
      if (!query.Bind(1, id).Bind(2, account_id).Step()) {
        return SelectionOutcome::Missing(SelectionList::kIds);
      }
      doomed.insert(id);
    }
    for (const auto& short_name : selection.short_names) {
      StatementUse query(c, "SELECT id FROM applications WHERE account_id = ? AND short_name = ?");
      if (!query.Bind(1, account_id).Bind(2, short_name).Step()) {
        return SelectionOutcome::Missing(SelectionList::kNames);
      }
      doomed.insert(query.Int(0));
    }
    for (const int64_t id : doomed) {
      // Key-value items, data keys and secrets go with it (ON DELETE CASCADE).
      StatementUse(c, "DELETE FROM applications WHERE id = ? AND account_id = ?")
          .Bind(1, id)
          .Bind(2, account_id)
          .Run();
    }
    return SelectionOutcome();
  });
}

int64_t SqliteApplications::DeleteEverywhere() {
  return db_.Write([](Connection& c) {
    StatementUse(c, "DELETE FROM applications").Run();  // their data goes with them (CASCADE)
    return static_cast<int64_t>(c.Changes());
  });
}

}  // namespace coffer::store::sqlite
