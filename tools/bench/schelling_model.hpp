#pragma once
// Schelling's segregation model as the ABM frameworks comparison declares it
// (JuliaDynamics/ABMFrameworksComparison, Schelling/DECLARATION.md), written from
// the declaration on ssesim's kernel: agents in structure-of-arrays columns with
// stable ids, random numbers from Philox streams keyed by (seed, replicate, agent
// id, step, purpose), and a step that is a kernel::Schedule of named phases. A peer
// benchmark (issue 10), not part of the simulation.
//
// The declaration's rules, as coded here:
//  - an X by X grid, finite and not periodic; at most one agent per cell;
//  - K agents, K/2 of group 1 and K - K/2 of group 2, at distinct cells drawn
//    uniformly, each with an id, its cell, its group and a happy flag that starts
//    false;
//  - every step activates every agent once, in an order drawn anew each step; the
//    activated agent counts the agents of its own group within Chebyshev distance r
//    of its cell (itself excluded). With at least `min_to_be_happy` of them it sets
//    its happy flag; otherwise it moves to an unoccupied cell drawn uniformly (and
//    its flag is cleared: the flag says what the agent found at its last
//    activation, which the declaration leaves open for an agent that was happy once);
//  - activation is sequential, as in every implementation of the comparison: each
//    agent sees the moves of the agents activated before it in the same step. So a
//    run is one task on one thread, whatever the executor; threads pay only across
//    replicates (schelling_runs.hpp).
#include "ssesim/kernel/executor.hpp"
#include "ssesim/kernel/schedule.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace ssesim::bench {

struct SchellingParams {
    std::uint32_t side;             ///< X: the grid has side x side cells
    std::uint32_t agents;           ///< K
    std::uint32_t radius;           ///< r: neighbourhood radius, Chebyshev metric
    std::uint32_t min_to_be_happy;  ///< similar neighbours an agent needs to stay
};

/// The declaration's two sizes ("Technical details").
inline constexpr SchellingParams schelling_small{40, 1000, 1, 3};
inline constexpr SchellingParams schelling_large{100, 8000, 2, 8};

/// The agents, one column per attribute; slot == id (no births or exits).
struct SchellingAgents {
    std::vector<std::uint64_t> id;
    std::vector<std::uint32_t> cell;   ///< y * side + x
    std::vector<std::uint8_t> group;   ///< 1 or 2
    std::vector<std::uint8_t> happy;   ///< 1 if the agent was happy at its last activation

    std::size_t size() const noexcept { return id.size(); }
};

/// A start: each agent's cell and group, in id order.
struct SchellingLayout {
    std::vector<std::uint32_t> cell;
    std::vector<std::uint8_t> group;
};

/// The declaration's start: K distinct cells drawn uniformly (stream purpose
/// `place`, step 0); ids below K/2 are group 1, the others group 2 (the cells are
/// random, so which ids form a group does not matter).
SchellingLayout random_layout(const SchellingParams& params, std::uint64_t seed, std::uint64_t replicate);

class Schelling {
public:
    static constexpr std::uint32_t no_agent = ~std::uint32_t{0};

    /// The declaration's random start. Throws UsageError unless 0 < K < X * X
    /// (an unhappy agent needs an empty cell to move to).
    Schelling(const SchellingParams& params, std::uint64_t seed, std::uint64_t replicate);
    /// A given start (hand-made grids in tests). Throws UsageError naming the agent
    /// whose cell is off the grid or taken, or whose group is not 1 or 2.
    Schelling(const SchellingParams& params, SchellingLayout layout, std::uint64_t seed,
              std::uint64_t replicate);
    // The schedule's phases point at this object.
    Schelling(const Schelling&) = delete;
    Schelling& operator=(const Schelling&) = delete;

    /// One step: the schedule's phases, "order (model) -> activate (agents)".
    void step(kernel::Executor& executor);

    std::uint32_t steps_done() const noexcept { return step_; }
    const SchellingParams& params() const noexcept { return params_; }
    const SchellingAgents& agents() const noexcept { return agents_; }
    /// Per cell (y * side + x): the slot of the agent on it, or no_agent.
    std::span<const std::uint32_t> occupant() const noexcept { return occupant_; }
    /// Per cell: the group of the agent on it, 0 if none (what the neighbour search reads).
    std::span<const std::uint8_t> cell_groups() const noexcept { return cell_group_; }
    /// The slots in the order the last step activated them (empty before step 1).
    std::span<const std::uint32_t> activation_order() const noexcept { return order_; }
    const kernel::Schedule& schedule() const noexcept { return schedule_; }

    /// Agents of the slot's group within the radius of its cell, itself excluded.
    std::uint32_t similar_neighbours(std::size_t slot) const noexcept;
    /// Share of agents with at least min_to_be_happy similar neighbours on the grid
    /// as it is now (what the flags would say if every agent looked at once).
    double happy_share() const noexcept;
    /// Share of agents whose happy flag is set.
    double happy_flag_share() const noexcept;

private:
    void draw_order();
    void activate(std::size_t begin, std::size_t end);
    void move_to_empty_cell(std::size_t slot);

    SchellingParams params_;
    std::uint64_t seed_;
    std::uint64_t replicate_;
    std::uint32_t step_ = 0;
    SchellingAgents agents_;
    std::vector<std::uint32_t> occupant_;
    /// Per cell: the group of its occupant, 0 if empty; written only where occupant_
    /// is (placement and move_to_empty_cell). The neighbour search reads these
    /// bytes (10 kB for the large grid, in L1) instead of the occupant's slot and
    /// then its group: 4.4 instead of 11.1 ms per large run (tools/bench/README.md).
    std::vector<std::uint8_t> cell_group_;
    std::vector<std::uint32_t> empty_cells_;   ///< every unoccupied cell, in no particular order
    std::vector<std::uint32_t> order_;
    kernel::Schedule schedule_;
};

}  // namespace ssesim::bench
