#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/http_message.hpp"
#include "service/application_transfer.hpp"
#include "service/audit_trail.hpp"
#include "service/key_value.hpp"
#include "store/store.hpp"

namespace coffer::cli {

// `coffer serve --emulator` (SPEC 17): test controls under `/_emulator/`, answered only to
// loopback clients and only when the server runs with --emulator (otherwise the paths are not
// routed here and answer 404 like any unknown path):
// - `POST /_emulator/clock?advance=SECONDS` or `?set=UNIX` moves `clock`, then sweeps what
//   expired; `GET /_emulator/clock` tells the time;
// - `POST /_emulator/reset` deletes every application of every account (accounts and keys
//   stay), then applies the start seed again, if there was one;
// - `POST /_emulator/seed` with a seed (docs/formats.md) as the JSON body.
// Every POST must say `Content-Type: application/json`, which a web page cannot send to
// another origin without a preflight: a browser on the machine is a loopback client too.
// Every answer is JSON. Thread-safe; everything passed in must outlive it.
class Emulator {
 public:
  // `audit`, when given, records each reset and each seeded application as an operator change.
  Emulator(common::MovableClock& clock, store::Store& store, service::ApplicationTransfer& transfer,
           service::ExpirySweeper& sweeper, service::AuditTrail* audit,
           std::optional<std::string> start_seed);

  // Whether `target` (a request target) is one of the emulator's paths.
  static bool Owns(std::string_view target);
  common::HttpResponse Serve(const common::HttpRequest& request);

  // Creates or fills the seed's applications, each in one write (existing names are
  // overwritten); returns what it did. Throws SeedError, or service::ImportRejected for content
  // the API would refuse, before anything is written.
  boost::json::value ApplySeed(std::string_view json_text);

 private:
  common::HttpResponse Clock(const common::HttpRequest& request);
  common::HttpResponse Reset();
  std::unique_ptr<store::AuditScope> Audited(const char* control, int64_t account_id = 0,
                                             const std::string& application = "") const;

  common::MovableClock& clock_;
  store::Store& store_;
  service::ApplicationTransfer& transfer_;
  service::ExpirySweeper& sweeper_;
  service::AuditTrail* const audit_;
  const std::optional<std::string> start_seed_;
};

}  // namespace coffer::cli
