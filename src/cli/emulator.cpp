#include "cli/emulator.hpp"

#include <boost/algorithm/string.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>

#include "cli/audit_commands.hpp"
#include "cli/emulator_seed.hpp"
#include "cli/loopback.hpp"
#include "common/strings.hpp"
#include "common/timestamp.hpp"
#include "domain/names.hpp"

namespace coffer::cli {

namespace json = boost::json;

namespace {

constexpr std::string_view kPrefix = "/_emulator/";

common::HttpResponse Json(int status, const json::value& body) {
  common::HttpResponse response;
  response.status = status;
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = json::serialize(body);
  return response;
}

common::HttpResponse Refused(int status, const std::string& message) {
  return Json(status, json::object{{"error", json::object{{"msg", message}}}});
}

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

// `application/json`, with any parameters (charset).
bool IsJson(std::string_view content_type) {
  const std::string_view type = content_type.substr(0, content_type.find(';'));
  return boost::algorithm::iequals(boost::algorithm::trim_copy(std::string(type)),
                                   "application/json");
}

}  // namespace

Emulator::Emulator(common::MovableClock& clock, store::Store& store,
                   service::ApplicationTransfer& transfer, service::ExpirySweeper& sweeper,
                   service::AuditTrail* audit, std::optional<std::string> start_seed)
    : clock_(clock),
      store_(store),
      transfer_(transfer),
      sweeper_(sweeper),
      audit_(audit),
      start_seed_(std::move(start_seed)) {}

std::unique_ptr<store::AuditScope> Emulator::Audited(const char* control, int64_t account_id,
                                                     const std::string& application) const {
  if (audit_ == nullptr) return nullptr;
  std::vector<std::string> named;
  if (!application.empty()) named.push_back("application_name:" + application);
  return audit_->Attach(
      [control, account_id, named] { return OperatorEvent(control, account_id, named); });
}

bool Emulator::Owns(std::string_view target) { return PathOf(target).starts_with(kPrefix); }

common::HttpResponse Emulator::Serve(const common::HttpRequest& request) {
  if (!IsLoopbackHost(request.client)) {
    return Refused(403, "the emulator's controls answer loopback clients only");
  }
  const std::string_view path = PathOf(request.target);
  const bool post = request.method == "POST";
  // A web page the machine's browser opens is a loopback client too, but it cannot send this
  // content type without a CORS preflight, which this server never approves.
  if (post && !IsJson(request.content_type)) {
    return Refused(415, "send Content-Type: application/json (even with an empty body)");
  }
  try {
    if (path == "/_emulator/clock" && (post || request.method == "GET")) return Clock(request);
    if (path == "/_emulator/reset" && post) return Reset();
    if (path == "/_emulator/seed" && post) return Json(200, ApplySeed(request.body));
    if (path == "/_emulator/clock" || path == "/_emulator/reset" || path == "/_emulator/seed") {
      common::HttpResponse refused = Refused(405, "use POST");
      refused.headers.emplace_back("Allow", path == "/_emulator/clock" ? "GET, POST" : "POST");
      return refused;
    }
    return Refused(404, "no such emulator control");
  } catch (const SeedError& e) {
    return Refused(400, e.what());
  } catch (const service::ImportRejected& e) {
    return Refused(400, e.what());
  } catch (const store::StoreUnavailable& e) {
    common::HttpResponse unavailable = Refused(503, e.what());
    unavailable.headers.emplace_back("Retry-After", "1");
    return unavailable;
  } catch (const std::exception& e) {
    return Refused(500, e.what());
  }
}

common::HttpResponse Emulator::Clock(const common::HttpRequest& request) {
  const auto url = boost::urls::parse_origin_form(request.target);
  if (!url) return Refused(400, "the request target is not a URL");
  std::optional<int64_t> advance, set;
  for (const auto& param : url->params()) {
    const auto number = common::ParseStrictInt64(param.value);
    if (param.key != "advance" && param.key != "set") {
      return Refused(400, "unknown parameter \"" + param.key + "\": use advance or set");
    }
    if (!number || *number < 0) {
      return Refused(400, param.key + " must be a whole number of seconds, at least 0");
    }
    (param.key == "advance" ? advance : set) = *number;
  }
  if (advance && set) return Refused(400, "advance and set exclude each other");
  if ((advance && *advance > common::kLatestTimestamp - clock_.NowSeconds()) ||
      (set && *set > common::kLatestTimestamp)) {
    return Refused(400, "the clock would pass the year 9999");
  }
  if ((advance || set) && request.method != "POST") return Refused(405, "use POST to move it");
  json::object answer;
  if (advance) clock_.Advance(*advance);
  if (set) clock_.Set(*set);
  // What the move made expire goes at once, as the sweeper would on its next round.
  if (advance || set) answer["expired_items_deleted"] = sweeper_.SweepOnce();
  answer["now"] = clock_.NowSeconds();
  answer["offset"] = clock_.offset();
  return Json(200, answer);
}

common::HttpResponse Emulator::Reset() {
  int64_t deleted = 0;
  {
    const auto audited = Audited("emulator reset");
    deleted = store_.applications().DeleteEverywhere();
  }
  json::object answer{{"applications_deleted", deleted}};
  if (start_seed_) answer["seeded"] = ApplySeed(*start_seed_);
  return Json(200, answer);
}

json::value Emulator::ApplySeed(std::string_view json_text) {
  const Seed seed = ParseSeed(json_text, clock_.NowSeconds());
  // By default the account of the first start (SPEC 13.1).
  const int64_t account_id = seed.account_id.value_or(1);
  if (!store_.accounts().FindById(account_id)) {
    throw SeedError("seed.account_id: account " + std::to_string(account_id) + " does not exist");
  }
  for (const SeedApplication& app : seed.applications) {
    if (!domain::IsValidShortAppName(app.name)) {
      throw SeedError("\"" + app.name + "\" is not an application short name (lower case)");
    }
    service::ApplicationTransfer::Check(app.data);
  }
  json::array done;
  for (const SeedApplication& app : seed.applications) {
    const auto audited = Audited("emulator seed", account_id, app.name);
    const store::ImportOutcome outcome = transfer_.Import(account_id, app.name, app.data, true, 0);
    if (outcome.outcome != store::Outcome::kOk) {
      throw SeedError("application " + app.name + " could not be seeded");
    }
    const store::ImportSummary& made = outcome.summary;
    done.push_back(json::object{{"application_id", made.application.id},
                                {"application_name", app.name},
                                {"secrets", made.secrets_added + made.secrets_replaced},
                                {"items", made.items_added + made.items_replaced}});
  }
  return json::object{{"account_id", account_id}, {"applications", std::move(done)}};
}

}  // namespace coffer::cli
