// Policy regimes (issue 5): budgets are real money. Each instrument has a fund its
// funders pay the year's budget into at the start of every programme year, after the
// fund returns what it did not spend; every move is a ledger payment.
#include "ssesim/core/error.hpp"
#include "ssesim/model/model.hpp"
#include "ssesim/scenario/loader.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace ssesim;
using model::Model;

namespace {

const std::string here = std::string(SSESIM_SOURCE_DIR) + "/scenarios/policy_test.toml";

std::string scenario_with(const std::string& policies) {
    return R"([run]
name = "p"
steps = 16
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
)" + policies;
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
    const auto fails = [&](const std::string& policy, const std::string& message) {
        try {
            scenario::load_scenario_text(scenario_with(policy), here);
            FAIL("loaded, but expected: " << message);
        } catch (const Error& e) {
            CHECK(std::string(e.what()) == here + ":" + message);
        }
    };
    fails("[[policy]]\ntype = \"trade_agreement\"\ncountry = \"ESP\"\nstart = 2020\nend = 2025\nbudget = 5.0\n",
          "19:10: policy[0].budget: a trade_agreement spends nothing: expected 0, got 5");
    fails("[[policy]]\ntype = \"export_servce\"\ncountry = \"ESP\"\nstart = 2020\nend = 2025\n",
          "15:8: policy[0].type: expected one of export_service, trade_mission, trade_agreement, capacity_building, development_grant, got \"export_servce\"");
    fails("[[policy]]\ntype = \"export_service\"\ncountry = \"ESP\"\nstart = 2025\nend = 2020\n",
          "18:7: policy[0].end: expected a year after policy[0].start = 2025, got 2020");
    fails("[[policy]]\ntype = \"export_service\"\ncountry = \"PER\"\nstart = 2020\nend = 2025\n",
          "16:11: policy[0].country: expected a country listed in world.use, got \"PER\"");
    fails("[[policy]]\ntype = \"export_service\"\ncountry = \"ESP\"\nstart = 2020\nend = 2025\nbudget = -1.0\n",
          "19:10: policy[0].budget: expected a number in [0, 1e+13], got -1");
    fails("[[policy]]\ntype = \"export_service\"\ncountry = \"ESP\"\ndirection = \"inward\"\nstart = 2020\nend = 2025\n",
          "17:13: policy[0].direction: expected default or a direction export_service acts in (outward), got \"inward\"");
}
