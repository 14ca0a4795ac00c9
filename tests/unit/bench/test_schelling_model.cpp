// The Schelling peer benchmark (tools/bench) against the rules of
// JuliaDynamics/ABMFrameworksComparison's Schelling/DECLARATION.md, each test
// quoting the rule it checks. The replay test recounts every activation with its
// own neighbour count, written here from the declaration, not from the model.
#include "schelling_model.hpp"
#include "schelling_runs.hpp"

#include "ssesim/core/error.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

using namespace ssesim::bench;
using ssesim::kernel::Executor;

namespace {

constexpr std::uint32_t none = Schelling::no_agent;

/// Agents of `group` within Chebyshev distance r of (x, y) on a finite grid, the
/// cell (x, y) itself excluded: the declaration's neighbourhood, counted cell by cell.
std::uint32_t oracle_similar(const std::vector<std::uint32_t>& occupant, const std::vector<std::uint8_t>& group,
                             std::uint32_t side, std::uint32_t r, std::uint32_t cell) {
    const auto x = static_cast<std::int64_t>(cell % side), y = static_cast<std::int64_t>(cell / side);
    const auto ri = static_cast<std::int64_t>(r), n = static_cast<std::int64_t>(side);
    std::uint32_t same = 0;
    for (std::int64_t dy = -ri; dy <= ri; ++dy)
        for (std::int64_t dx = -ri; dx <= ri; ++dx) {
            const std::int64_t nx = x + dx, ny = y + dy;
            if ((dx == 0 && dy == 0) || nx < 0 || ny < 0 || nx >= n || ny >= n) continue;
            const std::uint32_t o = occupant[static_cast<std::size_t>(ny * n + nx)];
            if (o != none && group[o] == group[occupant[cell]]) ++same;
        }
    return same;
}

/// "Only a single agent can occupy a position": every agent on its own cell, the
/// grid pointing back at it, no other cell occupied, and each cell's group that of
/// its occupant (0 if empty). Returns the problems found.
std::size_t occupancy_problems(const Schelling& m) {
    std::size_t problems = 0, occupied = 0;
    const auto& a = m.agents();
    for (std::size_t s = 0; s < a.size(); ++s)
        if (a.cell[s] >= m.occupant().size() || m.occupant()[a.cell[s]] != s) ++problems;
    for (std::size_t c = 0; c < m.occupant().size(); ++c) {
        const std::uint32_t o = m.occupant()[c];
        if (o != none) ++occupied;
        if (m.cell_groups()[c] != (o == none ? 0 : a.group[o])) ++problems;
    }
    return problems + (occupied != a.size() ? 1 : 0);
}

bool is_permutation_of_slots(std::span<const std::uint32_t> order, std::size_t n) {
    std::vector<std::uint32_t> sorted(order.begin(), order.end());
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::uint32_t> slots(n);
    std::iota(slots.begin(), slots.end(), 0u);
    return sorted == slots;
}

// A 5 x 5 grid drawn by hand (x to the right, y down; 1 and 2 are the groups):
//   y=0:  1 1 . 1 1      slots 0 (0,0), 1 (1,0), 5 (3,0), 6 (4,0)
//   y=1:  2 1 . . .      slots 3 (0,1), 2 (1,1)
//   y=2:  . . 1 . .      slot 4 (2,2)
//   y=3:  . . . 2 .      slot 9 (3,3)
//   y=4:  1 . . . 1      slots 7 (0,4), 8 (4,4)
SchellingLayout hand_layout() {
    const auto at = [](std::uint32_t x, std::uint32_t y) { return y * 5 + x; };
    return {{at(0, 0), at(1, 0), at(1, 1), at(0, 1), at(2, 2), at(3, 0), at(4, 0), at(0, 4), at(4, 4), at(3, 3)},
            {1, 1, 1, 2, 1, 1, 1, 1, 1, 2}};
}

}  // namespace

TEST_CASE("the declared sizes", "[bench][schelling]") {
    // "For the small model, X = 40, K = 1000, r = 1 and minimum_to_be_happy = 3.
    //  For the large model, X = 100, K = 8000, r = 2 and minimum_to_be_happy = 8."
    CHECK(schelling_small.side == 40);
    CHECK(schelling_small.agents == 1000);
    CHECK(schelling_small.radius == 1);
    CHECK(schelling_small.min_to_be_happy == 3);
    CHECK(schelling_large.side == 100);
    CHECK(schelling_large.agents == 8000);
    CHECK(schelling_large.radius == 2);
    CHECK(schelling_large.min_to_be_happy == 8);
}

TEST_CASE("the start: K agents with ids, half of each group, one per cell, none happy", "[bench][schelling]") {
    // "There are K agents in the model, 0.5K of group 1 and 0.5K of group 2. All agents
    //  are initialized at random locations and with the happy boolean being false."
    for (const SchellingParams& p : {schelling_small, schelling_large}) {
        const Schelling m(p, 42, 0);
        const auto& a = m.agents();
        REQUIRE(a.size() == p.agents);
        CHECK(std::count(a.group.begin(), a.group.end(), std::uint8_t{1}) == p.agents / 2);
        CHECK(std::count(a.group.begin(), a.group.end(), std::uint8_t{2}) == p.agents / 2);
        CHECK(std::count(a.happy.begin(), a.happy.end(), std::uint8_t{0}) == p.agents);
        CHECK(a.id.front() == 0);
        CHECK(a.id.back() == p.agents - 1);
        CHECK(std::is_sorted(a.id.begin(), a.id.end()));
        CHECK(m.occupant().size() == std::size_t{p.side} * p.side);
        CHECK(occupancy_problems(m) == 0);
        CHECK(m.steps_done() == 0);
        CHECK(m.activation_order().empty());
        CHECK(m.schedule().describe() == "order (model) -> activate (agents)");
    }
    // Random locations: another seed or replicate, other cells.
    CHECK(Schelling(schelling_small, 42, 0).agents().cell != Schelling(schelling_small, 43, 0).agents().cell);
    CHECK(Schelling(schelling_small, 42, 0).agents().cell != Schelling(schelling_small, 42, 1).agents().cell);
}

TEST_CASE("the neighbourhood: Chebyshev radius, cut at the edges (not periodic), the agent itself excluded",
          "[bench][schelling]") {
    // "the agent searches for neighbors in a radius r in Chebyshev metric around it";
    // "The space is finite and not periodic."
    SECTION("radius 1") {
        const Schelling m({5, 10, 1, 3}, hand_layout(), 1, 0);
        // Corner agent 0 sees (1,0), (0,1), (1,1): two of its group; with a periodic
        // space it would also see agents 6, 7 and 8 across the edges.
        const std::vector<std::uint32_t> expected{2, 2, 3, 0, 1, 1, 1, 0, 0, 0};
        for (std::size_t s = 0; s < expected.size(); ++s) {
            INFO("agent " << s);
            CHECK(m.similar_neighbours(s) == expected[s]);
        }
        // "equal or greater than the minimum to be happy": agent 2 has exactly 3.
        CHECK(m.happy_share() == 0.1);
    }
    SECTION("radius 2") {
        const Schelling m({5, 10, 2, 3}, hand_layout(), 1, 0);
        // Agent 0 now reaches (2,2) at distance 2 (a diagonal: Chebyshev, not
        // Manhattan, which would make it 4), but not agent 5 at (3,0), distance 3;
        // agent 4 in the middle sees the whole grid: the 7 other agents of group 1.
        const std::vector<std::uint32_t> expected{3, 4, 4, 0, 7, 4, 2, 1, 1, 0};
        for (std::size_t s = 0; s < expected.size(); ++s) {
            INFO("agent " << s);
            CHECK(m.similar_neighbours(s) == expected[s]);
        }
        CHECK(m.happy_share() == 0.5);  // agents 0, 1, 2, 4, 5
    }
}

TEST_CASE("every activation follows the rule: happy agents stay, unhappy ones move to an empty cell",
          "[bench][schelling]") {
    // "At each step ... each agent: searches the nearby positions ..., counts how many
    //  of the neighbors are belonging to the same group. If that number is equal or
    //  greater than 'minimum to be happy', the agent sets its own happy boolean flag to
    //  true, otherwise the agent moves to a random unoccupied location on the grid."
    // Replayed agent by agent in the drawn order on a copy of the grid, with the
    // neighbour count of this file: each agent must end where the rule puts it.
    for (const SchellingParams& p : {schelling_small, schelling_large, SchellingParams{5, 10, 1, 3}}) {
        INFO("side " << p.side << ", radius " << p.radius);
        Schelling m(p, 2024, 3);
        const std::vector<std::uint8_t> groups = m.agents().group;
        Executor serial(1);
        std::size_t stays = 0, moves = 0;
        for (std::uint32_t step = 1; step <= 20; ++step) {
            std::vector<std::uint32_t> grid(m.occupant().begin(), m.occupant().end());
            const std::vector<std::uint32_t> before = m.agents().cell;
            m.step(serial);
            const auto& a = m.agents();
            REQUIRE(m.steps_done() == step);
            // Agent count conserved, groups unchanged, one agent per cell.
            REQUIRE(a.size() == p.agents);
            REQUIRE(a.group == groups);
            REQUIRE(occupancy_problems(m) == 0);
            REQUIRE(is_permutation_of_slots(m.activation_order(), p.agents));
            std::size_t wrong_stay = 0, wrong_move = 0, onto_occupied = 0, wrong_flag = 0;
            for (std::uint32_t s : m.activation_order()) {
                const std::uint32_t from = before[s], to = a.cell[s];
                const bool happy = oracle_similar(grid, groups, p.side, p.radius, from) >= p.min_to_be_happy;
                if (a.happy[s] != (happy ? 1 : 0)) ++wrong_flag;
                if (happy) {
                    ++stays;
                    if (to != from) ++wrong_stay;
                    continue;
                }
                ++moves;
                if (to == from) ++wrong_move;
                if (grid[to] != none) ++onto_occupied;  // "a random unoccupied location"
                grid[to] = s;
                grid[from] = none;
            }
            CHECK(wrong_stay == 0);
            CHECK(wrong_move == 0);
            CHECK(onto_occupied == 0);
            CHECK(wrong_flag == 0);
            REQUIRE(std::equal(grid.begin(), grid.end(), m.occupant().begin(), m.occupant().end()));
        }
        // Both branches of the rule were exercised.
        CHECK(stays > 0);
        CHECK(moves > 0);
    }
}

TEST_CASE("the share of happy agents rises over the 20 steps", "[bench][schelling]") {
    // Values of this build (seed 42, replicate 0), as counts of happy agents: the
    // share rises from 45.5% to 100% (small) and from 77.6% to 99.98% (large). A
    // change of the rules or of the streams changes them.
    Executor serial(1);
    Schelling small(schelling_small, 42, 0), large(schelling_large, 42, 0);
    const double small_start = small.happy_share(), large_start = large.happy_share();
    for (int s = 0; s < 20; ++s) {
        small.step(serial);
        large.step(serial);
    }
    CHECK(small_start == 455.0 / 1000);
    CHECK(small.happy_share() == 1000.0 / 1000);
    CHECK(large_start == 6210.0 / 8000);
    CHECK(large.happy_share() == 7998.0 / 8000);
    CHECK(small.happy_share() > small_start + 0.5);
    CHECK(large.happy_share() > large_start + 0.2);
    // The flags say what each agent found when it was activated, before the moves
    // after it: close to the share on the final grid, not above one.
    CHECK(small.happy_flag_share() == Approx(small.happy_share()).margin(0.05));
    CHECK(large.happy_flag_share() == Approx(large.happy_share()).margin(0.05));
}

TEST_CASE("random activation order: a new permutation each step, reproducible from the seed",
          "[bench][schelling]") {
    // "The agents are activated in random order, so that at each step the order may change."
    Executor serial(1);
    Schelling a(schelling_small, 7, 0), b(schelling_small, 7, 0), c(schelling_small, 7, 1);
    a.step(serial);
    b.step(serial);
    c.step(serial);
    const std::vector<std::uint32_t> first(a.activation_order().begin(), a.activation_order().end());
    CHECK(is_permutation_of_slots(first, schelling_small.agents));
    CHECK(std::equal(first.begin(), first.end(), b.activation_order().begin(), b.activation_order().end()));
    CHECK_FALSE(std::equal(first.begin(), first.end(), c.activation_order().begin(), c.activation_order().end()));
    std::vector<std::uint32_t> identity(schelling_small.agents);
    std::iota(identity.begin(), identity.end(), 0u);
    CHECK(first != identity);
    a.step(serial);
    CHECK_FALSE(std::equal(first.begin(), first.end(), a.activation_order().begin(), a.activation_order().end()));
}

TEST_CASE("the same seed gives the same grid, another seed or replicate another one", "[bench][schelling]") {
    Executor serial(1);
    Schelling a(schelling_large, 42, 5), b(schelling_large, 42, 5), c(schelling_large, 43, 5),
        d(schelling_large, 42, 6);
    for (int s = 0; s < 20; ++s) {
        a.step(serial);
        b.step(serial);
        c.step(serial);
        d.step(serial);
    }
    CHECK(a.agents().cell == b.agents().cell);
    CHECK(a.agents().happy == b.agents().happy);
    CHECK(std::equal(a.occupant().begin(), a.occupant().end(), b.occupant().begin(), b.occupant().end()));
    CHECK(a.agents().cell != c.agents().cell);
    CHECK(a.agents().cell != d.agents().cell);
}

TEST_CASE("replicates give the same results on 1 and 2 threads", "[bench][schelling]") {
    const auto one = run_schelling(schelling_small, 42, 6, 20, 1);
    const auto two = run_schelling(schelling_small, 42, 6, 20, 2);
    REQUIRE(one.size() == 6);
    REQUIRE(two.size() == 6);
    for (std::size_t r = 0; r < one.size(); ++r) {
        INFO("replicate " << r);
        CHECK(one[r].replicate == r);
        CHECK(two[r].replicate == r);
        CHECK(one[r].grid_hash == two[r].grid_hash);
        CHECK(one[r].happy_share_start == two[r].happy_share_start);
        CHECK(one[r].happy_share_end == two[r].happy_share_end);
        CHECK(one[r].happy_flag_share == two[r].happy_flag_share);
        CHECK(one[r].setup_seconds > 0);
        CHECK(one[r].steps_seconds > 0);
        // Each replicate is its own run: the one built directly from its key ends the same.
        Schelling m(schelling_small, 42, r);
        Executor serial(1);
        for (int s = 0; s < 20; ++s) m.step(serial);
        CHECK(m.happy_share() == one[r].happy_share_end);
    }
    CHECK(one[0].grid_hash != one[1].grid_hash);
}

TEST_CASE("a start that breaks the rules is refused, naming the agent", "[bench][schelling]") {
    // "Only a single agent can occupy a position in the grid."
    const SchellingParams p{5, 10, 1, 3};
    SchellingLayout taken = hand_layout();
    taken.cell[4] = taken.cell[1];
    CHECK_THROWS_AS(Schelling(p, taken, 1, 0), ssesim::UsageError);
    CHECK_THROWS_WITH(Schelling(p, taken, 1, 0), "schelling: agent 4: cell 1 is taken");
    SchellingLayout off = hand_layout();
    off.cell[9] = 25;
    CHECK_THROWS_WITH(Schelling(p, off, 1, 0), "schelling: agent 9: cell 25 is off the grid");
    SchellingLayout third = hand_layout();
    third.group[2] = 3;
    CHECK_THROWS_WITH(Schelling(p, third, 1, 0), "schelling: agent 2: group 3, expected 1 or 2");
    SchellingLayout short_layout = hand_layout();
    short_layout.group.pop_back();
    CHECK_THROWS_WITH(Schelling(p, short_layout, 1, 0),
                      "schelling: the layout has 10 cells and 9 groups for 10 agents");
    // An unhappy agent needs an empty cell to move to.
    CHECK_THROWS_WITH(Schelling(SchellingParams{5, 25, 1, 3}, 1, 0),
                      "schelling: 25 agents on 25 cells: expected at least one agent and at least one empty cell");
    CHECK_THROWS_WITH(Schelling(SchellingParams{5, 0, 1, 3}, 1, 0),
                      "schelling: 0 agents on 25 cells: expected at least one agent and at least one empty cell");
}
