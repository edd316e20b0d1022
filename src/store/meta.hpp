#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace coffer::store {

// Named values of the store itself (the master-key check) and its health. Coordination between
// processes and nodes happens here, in the storage, never in local files. Owned by the Store;
// thread-safe. Storage failures throw StoreError.
class MetaStore {
 public:
  virtual ~MetaStore() = default;

  // True when the storage answers a trivial query; never throws.
  virtual bool Ping() = 0;
  // The value, or nullopt when unset.
  virtual std::optional<std::string> Get(std::string_view name) = 0;
  // Sets the value unless it is set already, atomically, and returns the value in force
  // afterwards: of racing callers with different values, every one gets the same winner, so a
  // caller whose value lost can tell.
  virtual std::string SetIfAbsent(const std::string& name, const std::string& value) = 0;
};

}  // namespace coffer::store
