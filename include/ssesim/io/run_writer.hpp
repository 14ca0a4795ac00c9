#pragma once
// Writes one run to a self-describing HDF5 file (DESIGN.md decision 5) that
// follows netCDF-4 conventions: every axis of every variable has a dimension
// scale, every variable carries `units`, `long_name` and `description`, and the
// root carries the resolved scenario, seed, version, commit, compiler and
// library versions. Time series are chunked, compressed and extendible; the
// file is flushed after every step, and `steps_completed` says how far it got,
// so a killed run leaves a readable file.
#include "ssesim/model/model.hpp"

#include <memory>
#include <string>

namespace ssesim::io {

/// Call first in main: HDF5 closes what is still open at exit, but after a failed
/// write (a full disk) the close fails and HDF5 1.10 crashes in its exit handler.
/// ssesim closes its files itself, so the handler is not needed.
void skip_hdf5_exit_handler();

class RunWriter {
public:
    /// Creates `path` (and its parent directories). Refuses an existing file
    /// unless `overwrite`; throws OutputError naming the path.
    RunWriter(const std::string& path, bool overwrite, const model::Model& model, int threads);
    ~RunWriter();
    RunWriter(const RunWriter&) = delete;
    RunWriter& operator=(const RunWriter&) = delete;

    /// Appends the model's latest step (and a per-agent snapshot when due), then flushes.
    void write_step(const model::Model& model);
    /// Marks the run interrupted (status = "interrupted") and closes the file.
    void interrupt();
    /// Marks the run complete (root attribute status = "complete") and closes the file.
    void finish();

    const std::string& path() const noexcept;

private:
    void close_with_status(const std::string& status);
    void append_step(const model::Model& model);
    void write_flows(const model::Model& model);
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ssesim::io
