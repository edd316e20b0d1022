#include "store/lookup_cache.hpp"

namespace coffer::store {

struct LookupCache::ScopeState {
  LookupCache* owner = nullptr;
  std::function<int64_t()> read_generation;
  // The generation whose rows the scope may answer from: the cache's when the scope opened, or
  // else the first one a statement of the scope saw.
  std::optional<int64_t> expected;
  bool answered_from_cache = false;
  bool saw_another_generation = false;
  // Whether the scope's latest statement reported the generation it saw.
  bool last_statement_observed = false;
};

thread_local LookupCache::ScopeState* LookupCache::open_scope_ = nullptr;

class LookupCache::ScopeHandle final : public CachedLookups {
 public:
  explicit ScopeHandle(ScopeState state) : state_(std::move(state)) { open_scope_ = &state_; }
  ~ScopeHandle() override { open_scope_ = nullptr; }

  bool Confirm() override { return state_.owner->Current(state_); }

 private:
  ScopeState state_;
};

LookupCache::~LookupCache() = default;

std::unique_ptr<CachedLookups> LookupCache::Scope(std::function<int64_t()> read_generation) {
  if (open_scope_ != nullptr) return nullptr;
  ScopeState state;
  state.owner = this;
  state.read_generation = std::move(read_generation);
  {
    std::lock_guard lock(mutex_);
    state.expected = generation_;
  }
  return std::make_unique<ScopeHandle>(std::move(state));
}

LookupCache::ScopeState* LookupCache::Active() const {
  return open_scope_ != nullptr && open_scope_->owner == this ? open_scope_ : nullptr;
}

std::optional<ServiceKey> LookupCache::FindKey(std::string_view key_id) {
  ScopeState* scope = Active();
  if (scope == nullptr || !scope->expected) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (generation_ != scope->expected) return std::nullopt;
  const auto it = keys_.find(key_id);
  if (it == keys_.end()) return std::nullopt;
  scope->answered_from_cache = true;
  return it->second;
}

std::optional<Application> LookupCache::FindApplication(int64_t account_id, int64_t id) {
  ScopeState* scope = Active();
  if (scope == nullptr || !scope->expected) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (generation_ != scope->expected) return std::nullopt;
  const auto it = applications_.find({account_id, id});
  if (it == applications_.end()) return std::nullopt;
  scope->answered_from_cache = true;
  return it->second;
}

std::optional<Application> LookupCache::FindApplicationByName(int64_t account_id,
                                                              std::string_view short_name) {
  ScopeState* scope = Active();
  if (scope == nullptr || !scope->expected) return std::nullopt;
  std::lock_guard lock(mutex_);
  if (generation_ != scope->expected) return std::nullopt;
  const auto id = application_ids_.find({account_id, std::string(short_name)});
  if (id == application_ids_.end()) return std::nullopt;
  const auto it = applications_.find({account_id, id->second});
  if (it == applications_.end()) return std::nullopt;
  scope->answered_from_cache = true;
  return it->second;
}

void LookupCache::Remember(const ServiceKey& key, int64_t generation) {
  Observe(generation);
  std::lock_guard lock(mutex_);
  if (generation_ != generation) return;  // read before a change the cache has seen
  if (keys_.size() >= max_entries_) keys_.clear();
  keys_.insert_or_assign(key.key_id, key);
}

void LookupCache::Remember(const Application& application, int64_t generation) {
  Observe(generation);
  std::lock_guard lock(mutex_);
  if (generation_ != generation) return;
  if (applications_.size() >= max_entries_) {
    applications_.clear();
    application_ids_.clear();
  }
  applications_.insert_or_assign({application.account_id, application.id}, application);
  application_ids_.insert_or_assign({application.account_id, application.short_name},
                                    application.id);
}

bool LookupCache::Current(ScopeState& scope) {
  if (!scope.answered_from_cache) return true;  // every lookup read the storage itself
  if (!scope.saw_another_generation && !scope.last_statement_observed) {
    Observe(scope.read_generation());
  }
  return !scope.saw_another_generation;
}

bool LookupCache::CurrentBeforeStatement() {
  ScopeState* scope = Active();
  return scope == nullptr || Current(*scope);
}

bool LookupCache::AnsweredFromCache() const {
  const ScopeState* scope = Active();
  return scope != nullptr && scope->answered_from_cache;
}

std::optional<int64_t> LookupCache::ExpectedByWrite() const {
  const ScopeState* scope = Active();
  if (scope == nullptr || !scope->answered_from_cache) return std::nullopt;
  return scope->expected;
}

void LookupCache::StatementStarting() {
  if (ScopeState* scope = Active()) scope->last_statement_observed = false;
}

void LookupCache::Observe(int64_t generation) {
  {
    std::lock_guard lock(mutex_);
    MoveTo(generation);
  }
  ScopeState* scope = Active();
  if (scope == nullptr) return;
  if (!scope->expected) scope->expected = generation;
  if (generation != scope->expected) scope->saw_another_generation = true;
  scope->last_statement_observed = true;
}

void LookupCache::MoveTo(int64_t generation) {
  if (generation_ && generation <= *generation_) return;
  generation_ = generation;
  keys_.clear();
  applications_.clear();
  application_ids_.clear();
}

}  // namespace coffer::store
