// Store metadata and health of PostgresStore.

#include "store/postgres/postgres_meta.hpp"

#include "store/postgres/serving_lease.hpp"

namespace coffer::store::postgres {

bool PostgresMeta::Ping() {
  try {
    return db_.Run([](Connection& c) { return c.Exec("SELECT 1").size() == 1; });
  } catch (const StoreError&) {
    return false;
  }
}

std::optional<std::string> PostgresMeta::Get(std::string_view name) {
  if (!IsText(name)) return std::nullopt;
  return db_.Run([&](Connection& c) -> std::optional<std::string> {
    const Rows rows = c.Exec("SELECT value FROM meta WHERE name = $1", {Param::Text(name)});
    if (rows.empty()) return std::nullopt;
    return rows.Bytes(0, 0);
  });
}

std::string PostgresMeta::SetIfAbsent(const std::string& name, const std::string& value) {
  // A racing insert waits for the first to commit, then takes the conflict path, whose no-op
  // update returns the first value: every caller sees the same winner.
  return db_.Run([&](Connection& c) {
    return c
        .Exec(
            "INSERT INTO meta (name, value) VALUES ($1, $2) "
            "ON CONFLICT (name) DO UPDATE SET value = meta.value RETURNING value",
            {Param::Text(name), Param::Bytes(value)})
        .Bytes(0, 0);
  });
}

std::unique_ptr<ServingLease> PostgresMeta::HoldServingLease(const std::string& watched,
                                                             std::function<void()> on_fenced) {
  return std::make_unique<PostgresServingLease>(db_, watched, std::move(on_fenced));
}

}  // namespace coffer::store::postgres
