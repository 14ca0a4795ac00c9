#pragma once
// Checksums the writers stamp on what they write (see verify.hpp).
#include "ssesim/io/verify.hpp"

#include <hdf5.h>

namespace ssesim::io {

/// CRC-32 (zlib) of a dataset's values read in their native form: numbers as
/// 8-byte (or their own size) little-endian words, strings with a NUL after each.
std::uint32_t dataset_checksum(hid_t ds);

/// Stamps a `checksum` attribute on every dataset of the file except those named
/// in `skip` (paths relative to the root, e.g. "runs/status").
void stamp_checksums(hid_t file, const std::vector<std::string>& skip = {});

}  // namespace ssesim::io
