#include "cli/migrate.hpp"

#include <boost/json.hpp>

#include "cli/data_dir.hpp"
#include "store/copy.hpp"

namespace coffer::cli {

void Migrate(const MigrateOptions& options, std::ostream& out) {
  const store::CopiedRows copied = store::CopySqliteToPostgres(
      StorageIn(options.storage.data_dir),
      store::StorageOptions{.postgres_url = options.storage.postgres_url});
  boost::json::object counts;
  for (const auto& [table, rows] : copied) counts[table] = rows;
  out << boost::json::serialize(boost::json::object{{"result", 1}, {"copied", counts}}) << "\n";
}

}  // namespace coffer::cli
