#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "service/export_file.hpp"

namespace coffer::cli {

// A seed that cannot be used; the message names the member that is wrong.
class SeedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SeedApplication {
  std::string name;  // short name
  service::ApplicationExport data;
};

// The emulator's seed (SPEC 17; the format is in docs/formats.md): applications of one account
// with their secrets and items.
struct Seed {
  std::optional<int64_t> account_id;  // nullopt: account 1, the first start's
  std::vector<SeedApplication> applications;
};

// Reads a seed, its items' lifetimes counted from `now`. Throws SeedError for anything that is
// not in the format (unknown members included, so a misspelt one is not silently ignored);
// the values themselves are checked when they are imported (ApplicationTransfer::Check).
Seed ParseSeed(std::string_view json_text, int64_t now);

}  // namespace coffer::cli
