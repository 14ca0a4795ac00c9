// Settlement: payments due, payments between organisations, learning (ODD §7.8-7.9).
#include "model_internal.hpp"

#include "ssesim/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace ssesim::model {

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

void Model::transfer_between_organisations(std::size_t begin, std::size_t end) {
    // Payments between organisations have a phase of their own: each payer set
    // its dues aside in `settle`, and nobody reads a balance here, so what any
    // organisation decided never depends on when another one was paid.
    for (std::size_t i = begin; i < end; ++i)
        if (orgs_.owed_to_parent[i] > 0)
            transfer(Party::agent(i), Party::agent(static_cast<std::size_t>(parent_slot_[i])), orgs_.owed_to_parent[i],
                     flow_dividends);
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

}  // namespace ssesim::model
