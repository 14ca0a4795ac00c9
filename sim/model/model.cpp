// The model: construction, the step, flows and the record (ODD §3, §7).
#include "instrument.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/core/format.hpp"
#include "ssesim/kernel/agent_ids.hpp"
#include "ssesim/kernel/rng.hpp"

#include <algorithm>
#include <chrono>
#include <span>
#include <cmath>
#include <numeric>

namespace ssesim::model {

Model::Model(scenario::Scenario scenario, int threads)
    : scenario_(std::move(scenario)),
      executor_(threads),
      ledger_(sector_account_names(scenario_.world, scenario_.policies), flow_name_list()) {
    const World& w = scenario_.world;
    const auto& e = scenario_.economy;
    const auto n = static_cast<Eigen::Index>(w.size());
    sigma_markup_ = e.elasticity / (e.elasticity - 1.0);
    const double years = 1.0 / static_cast<double>(scenario_.steps_per_year);
    per_step_.years = years;
    per_step_.exit = step_probability(e.export_exit_probability, years);
    per_step_.opportunity = 1.0 - std::exp(-e.opportunity_rate * years);   // at least one in the step (Poisson)
    per_step_.adoption = step_probability(e.adoption_rate, years);
    per_step_.transfer = step_probability(e.transfer_rate, years);
    per_step_.ties_decay = step_probability(e.ties_decay, years);
    per_step_.ties_growth = 1.0 - std::exp(-years / e.learning_time);
    per_step_.participation = step_probability(e.participation_recovery, years);
    per_step_.hiring = step_probability(e.hiring_rate, years);
    per_step_.firing = step_probability(e.firing_rate, years);
    per_step_.expectation = step_probability(e.expectation_weight, years);
    per_step_.cash_release = step_probability(e.excess_cash_release, years);
    per_step_.growth = std::pow(1.0 + e.demand_growth, years);
    per_step_.replication = step_probability(e.c2g_replication_rate, years);
    per_step_.depreciation = step_probability(e.knowledge_depreciation, years);
    per_step_.drift = step_probability(e.mission_drift, years);
    for (const scenario::Population& p : scenario_.populations) {
        fdi_chance_.push_back(step_probability(p.fdi_propensity, years));
        c2g_chance_.push_back(step_probability(p.c2g_rate, years));
        // per step: interest on pre-harvest credit, (1 + i)^Delta - 1; the share of cash put into stakes
        interest_step_.push_back(std::pow(1.0 + p.prefinance_interest, years) - 1.0);
        stake_step_.push_back(step_probability(p.stake_rate, years));
    }
    double wage_sum = 0;
    for (const Country& c : w.countries) wage_sum += c.wage_usd;
    reference_wage_ = wage_sum / static_cast<double>(w.size());

    // Gravity: iceberg trade costs from distance. Fixed costs of serving a market
    // are incurred there (distribution, marketing, legal advice), so they are
    // priced in destination wages, and rise with psychic distance (Johanson &
    // Vahlne 1977); they are paid to the destination's households.
    tau_.resize(n, n);
    fixed_cost_.resize(n, n);
    fdi_fixed_cost_.resize(n, n);
    for (Eigen::Index o = 0; o < n; ++o) {
        for (Eigen::Index d = 0; d < n; ++d) {
            tau_(o, d) = o == d ? 1.0
                                : 1.0 + e.trade_cost_per_1000km *
                                            std::pow(w.distance_km(o, d) / 1000.0,
                                                     e.trade_cost_distance_elasticity);
            const double host_wage = w.countries[static_cast<std::size_t>(d)].wage_usd;
            const double unfamiliarity = 1.0 + e.psychic_distance_cost * w.psychic_distance(o, d);
            fixed_cost_(o, d) = o == d ? 0.0 : e.export_fixed_cost * host_wage * unfamiliarity;
            fdi_fixed_cost_(o, d) = o == d ? 0.0 : e.fdi_fixed_cost * host_wage * unfamiliarity;
        }
    }
    prospect_closeness_.resize(n, n);
    for (Eigen::Index o = 0; o < n; ++o)
        for (Eigen::Index d = 0; d < n; ++d) prospect_closeness_(o, d) = std::exp(-e.prospect_psychic_aversion * w.psychic_distance(o, d));
    const std::size_t markets = w.size() * sector_count;
    market_budget_.assign(markets, 0);
    prospect_size_.assign(markets, 0.0);
    market_index_.assign(markets, 0.0);
    market_fringe_.assign(markets, 0.0);
    births_.assign(w.size() * org_kind_count, 0);
    exits_.assign(w.size() * org_kind_count, 0);
    investments_.assign(w.size() * org_kind_count, 0);
    founded_abroad_.assign(w.size() * org_kind_count, 0);
    public_funding_.assign(w.size() * org_kind_count, 0);
    programme_technology_.assign(w.size(), 0.0);
    programme_.assign(w.size(), 0);
    open_population();
    join_federations();
    rebuild_indices();
    calibrate_fringe();
    open_policies();
    // Prospects at step 1 see the opening markets' price indices, not empty markets.
    for (std::size_t m = 0; m < markets; ++m) market_index_[m] = price_index(m) + fringe_weight_[m];
    build_schedule();
}

double Model::export_fixed_cost_usd(std::size_t origin, std::size_t dest) const {
    return fixed_cost_(static_cast<Eigen::Index>(origin), static_cast<Eigen::Index>(dest));
}

double Model::export_fixed_cost_cents(std::size_t i, std::size_t dest, double ties) const {
    // A management model and partners on the spot (ties) lower what serving a market costs.
    const auto& e = scenario_.economy;
    return export_fixed_cost_usd(orgs_.home[i], dest) * per_step_.years * cents_per_usd *
           (1.0 - e.management_effect * orgs_.management[i]) * (1.0 - e.ties_cost_reduction * ties);
}

double Model::effective_productivity(std::size_t i) const noexcept {
    return orgs_.productivity[i] * (1.0 + scenario_.economy.technology_effect * orgs_.technology[i]);
}

void Model::join_federations() {
    // Members at step 0: each organisation of a group with join_federation joins
    // the first federation (lowest id) of its home country and sector.
    std::vector<std::int64_t> federation(scenario_.world.size() * sector_count, -1);
    for (std::size_t f = orgs_.size(); f-- > 0;)
        if (orgs_.kind[f] == OrgKind::federation)
            federation[orgs_.home[f] * sector_count + static_cast<std::size_t>(orgs_.sector[f])] = static_cast<std::int64_t>(f);
    for (std::size_t i = 0; i < orgs_.size(); ++i) {
        const std::int64_t f = federation[orgs_.home[i] * sector_count + static_cast<std::size_t>(orgs_.sector[i])];
        if (!scenario_.populations[orgs_.group[i]].join_federation || f < 0 || static_cast<std::size_t>(f) == i) continue;
        const auto fed = static_cast<std::size_t>(f);
        orgs_.parent[i] = orgs_.id[fed];
        orgs_.relation[i] = Relation::member;
        orgs_.fee_rate[i] = scenario_.populations[orgs_.group[fed]].federation_fee;
    }
}

void Model::open_population() {
    const auto& e = scenario_.economy;
    for (std::uint32_t g = 0; g < scenario_.populations.size(); ++g)
        for (std::int64_t j = 0; j < scenario_.populations[g].count; ++j) found(g, true);
    // Partial equilibrium (Melitz 2003): households' spending on each market,
    // country c's sector s, is exogenous, growing at demand_growth:
    //   E_cs = max(kappa * demand share_cs * GDP_c, opening output_cs / phi)
    // per year. Gravity comes from the first term: large economies are large
    // markets whether or not the scenario simulates their producers; kappa
    // scales the world so that, over the markets with simulated home producers,
    // their opening output is phi = `simulated_share` of kappa-scaled demand.
    // The second term keeps a market the scenario samples more densely than its
    // GDP share from starting short of demand: its producers then hold phi of
    // it. The rest is bought from producers not simulated (calibrate_fringe).
    // Household accounts stand for the rest of their economy: they may go
    // negative, and trade imbalances do not drain them into a spiral.
    const auto& countries = scenario_.world.countries;
    opening_output_.assign(market_budget_.size(), 0.0);
    for (std::size_t i = 0; i < orgs_.size(); ++i)
        opening_output_[orgs_.home[i] * sector_count + static_cast<std::size_t>(orgs_.sector[i])] +=
            orgs_.markup[i] * countries[orgs_.home[i]].wage_usd * orgs_.employees[i];
    double output = 0, potential = 0;
    for (std::size_t m = 0; m < opening_output_.size(); ++m) {
        if (opening_output_[m] <= 0) continue;
        output += opening_output_[m];
        potential += countries[m / sector_count].demand[m % sector_count] * countries[m / sector_count].gdp_usd;
    }
    const double kappa = output / (e.simulated_share * potential);
    base_budget_.resize(opening_output_.size());
    std::vector<double> spending(scenario_.world.size(), 0.0);
    for (std::size_t m = 0; m < base_budget_.size(); ++m) {
        const Country& c = countries[m / sector_count];
        const double annual = std::max(kappa * c.demand[m % sector_count] * c.gdp_usd, opening_output_[m] / e.simulated_share);
        base_budget_[m] = annual * per_step_.years * cents_per_usd;
        spending[m / sector_count] += base_budget_[m];
    }
    // Governments buy services and training by open tender: a share of their
    // consumption (PWT csh_g x GDP), scaled by the same kappa as the markets.
    tender_budget_.resize(countries.size());
    for (std::size_t c = 0; c < countries.size(); ++c)
        tender_budget_[c] = kappa * e.tender_share * countries[c].government_share * countries[c].gdp_usd;
    // Opening money of households and governments: one step of their spending.
    for (std::size_t c = 0; c < spending.size(); ++c) {
        ledger_.endow(Party::sector(c), floor_money(spending[c]));
        ledger_.endow(Party::sector(countries.size() + c), floor_money(tender_budget_[c] * per_step_.years * cents_per_usd));
    }
    ledger_.commit();
}

void Model::calibrate_fringe() {
    // Producers the scenario does not simulate are one CES competitor per market
    // with weight W0 (growing with demand). Where simulated home producers
    // exist, W0 is set so that at step 0 they sell exactly their output:
    // W / (W + W0) = output / E (E >= output / simulated_share, so W0 > 0). A
    // market with none gets the competition per unit of demand of the others,
    // (W + W0) / E averaged.
    const std::size_t markets = base_budget_.size();
    fringe_weight_.assign(markets, 0.0);
    double density = 0;
    std::size_t calibrated = 0;
    for (std::size_t m = 0; m < markets; ++m) {
        if (opening_output_[m] <= 0) continue;
        const double demand = base_budget_[m] / per_step_.years / cents_per_usd;
        const double weight = price_index(m);
        fringe_weight_[m] = weight * std::max(0.0, demand / opening_output_[m] - 1.0);
        density += (weight + fringe_weight_[m]) / demand;
        ++calibrated;
    }
    if (calibrated > 0) density /= static_cast<double>(calibrated);
    for (std::size_t m = 0; m < markets; ++m)
        if (opening_output_[m] <= 0) fringe_weight_[m] = density * base_budget_[m] / per_step_.years / cents_per_usd;
}

void Model::build_schedule() {
    const std::size_t markets = market_budget_.size();
    const std::size_t countries = scenario_.world.size();
    const std::size_t policies = scenario_.policies.size();
    auto agents = [this] { return orgs_.size(); };
    schedule_.add({"policy funds", "policies", policies, [policies] { return policies; },
                   [this](std::size_t b, std::size_t e) { fund_policies(b, e); }});
    schedule_.add({"sense", "markets", 1, [markets] { return markets; },
                   [this](std::size_t b, std::size_t e) { sense(b, e); }});
    schedule_.add({"decide", "agents", agent_grain, agents,
                   [this](std::size_t b, std::size_t e) { decide(b, e); }});
    schedule_.add({"emit flows", "markets", 1, [markets] { return markets; },
                   [this](std::size_t b, std::size_t e) { emit_flows(b, e); }});
    // Tenders are few: one serial pass over the countries (a bidder may win in several).
    schedule_.add({"tenders", "countries", countries, [countries] { return countries; },
                   [this](std::size_t b, std::size_t e) { run_tenders(b, e); }});
    schedule_.add({"settle", "agents", agent_grain, agents,
                   [this](std::size_t b, std::size_t e) { settle(b, e); }});
    schedule_.add({"transfer", "agents", agent_grain, agents,
                   [this](std::size_t b, std::size_t e) { transfer_between_organisations(b, e); }});
    schedule_.add({"absorb", "agents", agent_grain, agents,
                   [this](std::size_t b, std::size_t e) { absorb(b, e); }});
    // Governments adopting open technology are few: one serial pass over the countries.
    schedule_.add({"programmes", "countries", countries, [countries] { return countries; },
                   [this](std::size_t b, std::size_t e) { run_programmes(b, e); }});
    schedule_.add({"policies", "policies", policies, [policies] { return policies; },
                   [this](std::size_t b, std::size_t e) { act_policies(b, e); }});
    schedule_.add({"learn", "agents", agent_grain, agents,
                   [this](std::size_t b, std::size_t e) { learn(b, e); }});
    schedule_.add({"record", "countries", 1, [countries] { return countries; },
                   [this](std::size_t b, std::size_t e) { record_countries(b, e); }});
    for (const kernel::Phase& p : schedule_.phases()) timing_.parts.push_back(p.name);
    timing_.parts.insert(timing_.parts.end(), {"structural update", "checks and flow record"});
    timing_.nanoseconds.assign(timing_.parts.size(), 0);
}

void Model::step() {
    using Clock = std::chrono::steady_clock;
    const std::size_t phases = schedule_.phases().size();
    auto add_time = [this](std::size_t part, Clock::time_point since) {
        timing_.nanoseconds[part] += std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - since).count();
    };
    const Clock::time_point t0 = Clock::now();
    ++step_;
    ledger_.begin_step();
    record_.policy_spend.assign(scenario_.policies.size(), 0);
    std::fill(public_funding_.begin(), public_funding_.end(), 0);   // (adopters' grants are paid in the update)
    if (step_ > 1) restructure();
    else {
        std::fill(births_.begin(), births_.end(), 0);
        std::fill(exits_.begin(), exits_.end(), 0);
        std::fill(investments_.begin(), investments_.end(), 0);
        std::fill(founded_abroad_.begin(), founded_abroad_.end(), 0);
    }
    add_time(phases, t0);
    schedule_.run(executor_, ledger_, std::span<std::int64_t>(timing_.nanoseconds.data(), phases));
    const Clock::time_point t1 = Clock::now();
    if (injection_.amount != 0) {
        ledger_.inject_unbalanced_for_test(injection_.party, injection_.amount);
        injection_ = {};
    }
    if (poison_.armed) {
        orgs_.management[poison_.slot] = poison_.value;
        poison_ = {};
    }
    check_finite();
    ledger_.check(step_, orgs_.id);
    record_.ledger_flows = ledger_.step_flow_totals();
    record_.policy_fund.resize(scenario_.policies.size());
    for (std::size_t i = 0; i < scenario_.policies.size(); ++i) record_.policy_fund[i] = ledger_.sector_balance(fund_account(i));
    record_.policy_written_off = written_off_;
    record_.policy_loans.assign(scenario_.policies.size(), 0);
    if (!credit_line_.empty())
        for (std::size_t i = 0; i < orgs_.size(); ++i)
            if (orgs_.loan[i] > 0) record_.policy_loans[static_cast<std::size_t>(orgs_.loan_policy[i])] += orgs_.loan[i];
    record_.flows = flow_tally_.collect();
    // What is recorded must add up to what the ledger moved: nothing lost.
    std::vector<Money> recorded(flow_count, 0);
    for (const kernel::TallyCell& c : record_.flows) recorded[FlowKey::unpack(c.key).flow] += c.value;
    for (std::size_t f = 0; f < flow_count; ++f)
        if (flow_info[f].money && recorded[f] != record_.ledger_flows[f])
            throw InvariantError("step " + std::to_string(step_) + ": recorded " + std::string(flow_info[f].name) +
                                 " flows of " + std::to_string(recorded[f]) + " cents differ from the ledger's " +
                                 std::to_string(record_.ledger_flows[f]));
    add_time(phases + 1, t1);
}

void Model::check_finite() const {
    // Money is integer cents and cannot be NaN; every real-valued state variable
    // is checked here, so a NaN or infinity never passes silently into the next
    // step (or into an integer conversion, which would be undefined).
    struct Var {
        const char* name;
        std::span<const double> values;
    };
    const Var org_vars[] = {
        {"productivity", orgs_.productivity}, {"mission", orgs_.mission}, {"payout_rate", orgs_.payout_rate},
        {"fee_rate", orgs_.fee_rate}, {"markup", orgs_.markup}, {"price", orgs_.price},
        {"expected_labour", orgs_.expected_labour}, {"technology", orgs_.technology}, {"management", orgs_.management},
        {"brand", orgs_.brand}, {"participation", orgs_.participation}, {"participation_base", orgs_.participation_base},
        {"input_price", orgs_.input_price}, {"outside_equity", orgs_.outside_equity},
    };
    for (const Var& v : org_vars)
        for (std::size_t i = 0; i < v.values.size(); ++i)
            if (!std::isfinite(v.values[i]))
                throw InvariantError("step " + std::to_string(step_) + ": organisation " + std::to_string(orgs_.id[i]) +
                                     " (" + std::string(org_kind_names[static_cast<std::size_t>(orgs_.kind[i])]) + " of " +
                                     scenario_.world.countries[orgs_.home[i]].iso3 + "): " + v.name + " is " +
                                     format_number(v.values[i]) + ", expected a finite number");
    for (std::size_t c = 0; c < programme_technology_.size(); ++c)
        if (!std::isfinite(programme_technology_[c]))
            throw InvariantError("step " + std::to_string(step_) + ": government of " + scenario_.world.countries[c].iso3 +
                                 ": programme technology is " + format_number(programme_technology_[c]) +
                                 ", expected a finite number");
    const Var link_vars[] = {{"experience", links_.experience}, {"ties", links_.ties}, {"stake", links_.stake}};
    for (const Var& v : link_vars)
        for (std::size_t r = 0; r < v.values.size(); ++r)
            if (!std::isfinite(v.values[r]))
                throw InvariantError("step " + std::to_string(step_) + ": organisation " + std::to_string(orgs_.id[links_.org[r]]) +
                                     ", presence in " + scenario_.world.countries[links_.dest[r]].iso3 + ": " + v.name + " is " +
                                     format_number(v.values[r]) + ", expected a finite number");
}

std::pair<std::uint16_t, std::uint8_t> Model::end_of(Party p) const noexcept {
    if (p.kind == Party::Kind::agent)
        return {orgs_.home[p.index], static_cast<std::uint8_t>(orgs_.kind[p.index])};
    const std::size_t n = scenario_.world.size();
    const std::size_t policies = scenario_.policies.size();
    if (p.index >= 2 * n && p.index < 2 * n + policies)   // a fund: in its implementing country
        return {static_cast<std::uint16_t>(scenario_.policies[p.index - 2 * n].country), static_cast<std::uint8_t>(end_policy_fund)};
    if (p.index >= 2 * n + policies)   // an outside funder
        return {outside_funder_country_[p.index - 2 * n - policies], static_cast<std::uint8_t>(end_outside_funder)};
    return p.index < n ? std::pair<std::uint16_t, std::uint8_t>{static_cast<std::uint16_t>(p.index), static_cast<std::uint8_t>(end_households)}
                       : std::pair<std::uint16_t, std::uint8_t>{static_cast<std::uint16_t>(p.index - n), static_cast<std::uint8_t>(end_government)};
}

void Model::transfer(Party payer, Party payee, Money amount, Flow flow) {
    ledger_.pay(payer, payee, amount, flow);
    if (amount == 0) return;
    const auto [from_country, from_end] = end_of(payer);
    const auto [to_country, to_end] = end_of(payee);
    // Recorded in the direction of the thing that moves (flows.hpp).
    const FlowKey key = flow_info[flow].paid_against
                            ? FlowKey{flow, to_country, from_country, to_end, from_end}
                            : FlowKey{flow, from_country, to_country, from_end, to_end};
    flow_tally_.add(key.pack(), amount);
}

void Model::record_countries(std::size_t begin, std::size_t end) {
    StepRecord& rec = record_;
    for (std::size_t c = begin; c < end; ++c) {
        for (std::size_t k = 0; k < org_kind_count; ++k) {
            const std::size_t a = rec.at(c, k);
            for (auto* v : {&rec.organisations, &rec.employees, &rec.exporters, &rec.destinations, &rec.subsidiaries,
                            &rec.employees_abroad, &rec.licensees, &rec.nodes, &rec.transfer_countries, &rec.contacts,
                            &rec.suppliers, &rec.offshore, &rec.alliances,
                            &rec.revenue, &rec.export_revenue, &rec.wage_bill, &rec.profit, &rec.cash, &rec.outside_equity})
                (*v)[a] = 0;
            for (auto* v : {&rec.technology, &rec.management, &rec.brand, &rec.participation, &rec.impact_home,
                            &rec.impact_abroad})
                (*v)[a] = 0.0;
            rec.births[a] = births_[a];
            rec.exits[a] = exits_[a];
            rec.investments[a] = investments_[a];
            rec.founded_abroad[a] = founded_abroad_[a];
            rec.policy_foundings[a] = policy_foundings_[a];
            rec.public_funding[a] = public_funding_[a];
        }
        for (std::uint32_t h = home_begin_[c]; h < home_begin_[c + 1]; ++h) {
            const std::uint32_t i = home_orgs_[h];
            const std::size_t a = rec.at(c, static_cast<std::size_t>(orgs_.kind[i]));
            std::int64_t markets = 0;
            for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
                switch (links_.mode[r]) {
                    case Mode::exports: ++markets; break;
                    case Mode::subsidiary: ++rec.subsidiaries[a]; break;
                    case Mode::licence: ++rec.licensees[a]; break;
                    case Mode::node: ++rec.nodes[a]; break;
                    case Mode::open_transfer: ++rec.transfer_countries[a]; break;
                    case Mode::sourcing: ++rec.suppliers[a]; break;
                    case Mode::offshore: ++rec.offshore[a]; break;
                    case Mode::alliance: ++rec.alliances[a]; break;
                    case Mode::contact: ++rec.contacts[a]; break;
                }
                if (!founds_partner(links_.mode[r]) || partner_slot_[r] < 0) continue;
                // Jobs in the organisations it founded abroad; social impact
                // abroad counts them weighted by their mission (ODD §4 Observation).
                const auto affiliate = static_cast<std::size_t>(partner_slot_[r]);
                rec.employees_abroad[a] += orgs_.employees[affiliate];
                rec.impact_abroad[a] += orgs_.mission[affiliate] * orgs_.employees[affiliate];
            }
            ++rec.organisations[a];
            rec.employees[a] += orgs_.employees[i];
            rec.exporters[a] += markets > 0;
            rec.destinations[a] += markets;
            rec.revenue[a] += orgs_.revenue[i];
            rec.export_revenue[a] += orgs_.export_revenue[i];
            rec.wage_bill[a] += orgs_.wage_bill[i];
            rec.profit[a] += orgs_.profit[i];
            const Money cash = ledger_.agent_balance(i);
            rec.cash[a] += cash;
            // others' share of its equity, valued as stakes are priced: at book value (cash)
            if (orgs_.outside_equity[i] > 0) rec.outside_equity[a] += floor_money(orgs_.outside_equity[i] * static_cast<double>(cash));
            rec.technology[a] += orgs_.technology[i];
            rec.management[a] += orgs_.management[i];
            rec.brand[a] += orgs_.brand[i];
            rec.participation[a] += orgs_.participation[i];
            rec.impact_home[a] += orgs_.mission[i] * orgs_.employees[i];
        }
        rec.household_money[c] = ledger_.sector_balance(c);
        rec.government_money[c] = ledger_.sector_balance(scenario_.world.size() + c);
    }
}

void Model::rebuild_indices() {
    const std::size_t n_orgs = orgs_.size();
    const std::size_t n_countries = scenario_.world.size();
    // links by organisation
    orgs_.link_begin.assign(n_orgs + 1, 0);
    for (std::uint32_t org : links_.org) ++orgs_.link_begin[org + 1];
    std::partial_sum(orgs_.link_begin.begin(), orgs_.link_begin.end(), orgs_.link_begin.begin());
    // offers by market, in slot order: counting sort
    const std::size_t markets = n_countries * sector_count;
    market_begin_.assign(markets + 1, 0);
    auto market_of = [](std::size_t country, Sector s) { return country * sector_count + static_cast<std::size_t>(s); };
    for (std::size_t i = 0; i < n_orgs; ++i) ++market_begin_[market_of(orgs_.home[i], orgs_.sector[i]) + 1];
    for (std::size_t r = 0; r < links_.size(); ++r)
        if (sells_through(links_.mode[r])) ++market_begin_[market_of(links_.dest[r], orgs_.sector[links_.org[r]]) + 1];
    std::partial_sum(market_begin_.begin(), market_begin_.end(), market_begin_.begin());
    offer_org_.resize(market_begin_.back());
    offer_link_.resize(market_begin_.back());
    offer_weight_.resize(market_begin_.back());
    std::vector<std::uint32_t> fill(market_begin_.begin(), market_begin_.end() - 1);
    for (std::uint32_t i = 0; i < n_orgs; ++i) {
        std::uint32_t k = fill[market_of(orgs_.home[i], orgs_.sector[i])]++;
        offer_org_[k] = i;
        offer_link_[k] = no_link;
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
            if (!sells_through(links_.mode[r])) continue;
            k = fill[market_of(links_.dest[r], orgs_.sector[i])]++;
            offer_org_[k] = i;
            offer_link_[k] = r;
        }
    }
    // organisations by home country
    home_begin_.assign(n_countries + 1, 0);
    for (std::size_t i = 0; i < n_orgs; ++i) ++home_begin_[orgs_.home[i] + 1];
    std::partial_sum(home_begin_.begin(), home_begin_.end(), home_begin_.begin());
    home_orgs_.resize(n_orgs);
    std::vector<std::uint32_t> hfill(home_begin_.begin(), home_begin_.end() - 1);
    for (std::uint32_t i = 0; i < n_orgs; ++i) home_orgs_[hfill[orgs_.home[i]]++] = i;
    // parents, and the partners of links: a binary search each, side by side on the threads
    parent_slot_.resize(n_orgs);
    executor_.for_range(n_orgs, agent_grain, [this](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i)
            parent_slot_[i] = orgs_.parent[i] == no_parent ? -1 : kernel::slot_of(orgs_.id, orgs_.parent[i]);
    });
    partner_slot_.resize(links_.size());
    executor_.for_range(links_.size(), agent_grain, [this](std::size_t b, std::size_t e) {
        for (std::size_t r = b; r < e; ++r)
            partner_slot_[r] = links_.affiliate[r] == no_parent ? -1 : kernel::slot_of(orgs_.id, links_.affiliate[r]);
    });
    // the links each organisation is the partner of, by mode: those it supplies inputs
    // through, and the alliances it is the ally of (counting sort by partner slot)
    auto index_by_partner = [&](auto&& of_mode, auto& begin, auto& links) {
        begin.assign(n_orgs + 1, 0);
        for (std::size_t r = 0; r < links_.size(); ++r)
            if (of_mode(links_.mode[r]) && partner_slot_[r] >= 0) ++begin[static_cast<std::size_t>(partner_slot_[r]) + 1];
        std::partial_sum(begin.begin(), begin.end(), begin.begin());
        links.resize(begin.back());
        std::vector<std::uint32_t> next(begin.begin(), begin.end() - 1);
        for (std::uint32_t r = 0; r < links_.size(); ++r)
            if (of_mode(links_.mode[r]) && partner_slot_[r] >= 0) links[next[static_cast<std::size_t>(partner_slot_[r])]++] = r;
    };
    index_by_partner(supplies_inputs, supplied_begin_, supplied_links_);
    index_by_partner([](Mode m) { return m == Mode::alliance; }, allied_begin_, allied_links_);
    // open-technology givers by country (slot order), SSE employment by country
    giver_begin_.assign(n_countries + 1, 0);
    for (std::size_t r = 0; r < links_.size(); ++r)
        if (links_.mode[r] == Mode::open_transfer) ++giver_begin_[links_.dest[r] + 1];
    std::partial_sum(giver_begin_.begin(), giver_begin_.end(), giver_begin_.begin());
    givers_.resize(giver_begin_.back());
    giver_links_.resize(giver_begin_.back());
    std::vector<std::uint32_t> gfill(giver_begin_.begin(), giver_begin_.end() - 1);
    for (std::uint32_t r = 0; r < links_.size(); ++r)
        if (links_.mode[r] == Mode::open_transfer) {
            giver_links_[gfill[links_.dest[r]]] = r;
            givers_[gfill[links_.dest[r]]++] = links_.org[r];
        }
    bidders_.clear();
    for (std::uint32_t i = 0; i < n_orgs; ++i)
        if (scenario_.populations[orgs_.group[i]].bids_tenders &&
            (orgs_.sector[i] == Sector::services || orgs_.sector[i] == Sector::education))
            bidders_.push_back(i);
    employees_by_kind_.assign(n_countries * org_kind_count, 0.0);
    for (std::size_t i = 0; i < n_orgs; ++i)
        employees_by_kind_[orgs_.home[i] * org_kind_count + static_cast<std::size_t>(orgs_.kind[i])] += orgs_.employees[i];
    // record arrays
    StepRecord& rec = record_;
    rec.countries = n_countries;
    const std::size_t ck = n_countries * org_kind_count;
    for (auto* v : {&rec.organisations, &rec.employees, &rec.exporters, &rec.destinations, &rec.births, &rec.exits,
                    &rec.subsidiaries, &rec.employees_abroad, &rec.investments, &rec.licensees, &rec.nodes,
                    &rec.transfer_countries, &rec.contacts, &rec.founded_abroad, &rec.suppliers, &rec.offshore,
                    &rec.alliances, &rec.policy_foundings})
        v->assign(ck, 0);
    for (auto* v : {&rec.technology, &rec.management, &rec.brand, &rec.participation, &rec.impact_home, &rec.impact_abroad})
        v->assign(ck, 0.0);
    for (auto* v : {&rec.revenue, &rec.export_revenue, &rec.wage_bill, &rec.profit, &rec.cash, &rec.public_funding,
                    &rec.outside_equity})
        v->assign(ck, 0);
    rec.household_money.assign(n_countries, 0);
    rec.government_money.assign(n_countries, 0);
}

}  // namespace ssesim::model
