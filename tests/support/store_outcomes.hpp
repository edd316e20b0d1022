#pragma once

#include <ostream>

#include "store/outcome.hpp"

// Readable GoogleTest messages for store outcomes, and the selection outcomes tests expect.
namespace coffer::store {

inline const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kOk:
      return "kOk";
    case Outcome::kNotFound:
      return "kNotFound";
    case Outcome::kConflict:
      return "kConflict";
    case Outcome::kApplicationGone:
      return "kApplicationGone";
    case Outcome::kLimitExceeded:
      return "kLimitExceeded";
    case Outcome::kBusy:
      return "kBusy";
  }
  return "?";
}

inline void PrintTo(Outcome outcome, std::ostream* os) { *os << OutcomeName(outcome); }

inline void PrintTo(const SelectionOutcome& outcome, std::ostream* os) {
  *os << OutcomeName(outcome.outcome);
  if (outcome.outcome == Outcome::kNotFound) {
    *os << (outcome.missing_in == SelectionList::kIds ? " (an id)" : " (a name)");
  }
}

inline const SelectionOutcome kDeleted;
inline const SelectionOutcome kMissingId = SelectionOutcome::Missing(SelectionList::kIds);
inline const SelectionOutcome kMissingName = SelectionOutcome::Missing(SelectionList::kNames);

}  // namespace coffer::store
