// Structural update between steps: foundings, affiliates, exits (ODD §7.10).
#include "model_internal.hpp"

#include "ssesim/kernel/agent_ids.hpp"

#include <boost/random/poisson_distribution.hpp>

#include <algorithm>
#include <cmath>
#include <functional>

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
    orgs_.technology[slot] = p.technology;
    orgs_.management[slot] = p.management;
    orgs_.brand[slot] = p.brand;
    orgs_.participation[slot] = orgs_.participation_base[slot] = p.participation;
    // Unit labour cost in reference wages: wages across countries mirror
    // productivity (Ricardo), so competitiveness comes from the firm's own draw
    // and its technology.
    orgs_.price[slot] = markup * reference_wage_ / effective_productivity(slot);
    orgs_.expected_labour[slot] = employees;
    orgs_.entering[slot] = -1;
    orgs_.contact[slot] = -1;
    orgs_.visit[slot] = -1;
    orgs_.loan_policy[slot] = -1;
    orgs_.borrow_dest[slot] = -1;
    ledger_.append_agents(1);
    if (opening)
        ledger_.endow(Party::agent(slot), capital);
    else
        transfer(Party::sector(home_account), Party::agent(slot), capital, flow_founding_capital);
}

std::size_t Model::add_affiliate(std::uint32_t parent, std::size_t dest, Mode mode, OrgKind kind, const Subsidiary& plan) {
    const bool owned = mode == Mode::subsidiary || mode == Mode::offshore;
    const scenario::Population& strategy = scenario_.populations[orgs_.group[parent]];
    const std::uint64_t id = next_id_++;
    orgs_.for_each_column([](auto& col) { col.emplace_back(); });
    const std::size_t slot = orgs_.size() - 1;
    orgs_.id[slot] = id;
    orgs_.group[slot] = orgs_.group[parent];
    orgs_.parent[slot] = orgs_.id[parent];
    orgs_.relation[slot] = owned ? Relation::owned : mode == Mode::licence ? Relation::licensee : Relation::member;
    orgs_.fee_rate[slot] = mode == Mode::licence ? strategy.licence_fee : mode == Mode::node ? strategy.federation_fee : 0.0;
    orgs_.home[slot] = static_cast<std::uint16_t>(dest);
    orgs_.kind[slot] = kind;
    orgs_.sector[slot] = orgs_.sector[parent];
    orgs_.productivity[slot] = plan.productivity;
    orgs_.mission[slot] = kind == OrgKind::for_profit ? 0.0 : orgs_.mission[parent];
    orgs_.payout_rate[slot] = owned ? 1.0 : orgs_.payout_rate[parent];
    orgs_.employees[slot] = static_cast<std::int32_t>(std::max(1.0, std::min(std::round(plan.employees), 1e9)));
    orgs_.markup[slot] = plan.markup;
    orgs_.technology[slot] = plan.technology;
    orgs_.management[slot] = plan.management;
    orgs_.brand[slot] = plan.brand;
    // An affiliate has its founder's governance unless it is a firm (no member democracy).
    orgs_.participation[slot] = orgs_.participation_base[slot] = kind == OrgKind::for_profit ? 0.0 : strategy.participation;
    orgs_.price[slot] = plan.markup * reference_wage_ / effective_productivity(slot);
    orgs_.expected_labour[slot] = plan.employees;
    orgs_.overhead[slot] = floor_money(plan.overhead);
    orgs_.entering[slot] = -1;
    orgs_.contact[slot] = -1;
    orgs_.visit[slot] = -1;
    orgs_.loan_policy[slot] = -1;
    orgs_.borrow_dest[slot] = -1;
    orgs_.entering_partner[slot] = no_parent;
    ledger_.append_agents(1);
    // What it started with came from its parent: record it as transferred.
    record_intangible(parent, slot, flow_technology, plan.technology);
    record_intangible(parent, slot, flow_management, plan.management);
    record_intangible(parent, slot, flow_brand, plan.brand);
    return slot;
}

bool Model::found_affiliate(std::uint32_t parent, std::uint32_t r) {
    const Mode mode = links_.mode[r];
    const std::size_t dest = links_.dest[r];
    const bool owned = mode == Mode::subsidiary || mode == Mode::offshore;
    const Subsidiary plan = mode == Mode::subsidiary ? plan_subsidiary(parent, r)
                            : mode == Mode::offshore ? plan_offshore(parent, dest)
                                                     : plan_partner(parent, dest, mode);
    const Money capital = floor_money(plan.capital);
    // A subsidiary or an offshore affiliate is paid for by its parent (outward
    // FDI), in the share it owns, and by host households (local co-investors)
    // for the rest; a licensee or a federation node by local founders.
    const scenario::Population& strategy = scenario_.populations[orgs_.group[parent]];
    const Money parent_part = owned ? floor_money(strategy.ownership_share * static_cast<double>(capital)) : 0;
    if (owned && parent_part > ledger_.agent_balance(parent)) return false;
    const OrgKind kind = owned                   ? strategy.subsidiary_kind
                         : mode == Mode::licence ? strategy.licensee_kind
                                                 : strategy.node_kind;
    const std::size_t slot = add_affiliate(parent, dest, mode, kind, plan);
    transfer(Party::agent(parent), Party::agent(slot), parent_part, flow_fdi);
    transfer(Party::sector(dest), Party::agent(slot), capital - parent_part, flow_founding_capital);
    if (owned) orgs_.outside_equity[slot] = 1.0 - strategy.ownership_share;
    links_.affiliate[r] = orgs_.id[slot];
    links_.revenue[r] = 0;
    links_.fixed_cost[r] = 0;
    return true;
}

void Model::restructure() {
    std::fill(births_.begin(), births_.end(), 0);
    std::fill(exits_.begin(), exits_.end(), 0);
    std::fill(written_off_.begin(), written_off_.end(), 0);
    const auto& e = scenario_.economy;

    // 1. Exits in id order: an organisation that could not pay what it owed is
    //    liquidated; what cash it has left goes to its home households.
    // (the scratch vectors keep their capacity from step to step: no fresh pages)
    std::vector<std::uint32_t>& kept = kept_scratch_;
    kept.clear();
    std::vector<std::uint32_t>& new_slot = new_slot_scratch_;
    new_slot.assign(orgs_.size(), no_link);
    for (std::uint32_t i = 0; i < orgs_.size(); ++i) {
        if (orgs_.insolvent[i]) {
            transfer(Party::agent(i), Party::sector(orgs_.home[i]), ledger_.agent_balance(i), flow_liquidation);
            if (orgs_.loan[i] > 0) written_off_[static_cast<std::size_t>(orgs_.loan_policy[i])] += orgs_.loan[i];
            ++exits_[orgs_.home[i] * org_kind_count + static_cast<std::size_t>(orgs_.kind[i])];
        } else {
            new_slot[i] = static_cast<std::uint32_t>(kept.size());
            kept.push_back(i);
        }
    }
    ledger_.commit();

    // 2. Foreign presences, kept sorted by (organisation, destination): export
    //    markets left are dropped, and presences whose affiliate exited; ties
    //    without commitment that have faded are dropped; the move decided this
    //    step is added (or turns a contact into a commitment); an unplanned
    //    opportunity adds ties in its country.
    //    Chunks of organisations build their rows side by side, each into a buffer
    //    of its own; the buffers are then written out in chunk order: the rows and
    //    their order are those of one pass over the organisations.
    constexpr std::size_t chunk = 4096;
    const std::size_t chunks = (kept.size() + chunk - 1) / chunk;
    if (link_rows_.size() < chunks) link_rows_.resize(chunks);
    auto alive = [&](std::uint64_t id) {
        const std::int64_t a = kernel::slot_of(orgs_.id, id);
        return a >= 0 && new_slot[static_cast<std::size_t>(a)] != no_link;
    };
    executor_.for_range(chunks, 1, [&](std::size_t first, std::size_t last) {
        std::vector<LinkRow> rows;   // one organisation's
        for (std::size_t c = first; c < last; ++c) {
            std::vector<LinkRow>& out = link_rows_[c];
            out.clear();
            for (std::size_t k = c * chunk; k < std::min(kept.size(), (c + 1) * chunk); ++k) {
                const std::uint32_t i = kept[k];
                const auto slot = static_cast<std::uint32_t>(k);
                rows.clear();
                bool stakes = false;   // suppliers hold stakes in it
                for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
                    stakes |= links_.stake[r] > 0;
                    const Mode m = links_.mode[r];
                    // (credit outstanding with a supplier that exited is lost with it)
                    const bool keep = m == Mode::exports   ? !links_.leave[r]
                                      : m == Mode::contact ? links_.ties[r] >= 0.01
                                      : links_.affiliate[r] != no_parent ? alive(links_.affiliate[r])
                                                                         : true;
                    if (keep)
                        rows.push_back({slot, links_.dest[r], m, links_.invest[r], links_.experience[r], links_.ties[r], links_.affiliate[r],
                                        links_.revenue[r], links_.fixed_cost[r], links_.credit[r], links_.stake[r]});
                }
                // The stake of a holder that exited is cancelled with its link (ODD §7.10): what
                // others hold is the sum of the stakes kept. (Only this organisation's slot is written.)
                if (stakes) {
                    double held = 0;
                    for (const LinkRow& row : rows) held += row.stake;
                    orgs_.outside_equity[i] = held;
                }
                auto row_for = [&](std::int32_t dest) -> LinkRow& {
                    for (LinkRow& row : rows)
                        if (row.dest == dest) return row;
                    rows.push_back({slot, static_cast<std::uint16_t>(dest), Mode::contact, 0, 0.0, 0.0, no_parent, 0, 0, 0, 0.0});
                    return rows.back();
                };
                // (an alliance whose chosen ally has just exited is not made)
                if (orgs_.entering[i] >= 0 && (orgs_.entering_mode[i] != Mode::alliance || alive(orgs_.entering_partner[i]))) {
                    LinkRow& row = row_for(orgs_.entering[i]);
                    if (row.mode == Mode::contact) {
                        row.mode = orgs_.entering_mode[i];
                        row.experience = 0.0;
                        if (row.mode == Mode::sourcing || row.mode == Mode::alliance) row.affiliate = orgs_.entering_partner[i];
                        // an ally brings its insidership of its home market (ties 1, as §7.13
                        // counts an organisation based in a country; Johanson & Vahlne 2009)
                        if (row.mode == Mode::alliance) row.ties = 1.0;
                    }
                }
                // an unplanned opportunity, and a trade mission joined, add ties where they were
                for (const std::int32_t there : {orgs_.contact[i], orgs_.visit[i]}) {
                    if (there < 0) continue;
                    LinkRow& row = row_for(there);
                    row.ties = std::min(1.0, row.ties + e.opportunity_ties);
                }
                std::sort(rows.begin(), rows.end(), [](const LinkRow& a, const LinkRow& b) { return a.dest < b.dest; });
                out.insert(out.end(), rows.begin(), rows.end());
            }
        }
    });
    std::vector<std::size_t> offset(chunks + 1, 0);
    for (std::size_t c = 0; c < chunks; ++c) offset[c + 1] = offset[c] + link_rows_[c].size();
    Links& next = links_scratch_;
    next.for_each_column([&](auto& column) { column.resize(offset[chunks]); });
    executor_.for_range(chunks, 1, [&](std::size_t first, std::size_t last) {
        for (std::size_t c = first; c < last; ++c)
            for (std::size_t j = 0, r = offset[c]; j < link_rows_[c].size(); ++j, ++r) {
                const LinkRow& row = link_rows_[c][j];
                next.org[r] = row.org;
                next.dest[r] = row.dest;
                next.mode[r] = row.mode;
                next.experience[r] = row.experience;
                next.ties[r] = row.ties;
                next.affiliate[r] = row.affiliate;
                next.purchase[r] = next.advance[r] = next.repay[r] = 0;
                next.credit[r] = row.credit;
                next.interest[r] = next.stake_offer[r] = next.stake_dividend[r] = 0;
                next.stake[r] = row.stake;
                next.revenue[r] = row.revenue;
                next.fixed_cost[r] = row.fixed_cost;
                next.tender[r] = 0;
                next.leave[r] = 0;
                next.invest[r] = row.invest;
            }
    });
    std::swap(links_, next);
    ledger_.compact_agents(kept, orgs_.id);
    // Each column is compacted on its own, so the columns go to the threads side by side.
    std::vector<std::function<void()>> compactions;
    orgs_.for_each_column([&](auto& col) { compactions.emplace_back([&col, &kept] { kernel::compact_column(col, kept); }); });
    executor_.for_range(compactions.size(), 1, [&](std::size_t first, std::size_t last) {
        for (std::size_t c = first; c < last; ++c) compactions[c]();
    });

    // 3. Organisations founded abroad, in (parent, destination) order: the
    //    subsidiaries decided this step (the parent pays, and stops exporting
    //    there), the licensees, federation nodes and offshore affiliates of the
    //    moves just made.
    std::fill(investments_.begin(), investments_.end(), 0);
    std::fill(founded_abroad_.begin(), founded_abroad_.end(), 0);
    for (std::uint32_t r = 0; r < links_.size(); ++r) {
        const bool invest = links_.invest[r] != 0;
        links_.invest[r] = 0;
        const bool partner = founds_partner(links_.mode[r]) && links_.mode[r] != Mode::subsidiary && links_.affiliate[r] == no_parent;
        if (!invest && !partner) continue;
        const std::uint32_t parent = links_.org[r];
        if (invest) links_.mode[r] = Mode::subsidiary;
        const Mode planned = links_.mode[r];
        if (!found_affiliate(parent, r)) {
            // could not pay: an investor goes on exporting; an offshoring plan is dropped
            links_.mode[r] = invest ? Mode::exports : Mode::contact;
            continue;
        }
        const std::size_t a = orgs_.home[parent] * org_kind_count + static_cast<std::size_t>(orgs_.kind[parent]);
        ++founded_abroad_[a];
        if (planned == Mode::subsidiary || planned == Mode::offshore) ++investments_[a];
    }

    // 4. Organisations founded under a policy instrument (model_adoption).
    found_adopters();

    // 5. Births: each population group founds Poisson(birth_rate * N_g) new
    //    organisations, funded by its home households, N_g its current number of
    //    organisations founded as its own members: those of the group based in its
    //    country (its affiliates, licensees and nodes are abroad), counted after the
    //    exits and before any birth of this update.
    std::vector<std::int64_t>& members = group_size_scratch_;
    members.assign(scenario_.populations.size(), 0);
    for (std::size_t i = 0; i < orgs_.size(); ++i) {
        const scenario::Population& p = scenario_.populations[orgs_.group[i]];
        if (orgs_.home[i] == p.country && orgs_.relation[i] != Relation::owned && orgs_.relation[i] != Relation::licensee)
            ++members[orgs_.group[i]];
    }
    for (std::uint32_t g = 0; g < scenario_.populations.size(); ++g) {
        const scenario::Population& p = scenario_.populations[g];
        const double mean = p.birth_rate * static_cast<double>(members[g]) * per_step_.years;
        if (mean <= 0) continue;
        Stream rng(scenario_.seed, scenario_.replicate, group_id_space | g, step_, purpose_births);
        boost::random::poisson_distribution<std::int64_t, double> births(mean);
        const std::int64_t k = births(rng);
        for (std::int64_t j = 0; j < k; ++j) found(g, false);
        births_[static_cast<std::size_t>(p.country) * org_kind_count + static_cast<std::size_t>(p.kind)] += k;
    }
    // Balances read in the first phase (a policy fund's) include what this update paid.
    ledger_.commit();
    rebuild_indices();
}

}  // namespace ssesim::model
