#pragma once

#include <cassert>
#include <optional>
#include <stdexcept>
#include <utility>

namespace coffer::store {

// How a store operation ended when the storage itself worked. Each operation lists the
// outcomes it returns; one that is not kOk changed nothing a reader can see.
enum class Outcome {
  kOk,               // done, or found
  kNotFound,         // what the call names does not exist (any more)
  kConflict,         // a uniqueness rule would break
  kApplicationGone,  // the application that owns the data no longer exists
  kLimitExceeded,    // a configured quantity limit would be reached
  kBusy,             // another process holds what the operation needs (a server serving)
};

// An Outcome and, when it is kOk, the value the operation produced. Implicitly constructed
// from either, so an implementation returns `value` or `Outcome::kConflict`. Move-only values
// (wiped buffers) are fine.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}
  Result(Outcome failure) : outcome_(failure) { assert(failure != Outcome::kOk); }

  Outcome outcome() const { return outcome_; }
  bool ok() const { return outcome_ == Outcome::kOk; }

  // The value. Asking for it when !ok() is a bug in the caller: throws std::logic_error.
  const T& value() const& {
    Check();
    return *value_;
  }
  T& value() & {
    Check();
    return *value_;
  }
  // By value, so that `for (auto& x : store.Call().value())` owns what it iterates.
  T value() && {
    Check();
    return std::move(*value_);
  }
  const T* operator->() const { return &value(); }

 private:
  void Check() const {
    if (!value_) throw std::logic_error("no value: the store operation did not succeed");
  }

  Outcome outcome_ = Outcome::kOk;
  std::optional<T> value_;
};

// Which list of a selection (ids or names) held an entry that matched nothing.
enum class SelectionList { kIds, kNames };

// The outcome of deleting a selection: kOk (all of it deleted), kNotFound (nothing deleted;
// `missing_in` names the list whose entry matched nothing, ids checked first), or
// kApplicationGone.
struct SelectionOutcome {
  SelectionOutcome() = default;
  // An outcome that names no list (kOk, kApplicationGone); implicit, like Result's.
  SelectionOutcome(Outcome o) : outcome(o) {}
  static SelectionOutcome Missing(SelectionList list) { return {Outcome::kNotFound, list}; }

  friend bool operator==(const SelectionOutcome&, const SelectionOutcome&) = default;

  Outcome outcome = Outcome::kOk;
  SelectionList missing_in = SelectionList::kIds;

 private:
  SelectionOutcome(Outcome o, SelectionList list) : outcome(o), missing_in(list) {}
};

// The storage itself failed or is unavailable. A write that throws it may or may not have taken
// effect (a connection can drop during the commit). The only exception a store operation throws
// on purpose; everything else is an Outcome.
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The storage cannot be reached now (a database server down, restarting, or out of connections):
// worth asking again shortly. As with any StoreError, a write that throws it may or may not have
// taken effect.
class StoreUnavailable : public StoreError {
 public:
  using StoreError::StoreError;
};

// Whether a write's answer is a success, so that the write commits (and carries an open
// AuditScope's record); any other answer rolls back, so an outcome other than kOk never leaves
// a change behind.
inline bool Succeeded(Outcome outcome) { return outcome == Outcome::kOk; }
inline bool Succeeded(const SelectionOutcome& outcome) { return outcome.outcome == Outcome::kOk; }
template <typename T>
bool Succeeded(const Result<T>& result) {
  return result.ok();
}
template <typename T>
bool Succeeded(const T&) {
  return true;
}

}  // namespace coffer::store
