#pragma once
// Output integrity (issue 8): checksums written with the data and `ssesim verify`
// recomputing them. A run file's datasets each carry a `checksum` attribute
// ("crc32:xxxxxxxx", stamped when the file is closed); a sweep file's per-run
// variables are checked run by run against `runs/checksum`, computed by the
// worker from the numbers before compression, and its other datasets carry the
// attribute. A flipped byte anywhere in the data is found: in an uncompressed
// dataset as a checksum that no longer matches, in a compressed chunk as a chunk
// that no longer inflates or a run checksum that no longer matches.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ssesim::io {

/// CRC-32 of one run's variables in StepLayout order, as RunRecorder holds them.
std::uint32_t run_checksum(const std::vector<std::span<const std::uint64_t>>& variables);

struct VerifyReport {
    bool sweep = false;
    std::int64_t datasets = 0;              ///< datasets whose checksum attribute was recomputed
    std::int64_t runs = 0;                  ///< sweep runs whose checksum was recomputed
    std::vector<std::string> problems;      ///< one line each
};

/// Recomputes every checksum of an ssesim file. Throws OutputError if the file
/// cannot be opened or is not ssesim output.
VerifyReport verify_file(const std::string& path);

}  // namespace ssesim::io
