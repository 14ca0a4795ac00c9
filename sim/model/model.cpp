#include "ssesim/model/model.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/kernel/agent_ids.hpp"
#include "ssesim/kernel/rng.hpp"

#include <boost/random/poisson_distribution.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ssesim::model {
namespace {

using kernel::Party;
using kernel::Stream;

/// What a random stream is for: the last part of its counter (DESIGN.md decision 1).
enum Purpose : std::uint32_t {
    purpose_founding = 1,   ///< productivity draw of a new organisation (id, step 0)
    purpose_trade = 2,      ///< market exit and prospecting decisions (id, step)
    purpose_births = 3,     ///< number of births of a population group (group, step)
};
/// Population groups draw births from their own id space, apart from organisations.
constexpr std::uint64_t group_id_space = std::uint64_t{1} << 63;

constexpr std::size_t agent_grain = 2048;

std::vector<std::string> flow_name_list() {
    std::vector<std::string> names;
    for (const FlowInfo& f : flow_info) names.emplace_back(f.name);
    return names;
}

std::vector<std::string> sector_account_names(const World& w) {
    std::vector<std::string> names;
    for (const Country& c : w.countries) names.push_back("households " + c.iso3);
    return names;
}

Money floor_money(double cents) { return static_cast<Money>(std::floor(cents)); }

/// The chance per step of an event with chance `per_year` in a year.
double step_probability(double per_year, double years) { return 1.0 - std::pow(1.0 - per_year, years); }

}  // namespace

Model::Model(scenario::Scenario scenario, int threads)
    : scenario_(std::move(scenario)),
      executor_(threads),
      ledger_(sector_account_names(scenario_.world), flow_name_list()) {
    const World& w = scenario_.world;
    const auto& e = scenario_.economy;
    const auto n = static_cast<Eigen::Index>(w.size());
    sigma_markup_ = e.elasticity / (e.elasticity - 1.0);
    const double years = 1.0 / static_cast<double>(scenario_.steps_per_year);
    per_step_ = {years,
                 step_probability(e.export_entry_probability, years),
                 step_probability(e.export_exit_probability, years),
                 step_probability(e.hiring_rate, years),
                 step_probability(e.firing_rate, years),
                 step_probability(e.expectation_weight, years),
                 step_probability(e.excess_cash_release, years),
                 std::pow(1.0 + e.demand_growth, years)};
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
    const std::size_t markets = w.size() * sector_count;
    market_budget_.assign(markets, 0);
    market_index_.assign(markets, 0.0);
    market_fringe_.assign(markets, 0.0);
    births_.assign(w.size() * org_kind_count, 0);
    exits_.assign(w.size() * org_kind_count, 0);
    investments_.assign(w.size() * org_kind_count, 0);
    open_population();
    rebuild_indices();
    calibrate_fringe();
    // Prospects at step 1 see the opening markets' price indices, not empty markets.
    for (std::size_t m = 0; m < markets; ++m) market_index_[m] = price_index(m) + fringe_weight_[m];
    build_schedule();
}

double Model::export_fixed_cost_usd(std::size_t origin, std::size_t dest) const {
    return fixed_cost_(static_cast<Eigen::Index>(origin), static_cast<Eigen::Index>(dest));
}

void Model::found(std::uint32_t group, bool opening) {
    const scenario::Population& p = scenario_.populations[group];
    const auto& e = scenario_.economy;
    const Country& home = scenario_.world.countries[static_cast<std::size_t>(p.country)];
    const std::uint64_t id = next_id_;
    Stream rng(scenario_.seed, scenario_.replicate, id, 0, purpose_founding);
    // Productivity: Pareto(k, 1) (Melitz 2003); size proportional to
    // productivity^(sigma-1), normalised so the group's mean size is `employees`.
    const double k = p.productivity_shape;
    const double z = std::pow(1.0 - rng.uniform(), -1.0 / k);
    const double size = p.employees * std::pow(z, e.elasticity - 1.0) * (k - e.elasticity + 1.0) / k;
    const auto employees = static_cast<std::int32_t>(std::max(1.0, std::min(std::round(size), 1e9)));
    const double markup = 1.0 + (sigma_markup_ - 1.0) * (1.0 - p.mission * e.mission_price_discount);
    const Money capital = usd_to_money(p.initial_cash_years * home.wage_usd * employees);
    const auto home_account = static_cast<std::size_t>(p.country);

    ++next_id_;
    orgs_.for_each_column([](auto& col) { col.emplace_back(); });
    const std::size_t slot = orgs_.size() - 1;
    orgs_.id[slot] = id;
    orgs_.group[slot] = group;
    orgs_.parent[slot] = no_parent;
    orgs_.home[slot] = static_cast<std::uint16_t>(p.country);
    orgs_.kind[slot] = p.kind;
    orgs_.sector[slot] = p.sector;
    orgs_.productivity[slot] = z;
    orgs_.mission[slot] = p.mission;
    orgs_.payout_rate[slot] = p.payout_rate;
    orgs_.employees[slot] = employees;
    orgs_.markup[slot] = markup;
    // Unit labour cost in reference wages: wages across countries mirror
    // productivity (Ricardo), so competitiveness comes from the firm's own draw.
    orgs_.price[slot] = markup * reference_wage_ / z;
    orgs_.expected_labour[slot] = employees;
    orgs_.entering[slot] = -1;
    ledger_.append_agents(1);
    if (opening)
        ledger_.endow(Party::agent(slot), capital);
    else
        transfer(Party::sector(home_account), Party::agent(slot), capital, flow_founding_capital);
}

void Model::open_population() {
    const auto& e = scenario_.economy;
    for (std::uint32_t g = 0; g < scenario_.populations.size(); ++g)
        for (std::int64_t j = 0; j < scenario_.populations[g].count; ++j) found(g, true);
    // Partial equilibrium (Melitz 2003): households' spending on each market,
    // country c's sector s, is exogenous: E_cs = kappa * demand share_cs * GDP_c
    // per year, growing at demand_growth. Gravity comes from here: large
    // economies are large markets whether or not the scenario simulates their
    // producers. kappa scales the world so that, over the markets with simulated
    // home producers, those producers' opening output is `simulated_share` of
    // demand; the rest is bought from producers not simulated (calibrate_fringe).
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
        base_budget_[m] = kappa * c.demand[m % sector_count] * c.gdp_usd * per_step_.years * cents_per_usd;
        spending[m / sector_count] += base_budget_[m];
    }
    // Opening household money: one step of their spending.
    for (std::size_t c = 0; c < spending.size(); ++c)
        ledger_.endow(Party::sector(c), floor_money(spending[c]));
    ledger_.commit();
}

void Model::calibrate_fringe() {
    // Producers the scenario does not simulate are one CES competitor per market
    // with weight W0 (growing with demand). Where simulated home producers
    // exist, W0 is set so that at step 0 they sell exactly their output:
    // W / (W + W0) = output / E. A market where they would need more than all
    // its demand gets W0 = 0 and shrinks them. A market with none gets the
    // competition per unit of demand of the others, (W + W0) / E averaged.
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
    auto agents = [this] { return orgs_.size(); };
    schedule_.add({"sense", "markets", 1, [markets] { return markets; },
                   [this](std::size_t b, std::size_t e) { sense(b, e); }});
    schedule_.add({"decide", "agents", agent_grain, agents,
                   [this](std::size_t b, std::size_t e) { decide(b, e); }});
    schedule_.add({"emit flows", "markets", 1, [markets] { return markets; },
                   [this](std::size_t b, std::size_t e) { emit_flows(b, e); }});
    schedule_.add({"settle", "agents", agent_grain, agents,
                   [this](std::size_t b, std::size_t e) { settle(b, e); }});
    schedule_.add({"transfer", "agents", agent_grain, agents,
                   [this](std::size_t b, std::size_t e) { transfer_between_organisations(b, e); }});
    schedule_.add({"learn", "agents", agent_grain, agents,
                   [this](std::size_t b, std::size_t e) { learn(b, e); }});
    schedule_.add({"record", "countries", 1, [countries] { return countries; },
                   [this](std::size_t b, std::size_t e) { record_countries(b, e); }});
}

void Model::step() {
    ++step_;
    ledger_.begin_step();
    if (step_ > 1) restructure();
    else {
        std::fill(births_.begin(), births_.end(), 0);
        std::fill(exits_.begin(), exits_.end(), 0);
        std::fill(investments_.begin(), investments_.end(), 0);
    }
    schedule_.run(executor_, ledger_);
    if (injection_.amount != 0) {
        ledger_.inject_unbalanced_for_test(injection_.party, injection_.amount);
        injection_ = {};
    }
    ledger_.check(step_, orgs_.id);
    record_.ledger_flows = ledger_.step_flow_totals();
    record_.flows = flow_tally_.collect();
    // What is recorded must add up to what the ledger moved: nothing lost.
    std::vector<Money> recorded(flow_count, 0);
    for (const kernel::TallyCell& c : record_.flows) recorded[FlowKey::unpack(c.key).flow] += c.value;
    for (std::size_t f = 0; f < flow_count; ++f)
        if (flow_info[f].money && recorded[f] != record_.ledger_flows[f])
            throw InvariantError("step " + std::to_string(step_) + ": recorded " + std::string(flow_info[f].name) +
                                 " flows of " + std::to_string(recorded[f]) + " cents differ from the ledger's " +
                                 std::to_string(record_.ledger_flows[f]));
}

std::pair<std::uint16_t, std::uint8_t> Model::end_of(Party p) const noexcept {
    if (p.kind == Party::Kind::agent)
        return {orgs_.home[p.index], static_cast<std::uint8_t>(orgs_.kind[p.index])};
    return {static_cast<std::uint16_t>(p.index), static_cast<std::uint8_t>(end_households)};
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

// ---- phases ---------------------------------------------------------------

void Model::sense(std::size_t begin, std::size_t end) {
    // Households' budget for each market this step.
    const double growth = std::pow(per_step_.growth, static_cast<double>(step_ - 1));
    for (std::size_t m = begin; m < end; ++m) {
        market_budget_[m] = floor_money(base_budget_[m] * growth);
        market_fringe_[m] = fringe_weight_[m] * growth;
    }
}

void Model::decide(std::size_t begin, std::size_t end) {
    const auto& e = scenario_.economy;
    const std::size_t n_countries = scenario_.world.size();
    for (std::size_t i = begin; i < end; ++i) {
        // Employment follows expected demand, with hiring and firing frictions;
        // a social mission slows lay-offs (SSEOs weigh home jobs, DOMAIN.md §1).
        const auto target = static_cast<std::int32_t>(std::max(1.0, std::ceil(orgs_.expected_labour[i] - 1e-9)));
        std::int32_t& l = orgs_.employees[i];
        if (target > l) {
            l += static_cast<std::int32_t>(std::ceil(per_step_.hiring * (target - l)));
        } else if (target < l) {
            const double rate = per_step_.firing * (1.0 - orgs_.mission[i] * e.mission_job_protection);
            l -= static_cast<std::int32_t>(std::ceil(rate * (l - target)));
        }
        orgs_.entering[i] = -1;

        Stream rng(scenario_.seed, scenario_.replicate, orgs_.id[i], step_, purpose_trade);
        const std::size_t home = orgs_.home[i];
        const double margin = 1.0 - 1.0 / orgs_.markup[i];
        // Leave export markets that lost money, once past the patience period.
        const bool independent = parent_slot_[i] < 0;
        const scenario::Population& strategy = scenario_.populations[orgs_.group[i]];
        const double fdi_chance = step_probability(strategy.fdi_propensity, per_step_.years);
        double best_gain = 0;
        std::uint32_t best_link = no_link;
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
            links_.invest[r] = 0;
            // drawn for every link, so later draws do not shift
            const double u_exit = rng.uniform();
            const double u_fdi = rng.uniform();
            if (links_.mode[r] != Mode::exports) continue;
            const double variable_profit = margin * static_cast<double>(links_.revenue[r]);
            const bool losing = variable_profit < static_cast<double>(links_.fixed_cost[r]);
            links_.leave[r] = losing && links_.experience[r] >= e.learning_time && u_exit < per_step_.exit;
            if (!independent || links_.leave[r] || links_.experience[r] < strategy.fdi_min_experience ||
                u_fdi >= fdi_chance)
                continue;
            const Subsidiary plan = plan_subsidiary(i, r);
            if (plan.gain > best_gain && static_cast<double>(ledger_.agent_balance(i)) >= plan.capital) {
                best_gain = plan.gain;
                best_link = r;
            }
        }
        if (best_link != no_link) links_.invest[best_link] = 1;
        // Prospect one foreign market a step (Melitz sorting: enter where the
        // expected variable profit covers the fixed cost; search friction).
        const double u_country = rng.uniform();
        const double u_enter = rng.uniform();
        if (n_countries < 2 || !independent) continue;
        std::size_t d = static_cast<std::size_t>(u_country * static_cast<double>(n_countries - 1));
        if (d >= home) ++d;
        bool served = false;
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) served |= links_.dest[r] == d;
        if (served) continue;
        const std::size_t m = d * sector_count + static_cast<std::size_t>(orgs_.sector[i]);
        const double x = e.initial_visibility * std::pow(orgs_.price[i] * trade_cost(home, d), 1.0 - e.elasticity);
        const double expected_revenue = money_to_usd(market_budget_[m]) * x / (market_index_[m] + x);
        if (margin * expected_revenue > export_fixed_cost_usd(home, d) * per_step_.years && u_enter < per_step_.entry)
            orgs_.entering[i] = static_cast<std::int32_t>(d);
    }
}

double Model::offer_weight(std::size_t market, std::uint32_t k) const {
    const auto& e = scenario_.economy;
    const std::size_t c = market / sector_count;
    const std::uint32_t i = offer_org_[k];
    const std::uint32_t r = offer_link_[k];
    // Uppsala learning: a newcomer abroad is seen less than an established seller.
    const double visibility =
        r == no_link ? 1.0 : 1.0 - (1.0 - e.initial_visibility) * std::exp(-links_.experience[r] / e.learning_time);
    return visibility * std::pow(orgs_.price[i] * trade_cost(orgs_.home[i], c), 1.0 - e.elasticity);
}

double Model::price_index(std::size_t market) const {
    double index = 0;
    for (std::uint32_t k = market_begin_[market]; k < market_begin_[market + 1]; ++k) index += offer_weight(market, k);
    return index;
}

void Model::emit_flows(std::size_t begin, std::size_t end) {
    // Households buy varieties with CES demand: each seller's share of the
    // sector budget is weight * (price * tau)^(1-sigma) / index (Dixit-Stiglitz).
    for (std::size_t m = begin; m < end; ++m) {
        const std::size_t c = m / sector_count;
        // Each weight costs a pow and an exp: compute it once, into this market's own slots.
        double index = market_fringe_[m];   // producers not simulated
        for (std::uint32_t k = market_begin_[m]; k < market_begin_[m + 1]; ++k) {
            offer_weight_[k] = offer_weight(m, k);
            index += offer_weight_[k];
        }
        market_index_[m] = index;
        const double budget = static_cast<double>(market_budget_[m]);
        for (std::uint32_t k = market_begin_[m]; k < market_begin_[m + 1]; ++k) {
            const Money sale = floor_money(budget * offer_weight_[k] / index);
            const std::uint32_t i = offer_org_[k];
            transfer(Party::sector(c), Party::agent(i), sale, flow_sales);
            if (offer_link_[k] == no_link)
                orgs_.revenue[i] = sale;   // home market; settle adds the foreign ones
            else
                links_.revenue[offer_link_[k]] = sale;
        }
    }
}

void Model::settle(std::size_t begin, std::size_t end) {
    const auto& e = scenario_.economy;
    const auto& countries = scenario_.world.countries;
    for (std::size_t i = begin; i < end; ++i) {
        const std::size_t home = orgs_.home[i];
        Money cash = ledger_.agent_balance(i);
        Money exports = 0, fixed = 0;
        bool short_of_cash = false;
        auto pay = [&](std::size_t account, Money due, Flow flow) {
            const Money paid = std::min(due, cash);
            short_of_cash |= paid < due;
            transfer(Party::agent(i), Party::sector(account), paid, flow);
            cash -= paid;
            return paid;
        };
        const Money wages = usd_to_money(countries[home].wage_usd * orgs_.employees[i] * per_step_.years);
        const Money wages_paid = pay(home, wages, flow_wages);
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
            if (links_.mode[r] != Mode::exports) continue;
            exports += links_.revenue[r];
            const Money due = usd_to_money(export_fixed_cost_usd(home, links_.dest[r]) * per_step_.years);
            links_.fixed_cost[r] = pay(links_.dest[r], due, flow_market_services);
            fixed += due;
        }
        // An affiliate's plant overhead is bought locally.
        pay(home, orgs_.overhead[i], flow_market_services);
        fixed += orgs_.overhead[i];
        const Money revenue = orgs_.revenue[i] + exports;
        const Money profit = revenue - wages - fixed;
        const Money buffer = floor_money(e.cash_buffer_years / per_step_.years * static_cast<double>(wages));
        Money owed = 0;
        if (parent_slot_[i] >= 0) {
            // A wholly owned affiliate repatriates its profit and any cash above its buffer.
            if (profit > 0) owed += std::min(profit, cash);
            if (cash - owed > buffer) owed += floor_money(per_step_.cash_release * static_cast<double>(cash - owed - buffer));
            cash -= owed;
        } else {
            if (profit > 0) pay(home, floor_money(orgs_.payout_rate[i] * static_cast<double>(profit)), flow_profit_payout);
            if (cash > buffer) pay(home, floor_money(per_step_.cash_release * static_cast<double>(cash - buffer)), flow_cash_release);
        }
        orgs_.owed_to_parent[i] = owed;
        orgs_.revenue[i] = revenue;
        orgs_.export_revenue[i] = exports;
        orgs_.wage_bill[i] = wages_paid;
        orgs_.profit[i] = profit;
        orgs_.insolvent[i] = short_of_cash;
    }
}

void Model::learn(std::size_t begin, std::size_t end) {
    const auto& countries = scenario_.world.countries;
    for (std::size_t i = begin; i < end; ++i) {
        // Labour the realised demand needed: revenue / (markup * wage), both per year.
        const double realised =
            money_to_usd(orgs_.revenue[i]) / per_step_.years / (orgs_.markup[i] * countries[orgs_.home[i]].wage_usd);
        double& expected = orgs_.expected_labour[i];
        expected = per_step_.expectation * realised + (1.0 - per_step_.expectation) * expected;
        if (!std::isfinite(expected))
            throw InvariantError("step " + std::to_string(step_) + ": organisation " + std::to_string(orgs_.id[i]) +
                                 ": expected_labour is not finite");
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) links_.experience[r] += per_step_.years;
        ++orgs_.age[i];
    }
}

void Model::record_countries(std::size_t begin, std::size_t end) {
    StepRecord& rec = record_;
    for (std::size_t c = begin; c < end; ++c) {
        for (std::size_t k = 0; k < org_kind_count; ++k) {
            const std::size_t a = rec.at(c, k);
            rec.organisations[a] = rec.employees[a] = rec.exporters[a] = rec.destinations[a] = 0;
            rec.subsidiaries[a] = rec.employees_abroad[a] = 0;
            rec.revenue[a] = rec.export_revenue[a] = rec.wage_bill[a] = rec.profit[a] = rec.cash[a] = 0;
            rec.births[a] = births_[a];
            rec.exits[a] = exits_[a];
            rec.investments[a] = investments_[a];
        }
        for (std::uint32_t h = home_begin_[c]; h < home_begin_[c + 1]; ++h) {
            const std::uint32_t i = home_orgs_[h];
            const std::size_t k = static_cast<std::size_t>(orgs_.kind[i]);
            const std::size_t a = rec.at(c, k);
            std::int64_t markets = 0;
            for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
                if (links_.mode[r] == Mode::exports) {
                    ++markets;
                } else {
                    ++rec.subsidiaries[a];
                    const std::int64_t affiliate = kernel::slot_of(orgs_.id, links_.affiliate[r]);
                    rec.employees_abroad[a] += orgs_.employees[static_cast<std::size_t>(affiliate)];
                }
            }
            ++rec.organisations[a];
            rec.employees[a] += orgs_.employees[i];
            rec.exporters[a] += markets > 0;
            rec.destinations[a] += markets;
            rec.revenue[a] += orgs_.revenue[i];
            rec.export_revenue[a] += orgs_.export_revenue[i];
            rec.wage_bill[a] += orgs_.wage_bill[i];
            rec.profit[a] += orgs_.profit[i];
            rec.cash[a] += ledger_.agent_balance(i);
        }
        rec.household_money[c] = ledger_.sector_balance(c);
    }
}

Model::Subsidiary Model::plan_subsidiary(std::size_t i, std::uint32_t r) const {
    // Proximity-concentration trade-off (Brainard 1997; Helpman, Melitz & Yeaple
    // 2004): producing in the destination saves the trade cost and uses the
    // parent's technology at the host's wages, for a larger fixed cost. Wages
    // mirror country productivity A_c = w_c / w_ref; the affiliate carries a share
    // kappa of the home level: z_aff = z (A_home / A_host)^kappa.
    const auto& e = scenario_.economy;
    const auto& countries = scenario_.world.countries;
    const std::size_t h = orgs_.home[i], d = links_.dest[r];
    const scenario::Population& strategy = scenario_.populations[orgs_.group[i]];
    Subsidiary s;
    s.productivity = orgs_.productivity[i] *
                     std::pow(countries[h].wage_usd / countries[d].wage_usd, e.technology_portability);
    const double mission = strategy.subsidiary_kind == OrgKind::for_profit ? 0.0 : orgs_.mission[i];
    s.markup = 1.0 + (sigma_markup_ - 1.0) * (1.0 - mission * e.mission_price_discount);
    const double export_revenue = static_cast<double>(links_.revenue[r]);
    // Same visibility, price without the trade cost: R_I = R_X ((p_I / (p_X tau)))^(1 - sigma).
    const double price_ratio = (s.markup / s.productivity) / (orgs_.markup[i] / orgs_.productivity[i] * trade_cost(h, d));
    s.revenue = export_revenue * std::pow(price_ratio, 1.0 - e.elasticity);
    s.employees = s.revenue / per_step_.years / cents_per_usd / (s.markup * countries[d].wage_usd);
    s.capital = strategy.initial_cash_years * countries[d].wage_usd * s.employees * cents_per_usd;
    s.overhead = fdi_fixed_cost_(static_cast<Eigen::Index>(h), static_cast<Eigen::Index>(d)) * per_step_.years * cents_per_usd;
    const double export_profit = (1.0 - 1.0 / orgs_.markup[i]) * export_revenue - static_cast<double>(links_.fixed_cost[r]);
    const double affiliate_profit = (1.0 - 1.0 / s.markup) * s.revenue - s.overhead;
    // Home jobs the exports employed are lost; a social mission counts them
    // (their wage bill is export revenue / markup).
    const double home_jobs = orgs_.mission[i] * e.mission_job_value * export_revenue / orgs_.markup[i];
    s.gain = affiliate_profit - export_profit - home_jobs;
    return s;
}

bool Model::found_affiliate(std::uint32_t parent, std::uint32_t r) {
    const Subsidiary plan = plan_subsidiary(parent, r);
    const Money capital = floor_money(plan.capital);
    if (capital > ledger_.agent_balance(parent)) return false;
    const scenario::Population& strategy = scenario_.populations[orgs_.group[parent]];
    const std::uint64_t id = next_id_++;
    orgs_.for_each_column([](auto& col) { col.emplace_back(); });
    const std::size_t slot = orgs_.size() - 1;
    orgs_.id[slot] = id;
    orgs_.group[slot] = orgs_.group[parent];
    orgs_.parent[slot] = orgs_.id[parent];
    orgs_.home[slot] = links_.dest[r];
    orgs_.kind[slot] = strategy.subsidiary_kind;
    orgs_.sector[slot] = orgs_.sector[parent];
    orgs_.productivity[slot] = plan.productivity;
    orgs_.mission[slot] = strategy.subsidiary_kind == OrgKind::for_profit ? 0.0 : orgs_.mission[parent];
    orgs_.payout_rate[slot] = 1.0;   // a wholly owned affiliate repatriates its profit
    orgs_.employees[slot] = static_cast<std::int32_t>(std::max(1.0, std::min(std::round(plan.employees), 1e9)));
    orgs_.markup[slot] = plan.markup;
    orgs_.price[slot] = plan.markup * reference_wage_ / plan.productivity;
    orgs_.expected_labour[slot] = plan.employees;
    orgs_.overhead[slot] = floor_money(plan.overhead);
    orgs_.entering[slot] = -1;
    ledger_.append_agents(1);
    transfer(Party::agent(parent), Party::agent(slot), capital, flow_fdi);
    links_.mode[r] = Mode::subsidiary;
    links_.affiliate[r] = id;
    links_.revenue[r] = 0;
    links_.fixed_cost[r] = 0;
    return true;
}

void Model::transfer_between_organisations(std::size_t begin, std::size_t end) {
    // Payments between organisations have a phase of their own: each payer set
    // its dues aside in `settle`, and nobody reads a balance here, so what any
    // organisation decided never depends on when another one was paid.
    for (std::size_t i = begin; i < end; ++i)
        if (orgs_.owed_to_parent[i] > 0)
            transfer(Party::agent(i), Party::agent(static_cast<std::size_t>(parent_slot_[i])), orgs_.owed_to_parent[i],
                     flow_dividends);
}

// ---- between steps --------------------------------------------------------

void Model::restructure() {
    std::fill(births_.begin(), births_.end(), 0);
    std::fill(exits_.begin(), exits_.end(), 0);

    // 1. Exits in id order: an organisation that could not pay what it owed is
    //    liquidated; what cash it has left goes to its home households.
    std::vector<std::uint32_t> kept;
    kept.reserve(orgs_.size());
    std::vector<std::uint32_t> new_slot(orgs_.size(), no_link);
    for (std::uint32_t i = 0; i < orgs_.size(); ++i) {
        if (orgs_.insolvent[i]) {
            transfer(Party::agent(i), Party::sector(orgs_.home[i]), ledger_.agent_balance(i), flow_liquidation);
            ++exits_[orgs_.home[i] * org_kind_count + static_cast<std::size_t>(orgs_.kind[i])];
        } else {
            new_slot[i] = static_cast<std::uint32_t>(kept.size());
            kept.push_back(i);
        }
    }
    ledger_.commit();
    // 2. Foreign presences: drop the markets left, those of exited organisations
    //    and subsidiaries whose affiliate exited; add the markets entered; rows
    //    stay sorted by (organisation, destination).
    Links next;
    auto copy_row = [&](std::uint32_t r, std::uint32_t org) {
        next.org.push_back(org);
        next.dest.push_back(links_.dest[r]);
        next.mode.push_back(links_.mode[r]);
        next.experience.push_back(links_.experience[r]);
        next.affiliate.push_back(links_.affiliate[r]);
        next.revenue.push_back(links_.revenue[r]);
        next.fixed_cost.push_back(links_.fixed_cost[r]);
        next.leave.push_back(0);
        next.invest.push_back(links_.invest[r]);
    };
    auto new_row = [&](std::uint32_t org, std::uint16_t dest) {
        next.for_each_column([](auto& col) { col.emplace_back(); });
        next.org.back() = org;
        next.dest.back() = dest;
        next.mode.back() = Mode::exports;
        next.affiliate.back() = no_parent;
    };
    auto affiliate_alive = [&](std::uint32_t r) {
        const std::int64_t a = kernel::slot_of(orgs_.id, links_.affiliate[r]);
        return a >= 0 && new_slot[static_cast<std::size_t>(a)] != no_link;
    };
    for (std::uint32_t i : kept) {
        const std::int32_t entering = orgs_.entering[i];
        bool inserted = entering < 0;
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
            if (!inserted && links_.dest[r] > entering) {
                new_row(new_slot[i], static_cast<std::uint16_t>(entering));
                inserted = true;
            }
            const bool keep = links_.mode[r] == Mode::exports ? !links_.leave[r] : affiliate_alive(r);
            if (keep) copy_row(r, new_slot[i]);
        }
        if (!inserted) new_row(new_slot[i], static_cast<std::uint16_t>(entering));
    }
    links_ = std::move(next);
    ledger_.compact_agents(kept, orgs_.id);
    orgs_.for_each_column([&](auto& col) { kernel::compact_column(col, kept); });

    // 3. Subsidiaries decided this step, in (parent, destination) order: the
    //    parent pays the affiliate's founding capital (outward FDI) and stops
    //    exporting there.
    std::fill(investments_.begin(), investments_.end(), 0);
    for (std::uint32_t r = 0; r < links_.size(); ++r) {
        if (!links_.invest[r]) continue;
        links_.invest[r] = 0;
        const std::uint32_t parent = links_.org[r];
        if (found_affiliate(parent, r))
            ++investments_[orgs_.home[parent] * org_kind_count + static_cast<std::size_t>(orgs_.kind[parent])];
    }

    // 4. Births: each population group founds Poisson(birth_rate * count) new
    //    organisations, funded by its home households.
    for (std::uint32_t g = 0; g < scenario_.populations.size(); ++g) {
        const scenario::Population& p = scenario_.populations[g];
        const double mean = p.birth_rate * static_cast<double>(p.count) * per_step_.years;
        if (mean <= 0) continue;
        Stream rng(scenario_.seed, scenario_.replicate, group_id_space | g, step_, purpose_births);
        boost::random::poisson_distribution<std::int64_t, double> births(mean);
        const std::int64_t k = births(rng);
        for (std::int64_t j = 0; j < k; ++j) found(g, false);
        births_[static_cast<std::size_t>(p.country) * org_kind_count + static_cast<std::size_t>(p.kind)] += k;
    }
    rebuild_indices();
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
        if (links_.mode[r] == Mode::exports) ++market_begin_[market_of(links_.dest[r], orgs_.sector[links_.org[r]]) + 1];
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
            if (links_.mode[r] != Mode::exports) continue;
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
    // parents
    parent_slot_.resize(n_orgs);
    for (std::size_t i = 0; i < n_orgs; ++i)
        parent_slot_[i] = orgs_.parent[i] == no_parent ? -1 : kernel::slot_of(orgs_.id, orgs_.parent[i]);
    // record arrays
    StepRecord& rec = record_;
    rec.countries = n_countries;
    const std::size_t ck = n_countries * org_kind_count;
    for (auto* v : {&rec.organisations, &rec.employees, &rec.exporters, &rec.destinations, &rec.births, &rec.exits,
                    &rec.subsidiaries, &rec.employees_abroad, &rec.investments})
        v->assign(ck, 0);
    for (auto* v : {&rec.revenue, &rec.export_revenue, &rec.wage_bill, &rec.profit, &rec.cash}) v->assign(ck, 0);
    rec.household_money.assign(n_countries, 0);
}

}  // namespace ssesim::model
