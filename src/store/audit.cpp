#include "store/audit.hpp"

#include <stdexcept>

namespace coffer::store {

namespace {
thread_local AuditScope* open_scope = nullptr;
}  // namespace

AuditScope::AuditScope(std::function<AuditAppend()> make, AuditChain chain)
    : make_(std::move(make)), chain_(std::move(chain)) {
  if (open_scope != nullptr) throw std::logic_error("audit scopes do not nest");
  open_scope = this;
}

AuditScope::~AuditScope() { open_scope = nullptr; }

AuditScope* AuditScope::Pending() {
  return open_scope != nullptr && !open_scope->appended_ ? open_scope : nullptr;
}

AuditScope::Aside::Aside() : hidden_(open_scope) { open_scope = nullptr; }

AuditScope::Aside::~Aside() { open_scope = hidden_; }

}  // namespace coffer::store
