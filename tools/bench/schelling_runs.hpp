#pragma once
// Timed replicates of the Schelling benchmark, timed the way the comparison's
// scripts time its peers: each run is built and stepped from scratch, and both
// the building (the random start) and the steps are timed, apart, so that a
// figure can be set beside Mesa's and Agents.jl's (setup + steps) and beside
// MASON's (steps only: its JobTime starts after SimState.start()).
#include "schelling_model.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace ssesim::bench {

struct SchellingRun {
    std::uint64_t replicate;
    double setup_seconds;       ///< building the model: the random start, columns, grid, schedule
    double steps_seconds;       ///< the steps
    double happy_share_start;   ///< Schelling::happy_share() before step 1 (not timed)
    double happy_share_end;     ///< ... after the last step (not timed)
    double happy_flag_share;    ///< agents whose happy flag is set after the last step
    std::size_t grid_hash;      ///< boost::hash_range of the final cell column
};

/// Runs replicates 0..runs-1 of `params` with `seed`, `steps` steps each. A run is
/// sequential (schelling_model.hpp); `threads` > 1 runs replicates side by side,
/// which changes their timings but none of their results. Result i is replicate i.
std::vector<SchellingRun> run_schelling(const SchellingParams& params, std::uint64_t seed, std::size_t runs,
                                        std::uint32_t steps, int threads);

}  // namespace ssesim::bench
