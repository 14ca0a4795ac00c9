// Property tests: random worlds, populations, strategies and seeds; the
// invariants of ODD §7 must hold at every step of every one of them.
#include "ssesim/kernel/agent_ids.hpp"
#include "ssesim/kernel/rng.hpp"
#include "ssesim/model/instruments.hpp"
#include "ssesim/model/model.hpp"
#include "ssesim/scenario/loader.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

using namespace ssesim;
using model::Model;

namespace {

const char* const countries[] = {"ESP", "FRA", "ITA", "GBR", "NLD", "BEL", "DEU", "PRT", "CAN", "USA", "MEX", "BRA", "ARG",
                                 "PER", "COL", "IND", "KOR", "AUS", "SEN", "BFA", "KEN", "ZAF", "CHN", "JPN", "ECU", "NIC"};
const char* const modes[] = {"export", "subsidiary", "licence", "node", "open_transfer", "sourcing", "offshore", "alliance"};

/// A random but valid scenario, drawn from a counter-based stream so each case is reproducible.
std::string random_scenario(std::uint64_t k) {
    kernel::Stream rng(20261124, k, 0, 0, 99);
    // The keys of later mechanisms (C2G, learning by doing, mission drift) come from a
    // stream of their own, so the scenarios drawn before them stay the same.
    kernel::Stream more(20261124, k, 0, 0, 100);
    // The calibrated economy keys over the calibration's priors (calibration.toml), from a third
    // stream: the invariants are checked across the parameter space, not at the shipped defaults.
    kernel::Stream costs(20261124, k, 0, 0, 101);
    auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng.uniform() * static_cast<double>(n)) % n; };
    // a quarter of the groups hold cash well above their buffer (suppliers that buy stakes)
    auto opening_cash = [&] {
        const double rich = rng.uniform() < 0.25 ? 3.0 : 1.0;
        return 0.05 + rich * rng.uniform();
    };
    std::vector<std::string> use;
    const std::size_t n_countries = 2 + pick(6);
    while (use.size() < n_countries) {
        std::string c = countries[pick(std::size(countries))];
        if (std::find(use.begin(), use.end(), c) == use.end()) use.push_back(c);
    }
    std::ostringstream s;
    s << "[world]\nuse = [";
    for (std::size_t i = 0; i < use.size(); ++i) s << (i ? ", " : "") << '"' << use[i] << '"';
    s << "]\n\n[economy]\nelasticity = " << 2.5 + 3 * rng.uniform() << "\nopportunity_rate = " << rng.uniform()
      << "\nadoption_rate = " << rng.uniform() << "\npartner_probability = " << rng.uniform()
      << "\nc2g_replication_rate = " << more.uniform() << "\nc2g_programme_cost = " << 5 * more.uniform()
      << "\nexperiential_learning = " << (more.uniform() < 0.5 ? 0.0 : more.uniform())
      << "\nknowledge_depreciation = " << (more.uniform() < 0.5 ? 0.0 : 0.5 * more.uniform())
      << "\nmission_drift = " << (more.uniform() < 0.5 ? 0.0 : more.uniform())
      << "\nstake_cash_multiple = " << 1 + 2 * rng.uniform()
      << "\nprospect_psychic_aversion = " << 8 * costs.uniform() << "\npsychic_distance_cost = " << 6 * costs.uniform()
      << "\nexport_fixed_cost = " << 0.1 + 1.9 * costs.uniform() << "\nfdi_fixed_cost = " << 0.5 + 9.5 * costs.uniform()
      << "\ntechnology_portability = " << 0.1 + 0.8 * costs.uniform() << "\nsupport_cost = " << 0.05 + 0.95 * costs.uniform()
      << "\n";
    const std::size_t groups = 1 + pick(5);
    for (std::size_t g = 0; g < groups; ++g) {
        static const char* const kinds[] = {"worker_coop", "producer_coop", "federation", "association",
                                            "social_enterprise", "for_profit"};
        static const char* const sectors[] = {"agri_food", "manufacturing", "services", "platform_logistics", "education"};
        const std::string kind = kinds[pick(6)];
        s << "\n[[population]]\ncountry = \"" << use[pick(use.size())] << "\"\nkind = \"" << kind << "\"\nsector = \""
          << sectors[pick(5)] << "\"\ncount = " << 1 + pick(40) << "\nemployees = " << 1 + 60 * rng.uniform()
          << "\nproductivity_shape = " << 6.0 + 4 * rng.uniform()
          << "\nmission = " << (kind == "for_profit" ? 0.0 : rng.uniform()) << "\npayout_rate = " << rng.uniform()
          << "\ninitial_cash_years = " << opening_cash() << "\nbirth_rate = " << 0.2 * rng.uniform()
          << "\ntechnology = " << rng.uniform() << "\nmanagement = " << rng.uniform() << "\nbrand = " << rng.uniform()
          << "\noutward_drive = " << 4 * rng.uniform() << "\ninput_share = " << 0.9 * rng.uniform()
          << "\nfair_price_premium = " << rng.uniform() << "\nprefinance = " << rng.uniform()
          << "\nfdi_min_experience = " << 2 * rng.uniform() << "\nfdi_propensity = " << rng.uniform()
          << "\nalliance_share = " << 0.95 * rng.uniform()
          << "\nc2g_rate = " << (more.uniform() < 0.5 ? 0.0 : more.uniform()) << "\nc2g_experience = " << 2 * more.uniform()
          // finance beyond wholly owned affiliates: stakes by suppliers, minority ownership, interest
          << "\nprefinance_interest = " << 0.3 * rng.uniform() << "\npartner_equity_cap = " << 0.9 * rng.uniform()
          << "\nstake_rate = " << rng.uniform() << "\nownership_share = " << 0.05 + 0.95 * rng.uniform() << "\nmodes = [";
        bool first = true;
        for (const char* m : modes) {
            if (std::string(m) == "node" && kind != "federation") continue;
            if (rng.uniform() < 0.5) continue;
            s << (first ? "" : ", ") << '"' << m << '"';
            first = false;
        }
        s << "]\n";
    }
    // A policy regime in most cases: instruments of random types, countries, years and
    // budgets, some co-financed by an outside funder (drawn after the populations, so
    // these are the same as without).
    const std::size_t policies = pick(4);
    for (std::size_t p = 0; p < policies; ++p) {
        const model::InstrumentInfo& info = model::instrument_info[pick(model::instrument_type_count)];
        const bool share = info.intensity.find("[0, 1]") != std::string_view::npos;
        const double start = 2020 + 4 * rng.uniform();
        s << "\n[[policy]]\ntype = \"" << info.name << "\"\ncountry = \"" << use[pick(use.size())] << "\"\nstart = " << start
          << "\nend = " << start + 0.1 + 4 * rng.uniform() << "\nbudget = " << (info.spends ? 1e6 * rng.uniform() : 0.0)
          << "\nintensity = " << (share ? 0.01 + 0.99 * rng.uniform() : 0.1 + 8 * rng.uniform())
          << "\nunit_cost = " << 1e5 * rng.uniform() << "\n";
        if (info.spends && rng.uniform() < 0.3) s << "funders = [\"" << use[0] << "\", \"DONOR\"]\n";
    }
    return s.str();
}

}  // namespace

TEST_CASE("random scenarios keep every invariant at every step", "[model][property]") {
    const int cases = 1000;
    int organisations_seen = 0, regimes = 0, lending_steps = 0, alliance_steps = 0, programme_steps = 0, drifted = 0;
    int stake_steps = 0, stake_dividend_steps = 0, interest_steps = 0, minority_steps = 0;
    for (int k = 0; k < cases; ++k) {
        const std::string body = random_scenario(static_cast<std::uint64_t>(k));
        INFO("case " << k << ":\n" << body);
        regimes += body.find("[[policy]]") != std::string::npos;
        const std::string text = "[run]\nname = \"p\"\nsteps = 16\nseed = " + std::to_string(1000 + k) + "\n" + body;
        Model m(scenario::load_scenario_text(text, std::string(SSESIM_SOURCE_DIR) + "/scenarios/p.toml"), 1 + k % 3);
        const Money total = m.ledger().total_money();
        Money loans = 0;   // patient-capital loans outstanding
        for (int t = 0; t < 16; ++t) {
            m.step();   // throws on any ledger, flow-record or per-agent identity violation
            REQUIRE(m.ledger().total_money() == total);
            const auto& o = m.organisations();
            for (std::size_t i = 0; i < o.size(); ++i) {
                REQUIRE(m.ledger().agent_balance(i) >= 0);
                REQUIRE(o.employees[i] >= 1);
                REQUIRE(o.technology[i] >= 0.0);
                REQUIRE(o.technology[i] <= 1.0);
                REQUIRE(o.management[i] >= 0.0);
                REQUIRE(o.management[i] <= 1.0);
                REQUIRE(o.brand[i] >= 0.0);
                REQUIRE(o.brand[i] <= 1.0);
                REQUIRE(o.participation[i] >= 0.0);
                REQUIRE(o.participation[i] <= 1.0);
                REQUIRE(o.price[i] > 0.0);
                REQUIRE(o.mission[i] >= 0.0);   // missions may drift, within [0, 1], and firms keep none
                REQUIRE(o.mission[i] <= 1.0);
                if (o.kind[i] == model::OrgKind::for_profit) REQUIRE(o.mission[i] == 0.0);
                REQUIRE(o.markup[i] > 1.0);
                // equity held by others: co-investors of an owned affiliate hold 1 - ownership_share;
                // suppliers' stakes in an organisation stay within its cap
                const scenario::Population& g = m.scenario().populations[o.group[i]];
                REQUIRE(o.outside_equity[i] >= 0.0);
                if (o.relation[i] == model::Relation::owned) REQUIRE(o.outside_equity[i] == 1.0 - g.ownership_share);
                else REQUIRE(o.outside_equity[i] <= g.partner_equity_cap + 1e-12);
            }
            const auto& fl = m.record().ledger_flows;
            stake_steps += fl[model::flow_equity_stake] > 0;
            stake_dividend_steps += fl[model::flow_equity_dividends] > 0;
            interest_steps += fl[model::flow_credit_interest] > 0;
            minority_steps += fl[model::flow_fdi] > 0 && fl[model::flow_founding_capital] > 0;
            // funds never go negative, and the patient-capital loan book adds up
            const auto& rec = m.record();
            for (std::size_t p = 0; p < rec.policy_fund.size(); ++p) {
                REQUIRE(rec.policy_fund[p] >= 0);
                REQUIRE(rec.policy_loans[p] >= 0);
            }
            Money book = 0, written_off = 0;
            for (std::size_t p = 0; p < rec.policy_loans.size(); ++p) {
                book += rec.policy_loans[p];
                written_off += rec.policy_written_off[p];
            }
            const auto& f = rec.ledger_flows;
            // public money received: every tender, policy grant and policy loan reaches an organisation
            Money public_funding = 0;
            for (Money v : rec.public_funding) public_funding += v;
            REQUIRE(public_funding == f[model::flow_tender] + f[model::flow_policy_grant] + f[model::flow_policy_loan]);
            REQUIRE(book == loans + f[model::flow_policy_loan] - f[model::flow_loan_repayment] - written_off);
            loans = book;
            lending_steps += f[model::flow_policy_loan] > 0;
            alliance_steps += f[model::flow_alliance_services] > 0;
            // C2G programmes hold a technology in [0, 1] and are paid for through the ledger
            for (std::size_t c = 0; c < m.scenario().world.size(); ++c) {
                const double g = m.programme_technology(c);
                REQUIRE((g == -1.0 || (g >= 0.0 && g <= 1.0)));
            }
            programme_steps += f[model::flow_extension_services] > 0;
            const auto& l = m.links();
            for (std::size_t r = 0; r < l.size(); ++r) {
                REQUIRE(l.credit[r] >= 0);
                REQUIRE(l.stake[r] >= 0.0);
                REQUIRE(l.stake[r] < 1.0);
                REQUIRE(l.ties[r] >= 0.0);
                REQUIRE(l.ties[r] <= 1.0);
                if (r > 0 && l.org[r] == l.org[r - 1]) REQUIRE(l.dest[r] > l.dest[r - 1]);   // sorted, unique
                if (l.mode[r] == model::Mode::alliance) {   // the ally is a living organisation based there
                    const std::int64_t a = kernel::slot_of(o.id, l.affiliate[r]);
                    REQUIRE(a >= 0);
                    REQUIRE(o.home[static_cast<std::size_t>(a)] == l.dest[r]);
                }
            }
            // every money flow recorded is a ledger posting, and goods exports are imports:
            // the recorded cells by (flow, origin, destination) sum to the ledger's totals
            Money recorded = 0;
            for (const auto& c : m.record().flows)
                if (model::flow_info[model::FlowKey::unpack(c.key).flow].money) recorded += c.value;
            Money posted = 0;
            for (Money v : m.record().ledger_flows) posted += v;
            REQUIRE(recorded == posted);
        }
        organisations_seen += static_cast<int>(m.organisations().size());
        for (std::size_t i = 0; i < m.organisations().size(); ++i) {
            const auto& o = m.organisations();
            const double opening = o.parent[i] == model::no_parent ? m.scenario().populations[o.group[i]].mission : o.mission[i];
            drifted += o.mission[i] != opening;
        }
    }
    CHECK(organisations_seen > cases);
    CHECK(regimes > cases / 2);
    CHECK(lending_steps > 0);   // the loan book was exercised
    CHECK(alliance_steps > 0);  // and alliances paid their allies
    CHECK(programme_steps > 0); // governments adopted open technology (C2G) and paid for it
    CHECK(drifted > 0);         // missions drifted
    // stakes bought and paid dividends, interest paid, affiliates co-funded by host households
    CHECK(stake_steps > 0);
    CHECK(stake_dividend_steps > 0);
    CHECK(interest_steps > 0);
    CHECK(minority_steps > 0);
}
