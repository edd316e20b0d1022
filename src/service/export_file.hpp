#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/secure_string.hpp"
#include "crypto/passphrase.hpp"
#include "store/key_value.hpp"

namespace coffer::service {

// A secret as exported, opened: plaintext only in the SecureString.
struct ExportedSecret {
  std::string name;
  common::SecureString value;
  std::optional<std::string> description;
  int64_t created = 0;
  int64_t modified = 0;
};

// One application's secrets and live key-value items (SPEC 16, export), in the clear.
struct ApplicationExport {
  std::string application;  // the short name it had where it was exported
  int64_t exported_at = 0;  // Unix seconds
  std::vector<ExportedSecret> secrets;
  std::vector<store::KvItem> items;
};

// A file that cannot be read as an export, or not with this passphrase. The message is one line
// that says what is wrong and never carries a value.
class ExportFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The export file (docs/formats.md): JSON lines — a header with the scrypt parameters and salt
// and a passphrase check, one line per secret (value and description sealed with AES-256-GCM
// under the passphrase-derived key), one per item, and an end record with the counts and an
// HMAC-SHA-256 of every byte before it, so a truncated or edited file is refused as a whole.
std::string WriteExportFile(const ApplicationExport& data, std::string_view passphrase,
                            const crypto::ScryptParams& params = {});

// Reads and checks a whole export: throws ExportFileError for a file that is not an export, a
// wrong passphrase, a missing end record (truncated), a mismatched MAC or count (changed), or
// an entry that breaks the format. Entries are returned as written; the importer checks them
// against the protocol's rules.
ApplicationExport ReadExportFile(std::string_view text, std::string_view passphrase);

}  // namespace coffer::service
