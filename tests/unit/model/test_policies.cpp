// Policy regimes (issue 5): budgets are real money. Each instrument has a fund its
// funders pay the year's budget into at the start of every programme year, after the
// fund returns what it did not spend; every move is a ledger payment.
#include "ssesim/core/error.hpp"
#include "ssesim/model/model.hpp"
#include "ssesim/scenario/loader.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

using namespace ssesim;
using model::Model;

namespace {

const std::string here = std::string(SSESIM_SOURCE_DIR) + "/scenarios/policy_test.toml";

// Spain's worker co-ops (targeted by default) and firms (never), France's co-ops,
// and a CoopCycle-like French federation founding nodes abroad.
const std::string populations = R"(
[[population]]
country = "ESP"
kind = "for_profit"
sector = "manufacturing"
count = 10
outward_drive = 4.0
[[population]]
country = "FRA"
kind = "worker_coop"
sector = "manufacturing"
count = 10
outward_drive = 4.0
[[population]]
country = "FRA"
kind = "federation"
sector = "platform_logistics"
count = 1
employees = 10
mission = 0.9
modes = ["node"]
birth_rate = 0.0
outward_drive = 20.0
technology = 0.9
management = 0.5
brand = 0.5
)";

std::string scenario_with(const std::string& policies) {
    return R"([run]
name = "p"
steps = 40
seed = 3
start_year = 2020
[world]
use = ["ESP", "MEX", "FRA"]
[[population]]
country = "ESP"
kind = "worker_coop"
sector = "manufacturing"
count = 20
mission = 0.5
outward_drive = 4.0
management = 0.2
)" + populations + policies;
}

}  // namespace

TEST_CASE("a fund receives each programme year's budget from its funders and returns what it did not spend", "[policy]") {
    // Mexico: co-financed 50% by an outside funder; 2021.0 to 2023.0 in quarters.
    Model m(scenario::load_scenario_text(scenario_with(R"(
[[policy]]
type = "export_service"
name = "pilot"
country = "MEX"
start = 2021.0
end = 2023.0
budget = 1000.0
funders = ["MEX", "IDB"]
funder_shares = [0.5, 0.5]
)"), here), 1);
    const auto flows = [&](model::Flow f) { return m.record().ledger_flows[f]; };
    std::vector<Money> funding, refund, fund;
    for (int t = 1; t <= 16; ++t) {
        m.step();
        funding.push_back(flows(model::flow_policy_funding));
        refund.push_back(flows(model::flow_policy_refund));
        fund.push_back(m.record().policy_fund[0]);
    }
    // steps 5 and 9 start the programme years 2021 and 2022; step 13 is 2023.0, its end
    const std::vector<Money> budget_at{0, 0, 0, 0, 100000, 0, 0, 0, 100000, 0, 0, 0, 0, 0, 0, 0};
    const std::vector<Money> refund_at{0, 0, 0, 0, 0, 0, 0, 0, 100000, 0, 0, 0, 100000, 0, 0, 0};
    CHECK(funding == budget_at);
    CHECK(refund == refund_at);   // nothing spent yet: every cent goes back
    CHECK(fund[4] == 100000);
    CHECK(fund[12] == 0);
    // the outside funder paid half of each year and got half back: it ends where it began
    CHECK(m.ledger().sector_balance(m.ledger().sector_names().size() - 1) == 0);
}

TEST_CASE("an instrument that spends nothing needs no budget, and bad regimes are refused by name", "[policy]") {
    // `message` starts with the line within `policy` (1: its [[policy]] header)
    const std::string empty = scenario_with("");
    const auto before = std::count(empty.begin(), empty.end(), '\n');
    const auto fails = [&](const std::string& policy, const std::string& message) {
        const std::size_t colon = message.find(':');
        const std::string line = std::to_string(before + std::stol(message.substr(0, colon)));
        try {
            scenario::load_scenario_text(scenario_with(policy), here);
            FAIL("loaded, but expected: " << message);
        } catch (const Error& e) {
            CHECK(std::string(e.what()) == here + ":" + line + message.substr(colon));
        }
    };
    fails("[[policy]]\ntype = \"trade_agreement\"\ncountry = \"ESP\"\nstart = 2020\nend = 2025\nbudget = 5.0\n",
          "6:10: policy[0].budget: a trade_agreement spends nothing: expected 0, got 5");
    fails("[[policy]]\ntype = \"export_servce\"\ncountry = \"ESP\"\nstart = 2020\nend = 2025\n",
          "2:8: policy[0].type: expected one of export_service, trade_mission, trade_agreement, capacity_building, development_grant, model_adoption, patient_capital, legal_recognition, got \"export_servce\"");
    fails("[[policy]]\ntype = \"export_service\"\ncountry = \"ESP\"\nstart = 2025\nend = 2020\n",
          "5:7: policy[0].end: expected a year after policy[0].start = 2025, got 2020");
    fails("[[policy]]\ntype = \"export_service\"\ncountry = \"PER\"\nstart = 2020\nend = 2025\n",
          "3:11: policy[0].country: expected a country listed in world.use, got \"PER\"");
    fails("[[policy]]\ntype = \"export_service\"\ncountry = \"ESP\"\nstart = 2020\nend = 2025\nbudget = -1.0\n",
          "6:10: policy[0].budget: expected a number in [0, 1e+13], got -1");
    fails("[[policy]]\ntype = \"export_service\"\ncountry = \"ESP\"\ndirection = \"inward\"\nstart = 2020\nend = 2025\n",
          "4:13: policy[0].direction: expected default or a direction export_service acts in (outward), got \"inward\"");
    fails("[[policy]]\ntype = \"patient_capital\"\ncountry = \"ESP\"\nstart = 2020\nend = 2025\nbudget = 10.0\nintensity = 0.0\n",
          "7:13: policy[0].intensity: expected a number above 0 (patient_capital: repayment term in years, above 0), got 0");
    fails("[[policy]]\ntype = \"legal_recognition\"\ncountry = \"ESP\"\nstart = 2020\nend = 2025\nintensity = 1.5\n",
          "6:13: policy[0].intensity: expected a share in [0, 1] (legal_recognition: the coop_recognition the law gives the country, in [0, 1] (above 0)), got 1.5");
}

namespace {

constexpr std::size_t ESP = 0, MEX = 1, FRA = 2;
using model::OrgKind;

/// What the targeted organisations of `country` paid this step for links of `modes`, times `share`, floored.
Money claims(const Model& m, std::size_t country, double share, std::uint32_t targets, std::initializer_list<model::Mode> modes) {
    const auto& o = m.organisations();
    const auto& l = m.links();
    Money claim = 0;
    for (std::size_t i = 0; i < o.size(); ++i) {
        if (o.home[i] != country || !((targets >> static_cast<unsigned>(o.kind[i])) & 1u)) continue;
        for (std::uint32_t r = o.link_begin[i]; r < o.link_begin[i + 1]; ++r)
            if (std::find(modes.begin(), modes.end(), l.mode[r]) != modes.end())
                claim += static_cast<Money>(std::floor(share * static_cast<double>(l.fixed_cost[r])));
    }
    return claim;
}

constexpr std::uint32_t sse_kinds = 0b11111;   // every kind but for_profit

}  // namespace

TEST_CASE("export_service lowers the entry cost of the targeted SSEOs of its country only, and pays exactly their claims", "[policy]") {
    Model m(scenario::load_scenario_text(scenario_with(R"(
[[policy]]
type = "export_service"
name = "accio"
country = "ESP"
start = 2020.0
end = 2030.0
budget = 10000000.0
intensity = 0.5
)"), here), 1);
    Money paid = 0, this_year = 0;
    for (int t = 0; t < 12; ++t) {
        m.step();
        // the share decisions see: Spain's co-ops, in every other country; nobody else's
        CHECK(m.reimbursed_share(false, ESP, OrgKind::worker_coop, FRA) == 0.5);
        CHECK(m.reimbursed_share(false, ESP, OrgKind::worker_coop, MEX) == 0.5);
        CHECK(m.reimbursed_share(false, ESP, OrgKind::for_profit, FRA) == 0.0);
        CHECK(m.reimbursed_share(false, FRA, OrgKind::worker_coop, ESP) == 0.0);
        CHECK(m.reimbursed_share(true, ESP, OrgKind::worker_coop, FRA) == 0.0);
        // what the fund paid is half of what the targeted organisations paid for their export markets
        const Money expected = claims(m, ESP, 0.5, sse_kinds, {model::Mode::exports});
        CHECK(m.record().policy_spend[0] == expected);
        CHECK(m.record().ledger_flows[model::flow_policy_grant] == expected);
        paid += expected;
        this_year = t % 4 == 0 ? expected : this_year + expected;
    }
    REQUIRE(paid > 0);   // Spain's co-ops did export: the test saw claims
    // the government paid this year's budget in; the fund holds it less what organisations received
    CHECK(m.record().policy_fund[0] == Money{10000000} * 100 - this_year);
}

TEST_CASE("a spent budget stops the instrument, and the government's account falls by what organisations received", "[policy]") {
    Model m(scenario::load_scenario_text(scenario_with(R"(
[[policy]]
type = "export_service"
country = "ESP"
start = 2020.0
end = 2025.0
budget = 2000.0
intensity = 1.0
)"), here), 1);
    Money funding = 0, refund = 0, grants = 0;
    bool emptied = false;
    for (int t = 1; t <= 40; ++t) {
        const bool was_empty = t > 1 && m.record().policy_fund[0] == 0;
        m.step();
        const auto& f = m.record().ledger_flows;
        funding += f[model::flow_policy_funding];
        refund += f[model::flow_policy_refund];
        grants += f[model::flow_policy_grant];
        CHECK(m.record().policy_fund[0] >= 0);
        // an empty fund pays nothing and counts for nothing until the next year's budget
        if (was_empty && f[model::flow_policy_funding] == 0) {
            emptied = true;
            CHECK(m.record().policy_spend[0] == 0);
            CHECK(m.reimbursed_share(false, ESP, OrgKind::worker_coop, FRA) == 0.0);
        }
    }
    REQUIRE(emptied);
    CHECK(funding == 5 * 200000);   // five programme years
    CHECK(funding - refund == grants);
    CHECK(m.record().policy_fund[0] == 0);
}

TEST_CASE("trade_mission sends targeted organisations both ways, within its budget, paying the country visited", "[policy]") {
    Model m(scenario::load_scenario_text(scenario_with(R"(
[[policy]]
type = "trade_mission"
country = "ESP"
partners = ["FRA"]
start = 2020.0
end = 2030.0
budget = 30000.0
intensity = 4.0
unit_cost = 1000.0
)"), here), 1);
    std::int64_t out = 0, in = 0;
    Money year_spend = 0;
    for (int t = 1; t <= 12; ++t) {
        m.step();
        const auto& o = m.organisations();
        std::int64_t visits = 0;
        for (std::size_t i = 0; i < o.size(); ++i) {
            if (o.visit[i] < 0) continue;
            ++visits;
            CHECK(o.kind[i] != OrgKind::for_profit);
            if (o.home[i] == ESP) {
                CHECK(o.visit[i] == static_cast<std::int32_t>(FRA));
                ++out;
            } else {
                CHECK(o.home[i] == FRA);
                CHECK(o.visit[i] == static_cast<std::int32_t>(ESP));
                ++in;
            }
        }
        CHECK(m.record().policy_spend[0] == visits * 100000);
        CHECK(m.record().ledger_flows[model::flow_programme_services] == visits * 100000);
        year_spend += m.record().policy_spend[0];
        if (t % 4 == 0) {
            CHECK(year_spend <= 3000000);   // 30 participations a year at most
            year_spend = 0;
        }
    }
    CHECK(out > 0);
    CHECK(in > 0);
}

TEST_CASE("trade_agreement raises legal compatibility to its floor both ways while in force, and only then", "[policy]") {
    scenario::Scenario s = scenario::load_scenario_text(scenario_with(R"(
[[policy]]
type = "trade_agreement"
country = "ESP"
partners = ["MEX"]
start = 2021.0
end = 2022.0
intensity = 0.95
)"), here);
    const Eigen::MatrixXd world = s.world.legal_compat;
    REQUIRE(world(ESP, MEX) < 0.95);
    Model m(std::move(s), 1);
    for (int t = 1; t <= 12; ++t) {
        m.step();
        const bool in_force = t >= 5 && t <= 8;   // 2021.0 to 2021.75
        CHECK(m.legal_compat(ESP, MEX) == (in_force ? 0.95 : world(ESP, MEX)));
        CHECK(m.legal_compat(MEX, ESP) == (in_force ? 0.95 : world(MEX, ESP)));
        CHECK(m.legal_compat(ESP, FRA) == world(ESP, FRA));   // not a partner
        CHECK(m.ledger().sector_balance(2 * 3) == 0);          // its fund: it spends nothing
    }
}

TEST_CASE("capacity_building closes the targeted organisations' management gap and pays trainers per organisation", "[policy]") {
    Model m(scenario::load_scenario_text(scenario_with(R"(
[[policy]]
type = "capacity_building"
country = "ESP"
start = 2020.0
end = 2030.0
budget = 5000.0
intensity = 0.5
unit_cost = 4000.0
)"), here), 1);
    const auto before = m.organisations().management;
    m.step();
    const auto& o = m.organisations();
    const double closed = 1.0 - std::pow(0.5, 0.25);
    int trained = 0, untouched = 0;
    for (std::size_t i = 0; i < o.size(); ++i) {
        const double expected = before[i] + closed * (1.0 - before[i]);
        if (o.home[i] == ESP && o.kind[i] == OrgKind::worker_coop && o.management[i] == expected) ++trained;
        else if (o.management[i] == before[i]) ++untouched;
    }
    // 5,000 a year buys five quarters of training at 1,000: five of Spain's 20 co-ops; everyone else is as before
    CHECK(trained == 5);
    CHECK(untouched == static_cast<int>(o.size()) - 5);
    CHECK(m.record().policy_spend[0] == 5 * 100000);
    CHECK(m.record().policy_fund[0] == 0);
    // the management model is recorded as an intangible from the fund to Spain's co-ops
    double units = 0;
    for (const auto& c : m.record().flows) {
        const auto k = model::FlowKey::unpack(c.key);
        if (k.flow == model::flow_management && k.source_end == model::end_policy_fund) units += static_cast<double>(c.value);
    }
    CHECK(units * model::knowledge_unit == Approx(5 * closed * 0.8).epsilon(1e-5));
    m.step();   // the fund is empty: nobody is trained until next year
    CHECK(m.record().policy_spend[0] == 0);
}

TEST_CASE("development_grant pays its share of the support of nodes abroad of targeted organisations", "[policy]") {
    Model m(scenario::load_scenario_text(scenario_with(R"(
[[policy]]
type = "development_grant"
name = "koica"
country = "FRA"
targets = ["federation"]
start = 2020.0
end = 2040.0
budget = 10000000.0
intensity = 0.5
)"), here), 1);
    Money paid = 0;
    for (int t = 0; t < 40; ++t) {
        m.step();
        CHECK(m.reimbursed_share(true, FRA, OrgKind::federation, ESP) == 0.5);
        CHECK(m.reimbursed_share(true, FRA, OrgKind::worker_coop, ESP) == 0.0);
        CHECK(m.reimbursed_share(false, FRA, OrgKind::federation, ESP) == 0.0);
        const Money expected = claims(m, FRA, 0.5, 1u << static_cast<unsigned>(OrgKind::federation),
                                      {model::Mode::licence, model::Mode::node, model::Mode::open_transfer});
        CHECK(m.record().policy_spend[0] == expected);
        paid += expected;
    }
    REQUIRE(paid > 0);   // the federation did found nodes abroad
}

TEST_CASE("model_adoption founds licensed local co-ops of the foreign model, paying their capital until the fund is spent", "[policy]") {
    Model m(scenario::load_scenario_text(scenario_with(R"(
[[policy]]
type = "model_adoption"
name = "rodando_juntas"
country = "MEX"
partners = ["FRA"]
targets = ["federation"]
start = 2020.0
end = 2030.0
budget = 50000.0
intensity = 8.0
unit_cost = 10000.0
funders = ["MEX", "IDB"]
)"), here), 1);
    const std::uint64_t federation = [&] {
        const auto& o = m.organisations();
        for (std::size_t i = 0; i < o.size(); ++i)
            if (o.kind[i] == OrgKind::federation) return o.id[i];
        return model::no_parent;
    }();
    std::vector<std::int64_t> founded;
    for (int t = 1; t <= 8; ++t) {
        m.step();
        const auto& r = m.record();
        founded.push_back(r.policy_foundings[r.at(MEX, static_cast<std::size_t>(OrgKind::worker_coop))]);
        CHECK(r.policy_spend[0] == founded.back() * 1000000);
    }
    // two a quarter (8 a year) from step 2 (decided in step 1), until the five the budget pays for;
    // the next year's budget from step 5 pays five more
    CHECK(founded == std::vector<std::int64_t>{0, 2, 2, 1, 0, 2, 2, 1});
    std::int64_t adopters = 0;
    const auto& o = m.organisations();
    for (std::size_t i = 0; i < o.size(); ++i)
        if (o.home[i] == MEX) {
            ++adopters;
            CHECK(o.parent[i] == federation);
            CHECK(o.kind[i] == OrgKind::worker_coop);
            CHECK(o.sector[i] == model::Sector::platform_logistics);
        }
    CHECK(adopters + m.record().exits[m.record().at(MEX, 0)] <= 10);
    CHECK(adopters >= 1);
}

namespace {

/// The eight parameters the calibration sets (scenarios/calibration/calibrated.toml), at the
/// values they had before it.
const std::string pre_calibration_economy =
    "prospect_psychic_aversion = 3.0\npsychic_distance_cost = 2.0\nexport_fixed_cost = 0.5\nfdi_fixed_cost = 3.0\n"
    "technology_portability = 0.5\npartner_probability = 0.5\nsupport_cost = 0.25\nopportunity_rate = 0.2\n";

/// France's patient-capital fund lending to its federation.
const std::string fiducie = R"(
[[policy]]
type = "patient_capital"
name = "fiducie"
country = "FRA"
targets = ["federation"]
start = 2020.0
end = 2030.0
budget = 2000000.0
intensity = 2.0
unit_cost = 200000.0
)";

/// The French federation starts with a few days of wages in cash, and organisations
/// keep a few days' wages: the support of a node abroad (a year's) is beyond it.
std::string short_of_cash(const std::string& policies) {
    // the calibrated economy's parameters as they were before the calibration, which this test
    // was written at: with the calibrated ones (cheaper support, more partners found) the
    // federation pays for as many nodes without the fund, and the test would show nothing
    std::string s = scenario_with("\n[economy]\ncash_buffer_years = 0.01\n" + pre_calibration_economy + policies);
    const std::string from = "outward_drive = 20.0\n";
    return s.replace(s.find(from), from.size(), from + "initial_cash_years = 0.01\n");
}

/// The federation's nodes abroad.
std::int64_t nodes(const Model& m) {
    const auto& o = m.organisations();
    const auto& l = m.links();
    std::int64_t n = 0;
    for (std::uint32_t r = 0; r < l.size(); ++r) n += o.kind[l.org[r]] == OrgKind::federation && l.mode[r] == model::Mode::node;
    return n;
}

}  // namespace

TEST_CASE("patient_capital lends targeted organisations the cash a move abroad needs, and its loans are repaid into the fund", "[policy]") {
    Model m(scenario::load_scenario_text(short_of_cash(fiducie), here), 1);
    Model none(scenario::load_scenario_text(short_of_cash(""), here), 1);
    Money loans = 0, fund = 0, lent_total = 0, repaid_total = 0;
    for (int t = 1; t <= 12; ++t) {
        m.step();
        none.step();
        const auto& r = m.record();
        const auto& f = r.ledger_flows;
        // the line decisions see: France's federation, toward every other country; nobody else's
        CHECK(m.credit_line(FRA, OrgKind::federation, ESP) == 20000000);
        CHECK(m.credit_line(FRA, OrgKind::federation, MEX) == 20000000);
        CHECK(m.credit_line(FRA, OrgKind::worker_coop, ESP) == 0);
        CHECK(m.credit_line(ESP, OrgKind::worker_coop, FRA) == 0);
        CHECK(m.credit_line(FRA, OrgKind::federation, FRA) == 0);
        // all it spends is lent; loans outstanding and the fund move by lending and repayment only
        const Money lent = f[model::flow_policy_loan], repaid = f[model::flow_loan_repayment];
        CHECK(r.policy_spend[0] == lent);
        CHECK(r.policy_loans[0] == loans + lent - repaid - r.policy_written_off[0]);
        CHECK(r.policy_fund[0] == fund + f[model::flow_policy_funding] - f[model::flow_policy_refund] - lent + repaid);
        loans = r.policy_loans[0];
        fund = r.policy_fund[0];
        lent_total += lent;
        repaid_total += repaid;
        // the borrower is the federation, owing this fund at most the line
        const auto& o = m.organisations();
        for (std::size_t i = 0; i < o.size(); ++i) {
            if (o.loan[i] == 0) continue;
            CHECK(o.home[i] == FRA);
            CHECK(o.kind[i] == OrgKind::federation);
            CHECK(o.loan_policy[i] == 0);
            CHECK(o.loan[i] <= 20000000);
            CHECK(o.borrow[i] == 0);
        }
        // without the fund nobody borrows
        const auto& n = none.organisations();
        for (std::size_t i = 0; i < n.size(); ++i) CHECK(n.loan[i] == 0);
    }
    REQUIRE(lent_total > 0);
    CHECK(repaid_total > 0);
    // what the loans made affordable: nodes abroad the federation could not pay to support without the fund
    CHECK(nodes(m) > nodes(none));
}

TEST_CASE("patient_capital lends while its fund can, and a move whose loan is refused is not made", "[policy]") {
    Model m(scenario::load_scenario_text(short_of_cash(R"(
[[policy]]
type = "patient_capital"
country = "FRA"
targets = ["federation"]
start = 2020.0
end = 2030.0
budget = 3000.0
intensity = 10.0
unit_cost = 200000.0
)"), here), 1);
    std::int64_t refused = 0;
    for (int t = 1; t <= 8; ++t) {
        m.step();
        const auto& o = m.organisations();
        const auto& l = m.links();
        CHECK(m.record().policy_spend[0] <= 300000);
        for (std::size_t i = 0; i < o.size(); ++i) {
            if (o.borrow[i] == 0) continue;
            ++refused;
            CHECK(o.entering[i] != o.borrow_dest[i]);
            for (std::uint32_t r = o.link_begin[i]; r < o.link_begin[i + 1]; ++r)
                if (l.dest[r] == o.borrow_dest[i]) CHECK(l.invest[r] == 0);
        }
    }
    CHECK(refused > 0);
}

TEST_CASE("legal_recognition raises the country's legal compatibility with the lower recognition of each pair, while in force", "[policy]") {
    scenario::Scenario s = scenario::load_scenario_text(scenario_with(R"(
[[policy]]
type = "legal_recognition"
country = "MEX"
start = 2021.0
end = 2022.0
intensity = 0.8
[[policy]]
type = "trade_agreement"
country = "ESP"
partners = ["FRA"]
start = 2020.0
end = 2030.0
intensity = 0.3
[[policy]]
type = "legal_recognition"
country = "ESP"
start = 2020.0
end = 2030.0
intensity = 0.5
)"), here);
    const Eigen::MatrixXd world = s.world.legal_compat;
    const double cr_mex = s.world.countries[MEX].coop_recognition;
    REQUIRE(cr_mex < 0.8);
    REQUIRE(s.world.countries[ESP].coop_recognition == 1.0);
    REQUIRE(s.world.countries[FRA].coop_recognition == 1.0);
    Model m(std::move(s), 1);
    for (int t = 1; t <= 12; ++t) {
        m.step();
        const bool in_force = t >= 5 && t <= 8;   // 2021.0 to 2021.75
        // Mexico's law: with Spain and France (recognition 1) the pair's lower recognition goes from cr_mex to 0.8
        const double with_mex = in_force ? world(MEX, ESP) * 0.8 / cr_mex : world(MEX, ESP);
        CHECK(m.legal_compat(MEX, ESP) == Approx(with_mex).epsilon(1e-12));
        CHECK(m.legal_compat(ESP, MEX) == Approx(with_mex).epsilon(1e-12));
        CHECK(m.legal_compat(FRA, MEX) == Approx(in_force ? world(FRA, MEX) * 0.8 / cr_mex : world(FRA, MEX)).epsilon(1e-12));
        // Spain's law gives less than Spain has: nothing changes; an agreement's floor below it neither
        CHECK(m.legal_compat(ESP, FRA) == world(ESP, FRA));
        CHECK(m.ledger().sector_balance(2 * 3) == 0);   // spends nothing
    }
}

TEST_CASE("public_funding is the tenders won and the grants and loans of policy funds each organisation received", "[policy][output]") {
    // Every flow with a government or a fund as payer and an organisation as payee:
    // tenders (governments), policy_grant (export_service, development_grant) and policy_loan
    // (patient_capital), by the receiving organisation's home country and kind.
    const std::string regime = fiducie + R"(
[[policy]]
type = "development_grant"
name = "koica"
country = "FRA"
targets = ["federation"]
start = 2020.0
end = 2030.0
budget = 10000000.0
intensity = 0.5
[[policy]]
type = "export_service"
name = "accio"
country = "ESP"
start = 2020.0
end = 2030.0
budget = 10000000.0
intensity = 0.5
[[population]]
country = "MEX"
kind = "association"
sector = "services"
count = 6
mission = 0.7
bids_tenders = true
outward_drive = 4.0
)";
    Model m(scenario::load_scenario_text(short_of_cash(regime), here), 2);
    const std::size_t n = m.scenario().world.size();
    Money tenders = 0, grants = 0, loans = 0;
    for (int t = 1; t <= 24; ++t) {
        m.step();
        const auto& r = m.record();
        const auto& o = m.organisations();
        std::vector<Money> expected(n * model::org_kind_count, 0);
        for (std::size_t i = 0; i < o.size(); ++i)
            expected[o.home[i] * model::org_kind_count + static_cast<std::size_t>(o.kind[i])] += o.tender_revenue[i];
        for (const auto& cell : r.flows) {
            const model::FlowKey k = model::FlowKey::unpack(cell.key);
            if (k.flow != model::flow_policy_grant && k.flow != model::flow_policy_loan) continue;
            REQUIRE(k.destination_end < model::org_kind_count);   // paid to an organisation
            expected[k.destination * model::org_kind_count + k.destination_end] += cell.value;
        }
        CHECK(r.public_funding == expected);
        // every such payment reaches an organisation: the cells add up to the ledger's totals
        Money total = 0;
        for (Money v : r.public_funding) total += v;
        const auto& f = r.ledger_flows;
        CHECK(total == f[model::flow_tender] + f[model::flow_policy_grant] + f[model::flow_policy_loan]);
        tenders += f[model::flow_tender];
        grants += f[model::flow_policy_grant];
        loans += f[model::flow_policy_loan];
    }
    CHECK(tenders > 0);
    CHECK(grants > 0);
    CHECK(loans > 0);
}
