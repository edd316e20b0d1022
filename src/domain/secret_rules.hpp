#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace coffer::domain {

// SPEC 7.1 limits, in characters.
constexpr std::size_t kMaxSecretValueLength = 8192;
constexpr std::size_t kMaxSecretDescriptionLength = 200;
constexpr int64_t kDefaultSecretPageSize = 20;
constexpr int64_t kMaxSecretPageSize = 1000;

// ^[A-Za-z][A-Za-z0-9_]{0,63}$
bool IsValidSecretName(std::string_view name);

}  // namespace coffer::domain
