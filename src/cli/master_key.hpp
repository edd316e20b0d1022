#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "cli/options.hpp"
#include "crypto/keyring.hpp"
#include "store/store.hpp"

namespace coffer::cli {

// The keyring `coffer serve` runs with (SPEC 14). The master key comes from `master_key_file`,
// or else from DATA/master.key, which is generated (0600, with a warning) only while the store
// holds no encrypted data. The key must match the check stored with the data, written on first
// use in the same store operation that reads it back, so servers started at once with different
// keys cannot both win. Throws std::runtime_error with a clear reason, changing nothing, on a
// wrong or missing key.
crypto::Keyring OpenKeyring(store::MetaStore& meta, const std::string& data_dir,
                            const std::string& master_key_file);

// The serving lease of `coffer serve` (store::MetaStore::HoldServingLease), watching the
// master-key check: taken once OpenKeyring has checked `keyring`, which is then checked again
// under the lease, so a rotation that ran in between is caught. `on_fenced` runs if a rotation
// runs later while this node had lost the lease. Throws std::runtime_error as OpenKeyring, or
// when a rotation holds the storage now.
std::unique_ptr<store::ServingLease> HoldServingLease(store::MetaStore& meta,
                                                      const crypto::Keyring& keyring,
                                                      const std::string& data_dir,
                                                      const std::string& master_key_file,
                                                      std::function<void()> on_fenced);

// `coffer master-key generate --out FILE`: a new key file (0600, never overwriting).
void MasterKeyGenerate(const MasterKeyGenerateOptions& options, std::ostream& out);

// `coffer master-key rotate --new-key-file FILE`: re-wraps every data key under the new master
// key in one transaction. When the old key was DATA/master.key (no --master-key-file), that
// file then holds the new key. Refused (std::runtime_error, nothing changed) while any server
// serves from the storage, on any node.
void MasterKeyRotate(store::Store& store, const MasterKeyRotateOptions& options, std::ostream& out);

}  // namespace coffer::cli
