#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coffer::api {

enum class ParamSource { kQuery, kBody };

// Every (name, value) pair a request carried, in arrival order, with where it came from.
// Values are decoded bytes, not yet checked for UTF-8 (ParamReader does that on use).
class Params {
 public:
  // At most `max_count` pairs; Add throws BadRequest (413) past that.
  explicit Params(std::size_t max_count = 256) : max_count_(max_count) {}

  void Add(ParamSource source, std::string name, std::string value);
  std::size_t size() const { return entries_.size(); }

  // Overwrites every name and value with zeros (they may have carried secret values).
  void Wipe();

  // SPEC 1.3 precedence: the last body occurrence, else the last query occurrence.
  const std::string* Find(std::string_view name) const;

  // List parameters: every occurrence from the winning source, joined with ';'.
  std::optional<std::string> FindJoined(std::string_view name) const;

 private:
  struct Entry {
    ParamSource source;
    std::string name;
    std::string value;
  };
  std::optional<ParamSource> WinningSource(std::string_view name) const;

  std::size_t max_count_;
  std::vector<Entry> entries_;
};

}  // namespace coffer::api
