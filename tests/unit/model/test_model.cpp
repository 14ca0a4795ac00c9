#include "ssesim/core/error.hpp"
#include "ssesim/kernel/agent_ids.hpp"
#include "ssesim/model/model.hpp"
#include "ssesim/scenario/loader.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <bit>
#include <numeric>
#include <string>

using namespace ssesim;
using model::Model;

namespace {

scenario::Scenario small_scenario(std::int64_t steps = 8) {
    scenario::Scenario s =
        scenario::load_scenario(std::string(SSESIM_SOURCE_DIR) + "/scenarios/default.toml");
    s.steps = steps;
    return s;
}

/// Every recorded series of a step, so runs can be compared exactly.
std::vector<std::int64_t> fingerprint(const Model& m) {
    const model::StepRecord& r = m.record();
    std::vector<std::int64_t> out;
    for (const auto* v : {&r.organisations, &r.employees, &r.exporters, &r.destinations, &r.births, &r.exits,
                          &r.subsidiaries, &r.employees_abroad, &r.investments, &r.licensees, &r.nodes,
                          &r.transfer_countries, &r.contacts, &r.founded_abroad,
                          &r.revenue, &r.export_revenue, &r.wage_bill, &r.profit, &r.cash, &r.public_funding, &r.outside_equity,
                          &r.household_money, &r.government_money, &r.ledger_flows})
        out.insert(out.end(), v->begin(), v->end());
    for (const auto& c : r.flows) out.insert(out.end(), {static_cast<std::int64_t>(c.key), c.value, c.count});
    for (const auto* v : {&r.technology, &r.management, &r.brand, &r.participation, &r.impact_home, &r.impact_abroad})
        for (double x : *v) out.push_back(std::bit_cast<std::int64_t>(x));
    return out;
}

}  // namespace

TEST_CASE("the schedule runs the twelve phases in the documented order", "[model]") {
    Model m(small_scenario(), 1);
    CHECK(m.schedule().describe() ==
          "policy funds (policies) -> sense (markets) -> decide (agents) -> emit flows (markets) -> tenders (countries) -> "
          "settle (agents) -> transfer (agents) -> absorb (agents) -> programmes (countries) -> policies (policies) -> "
          "learn (agents) -> record (countries)");
}

TEST_CASE("a step's wall time is charged to its phases, the structural update and the checks", "[model]") {
    Model m(small_scenario(), 1);
    const ssesim::model::StepTiming& t = m.timing();
    REQUIRE(t.parts.size() == m.schedule().phases().size() + 2);
    CHECK(t.parts.front() == "policy funds");
    CHECK(t.parts[t.parts.size() - 2] == "structural update");
    CHECK(t.parts.back() == "checks and flow record");
    CHECK(t.nanoseconds == std::vector<std::int64_t>(t.parts.size(), 0));
    m.step();
    m.step();
    const std::size_t decide = 2;
    REQUIRE(t.parts[decide] == "decide");
    CHECK(t.nanoseconds[decide] > 0);
    CHECK(t.nanoseconds[t.parts.size() - 2] > 0);   // the structural update of step 2
    for (std::int64_t ns : t.nanoseconds) CHECK(ns >= 0);
}

TEST_CASE("the opening population matches the scenario", "[model]") {
    const scenario::Scenario s = small_scenario();
    Model m(s, 1);
    std::int64_t expected = 0;
    for (const auto& p : s.populations) expected += p.count;
    REQUIRE(static_cast<std::int64_t>(m.organisations().size()) == expected);
    // ids are 0..n-1 in slot order, and for-profits have no mission
    for (std::size_t i = 0; i < m.organisations().size(); ++i) {
        REQUIRE(m.organisations().id[i] == i);
        REQUIRE(m.organisations().productivity[i] >= 1.0);
        REQUIRE(m.organisations().employees[i] >= 1);
        if (m.organisations().kind[i] == model::OrgKind::for_profit) REQUIRE(m.organisations().mission[i] == 0.0);
    }
}

TEST_CASE("money is neither created nor destroyed, step after step", "[model][stock-flow]") {
    Model m(small_scenario(), 2);
    const Money total = m.ledger().total_money();
    for (int t = 0; t < 8; ++t) {
        m.step();
        REQUIRE(m.ledger().total_money() == total);
        const auto& r = m.record();
        // recorded sales are the ledger's sales, cent for cent
        Money sales = 0;
        for (const auto& c : r.flows)
            if (model::FlowKey::unpack(c.key).flow == model::flow_sales) sales += c.value;
        REQUIRE(sales == r.ledger_flows[model::flow_sales]);
        REQUIRE(sales > 0);
        for (std::size_t i = 0; i < m.organisations().size(); ++i) REQUIRE(m.ledger().agent_balance(i) >= 0);
    }
    CHECK(m.steps_done() == 8);
}

TEST_CASE("results are bit-identical for 1, 2, 3 and 4 threads", "[model][determinism]") {
    std::vector<std::vector<std::int64_t>> runs;
    for (int threads : {1, 2, 3, 4}) {
        Model m(small_scenario(), threads);
        std::vector<std::int64_t> all;
        for (int t = 0; t < 8; ++t) {
            m.step();
            const auto f = fingerprint(m);
            all.insert(all.end(), f.begin(), f.end());
        }
        runs.push_back(all);
    }
    for (std::size_t k = 1; k < runs.size(); ++k) REQUIRE(runs[k] == runs[0]);
}

TEST_CASE("a different seed gives a different run, the same seed the same", "[model][determinism]") {
    auto run = [](std::uint64_t seed) {
        scenario::Scenario s = small_scenario();
        s.seed = seed;
        Model m(s, 2);
        for (int t = 0; t < 5; ++t) m.step();
        return fingerprint(m);
    };
    CHECK(run(1) == run(1));
    CHECK(run(1) != run(2));
}

TEST_CASE("organisations export, enter and leave markets, are born and exit", "[model]") {
    Model m(small_scenario(20), 2);
    std::int64_t births = 0, exits = 0, max_exporters = 0;
    for (int t = 0; t < 20; ++t) {
        m.step();
        const auto& r = m.record();
        births += std::accumulate(r.births.begin(), r.births.end(), std::int64_t{0});
        exits += std::accumulate(r.exits.begin(), r.exits.end(), std::int64_t{0});
        max_exporters = std::max(max_exporters, std::accumulate(r.exporters.begin(), r.exporters.end(), std::int64_t{0}));
    }
    CHECK(births > 0);
    CHECK(exits > 0);
    CHECK(max_exporters > 0);
    // links are sorted by (organisation, destination), never to the home country
    const auto& l = m.links();
    for (std::size_t r = 0; r < l.size(); ++r) {
        REQUIRE(l.dest[r] != m.organisations().home[l.org[r]]);
        if (r > 0) REQUIRE((l.org[r - 1] < l.org[r] || (l.org[r - 1] == l.org[r] && l.dest[r - 1] < l.dest[r])));
    }
    // ids stay ascending through births and exits
    const auto& id = m.organisations().id;
    REQUIRE(std::is_sorted(id.begin(), id.end()));
    REQUIRE(std::adjacent_find(id.begin(), id.end()) == id.end());
}

TEST_CASE("an unbalanced flow injected into a run stops it with the step, agent and amount", "[model][stock-flow]") {
    Model m(small_scenario(), 2);
    m.step();
    m.inject_unbalanced_flow_for_test(kernel::Party::agent(5), 1234);
    try {
        m.step();
        FAIL("the identity check did not fire");
    } catch (const InvariantError& e) {
        const std::string msg = e.what();
#ifdef SSESIM_CHECKS
        CHECK_THAT(msg, Catch::StartsWith("stock-flow identity violated at step 2: agent " +
                                          std::to_string(m.organisations().id[5]) + ": balance changed by "));
        CHECK_THAT(msg, Catch::EndsWith("(unbalanced amount 1234 cents)"));
#else
        CHECK(msg == "stock-flow identity violated at step 2: total money changed by 1234 cents without a "
                     "counter-entry (build with SSESIM_CHECKS, e.g. the debug preset, to name the agent)");
#endif
    }
}

TEST_CASE("a NaN or infinite state stops the run naming the step, the organisation and the variable", "[model]") {
    for (const double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
        Model m(small_scenario(), 2);
        m.step();
        m.step();
        const auto id = m.organisations().id[7];
        const auto kind = std::string(ssesim::model::org_kind_names[static_cast<std::size_t>(m.organisations().kind[7])]);
        const auto home = m.scenario().world.countries[m.organisations().home[7]].iso3;
        m.poison_state_for_test(7, bad);
        try {
            m.step();
            FAIL("the state check did not fire");
        } catch (const InvariantError& e) {
            CHECK(std::string(e.what()) == "step 3: organisation " + std::to_string(id) + " (" + kind + " of " + home +
                                               "): management is " + (std::isnan(bad) ? "nan" : "inf") +
                                               ", expected a finite number");
        }
    }
}

TEST_CASE("export fixed costs rise with psychic distance and trade costs with distance", "[model]") {
    Model m(small_scenario(), 1);
    const auto& w = m.scenario().world;
    const int esp = w.index_of("ESP"), mex = w.index_of("MEX"), fra = w.index_of("FRA"), kor = w.index_of("KOR");
    CHECK(m.trade_cost(esp, esp) == 1.0);
    CHECK(m.trade_cost(esp, fra) < m.trade_cost(esp, kor));
    // the same destination (same wages): the closer culture is cheaper to enter
    CHECK(w.psychic_distance(esp, mex) < w.psychic_distance(kor, mex));
    CHECK(m.export_fixed_cost_usd(esp, mex) < m.export_fixed_cost_usd(kor, mex));
}

TEST_CASE("FDI sorts by productivity: parents above exporters above the rest (HMY 2004)", "[model][fdi]") {
    Model m(small_scenario(), 2);
    for (int t = 0; t < 60; ++t) m.step();
    const model::Organisations& o = m.organisations();
    const model::Links& l = m.links();
    // mean productivity of for-profit firms founded at home (no parent), by their deepest mode
    double sum[3] = {0, 0, 0};
    int n[3] = {0, 0, 0};
    for (std::size_t i = 0; i < o.size(); ++i) {
        if (o.kind[i] != model::OrgKind::for_profit || o.parent[i] != model::no_parent) continue;
        int mode = 0;
        for (std::uint32_t r = o.link_begin[i]; r < o.link_begin[i + 1]; ++r)
            mode = std::max(mode, l.mode[r] == model::Mode::subsidiary ? 2 : 1);
        sum[mode] += o.productivity[i];
        ++n[mode];
    }
    REQUIRE(n[0] > 0);
    REQUIRE(n[1] > 0);
    REQUIRE(n[2] > 0);
    CHECK(sum[2] / n[2] > sum[1] / n[1]);
    CHECK(sum[1] / n[1] > sum[0] / n[0]);
}

TEST_CASE("a subsidiary is a new organisation abroad, funded by its parent, repatriating its profit", "[model][fdi]") {
    Model m(small_scenario(), 2);
    Money fdi = 0, dividends = 0;
    std::int64_t fdi_cells_ok = 0;
    for (int t = 0; t < 60; ++t) {
        m.step();
        for (const auto& c : m.record().flows) {
            const model::FlowKey k = model::FlowKey::unpack(c.key);
            if (k.flow == model::flow_fdi) {
                fdi += c.value;
                // outward from the parent's country to the host, to an affiliate of the strategy's kind
                REQUIRE(k.origin != k.destination);
                REQUIRE(k.destination_end == static_cast<std::uint8_t>(model::OrgKind::for_profit));
                ++fdi_cells_ok;
            }
            if (k.flow == model::flow_dividends) dividends += c.value;
        }
    }
    REQUIRE(fdi_cells_ok > 0);
    CHECK(fdi > 0);
    CHECK(dividends > 0);
    const model::Organisations& o = m.organisations();
    const model::Links& l = m.links();
    std::size_t subsidiaries = 0;
    for (std::size_t r = 0; r < l.size(); ++r) {
        if (l.mode[r] != model::Mode::subsidiary) continue;
        ++subsidiaries;
        const std::int64_t a = kernel::slot_of(o.id, l.affiliate[r]);
        REQUIRE(a >= 0);
        const auto affiliate = static_cast<std::size_t>(a);
        CHECK(o.parent[affiliate] == o.id[l.org[r]]);
        CHECK(o.home[affiliate] == l.dest[r]);
        CHECK(o.sector[affiliate] == o.sector[l.org[r]]);
        CHECK(l.revenue[r] == 0);   // the parent no longer exports there
    }
    CHECK(subsidiaries > 0);
}
