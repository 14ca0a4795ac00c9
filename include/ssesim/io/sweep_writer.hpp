#pragma once
// The sweep file: one HDF5 file for every run of an experiment (DESIGN.md
// decisions 5 and 6), laid out as analysis/README.md "The sweep file" says:
// every variable of StepLayout as [run, step, ...], a `runs` table (arm,
// replicate, seed, factor values, status), and the experiment and base
// scenario as root attributes.
//
// Who compresses and who writes: each run's variables are one chunk each
// ([1, steps, ...]). The worker that computed the run records its steps
// (RunRecorder) and compresses every chunk itself, with the very filters the
// dataset declares (byte shuffle, then deflate); the one writer stores the
// finished chunks with H5Dwrite_chunk. So compression runs in parallel on every
// thread and rank, only compressed bytes travel between MPI ranks, and the
// file is written by one process with serial HDF5 (why not parallel HDF5 or
// per-rank shards: README "Sweeps").
//
// Crash safety as in RunWriter: a chunk is written once, whole; a run's status
// becomes "complete" only after its chunks are flushed; metadata reaches the
// disk only in those flushes. A killed sweep leaves a file whose complete runs
// are exact, and `ssesim sweep` with the same experiment resumes into it.
#include "ssesim/io/layout.hpp"
#include "ssesim/sweep/experiment.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ssesim::io {

/// One run's variables, each compressed as its chunk in the sweep file.
struct EncodedRun {
    std::int64_t run = -1;
    std::uint32_t checksum = 0;                      ///< CRC-32 of the uncompressed variables (verify.hpp)
    std::vector<std::vector<unsigned char>> chunks;  ///< one per StepLayout variable

    /// A flat byte image (for MPI): run, checksum, chunk count, chunk sizes, chunk bytes.
    std::vector<unsigned char> serialize() const;
    /// The inverse; throws Error on an image that does not fit `variables`.
    static EncodedRun deserialize(std::span<const unsigned char> bytes, std::size_t variables);
};

/// Which runs a sweep file's `runs/status` dataset marks complete.
std::vector<bool> runs_complete(hid_t status);

/// Deflate level of the sweep file's chunks (zlib 1..9).
inline constexpr int sweep_deflate_level = 1;

/// Records one run's steps in memory, worker side.
class RunRecorder {
public:
    RunRecorder(const StepLayout& layout, std::int64_t steps);
    /// Appends the model's latest step.
    void record(const model::Model& model);
    /// Shuffles and deflates each variable's [steps, ...] block into its chunk.
    EncodedRun encode(std::int64_t run) const;
    /// The raw data of variable `v`, [steps, ...] (tests).
    std::span<const std::uint64_t> raw(std::size_t v) const;

private:
    const StepLayout& layout_;
    std::int64_t steps_;
    std::int64_t recorded_ = 0;
    std::vector<std::vector<std::uint64_t>> data_;  // per variable: steps x elements
    std::vector<std::uint64_t> row_;
};

class SweepWriter {
public:
    /// Creates `path` for the experiment, or, when it exists and holds the same
    /// experiment (same digest), opens it to resume. `overwrite` replaces any
    /// existing file. Refuses a file of another experiment or program build.
    SweepWriter(const std::string& path, const sweep::Experiment& experiment, const StepLayout& layout, bool overwrite);
    ~SweepWriter();
    SweepWriter(const SweepWriter&) = delete;
    SweepWriter& operator=(const SweepWriter&) = delete;

    /// true for every run whose data are complete in the file.
    const std::vector<bool>& complete() const noexcept;
    /// True when the file existed and is being resumed.
    bool resumed() const noexcept;
    /// Stores a run's chunks, flushes, then marks the run complete and flushes.
    void write(const EncodedRun& run);
    /// Marks the sweep complete (every run complete) or interrupted, and closes.
    void finish();

    const std::string& path() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ssesim::io
