#pragma once
// Runs an experiment's runs and writes the sweep file (DESIGN.md decision 6).
//
// On one machine: `threads` workers each take the next unfinished run, build its
// model single-threaded, record and compress it; one coordinator (the calling
// thread) writes finished runs to the file. Runs in parallel rather than
// threads inside runs: a sweep has many more runs than cores, a single-threaded
// run has no per-phase synchronisation, and its data stay in one core's cache.
//
// Under MPI (`mpirun`, `srun --mpi=pmix`): every rank does the same with its own
// workers; rank 0 hands out runs one at a time on request (dynamic balancing:
// a slow run never holds up the others) and is the only writer. Results are
// identical whatever the threads, ranks, or order of the runs: a run's numbers
// depend only on its scenario and replicate.
#include "ssesim/sweep/experiment.hpp"

#include <atomic>
#include <string>

namespace ssesim::sweep {

struct SweepOptions {
    std::string output;        ///< the sweep file
    int threads = 1;           ///< worker threads per process
    bool overwrite = false;    ///< replace an existing file instead of resuming it
    bool progress = false;     ///< a progress line with ETA on stderr
    std::string log;           ///< if set, one line per computed run is appended here
};

struct SweepOutcome {
    std::int64_t runs = 0;      ///< runs of the experiment
    std::int64_t skipped = 0;   ///< complete in the file already (resumed)
    std::int64_t computed = 0;  ///< computed and written by this invocation
    bool interrupted = false;
    bool writer = false;        ///< this process wrote the file (rank 0)
};

/// True when this process was started by an MPI launcher (mpirun, srun --mpi=pmix).
bool launched_by_mpi();

/// Runs the sweep. `stop` is set by a signal handler: workers stop at the next
/// step, the file is closed with the complete runs marked, and the outcome says
/// interrupted. Errors (a run's invariant, an output error) are thrown on the
/// writer; under MPI a failing rank aborts the job after printing its message.
SweepOutcome run_sweep(const Experiment& experiment, const SweepOptions& options, std::atomic<bool>& stop);

}  // namespace ssesim::sweep
