#pragma once

#include <cstddef>
#include <new>

#include "common/secure_string.hpp"

namespace coffer::common {

// A std::allocator that wipes memory before giving it back, for containers that may hold secret
// bytes (a request's header fields and body while Beast parses them): whatever they outgrow or
// free leaves no plaintext behind in the heap.
template <typename T>
struct WipingAllocator {
  using value_type = T;

  WipingAllocator() noexcept = default;
  template <typename U>
  WipingAllocator(const WipingAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) noexcept {
    WipeBytes(p, n * sizeof(T));
    ::operator delete(p);
  }

  template <typename U>
  bool operator==(const WipingAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace coffer::common
