#pragma once

#include <cstdint>

#include "store/store.hpp"

namespace coffer::service {

// Called when a read of an application's data found nothing: that may be because the
// application was deleted after the caller resolved it, and then the answer must be the
// application's 116/558 (store::ApplicationGone), not "not found" or an empty page.
inline void RequireApplicationAfterEmptyRead(store::Store& store, int64_t application_id) {
  if (!store.ApplicationExists(application_id)) {
    throw store::ApplicationGone("application deleted while being read");
  }
}

}  // namespace coffer::service
