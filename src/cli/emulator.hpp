#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/http_message.hpp"
#include "service/application_transfer.hpp"
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
// Every answer is JSON. Thread-safe; everything passed in must outlive it.
class Emulator {
 public:
  Emulator(common::MovableClock& clock, store::Store& store, service::ApplicationTransfer& transfer,
           service::ExpirySweeper& sweeper, std::optional<std::string> start_seed);

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

  common::MovableClock& clock_;
  store::Store& store_;
  service::ApplicationTransfer& transfer_;
  service::ExpirySweeper& sweeper_;
  const std::optional<std::string> start_seed_;
};

}  // namespace coffer::cli
