#pragma once

#include <string>

#include "service/export_file.hpp"

namespace coffer::cli {

// An application on another server speaking /platform_api: another Coffer or the platform.
struct PlatformSource {
  std::string url;               // the server, as ApiClientOptions::server
  std::string credentials_file;  // a service account of the account there (SPEC 2.2)
  std::string application;       // its application name there
  std::string ca_file;           // as ApiClientOptions::ca_file
};

// Reads the application's secrets (GetSecrets, then GetSecretValue for each) and its live
// items (GetKeyValueKeys, then GetKeyValueItem for each) with the official methods. Reads are
// paged, not one snapshot: an item that expires or is deleted meanwhile is left out. Throws
// std::runtime_error naming the call that failed and the server's message.
service::ApplicationExport FetchApplication(const PlatformSource& source);

}  // namespace coffer::cli
