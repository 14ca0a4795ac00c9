#pragma once
// A step is a fixed list of named phases (STYLE.md "A step is a list of
// layers"; DESIGN.md decision 2). Each phase is one parallel loop over agents or
// over another index space (countries, markets) of the model's choosing; after
// each phase the ledger commits the threads' sector deltas (a model that moves no
// money, such as the Schelling benchmark of tools/bench, runs without one). The
// schedule is data: `describe()` prints it, and sim/ODD.md §3 shows the same list.
#include "ssesim/kernel/executor.hpp"
#include "ssesim/kernel/ledger.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace ssesim::kernel {

struct Phase {
    std::string name;         ///< "sense", "decide", "emit flows", ...
    std::string over;         ///< what the loop runs over: "agents", "markets", "countries"
    std::size_t grain;        ///< largest chunk one task takes
    std::function<std::size_t()> size;                      ///< loop length this step
    std::function<void(std::size_t, std::size_t)> body;     ///< body(begin, end)
};

class Schedule {
public:
    void add(Phase phase) { phases_.push_back(std::move(phase)); }
    /// Runs every phase in order; commits the ledger after each. When `elapsed` is
    /// not empty (one entry per phase), adds each phase's wall time in nanoseconds,
    /// its commit included, to its entry: two clock reads per phase, not per agent.
    void run(Executor& executor, Ledger& ledger, std::span<std::int64_t> elapsed = {}) const;
    /// Runs every phase in order, for a model without money (nothing to commit).
    void run(Executor& executor) const;
    const std::vector<Phase>& phases() const noexcept { return phases_; }
    /// "sense (agents) -> decide (agents) -> ..."
    std::string describe() const;

private:
    std::vector<Phase> phases_;
};

}  // namespace ssesim::kernel
