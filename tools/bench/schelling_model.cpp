#include "schelling_model.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/kernel/rng.hpp"
#include "ssesim/kernel/shuffle.hpp"

#include <boost/random/uniform_int_distribution.hpp>

#include <algorithm>
#include <numeric>
#include <string>

namespace ssesim::bench {

namespace {

/// What a stream is for (the last component of its counter).
enum Purpose : std::uint32_t {
    purpose_place = 1,   ///< the starting cells (id 0, step 0)
    purpose_order = 2,   ///< the activation order of a step (id 0, step)
    purpose_move = 3,    ///< where an unhappy agent moves (agent id, step)
};

void check_params(const SchellingParams& p) {
    const std::uint64_t cells = std::uint64_t{p.side} * p.side;
    if (p.agents == 0 || p.agents >= cells)
        throw UsageError("schelling: " + std::to_string(p.agents) + " agents on " + std::to_string(cells) +
                         " cells: expected at least one agent and at least one empty cell");
}

}  // namespace

SchellingLayout random_layout(const SchellingParams& params, std::uint64_t seed, std::uint64_t replicate) {
    check_params(params);
    std::vector<std::uint32_t> cells(std::size_t{params.side} * params.side);
    std::iota(cells.begin(), cells.end(), 0u);
    kernel::Stream rng(seed, replicate, 0, 0, purpose_place);
    kernel::shuffle(std::span<std::uint32_t>(cells), rng);
    cells.resize(params.agents);
    SchellingLayout layout{std::move(cells), std::vector<std::uint8_t>(params.agents, 2)};
    std::fill_n(layout.group.begin(), params.agents / 2, std::uint8_t{1});
    return layout;
}

Schelling::Schelling(const SchellingParams& params, std::uint64_t seed, std::uint64_t replicate)
    : Schelling(params, random_layout(params, seed, replicate), seed, replicate) {}

Schelling::Schelling(const SchellingParams& params, SchellingLayout layout, std::uint64_t seed,
                     std::uint64_t replicate)
    : params_(params), seed_(seed), replicate_(replicate) {
    check_params(params_);
    const std::size_t n = params_.agents;
    if (layout.cell.size() != n || layout.group.size() != n)
        throw UsageError("schelling: the layout has " + std::to_string(layout.cell.size()) + " cells and " +
                         std::to_string(layout.group.size()) + " groups for " + std::to_string(n) + " agents");
    occupant_.assign(std::size_t{params_.side} * params_.side, no_agent);
    cell_group_.assign(occupant_.size(), 0);
    for (std::size_t slot = 0; slot < n; ++slot) {
        const std::uint32_t c = layout.cell[slot];
        if (c >= occupant_.size() || occupant_[c] != no_agent)
            throw UsageError("schelling: agent " + std::to_string(slot) + ": cell " + std::to_string(c) +
                             (c >= occupant_.size() ? " is off the grid" : " is taken"));
        if (layout.group[slot] != 1 && layout.group[slot] != 2)
            throw UsageError("schelling: agent " + std::to_string(slot) + ": group " +
                             std::to_string(layout.group[slot]) + ", expected 1 or 2");
        occupant_[c] = static_cast<std::uint32_t>(slot);
        cell_group_[c] = layout.group[slot];
    }
    agents_.id.resize(n);
    std::iota(agents_.id.begin(), agents_.id.end(), std::uint64_t{0});
    agents_.cell = std::move(layout.cell);
    agents_.group = std::move(layout.group);
    agents_.happy.assign(n, 0);
    empty_cells_.reserve(occupant_.size() - n);
    for (std::uint32_t c = 0; c < occupant_.size(); ++c)
        if (occupant_[c] == no_agent) empty_cells_.push_back(c);
    order_.reserve(n);

    schedule_.add({"order", "model", 1, [] { return std::size_t{1}; },
                   [this](std::size_t, std::size_t) { draw_order(); }});
    // One chunk as long as the population: activation is sequential (each agent
    // sees the moves made before it in the step), so it must never be split.
    schedule_.add({"activate", "agents", n, [n] { return n; },
                   [this](std::size_t b, std::size_t e) { activate(b, e); }});
}

void Schelling::step(kernel::Executor& executor) {
    ++step_;
    schedule_.run(executor);
}

void Schelling::draw_order() {
    order_.resize(agents_.size());
    std::iota(order_.begin(), order_.end(), 0u);
    kernel::Stream rng(seed_, replicate_, 0, step_, purpose_order);
    kernel::shuffle(std::span<std::uint32_t>(order_), rng);
}

void Schelling::activate(std::size_t begin, std::size_t end) {
    for (std::size_t k = begin; k < end; ++k) {
        const std::uint32_t slot = order_[k];
        const bool happy = similar_neighbours(slot) >= params_.min_to_be_happy;
        agents_.happy[slot] = happy ? 1 : 0;
        if (!happy) move_to_empty_cell(slot);
    }
}

void Schelling::move_to_empty_cell(std::size_t slot) {
    kernel::Stream rng(seed_, replicate_, agents_.id[slot], step_, purpose_move);
    boost::random::uniform_int_distribution<std::size_t> pick(0, empty_cells_.size() - 1);
    std::uint32_t& to = empty_cells_[pick(rng)];
    const std::uint32_t from = agents_.cell[slot];
    occupant_[from] = no_agent;
    occupant_[to] = static_cast<std::uint32_t>(slot);
    cell_group_[from] = 0;
    cell_group_[to] = agents_.group[slot];
    agents_.cell[slot] = to;
    to = from;  // the cell left behind takes the place of the one taken in the list
}

std::uint32_t Schelling::similar_neighbours(std::size_t slot) const noexcept {
    const std::uint32_t side = params_.side, r = params_.radius;
    const std::uint32_t c = agents_.cell[slot];
    const std::uint32_t x = c % side, y = c / side;
    // Not periodic: the square is cut at the edges of the grid.
    const std::uint32_t x0 = x > r ? x - r : 0, x1 = std::min(x + r, side - 1);
    const std::uint32_t y0 = y > r ? y - r : 0, y1 = std::min(y + r, side - 1);
    const std::uint8_t g = agents_.group[slot];
    std::uint32_t same = 0;
    for (std::uint32_t yy = y0; yy <= y1; ++yy) {
        const std::uint8_t* row = cell_group_.data() + std::size_t{yy} * side;
        for (std::uint32_t xx = x0; xx <= x1; ++xx) same += row[xx] == g ? 1u : 0u;
    }
    return same - 1;  // the agent itself was counted
}

double Schelling::happy_share() const noexcept {
    std::size_t happy = 0;
    for (std::size_t slot = 0; slot < agents_.size(); ++slot)
        if (similar_neighbours(slot) >= params_.min_to_be_happy) ++happy;
    return static_cast<double>(happy) / static_cast<double>(agents_.size());
}

double Schelling::happy_flag_share() const noexcept {
    const auto happy = std::count(agents_.happy.begin(), agents_.happy.end(), std::uint8_t{1});
    return static_cast<double>(happy) / static_cast<double>(agents_.size());
}

}  // namespace ssesim::bench
