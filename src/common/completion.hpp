#pragma once

#include <exception>
#include <functional>
#include <utility>
#include <variant>

namespace coffer::common {

// How an asynchronous operation ended: its value, or the exception it failed with.
template <typename T>
class Completed {
 public:
  Completed(T value) : state_(std::move(value)) {}
  Completed(std::exception_ptr failure) : state_(std::move(failure)) {}

  // The value; rethrows the failure.
  T Take() && {
    if (auto* failure = std::get_if<std::exception_ptr>(&state_)) std::rethrow_exception(*failure);
    return std::move(std::get<T>(state_));
  }

 private:
  std::variant<T, std::exception_ptr> state_;
};

// Told once how an asynchronous operation ended, on whatever thread ended it; must not throw, and
// should not block, since that thread often serves others (a store's writer thread).
template <typename T>
using Completion = std::function<void(Completed<T>)>;

}  // namespace coffer::common
