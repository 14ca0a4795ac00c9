// One test per mechanism of ODD §7, each on a small scenario built for it, each
// asserting values (the formula, the identity, or the ordering the theory says).
#include "ssesim/kernel/agent_ids.hpp"
#include "ssesim/kernel/rng.hpp"
#include "ssesim/model/model.hpp"
#include "ssesim/scenario/loader.hpp"

#include <boost/random/poisson_distribution.hpp>
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

using namespace ssesim;
using model::Model;
using model::Mode;
using model::OrgKind;

namespace {

/// A scenario in the shipped world (scenarios/world) from TOML text after [run].
scenario::Scenario make(const std::string& body, std::int64_t steps = 8, std::uint64_t seed = 7) {
    const std::string text = "[run]\nname = \"t\"\nsteps = " + std::to_string(steps) + "\nseed = " + std::to_string(seed) +
                             "\n" + body;
    return scenario::load_scenario_text(text, std::string(SSESIM_SOURCE_DIR) + "/scenarios/test.toml");
}

Money flow_total(const Model& m, model::Flow flow) {
    Money total = 0;
    for (const auto& c : m.record().flows)
        if (model::FlowKey::unpack(c.key).flow == flow) total += c.value;
    return total;
}

const char* federation_world = R"(
[world]
use = ["FRA", "ESP", "BEL", "MEX"]

[[population]]
country = "FRA"
kind = "federation"
sector = "platform_logistics"
count = 1
employees = 20
mission = 0.8
technology = 0.9
brand = 0.6
management = 0.5
birth_rate = 0.0
modes = ["node"]
outward_drive = 0.0

[[population]]
country = "FRA"
kind = "worker_coop"
sector = "platform_logistics"
count = 30
employees = 8
mission = 0.7
technology = 0.1
brand = 0.0
management = 0.2
birth_rate = 0.0
join_federation = true
outward_drive = 0.0
)";

}  // namespace

TEST_CASE("knowledge transfer is non-rival and follows the absorptive-capacity formula", "[model][intangibles]") {
    Model m(make(federation_world), 1);
    const auto& o = m.organisations();
    const auto& e = m.scenario().economy;
    std::map<std::uint64_t, double> before;
    for (std::size_t i = 0; i < o.size(); ++i) before[o.id[i]] = o.technology[i];
    const double fed_before = o.technology[0];
    REQUIRE(o.kind[0] == OrgKind::federation);
    m.step();
    // the giver keeps its stock
    CHECK(o.technology[0] == fed_before);
    // each member closes transfer x absorptive x (1 - psychic distance 0) of its gap
    const double transfer = 1.0 - std::pow(1.0 - e.transfer_rate, 0.25);
    int members = 0;
    for (std::size_t i = 1; i < o.size(); ++i) {
        REQUIRE(o.parent[i] == o.id[0]);
        const double absorptive = e.absorptive_base + (1.0 - e.absorptive_base) * o.management[i];
        const double expected = before[o.id[i]] + transfer * absorptive * (fed_before - before[o.id[i]]);
        CHECK(o.technology[i] == Approx(expected).epsilon(1e-12));
        ++members;
    }
    CHECK(members == 30);
    // the transfer is recorded as an intangible flow FRA -> FRA, federation -> worker co-ops
    double recorded = 0;
    for (const auto& c : m.record().flows) {
        const auto k = model::FlowKey::unpack(c.key);
        if (k.flow != model::flow_technology) continue;
        CHECK(k.source_end == static_cast<std::uint8_t>(OrgKind::federation));
        CHECK(k.destination_end == static_cast<std::uint8_t>(OrgKind::worker_coop));
        recorded += static_cast<double>(c.value) * model::knowledge_unit;
    }
    double gained = 0;
    for (std::size_t i = 1; i < o.size(); ++i) gained += o.technology[i] - before[o.id[i]];
    CHECK(recorded == Approx(gained).margin(1e-6 * members));   // rounded to knowledge units per transfer
}

TEST_CASE("members pay 2% of their revenue to the federation", "[model][finance]") {
    Model m(make(federation_world), 1);
    const auto& o = m.organisations();
    for (int t = 0; t < 3; ++t) {
        m.step();
        Money due = 0;
        for (std::size_t i = 1; i < o.size(); ++i) due += static_cast<Money>(std::floor(0.02 * static_cast<double>(o.revenue[i])));
        CHECK(due > 0);
        CHECK(flow_total(m, model::flow_federation_fee) == due);
        // they arrive at the federation: recorded member -> federation, inside France
        for (const auto& c : m.record().flows) {
            const auto k = model::FlowKey::unpack(c.key);
            if (k.flow != model::flow_federation_fee) continue;
            CHECK(k.source_end == static_cast<std::uint8_t>(OrgKind::worker_coop));
            CHECK(k.destination_end == static_cast<std::uint8_t>(OrgKind::federation));
        }
    }
}

TEST_CASE("psychic distance orders first entries: early moves go to close countries", "[model][prospection]") {
    const std::string body = R"(
[world]
use = ["ESP", "MEX", "ARG", "FRA", "KOR", "IND", "JPN", "KEN"]

[[population]]
country = "ESP"
kind = "worker_coop"
sector = "manufacturing"
count = 400
employees = 30
mission = 0.5
outward_drive = 2.0
birth_rate = 0.0
)";
    Model m(make(body, 12), 2);
    const auto& w = m.scenario().world;
    for (int t = 0; t < 12; ++t) m.step();
    const auto& l = m.links();
    double psychic_entered = 0, n_entered = 0;
    for (std::size_t r = 0; r < l.size(); ++r) {
        if (l.mode[r] == Mode::contact) continue;
        psychic_entered += w.psychic_distance(0, l.dest[r]);
        ++n_entered;
    }
    double psychic_all = 0;
    for (Eigen::Index d = 1; d < static_cast<Eigen::Index>(w.size()); ++d) psychic_all += w.psychic_distance(0, d);
    psychic_all /= static_cast<double>(w.size() - 1);
    REQUIRE(n_entered > 20);
    CHECK(psychic_entered / n_entered < psychic_all - 0.05);
}

TEST_CASE("a federation founds nodes abroad that are co-operatives, members paying it the fee", "[model][node]") {
    std::string body = federation_world;
    body.replace(body.find("outward_drive = 0.0"), 19, "outward_drive = 4.0");
    Model m(make(body, 40), 2);
    Money fees_from_abroad = 0;
    for (int t = 0; t < 40; ++t) {
        m.step();
        for (const auto& c : m.record().flows) {
            const auto k = model::FlowKey::unpack(c.key);
            if (k.flow == model::flow_federation_fee && k.origin != k.destination) fees_from_abroad += c.value;
        }
    }
    const auto& o = m.organisations();
    const auto& l = m.links();
    int nodes = 0;
    for (std::size_t r = 0; r < l.size(); ++r) {
        if (l.mode[r] != Mode::node) continue;
        ++nodes;
        const auto a = static_cast<std::size_t>(kernel::slot_of(o.id, l.affiliate[r]));
        CHECK(o.kind[a] == OrgKind::worker_coop);
        CHECK(o.relation[a] == model::Relation::member);
        CHECK(o.parent[a] == o.id[l.org[r]]);
        CHECK(o.home[a] == l.dest[r]);
        CHECK(o.technology[a] > 0.0);   // started with the launch transfer
    }
    CHECK(nodes > 0);
    CHECK(fees_from_abroad > 0);
}

TEST_CASE("open transfer raises the technology of SSE organisations abroad, not of firms, at no fee", "[model][open-transfer]") {
    const std::string body = R"(
[world]
use = ["IND", "KEN", "SEN", "BRA"]

[economy]
adoption_rate = 0.9

[[population]]
country = "IND"
kind = "association"
sector = "services"
count = 3
employees = 50
mission = 1.0
technology = 0.9
modes = ["open_transfer"]
outward_drive = 4.0
birth_rate = 0.0

[[population]]
country = "KEN"
kind = "association"
sector = "agri_food"
count = 60
employees = 5
mission = 0.8
technology = 0.05
birth_rate = 0.0
outward_drive = 0.0

[[population]]
country = "KEN"
kind = "for_profit"
sector = "agri_food"
count = 60
employees = 5
technology = 0.05
birth_rate = 0.0
outward_drive = 0.0
)";
    Model m(make(body, 40), 2);
    for (int t = 0; t < 40; ++t) m.step();
    const auto& o = m.organisations();
    double sse = 0, firms = 0, givers = 0;
    int n_sse = 0, n_firms = 0;
    for (std::size_t i = 0; i < o.size(); ++i) {
        if (m.scenario().world.countries[o.home[i]].iso3 == "IND") givers += o.technology[i];
        if (m.scenario().world.countries[o.home[i]].iso3 != "KEN") continue;
        (o.kind[i] == OrgKind::for_profit ? firms : sse) += o.technology[i];
        ++(o.kind[i] == OrgKind::for_profit ? n_firms : n_sse);
    }
    CHECK(givers == Approx(3 * 0.9));           // the givers keep their stock
    CHECK(firms / n_firms == Approx(0.05));     // firms do not adopt
    CHECK(sse / n_sse > 0.1);                   // SSE organisations did
    Money fees = flow_total(m, model::flow_licence_fee);
    CHECK(fees == 0);
}

TEST_CASE("social licensing founds licensed social enterprises abroad that pay the licence fee", "[model][licence]") {
    const std::string body = R"(
[world]
use = ["GBR", "AUS", "KEN", "ZAF", "IND"]

[[population]]
country = "GBR"
kind = "social_enterprise"
sector = "education"
count = 4
employees = 40
mission = 0.9
management = 0.8
brand = 0.5
modes = ["licence"]
licence_fee = 0.05
outward_drive = 4.0
birth_rate = 0.0
)";
    Model m(make(body, 40), 2);
    Money fees = 0;
    for (int t = 0; t < 40; ++t) {
        m.step();
        fees += flow_total(m, model::flow_licence_fee);
    }
    const auto& o = m.organisations();
    const auto& l = m.links();
    int licensees = 0;
    for (std::size_t r = 0; r < l.size(); ++r) {
        if (l.mode[r] != Mode::licence) continue;
        ++licensees;
        const auto a = static_cast<std::size_t>(kernel::slot_of(o.id, l.affiliate[r]));
        CHECK(o.kind[a] == OrgKind::social_enterprise);
        CHECK(o.relation[a] == model::Relation::licensee);
        CHECK(o.fee_rate[a] == 0.05);
        CHECK(o.management[a] > 0.0);   // the licensed model
        CHECK(o.technology[a] == 0.0);  // a licence transfers no technology
    }
    CHECK(licensees > 0);
    CHECK(fees > 0);
}

TEST_CASE("fair-trade sourcing: purchases, pre-harvest credit and repayments add up", "[model][sourcing]") {
    const std::string body = R"(
[world]
use = ["USA", "PER", "COL"]

[[population]]
country = "USA"
kind = "worker_coop"
sector = "agri_food"
count = 5
employees = 40
mission = 0.8
modes = ["sourcing"]
input_share = 0.6
fair_price_premium = 0.2
prefinance = 0.5
outward_drive = 4.0
birth_rate = 0.0

[[population]]
country = "PER"
kind = "producer_coop"
sector = "agri_food"
count = 30
employees = 10
mission = 0.6
birth_rate = 0.0

[[population]]
country = "COL"
kind = "producer_coop"
sector = "agri_food"
count = 30
employees = 10
mission = 0.6
birth_rate = 0.0
)";
    Model m(make(body, 40), 2);
    Money advanced = 0, repaid = 0;
    std::int64_t exits = 0;
    bool sourced = false;
    for (int t = 0; t < 40; ++t) {
        m.step();
        advanced += flow_total(m, model::flow_credit);
        repaid += flow_total(m, model::flow_credit_repayment);
        for (auto x : m.record().exits) exits += x;
        const auto& o = m.organisations();
        const auto& l = m.links();
        // what buyers bought is what suppliers sold, and what the ledger moved
        Money bought = 0, sold = 0;
        for (std::size_t r = 0; r < l.size(); ++r)
            if (model::supplies_inputs(l.mode[r])) bought += l.purchase[r];
        for (std::size_t i = 0; i < o.size(); ++i) sold += o.input_sales[i];
        CHECK(bought == sold);
        CHECK(flow_total(m, model::flow_inputs) == bought);
        sourced |= bought > 0;
    }
    REQUIRE(sourced);
    CHECK(advanced > 0);
    CHECK(repaid > 0);
    Money outstanding = 0;
    for (std::size_t r = 0; r < m.links().size(); ++r) outstanding += m.links().credit[r];
    if (exits == 0) CHECK(advanced - repaid == outstanding);
    else CHECK(advanced - repaid >= outstanding);   // credit to suppliers that exited is lost
}

namespace {

/// The recorded value of one flow between two countries and two kinds of end.
Money flow_cell(const Model& m, model::Flow flow, const std::string& origin, const std::string& destination,
                std::size_t source_end, std::size_t destination_end) {
    const auto& w = m.scenario().world;
    Money total = 0;
    for (const auto& c : m.record().flows) {
        const model::FlowKey k = model::FlowKey::unpack(c.key);
        if (k.flow == flow && k.origin == w.index_of(origin) && k.destination == w.index_of(destination) &&
            k.source_end == source_end && k.destination_end == destination_end)
            total += c.value;
    }
    return total;
}

Money floor_cents(double x) { return static_cast<Money>(std::floor(x)); }

/// One fair-trade buyer (USA) and producer co-ops (PER) with cash well above their buffers.
const char* stake_world = R"(
[world]
use = ["USA", "PER"]

[economy]
partner_probability = 1.0

[[population]]
country = "USA"
kind = "worker_coop"
sector = "agri_food"
count = 1
employees = 40
mission = 0.8
payout_rate = 0.5
initial_cash_years = 3.0
modes = ["sourcing"]
input_share = 0.6
prefinance = 0.5
prefinance_interest = 0.08
partner_equity_cap = 0.3
outward_drive = 20.0
technology = 0.0
birth_rate = 0.0

[[population]]
country = "PER"
kind = "producer_coop"
sector = "agri_food"
count = 20
employees = 10
mission = 0.6
technology = 1.0
initial_cash_years = 8.0
stake_rate = 1.0
birth_rate = 0.0
)";

}  // namespace

TEST_CASE("producer co-ops buy stakes in their buyer up to its cap, and get their share of its payout", "[model][finance][stakes]") {
    // ODD §7.12: a supplier offers its cash above k_S buffers (all of it at stake_rate 1);
    // the buyer takes min(offer, floor((cap - H) V / (1 - cap))) at book value V, a stake
    // A / (V + A) diluting the others; its payout is split floor(stake * payout) to holders.
    Model m(make(stake_world, 24), 2);
    const auto& e = m.scenario().economy;
    const double cap = 0.3;
    const double release = 1.0 - std::pow(1.0 - e.excess_cash_release, 0.25);
    const std::size_t coop = static_cast<std::size_t>(OrgKind::worker_coop), households = model::end_households;
    int bought_steps = 0, dividend_steps = 0;
    for (int t = 0; t < 24; ++t) {
        const auto& o = m.organisations();
        const auto& l = m.links();
        // before the step: each link's stake, by (organisation, country, partner); a stake
        // whose holder exits is cancelled with its link at the structural update
        std::map<std::tuple<std::uint64_t, int, std::uint64_t>, double> stake_before;
        for (std::size_t r = 0; r < l.size(); ++r) stake_before[{o.id[l.org[r]], l.dest[r], l.affiliate[r]}] = l.stake[r];
        m.step();
        const std::size_t buyer = 0;   // the first id
        REQUIRE(o.id[buyer] == 0);
        REQUIRE(o.kind[buyer] == OrgKind::worker_coop);
        double held_before = 0;
        for (std::uint32_t r = o.link_begin[buyer]; r < o.link_begin[buyer + 1]; ++r)
            if (stake_before.count({0, l.dest[r], l.affiliate[r]})) held_before += stake_before[{0, l.dest[r], l.affiliate[r]}];
        CHECK(o.outside_equity[buyer] <= cap + 1e-12);
        const Money bought = flow_total(m, model::flow_equity_stake);
        // the series: the holders' share of the buyer's cash at the end of the step (book value);
        // the producer co-ops have no holders
        const Money cash = m.ledger().agent_balance(buyer);
        const std::size_t usa = m.scenario().world.index_of("USA"), per = m.scenario().world.index_of("PER");
        const std::size_t producer = static_cast<std::size_t>(OrgKind::producer_coop);
        CHECK(m.record().outside_equity[usa * model::org_kind_count + coop] == floor_cents(o.outside_equity[buyer] * static_cast<double>(cash)));
        CHECK(m.record().outside_equity[per * model::org_kind_count + producer] == 0);
        if (held_before == 0 && bought > 0) {
            // a first stake: what the holders own at the price they paid (V + A) is what the ledger says they paid
            const double paid_in = o.outside_equity[buyer] * static_cast<double>(o.book_value[buyer] + bought);
            CHECK(paid_in == Approx(static_cast<double>(bought)).margin(1e-6));
        }
        const Money dividends = flow_total(m, model::flow_equity_dividends);
        for (std::uint32_t r = o.link_begin[buyer]; r < o.link_begin[buyer + 1]; ++r) {
            if (l.mode[r] != Mode::sourcing) continue;
            const double before = stake_before.count({0, l.dest[r], l.affiliate[r]}) ? stake_before[{0, l.dest[r], l.affiliate[r]}] : 0.0;
            // the split of the payout: households' cell plus the holders' dividends is the payout
            const Money payout = flow_cell(m, model::flow_profit_payout, "USA", "USA", coop, households) + dividends;
            CHECK(l.stake_dividend[r] == floor_cents(before * static_cast<double>(payout)));
            CHECK(dividends == l.stake_dividend[r]);
            dividend_steps += dividends > 0;
            // the stake bought, by the rule
            const Money offer = l.stake_offer[r];
            const double value = static_cast<double>(o.book_value[buyer]);
            const Money room = held_before < cap && value > 0 ? floor_cents((cap - held_before) * value / (1.0 - cap)) : 0;
            const Money expected = std::max<Money>(0, std::min(offer, room));
            CHECK(bought == expected);
            if (bought > 0) {
                ++bought_steps;
                const double post = value + static_cast<double>(bought);
                CHECK(l.stake[r] == before * (value / post) + static_cast<double>(bought) / post);
                CHECK(o.outside_equity[buyer] == l.stake[r]);
                // ... from producer-country cash: PER -> USA, outward for Peru, inward for the USA
                CHECK(flow_cell(m, model::flow_equity_stake, "PER", "USA", static_cast<std::size_t>(OrgKind::producer_coop), coop) == bought);
            }
            // the supplier offered all its cash above two buffers (stake_rate 1 a year is 1 a step),
            // then released a share of what was left above one buffer
            if (offer > 0) {
                const auto j = static_cast<std::size_t>(kernel::slot_of(o.id, l.affiliate[r]));
                const Money wages = o.wage_bill[j];
                const Money buffer = floor_cents(e.cash_buffer_years / 0.25 * static_cast<double>(wages));
                const Money kept = floor_cents(e.stake_cash_multiple * static_cast<double>(buffer));
                CHECK(o.book_value[j] == kept - floor_cents(release * static_cast<double>(kept - buffer)));
            }
        }
    }
    CHECK(bought_steps > 0);
    CHECK(dividend_steps > 0);
    CHECK(m.organisations().outside_equity[0] == Approx(cap).margin(1e-9));   // the cap binds in the end
}

TEST_CASE("pre-harvest credit is repaid with interest at the buyer's rate", "[model][finance][sourcing]") {
    // ODD §7.12: interest = floor(((1 + i)^Delta - 1) * credit outstanding), paid before the repayment.
    Model m(make(stake_world, 16), 1);
    const double rate = std::pow(1.08, 0.25) - 1.0;
    Money interest_total = 0;
    for (int t = 0; t < 16; ++t) {
        std::map<std::pair<std::uint64_t, int>, Money> credit_before;
        {
            const auto& o = m.organisations();
            const auto& l = m.links();
            for (std::size_t r = 0; r < l.size(); ++r) credit_before[{o.id[l.org[r]], l.dest[r]}] = l.credit[r];
        }
        m.step();
        const auto& o = m.organisations();
        const auto& l = m.links();
        Money interest = 0;
        for (std::size_t r = 0; r < l.size(); ++r) {
            if (l.mode[r] != Mode::sourcing) continue;
            const Money before = credit_before.count({o.id[l.org[r]], l.dest[r]}) ? credit_before[{o.id[l.org[r]], l.dest[r]}] : 0;
            CHECK(l.interest[r] == floor_cents(rate * static_cast<double>(before)));
            CHECK(l.repay[r] == before);   // the suppliers have the cash
            interest += l.interest[r];
        }
        CHECK(flow_total(m, model::flow_credit_interest) == interest);
        CHECK(flow_cell(m, model::flow_credit_interest, "PER", "USA", static_cast<std::size_t>(OrgKind::producer_coop),
                        static_cast<std::size_t>(OrgKind::worker_coop)) == interest);
        interest_total += interest;
    }
    CHECK(interest_total > 0);
}

TEST_CASE("a parent owning 90% of its affiliate pays 90% of its capital and gets 90% of what it repatriates", "[model][finance][fdi]") {
    const std::string body = R"(
[world]
use = ["DEU", "IND"]

[economy]
partner_probability = 1.0
psychic_distance_cost = 2.0     # as before the calibration (3.533), at which offshoring to India does not pay here
fdi_fixed_cost = 3.0
technology_portability = 0.5

[[population]]
country = "DEU"
kind = "for_profit"
sector = "manufacturing"
count = 1
employees = 200
initial_cash_years = 5.0
modes = ["offshore"]
input_share = 0.5
ownership_share = 0.9
outward_drive = 20.0
birth_rate = 0.0
)";
    Model m(make(body, 24), 2);
    const std::size_t firm = static_cast<std::size_t>(OrgKind::for_profit), households = model::end_households;
    int foundings = 0, repatriations = 0;
    for (int t = 0; t < 24; ++t) {
        m.step();
        // founding: the parent pays floor(0.9 K) (fdi), host households the rest (founding_capital)
        const Money fdi = flow_total(m, model::flow_fdi);
        if (fdi > 0) {
            ++foundings;
            const Money local = flow_cell(m, model::flow_founding_capital, "IND", "IND", households, firm);
            REQUIRE(local > 0);
            CHECK(fdi == floor_cents(0.9 * static_cast<double>(fdi + local)));
            const auto& o = m.organisations();
            REQUIRE(o.size() == 2);
            CHECK(o.outside_equity[1] == 1.0 - 0.9);
            CHECK(o.outside_equity[0] == 0.0);
        }
        // the co-investors' equity: their share of the affiliate's cash at the end of the step
        const auto& o = m.organisations();
        const std::size_t ind = m.scenario().world.index_of("IND"), deu = m.scenario().world.index_of("DEU");
        const Money held = o.size() == 2 ? floor_cents((1.0 - 0.9) * static_cast<double>(m.ledger().agent_balance(1))) : 0;
        CHECK(m.record().outside_equity[ind * model::org_kind_count + firm] == held);
        CHECK(m.record().outside_equity[deu * model::org_kind_count + firm] == 0);
        if (fdi > 0) CHECK(held > 0);
        // repatriation: dividends to the parent floor(0.9 x), the co-investors (host households) the rest
        const Money dividends = flow_total(m, model::flow_dividends);
        const Money local = flow_cell(m, model::flow_profit_payout, "IND", "IND", firm, households);
        if (dividends + local > 0) {
            ++repatriations;
            CHECK(dividends == floor_cents(0.9 * static_cast<double>(dividends + local)));
            CHECK(flow_cell(m, model::flow_dividends, "IND", "DEU", firm, firm) == dividends);
        }
    }
    CHECK(foundings == 1);
    CHECK(repatriations > 0);
}

TEST_CASE("births are drawn from the group's current number of organisations at home", "[model][births]") {
    // ODD §7.10 item 5: Poisson(nu * N_g * Delta) from the births stream (group id space, step, 3),
    // N_g the group's organisations in its country after the exits, not its opening count.
    const std::string body = R"(
[world]
use = ["FRA", "ESP"]

[[population]]
country = "FRA"
kind = "worker_coop"
sector = "services"
count = 10
employees = 8
mission = 0.5
birth_rate = 2.0
outward_drive = 0.0
)";
    Model m(make(body, 16), 2);
    const std::size_t fra = m.scenario().world.index_of("FRA");
    const std::size_t at = fra * model::org_kind_count + static_cast<std::size_t>(OrgKind::worker_coop);
    auto draw = [&](std::int64_t n, std::uint32_t step) {
        kernel::Stream rng(m.scenario().seed, m.scenario().replicate, std::uint64_t{1} << 63, step, 3);
        boost::random::poisson_distribution<std::int64_t, double> births(2.0 * static_cast<double>(n) * 0.25);
        return births(rng);
    };
    m.step();
    int differs = 0;
    for (std::uint32_t t = 2; t <= 16; ++t) {
        std::int64_t n = 0;   // alive after this step's exits: not flagged insolvent
        const auto& o = m.organisations();
        for (std::size_t i = 0; i < o.size(); ++i) n += o.home[i] == fra && !o.insolvent[i];
        m.step();
        CHECK(m.record().births[at] == draw(n, t));
        differs += draw(n, t) != draw(10, t);
    }
    CHECK(m.organisations().size() > 10);
    CHECK(differs > 0);   // the opening count would have drawn other numbers
}

TEST_CASE("sourcing weighs the home jobs it displaces: the home wage bill of making the inputs in-house", "[model][sourcing]") {
    // ODD §7.12: home_jobs = m v_J alpha (c / c') R' / mu, with c the in-house unit cost,
    // c' = (1 - alpha) c + alpha q' and R' = R (c' / c)^(1 - sigma).
    Model m(make(stake_world, 4), 1);
    m.step();   // revenue of the first step; no supplier yet (a move needs last step's revenue)
    const auto& o = m.organisations();
    const auto& e = m.scenario().economy;
    const std::size_t buyer = 0, usa = m.scenario().world.index_of("USA"), per = m.scenario().world.index_of("PER");
    REQUIRE(o.input_price[buyer] == 0.0);
    REQUIRE(o.revenue[buyer] > 0);
    double cheapest = 0;
    for (std::size_t j = 0; j < o.size(); ++j)
        if (o.home[j] == per && (cheapest == 0 || o.price[j] < cheapest)) cheapest = o.price[j];
    const double alpha = 0.6, mu = o.markup[buyer];
    const double c = o.price[buyer] / mu;                               // p = mu c(0) with no supplier
    const double q = cheapest * m.trade_cost(per, usa) * (1.0 + 0.0);  // no fair-price premium here
    const double c_new = (1.0 - alpha) * c + alpha * q;
    const double revenue = static_cast<double>(o.revenue[buyer]);
    const double revenue_new = revenue * std::pow(c_new / c, 1.0 - e.elasticity);
    const double expected = 0.8 * e.mission_job_value * alpha * c / c_new * revenue_new / mu;
    const Model::Move move = m.assess_move_for_test(buyer, per, Mode::sourcing);
    CHECK(move.home_jobs == Approx(expected).epsilon(1e-12));
    CHECK(move.home_jobs > 0);
    // the purchase's value weighs differently: q' / c' instead of c / c'
    const double bought = alpha * q / c_new * revenue_new / mu;
    CHECK(move.home_jobs != Approx(0.8 * e.mission_job_value * bought).epsilon(1e-6));
}

TEST_CASE("stakes, their dividends and interest are the same for any thread count", "[model][finance][determinism]") {
    // Suppliers set their offers, interest and repayments aside on their buyers' links in
    // `settle`; each buyer alone moves them and rewrites its stakes in `transfer`.
    auto run = [](int threads) {
        Model m(make(stake_world, 24), threads);
        std::vector<std::int64_t> out;
        for (int t = 0; t < 24; ++t) {
            m.step();
            for (const auto& c : m.record().flows) out.insert(out.end(), {static_cast<std::int64_t>(c.key), c.value, c.count});
            const auto& l = m.links();
            for (std::size_t r = 0; r < l.size(); ++r) out.push_back(std::bit_cast<std::int64_t>(l.stake[r]));
            for (std::size_t i = 0; i < m.organisations().size(); ++i)
                out.push_back(std::bit_cast<std::int64_t>(m.organisations().outside_equity[i]));
        }
        return out;
    };
    const std::vector<std::int64_t> one = run(1);
    CHECK(run(2) == one);
    CHECK(run(4) == one);
}

namespace {

// An MCE-like consultancy in Canada that may sell in Senegal only through an alliance
// with a local association of its sector (ODD §7.5.6, §7.6-7.8). Senegal has one large
// association, several small ones, and organisations no rule may pick: a for-profit and
// an association of another sector.
const char* alliance_world = R"(
[world]
use = ["CAN", "SEN"]

[economy]
partner_probability = 1.0

[[population]]
country = "CAN"
kind = "association"
sector = "services"
count = 1
employees = 30
mission = 0.9
technology = 0.9
management = 0.3
brand = 0.2
modes = ["alliance"]
ally_kinds = ["association"]
alliance_share = 0.4
bids_tenders = true
outward_drive = 8.0
birth_rate = 0.0

[[population]]
country = "SEN"
kind = "association"
sector = "services"
count = 1
employees = 40
mission = 0.8
technology = 0.1
management = 0.8
birth_rate = 0.0
outward_drive = 0.0

[[population]]
country = "SEN"
kind = "association"
sector = "services"
count = 8
employees = 4
mission = 0.8
technology = 0.1
management = 0.2
birth_rate = 0.0
outward_drive = 0.0

[[population]]
country = "SEN"
kind = "for_profit"
sector = "services"
count = 3
employees = 200
birth_rate = 0.0
outward_drive = 0.0

[[population]]
country = "SEN"
kind = "association"
sector = "agri_food"
count = 3
employees = 200
mission = 0.5
birth_rate = 0.0
outward_drive = 0.0
)";

/// The link of the alliance of organisation slot 0, or no_link.
std::uint32_t alliance_link(const Model& m) {
    const auto& l = m.links();
    for (std::uint32_t r = 0; r < l.size(); ++r)
        if (l.org[r] == 0 && l.mode[r] == Mode::alliance) return r;
    return model::no_link;
}

}  // namespace

TEST_CASE("the ally is the independent local organisation of the strategy's kinds and sector with the largest revenue", "[model][alliance]") {
    Model m(make(alliance_world, 12), 2);
    const auto& o = m.organisations();
    int decided = 0;
    for (int t = 0; t < 12; ++t) {
        // what `decide` reads: each organisation's revenue of the last step
        std::map<std::uint64_t, Money> revenue;
        for (std::size_t i = 0; i < o.size(); ++i) revenue[o.id[i]] = o.revenue[i];
        m.step();
        if (o.entering[0] < 0 || o.entering_mode[0] != Mode::alliance) continue;
        const auto d = static_cast<std::size_t>(o.entering[0]);
        std::int64_t expected = -1;
        for (std::size_t j = 0; j < o.size(); ++j) {
            if (o.home[j] != d || o.kind[j] != OrgKind::association || o.sector[j] != model::Sector::services ||
                o.parent[j] != model::no_parent)
                continue;
            if (expected < 0 || revenue[o.id[j]] > revenue[o.id[static_cast<std::size_t>(expected)]]) expected = static_cast<std::int64_t>(j);
        }
        REQUIRE(expected >= 0);
        CHECK(o.entering_partner[0] == o.id[static_cast<std::size_t>(expected)]);
        ++decided;
    }
    REQUIRE(decided > 0);
    // the link made: its partner is that organisation, based in the destination, with the ally's ties
    const std::uint32_t r = alliance_link(m);
    REQUIRE(r != model::no_link);
    const auto a = static_cast<std::size_t>(kernel::slot_of(o.id, m.links().affiliate[r]));
    CHECK(o.home[a] == m.links().dest[r]);
    CHECK(o.kind[a] == OrgKind::association);
    CHECK(m.links().ties[r] == 1.0);
}

TEST_CASE("an alliance splits the market's fixed cost and pays the ally its share of sales and tenders there", "[model][alliance]") {
    Model m(make(alliance_world, 60), 2);
    const auto& o = m.organisations();
    const auto& l = m.links();
    const auto& e = m.scenario().economy;
    const double share = 0.4;
    int steps_allied = 0;
    Money tenders_there = 0;
    for (int t = 0; t < 60; ++t) {
        const double management = o.management[0];   // read by this step's settle
        m.step();
        const std::uint32_t r = alliance_link(m);
        if (r == model::no_link) continue;
        ++steps_allied;
        const std::size_t h = o.home[0], d = l.dest[r];
        const auto ally = static_cast<std::size_t>(kernel::slot_of(o.id, l.affiliate[r]));
        // FX_r = floor(100 Δ F^X_hd (1 − θ_M M)(1 − θ_N ties)), ties = 1; the ally bears floor(share FX_r)
        const Money market = static_cast<Money>(std::floor(m.export_fixed_cost_usd(h, d) * 0.25 * 100.0 * (1.0 - e.management_effect * management) *
                                                           (1.0 - e.ties_cost_reduction * l.ties[r])));
        const Money ally_part = static_cast<Money>(std::floor(share * static_cast<double>(market)));
        CHECK(l.fixed_cost[r] == market - ally_part);
        Money entrant_fixed = 0, ally_fixed = 0, paid = 0;
        for (const auto& c : m.record().flows) {
            const auto k = model::FlowKey::unpack(c.key);
            if (k.flow == model::flow_market_services && k.origin == d && k.destination == h) entrant_fixed += c.value;
            if (k.flow == model::flow_market_services && k.origin == d && k.destination == d) ally_fixed += c.value;
            if (k.flow == model::flow_alliance_services) {
                // a service from the ally (d) to the entrant (h): inward for h
                CHECK(k.origin == d);
                CHECK(k.destination == h);
                CHECK(k.source_end == static_cast<std::uint8_t>(OrgKind::association));
                paid += c.value;
            }
        }
        CHECK(entrant_fixed == market - ally_part);
        CHECK(ally_fixed == ally_part);
        // the ally's share of the sales and tenders won there, paid in `transfer`
        const Money due = static_cast<Money>(std::floor(share * static_cast<double>(l.revenue[r] + l.tender[r])));
        CHECK(o.alliance_due[0] == due);
        CHECK(l.purchase[r] == due);
        CHECK(paid == due);
        CHECK(o.alliance_sales[ally] == due);
        tenders_there += l.tender[r];
    }
    REQUIRE(steps_allied > 10);
    CHECK(tenders_there > 0);   // tenders won in Senegal paid the ally its share too
}

TEST_CASE("allies absorb each other's technology and management by the absorptive-capacity formula", "[model][alliance][intangibles]") {
    Model m(make(alliance_world, 40), 1);
    const auto& o = m.organisations();
    const auto& e = m.scenario().economy;
    const double rate = 1.0 - std::pow(1.0 - e.transfer_rate, 0.25);
    int checked = 0;
    for (int t = 0; t < 40; ++t) {
        const std::uint32_t r = alliance_link(m);   // the alliance in force during the next step, if made before
        if (r == model::no_link || o.entering[0] >= 0) {
            m.step();
            continue;
        }
        const auto ally_id = m.links().affiliate[r];
        auto ally = static_cast<std::size_t>(kernel::slot_of(o.id, ally_id));
        const double Ti = o.technology[0], Mi = o.management[0], Tj = o.technology[ally], Mj = o.management[ally];
        const double closeness = 1.0 - m.scenario().world.psychic_distance(o.home[0], o.home[ally]);
        auto gain = [&](double giver, double receiver, double receiver_management) {
            const double absorptive = e.absorptive_base + (1.0 - e.absorptive_base) * receiver_management;
            return giver > receiver ? rate * absorptive * closeness * (giver - receiver) : 0.0;
        };
        m.step();
        if (alliance_link(m) == model::no_link || m.links().affiliate[alliance_link(m)] != ally_id) continue;
        ally = static_cast<std::size_t>(kernel::slot_of(o.id, ally_id));
        // each learns what the other knows better, and each giver keeps its stock
        CHECK(o.technology[0] == Approx(std::min(1.0, Ti + gain(Tj, Ti, Mi))).epsilon(1e-12));
        CHECK(o.management[0] == Approx(std::min(1.0, Mi + gain(Mj, Mi, Mi))).epsilon(1e-12));
        CHECK(o.technology[ally] == Approx(std::min(1.0, Tj + gain(Ti, Tj, Mj))).epsilon(1e-12));
        CHECK(o.management[ally] == Approx(std::min(1.0, Mj + gain(Mi, Mj, Mj))).epsilon(1e-12));
        if (Ti > Tj) CHECK(o.technology[0] == Ti);
        if (Mj > Mi) CHECK(o.management[ally] == Mj);
        // recorded both ways: technology CAN -> SEN, management SEN -> CAN
        double tech_out = 0, management_in = 0;
        for (const auto& c : m.record().flows) {
            const auto k = model::FlowKey::unpack(c.key);
            if (k.flow == model::flow_technology && k.origin == o.home[0] && k.destination == o.home[ally])
                tech_out += static_cast<double>(c.value) * model::knowledge_unit;
            if (k.flow == model::flow_management && k.origin == o.home[ally] && k.destination == o.home[0])
                management_in += static_cast<double>(c.value) * model::knowledge_unit;
        }
        CHECK(tech_out == Approx(gain(Ti, Tj, Mj)).margin(1e-6));
        CHECK(management_in == Approx(gain(Mj, Mi, Mi)).margin(1e-6));
        ++checked;
    }
    CHECK(checked > 10);
}

namespace {

// An open giver in India, SSE organisations and firms in Kenya (ODD §7.8, C2G).
std::string c2g_world(const std::string& giver_extra, const std::string& economy_extra) {
    return R"(
[world]
use = ["IND", "KEN"]

[economy]
adoption_rate = 0.2
)" + economy_extra + R"(

[[population]]
country = "IND"
kind = "association"
sector = "services"
count = 1
employees = 50
mission = 1.0
technology = 0.9
management = 0.5
modes = ["open_transfer"]
outward_drive = 40.0
birth_rate = 0.0
)" + giver_extra + R"(

[[population]]
country = "KEN"
kind = "association"
sector = "agri_food"
count = 20
employees = 5
mission = 0.8
technology = 0.05
birth_rate = 0.0
outward_drive = 0.0

[[population]]
country = "KEN"
kind = "for_profit"
sector = "agri_food"
count = 20
employees = 5
technology = 0.05
birth_rate = 0.0
outward_drive = 0.0
)";
}

/// Sum of the intangible `flow` units recorded this step into (or out of, `to_government` false) governments.
double government_technology(const Model& m, bool to_government) {
    double units = 0;
    for (const auto& c : m.record().flows) {
        const auto k = model::FlowKey::unpack(c.key);
        if (k.flow != model::flow_technology) continue;
        if ((to_government ? k.destination_end : k.source_end) == model::end_government) units += static_cast<double>(c.value);
    }
    return units * model::knowledge_unit;
}

}  // namespace

TEST_CASE("C2G: a government adopts open technology only after the giver's experience there, then its agencies replicate it",
          "[model][open-transfer][c2g]") {
    // c2g_rate = 1 and c2g_replication_rate = 1 per year: chances of 1 per step, so the
    // rule's timing and values are exact.
    Model m(make(c2g_world("c2g_rate = 1.0\nc2g_experience = 1.5\n", "c2g_replication_rate = 1.0\nc2g_programme_cost = 2.0\n"), 40), 2);
    const auto& o = m.organisations();
    const auto& l = m.links();
    const auto& e = m.scenario().economy;
    const std::size_t ken = 1;
    const double transfer = 1.0 - std::pow(1.0 - e.transfer_rate, 0.25);
    const Money cost = std::llround(2.0 * m.scenario().world.countries[ken].wage_usd * 0.25 * 100.0);
    int adopted_at = -1;
    for (int t = 1; t <= 40; ++t) {
        // the giver's experience in Kenya at the start of this step (the programmes phase reads it)
        double experience = -1;
        for (std::size_t r = 0; r < l.size(); ++r)
            if (l.mode[r] == Mode::open_transfer && l.dest[r] == ken) experience = l.experience[r];
        std::map<std::uint64_t, double> before;
        for (std::size_t i = 0; i < o.size(); ++i) before[o.id[i]] = o.technology[i];
        const bool running = m.programme_technology(ken) >= 0;
        const Money government_before = m.ledger().sector_balance(m.scenario().world.size() + ken);
        m.step();
        if (adopted_at < 0 && m.programme_technology(ken) >= 0) {
            adopted_at = t;
            // adopted the first step the giver has transferred there for c2g_experience years
            CHECK(experience >= 1.5);
            CHECK(experience - 0.25 < 1.5);
            CHECK(m.programme_technology(ken) == 0.9);   // the giver's whole stock, recorded as a flow to the government
            CHECK(government_technology(m, true) == Approx(0.9).margin(1e-6));
        } else if (adopted_at < 0) {
            CHECK(government_technology(m, true) == 0.0);
            CHECK(flow_total(m, model::flow_extension_services) == 0);
        }
        if (adopted_at > 0) {
            // the programme costs its government c2g_programme_cost years of wages a year
            CHECK(flow_total(m, model::flow_extension_services) == cost);
            CHECK(m.record().government_money[ken] == government_before - cost);
        }
        if (!running) continue;
        // every firm in Kenya (a kind the giver's own transfer does not reach) closes
        // transfer x absorptive of its gap to the programme's technology, every step
        int firms = 0;
        for (std::size_t i = 0; i < o.size(); ++i) {
            if (o.home[i] != ken || o.kind[i] != OrgKind::for_profit) continue;
            const double a = e.absorptive_base + (1.0 - e.absorptive_base) * o.management[i];
            const double b = before[o.id[i]];
            CHECK(o.technology[i] == Approx(b + transfer * a * (0.9 - b)).epsilon(1e-12));
            ++firms;
        }
        CHECK(firms > 0);   // (some may have exited)
        CHECK(government_technology(m, false) > 0.0);
    }
    REQUIRE(adopted_at > 0);
    // India's government never adopts: no open giver there
    CHECK(m.programme_technology(0) == -1.0);
}

TEST_CASE("C2G off: with c2g_rate 0 no government adopts, and the programme's parameters change nothing", "[model][c2g]") {
    Model off(make(c2g_world("", ""), 30), 1);
    Model on(make(c2g_world("c2g_rate = 0.0\n", "c2g_replication_rate = 1.0\nc2g_programme_cost = 5.0\n"), 30), 2);
    for (int t = 0; t < 30; ++t) {
        off.step();
        on.step();
        CHECK(flow_total(on, model::flow_extension_services) == 0);
        CHECK(government_technology(on, true) == 0.0);
        REQUIRE(off.organisations().size() == on.organisations().size());
        for (std::size_t i = 0; i < off.organisations().size(); ++i) {
            CHECK(off.organisations().technology[i] == on.organisations().technology[i]);
            CHECK(off.ledger().agent_balance(i) == on.ledger().agent_balance(i));
        }
    }
    CHECK(off.links().size() > 0);
    CHECK(on.programme_technology(1) == -1.0);
}

namespace {

// Exporters with nothing to absorb: no parent, no open giver, no policy (ODD §7.9).
std::string exporters(const std::string& economy_extra) {
    return R"(
[world]
use = ["ESP", "FRA", "ITA", "PRT", "MEX"]

[economy]
)" + economy_extra + R"(

[[population]]
country = "ESP"
kind = "worker_coop"
sector = "manufacturing"
count = 60
employees = 30
mission = 0.5
technology = 0.4
management = 0.2
brand = 0.3
modes = ["export"]
outward_drive = 4.0
birth_rate = 0.0
)";
}

struct Stocks {
    double technology, management, brand;
};

std::map<std::uint64_t, Stocks> stocks(const Model& m) {
    std::map<std::uint64_t, Stocks> s;
    const auto& o = m.organisations();
    for (std::size_t i = 0; i < o.size(); ++i) s[o.id[i]] = {o.technology[i], o.management[i], o.brand[i]};
    return s;
}

}  // namespace

TEST_CASE("learning by doing: management grows with the foreign markets committed, by exactly the formula",
          "[model][learning]") {
    Model m(make(exporters("experiential_learning = 0.2\n"), 24), 2);
    const auto& o = m.organisations();
    const auto& l = m.links();
    int learners = 0, idle = 0;
    for (int t = 0; t < 24; ++t) {
        const auto before = stocks(m);
        m.step();
        for (std::size_t i = 0; i < o.size(); ++i) {
            // the committed markets it learned in this step (links change only between steps)
            int markets = 0;
            for (std::uint32_t r = o.link_begin[i]; r < o.link_begin[i + 1]; ++r) markets += l.mode[r] != Mode::contact;
            const Stocks& b = before.at(o.id[i]);
            const double lambda = 1.0 - std::pow(1.0 - 0.2, 0.25 * markets);
            CHECK(o.management[i] == Approx(b.management + lambda * (1.0 - b.management)).epsilon(1e-14));
            CHECK(o.technology[i] == b.technology);   // only management is learned by doing
            CHECK(o.brand[i] == b.brand);
            (markets > 0 ? learners : idle) += 1;
            if (markets == 0) CHECK(o.management[i] == b.management);
        }
    }
    CHECK(learners > 0);
    CHECK(idle > 0);
}

TEST_CASE("knowledge depreciates by exactly the rate, and learning fills the gap left", "[model][learning]") {
    Model m(make(exporters("experiential_learning = 0.3\nknowledge_depreciation = 0.1\n"), 16), 1);
    const auto& o = m.organisations();
    const auto& l = m.links();
    const double kept = std::pow(1.0 - 0.1, 0.25);
    for (int t = 0; t < 16; ++t) {
        const auto before = stocks(m);
        m.step();
        for (std::size_t i = 0; i < o.size(); ++i) {
            int markets = 0;
            for (std::uint32_t r = o.link_begin[i]; r < o.link_begin[i + 1]; ++r) markets += l.mode[r] != Mode::contact;
            const Stocks& b = before.at(o.id[i]);
            const double lambda = 1.0 - std::pow(1.0 - 0.3, 0.25 * markets);
            CHECK(o.technology[i] == Approx(kept * b.technology).epsilon(1e-14));
            CHECK(o.brand[i] == Approx(kept * b.brand).epsilon(1e-14));
            CHECK(o.management[i] == Approx(kept * b.management + lambda * (1.0 - b.management)).epsilon(1e-14));
            CHECK(o.management[i] >= 0.0);
            CHECK(o.management[i] <= 1.0);
        }
    }
}

TEST_CASE("learning and depreciation at 0 leave every stock as it was", "[model][learning]") {
    Model off(make(exporters(""), 16), 1);
    Model zero(make(exporters("experiential_learning = 0.0\nknowledge_depreciation = 0.0\n"), 16), 2);
    for (int t = 0; t < 16; ++t) {
        off.step();
        zero.step();
        REQUIRE(off.organisations().size() == zero.organisations().size());
        for (std::size_t i = 0; i < off.organisations().size(); ++i) {
            CHECK(off.organisations().management[i] == zero.organisations().management[i]);
            CHECK(off.organisations().management[i] == 0.2);   // nothing to absorb: the opening stock
            CHECK(off.ledger().agent_balance(i) == zero.ledger().agent_balance(i));
        }
    }
}

namespace {

// A Mondragon-like co-operative group founding for-profit subsidiaries abroad (mission 0).
std::string group(const std::string& economy_extra) {
    return R"(
[world]
use = ["ESP", "MEX", "ARG", "PRT", "FRA"]

[economy]
)" + economy_extra + R"(

[[population]]
country = "ESP"
kind = "worker_coop"
sector = "manufacturing"
count = 40
employees = 60
mission = 0.6
technology = 0.5
modes = ["export", "subsidiary"]
subsidiary_kind = "for_profit"
fdi_min_experience = 0.5
fdi_propensity = 1.0
outward_drive = 4.0
birth_rate = 0.0
)";
}

}  // namespace

TEST_CASE("mission drift: a parent's mission moves toward its group's employment-weighted mission, by exactly the formula",
          "[model][mission]") {
    Model m(make(group("mission_drift = 0.3\n"), 40), 2);
    const auto& o = m.organisations();
    const auto& l = m.links();
    const auto& e = m.scenario().economy;
    const double drift = 1.0 - std::pow(1.0 - 0.3, 0.25);
    const double sigma_markup = e.elasticity / (e.elasticity - 1.0);
    int drifting = 0;
    for (int t = 0; t < 40; ++t) {
        std::map<std::uint64_t, double> before;
        for (std::size_t i = 0; i < o.size(); ++i) before[o.id[i]] = o.mission[i];
        m.step();
        for (std::size_t i = 0; i < o.size(); ++i) {
            if (!before.count(o.id[i])) continue;   // founded this step
            const double m0 = before[o.id[i]];
            double jobs = o.employees[i], weighted = m0 * o.employees[i];
            int founded = 0;
            for (std::uint32_t r = o.link_begin[i]; r < o.link_begin[i + 1]; ++r) {
                if (!model::founds_partner(l.mode[r])) continue;
                const auto a = kernel::slot_of(o.id, l.affiliate[r]);
                if (a < 0) continue;
                const auto s = static_cast<std::size_t>(a);
                CHECK(o.kind[s] == OrgKind::for_profit);
                CHECK(o.mission[s] == 0.0);
                jobs += o.employees[s];
                weighted += before[o.id[s]] * o.employees[s];
                ++founded;
            }
            const double expected = founded > 0 ? m0 + drift * (weighted / jobs - m0) : m0;
            CHECK(o.mission[i] == Approx(expected).epsilon(1e-14));
            CHECK(o.mission[i] >= 0.0);
            CHECK(o.mission[i] <= 1.0);
            // the markup follows the mission (its discount), and the price the markup
            CHECK(o.markup[i] == Approx(1.0 + (sigma_markup - 1.0) * (1.0 - o.mission[i] * e.mission_price_discount)).epsilon(1e-14));
            drifting += founded > 0 && o.mission[i] < m0;
        }
    }
    CHECK(drifting > 0);
}

TEST_CASE("mission drift at 0: missions and markups never change", "[model][mission]") {
    Model off(make(group(""), 30), 1);
    Model zero(make(group("mission_drift = 0.0\n"), 30), 2);
    for (int t = 0; t < 30; ++t) {
        off.step();
        zero.step();
        REQUIRE(off.organisations().size() == zero.organisations().size());
        for (std::size_t i = 0; i < off.organisations().size(); ++i) {
            const auto& o = off.organisations();
            CHECK(o.mission[i] == (o.kind[i] == OrgKind::for_profit ? 0.0 : 0.6));
            CHECK(o.markup[i] == zero.organisations().markup[i]);
            CHECK(off.ledger().agent_balance(i) == zero.ledger().agent_balance(i));
        }
    }
    std::int64_t subsidiaries = 0;
    for (auto s : off.record().subsidiaries) subsidiaries += s;
    CHECK(subsidiaries > 0);
}

TEST_CASE("C2G, learning by doing, depreciation and mission drift give bit-identical runs on 1 and 4 threads",
          "[model][determinism][c2g][learning][mission]") {
    // More organisations than one chunk of a phase (2048), so the threads share the work.
    std::string body = c2g_world("c2g_rate = 1.0\nc2g_experience = 1.0\n",
                                 "c2g_replication_rate = 0.8\nexperiential_learning = 0.2\nknowledge_depreciation = 0.05\n"
                                 "mission_drift = 0.3\n");
    body.replace(body.find("count = 20"), 10, "count = 2500");
    body += R"(
[[population]]
country = "IND"
kind = "worker_coop"
sector = "manufacturing"
count = 40
employees = 60
mission = 0.6
modes = ["export", "subsidiary"]
fdi_min_experience = 0.5
fdi_propensity = 1.0
outward_drive = 4.0
birth_rate = 0.0
)";
    auto run = [&](int threads) {
        Model m(make(body, 30), threads);
        std::vector<double> state;
        std::vector<Money> money;
        for (int t = 0; t < 30; ++t) {
            m.step();
            const auto& o = m.organisations();
            for (std::size_t i = 0; i < o.size(); ++i) {
                state.insert(state.end(), {o.technology[i], o.management[i], o.brand[i], o.mission[i], o.markup[i]});
                money.push_back(m.ledger().agent_balance(i));
            }
            for (std::size_t c = 0; c < m.scenario().world.size(); ++c) state.push_back(m.programme_technology(c));
            for (const auto& c : m.record().flows) money.insert(money.end(), {static_cast<Money>(c.key), c.value});
        }
        // every mechanism took part: a programme, a drifted mission, management learned abroad
        const auto& o = m.organisations();
        bool drifted = false, learned = false;
        for (std::size_t i = 0; i < o.size(); ++i) {
            drifted |= o.kind[i] == OrgKind::worker_coop && o.mission[i] < 0.6;
            learned |= o.kind[i] == OrgKind::worker_coop && o.management[i] > 0.3;   // they open at 0.3 and depreciate
        }
        CHECK(m.programme_technology(1) >= 0.0);
        CHECK(drifted);
        CHECK(learned);
        return std::make_pair(state, money);
    };
    const auto one = run(1), four = run(4);
    REQUIRE(one.first.size() > 30 * 2048);
    CHECK(one.first == four.first);   // exact: no tolerance
    CHECK(one.second == four.second);
}
