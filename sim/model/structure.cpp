// Structural update between steps: foundings, affiliates, exits (ODD §7.10).
#include "model_internal.hpp"

#include "ssesim/kernel/agent_ids.hpp"

#include <boost/random/poisson_distribution.hpp>

#include <algorithm>
#include <cmath>

namespace ssesim::model {

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

}  // namespace ssesim::model
