// Applications of PostgresStore.

#include "store/postgres/postgres_applications.hpp"

namespace coffer::store::postgres {

namespace {

constexpr const char* kColumns = "id, account_id, short_name, secure_record_storage, modified";

Application ApplicationAt(const Rows& rows, int row) {
  return Application{rows.Int(row, 0), rows.Int(row, 1), rows.Bytes(row, 2), rows.Bool(row, 3),
                     rows.Int(row, 4)};
}

std::string Select(const char* where) {
  return std::string("SELECT ") + kColumns + " FROM applications " + where;
}

// One application, with the lookup generation of the read's snapshot last (LookupCache).
constexpr const char* kFindById =
    "SELECT id, account_id, short_name, secure_record_storage, modified, "
    "(SELECT value FROM lookup_generation) FROM applications WHERE id = $1 AND account_id = $2";
constexpr const char* kFindByShortName =
    "SELECT id, account_id, short_name, secure_record_storage, modified, "
    "(SELECT value FROM lookup_generation) FROM applications "
    "WHERE account_id = $1 AND short_name = $2";
constexpr int kGenerationAt = 5;

}  // namespace

Result<Application> PostgresApplications::Create(int64_t account_id, const std::string& short_name,
                                                 bool secure_record_storage, int64_t now,
                                                 int64_t max_per_account) {
  return db_.Transact([&](Connection& c) -> Result<Application> {
    // Creates in one account run one at a time: the count below cannot be outdated by a
    // concurrent create, and ids increase in the order the creates commit.
    c.Exec("SELECT 1 FROM accounts WHERE id = $1 FOR NO KEY UPDATE", {Param::Int(account_id)});
    if (max_per_account > 0) {
      const Rows count = c.Exec("SELECT count(*) FROM applications WHERE account_id = $1",
                                {Param::Int(account_id)});
      if (count.Int(0, 0) >= max_per_account) return Outcome::kLimitExceeded;
    }
    const Rows inserted = c.Exec(
        "INSERT INTO applications (account_id, short_name, secure_record_storage, modified) "
        "VALUES ($1, $2, $3, $4) RETURNING id",
        {Param::Int(account_id), Param::Text(short_name), Param::Bool(secure_record_storage),
         Param::Int(now)});
    return Application{inserted.Int(0, 0), account_id, short_name, secure_record_storage, now};
  });
}

std::optional<Application> PostgresApplications::Find(int64_t account_id, int64_t id) {
  if (auto cached = db_.lookups().FindApplication(account_id, id)) return cached;
  return db_.RunObserving([&](Connection& c) {
    return Remembered(c.Exec(kFindById, {Param::Int(id), Param::Int(account_id)}));
  });
}

std::optional<Application> PostgresApplications::FindByShortName(int64_t account_id,
                                                                 std::string_view short_name) {
  if (!IsText(short_name)) return std::nullopt;
  if (auto cached = db_.lookups().FindApplicationByName(account_id, short_name)) return cached;
  return db_.RunObserving([&](Connection& c) {
    return Remembered(c.Exec(kFindByShortName, {Param::Int(account_id), Param::Text(short_name)}));
  });
}

std::optional<Application> PostgresApplications::Remembered(const Rows& rows) {
  if (rows.empty()) return std::nullopt;
  Application application = ApplicationAt(rows, 0);
  db_.lookups().Remember(application, rows.Int(0, kGenerationAt));
  return application;
}

std::vector<Application> PostgresApplications::List(int64_t account_id) {
  return db_.Run([&](Connection& c) {
    const Rows rows =
        c.Exec(Select("WHERE account_id = $1 ORDER BY id").c_str(), {Param::Int(account_id)});
    std::vector<Application> applications;
    for (int row = 0; row < rows.size(); ++row) applications.push_back(ApplicationAt(rows, row));
    return applications;
  });
}

Result<Application> PostgresApplications::Update(int64_t account_id, int64_t id,
                                                 const ApplicationChanges& changes) {
  // One statement: an UPDATE that waited for a concurrent one re-reads the row it changed, so
  // coalesce() keeps that update's fields (NULL = keep the field as it is now).
  return db_.Transact([&](Connection& c) -> Result<Application> {
    const Rows updated = c.Exec(
        "UPDATE applications SET short_name = coalesce($1, short_name), "
        "secure_record_storage = coalesce($2, secure_record_storage), modified = $3 "
        "WHERE id = $4 AND account_id = $5 "
        "RETURNING id, account_id, short_name, secure_record_storage, modified",
        {Param::OptionalText(changes.short_name),
         Param::OptionalBool(changes.secure_record_storage), Param::Int(changes.modified),
         Param::Int(id), Param::Int(account_id)});
    if (updated.empty()) return Outcome::kNotFound;
    return ApplicationAt(updated, 0);
  });
}

SelectionOutcome PostgresApplications::Delete(int64_t account_id,
                                              const ApplicationSelection& selection) {
  return db_.Transact([&](Connection& c) -> SelectionOutcome {
    // Locking the selected rows makes a concurrent delete of the same application wait and
    // then find it gone, and makes writes of its data (which share-lock it) wait for this
    // delete. Locks are taken in id order so that two deletes never deadlock.
    const Rows selected = c.Exec(
        "SELECT id, short_name FROM applications WHERE account_id = $1 AND "
        "($2 OR id = ANY($3::bigint[]) OR short_name = ANY($4::text[])) ORDER BY id FOR UPDATE",
        {Param::Int(account_id), Param::Bool(selection.all), Param::IntArray(selection.ids),
         Param::TextArray(TextOnly(selection.short_names))});
    const LockedSelection locked = MatchSelection(selected, selection.ids, selection.short_names);
    if (locked.outcome.outcome != Outcome::kOk) return locked.outcome;
    // Key-value items, data keys and secrets go with it (ON DELETE CASCADE).
    c.Exec("DELETE FROM applications WHERE id = ANY($1::bigint[])", {Param::IntArray(locked.ids)});
    return SelectionOutcome();
  });
}

int64_t PostgresApplications::DeleteEverywhere() {
  return db_.Transact([](Connection& c) {
    // In id order, as Delete locks, so that the two never deadlock; writes of an application's
    // data wait for this and then find it gone.
    c.Exec("SELECT id FROM applications ORDER BY id FOR UPDATE");
    return c.Exec("WITH gone AS (DELETE FROM applications RETURNING 1) SELECT count(*) FROM gone")
        .Int(0, 0);
  });
}

}  // namespace coffer::store::postgres
