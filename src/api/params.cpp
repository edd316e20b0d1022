#include "api/params.hpp"

#include "api/errors.hpp"
#include "common/secure_string.hpp"

namespace coffer::api {

void Params::Add(ParamSource source, std::string name, std::string value) {
  if (entries_.size() >= max_count_) {
    throw BadRequest(413, "more than " + std::to_string(max_count_) + " parameters");
  }
  entries_.push_back(Entry{source, std::move(name), std::move(value)});
}

std::optional<ParamSource> Params::WinningSource(std::string_view name) const {
  std::optional<ParamSource> source;
  for (const auto& entry : entries_) {
    if (entry.name != name) continue;
    if (entry.source == ParamSource::kBody) return ParamSource::kBody;
    source = entry.source;
  }
  return source;
}

void Params::Wipe() {
  for (auto& entry : entries_) {
    common::WipeBytes(entry.name.data(), entry.name.size());
    common::WipeBytes(entry.value.data(), entry.value.size());
  }
}

const std::string* Params::Find(std::string_view name) const {
  const auto source = WinningSource(name);
  if (!source) return nullptr;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->name == name && it->source == *source) return &it->value;
  }
  return nullptr;
}

std::optional<std::string> Params::FindJoined(std::string_view name) const {
  const auto source = WinningSource(name);
  if (!source) return std::nullopt;
  std::optional<std::string> joined;
  for (const auto& entry : entries_) {
    if (entry.name != name || entry.source != *source || entry.value.empty()) continue;
    joined = joined ? *joined + ";" + entry.value : entry.value;
  }
  return joined;
}

}  // namespace coffer::api
