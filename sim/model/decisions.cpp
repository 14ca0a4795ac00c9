// Decisions of organisations: employment, foreign markets, modes (ODD §7.4-7.6).
#include "model_internal.hpp"

#include "ssesim/kernel/rng.hpp"

#include <algorithm>
#include <cmath>

namespace ssesim::model {

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

}  // namespace ssesim::model
