// Decisions of organisations (ODD §7.4-7.6): employment; and the SILK flow
// chart for going abroad: introspection (why look abroad now), prospection
// (where), operationalisation (how: which mode), with Uppsala dynamics and the
// Helpman-Melitz-Yeaple sorting of export against FDI.
#include "model_internal.hpp"

#include <algorithm>
#include <cmath>

namespace ssesim::model {
namespace {
constexpr std::uint32_t bit(Mode m) { return 1u << static_cast<unsigned>(m); }
bool committed(Mode m) { return m != Mode::contact; }
}  // namespace

void Model::decide(std::size_t begin, std::size_t end) {
    const auto& e = scenario_.economy;
    const auto& countries = scenario_.world.countries;
    const std::size_t n_countries = countries.size();
    std::vector<double> weight(n_countries);
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
        orgs_.contact[i] = -1;
        orgs_.visit[i] = -1;                                     // joined in `policies`, after this phase
        orgs_.borrow[i] = 0;                                     // lent in `policies` (patient capital)
        orgs_.borrow_dest[i] = -1;
        orgs_.tender_revenue[i] = orgs_.tender_abroad[i] = 0;   // won in `tenders`, after this phase
        // The delivered price of its inputs, from its suppliers' prices of the last step.
        double input_price = 0;
        int suppliers = 0;
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
            if (!supplies_inputs(links_.mode[r]) || partner_slot_[r] < 0) continue;
            input_price += delivered_input_price(i, links_.dest[r], static_cast<std::size_t>(partner_slot_[r]), links_.mode[r]);
            ++suppliers;
        }
        orgs_.input_price[i] = suppliers > 0 ? input_price / suppliers : 0.0;

        // The draws of an organisation come in a fixed order, each drawn whether
        // or not it is used: within a step no outcome shifts another's numbers
        // (the positions of the later draws depend on its number of presences).
        Stream rng(scenario_.seed, scenario_.replicate, orgs_.id[i], step_, purpose_trade);
        const std::size_t home = orgs_.home[i];
        const double margin = 1.0 - 1.0 / orgs_.markup[i];
        // Only organisations founded at home decide moves abroad: an affiliate,
        // licensee or node does not, even once its founder has exited.
        const bool independent = orgs_.parent[i] == no_parent;
        const scenario::Population& strategy = scenario_.populations[orgs_.group[i]];
        const double fdi_chance = fdi_chance_[orgs_.group[i]];

        // Uppsala: markets that lose money are left after the patience period;
        // experience in a market raises commitment to a subsidiary where the
        // proximity-concentration trade-off favours it (HMY 2004).
        // Cash, and the credit a patient-capital fund in force would lend for a move
        // (one loan at a time, for one move a step).
        const Money cash = ledger_.agent_balance(i);
        auto credit = [&](std::size_t d) { return orgs_.loan[i] > 0 || orgs_.borrow[i] > 0 ? Money{0} : credit_line(home, orgs_.kind[i], d); };
        auto ask = [&](std::size_t d, double needed) {
            if (needed <= static_cast<double>(cash)) return;
            orgs_.borrow[i] = static_cast<Money>(std::ceil(needed)) - cash;
            orgs_.borrow_dest[i] = static_cast<std::int32_t>(d);
        };
        double best_gain = 0, best_capital = 0, ties = 0;
        std::uint32_t best_link = no_link;
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
            links_.invest[r] = 0;
            links_.leave[r] = 0;
            links_.tender[r] = 0;   // won in `tenders`, after this phase
            const double u_exit = rng.uniform();
            const double u_fdi = rng.uniform();
            ties += links_.ties[r];
            if (links_.mode[r] == Mode::alliance) {
                // An alliance is left as an export market is, on its own share of the
                // market's variable profit and fixed cost (ODD §7.5.6).
                const double own_profit = (1.0 - strategy.alliance_share) * margin * static_cast<double>(links_.revenue[r]);
                const bool losing = own_profit < static_cast<double>(links_.fixed_cost[r]);
                links_.leave[r] = losing && links_.experience[r] >= e.learning_time && u_exit < per_step_.exit;
                continue;
            }
            if (links_.mode[r] != Mode::exports) continue;
            const double variable_profit = margin * static_cast<double>(links_.revenue[r]);
            const bool losing = variable_profit < static_cast<double>(links_.fixed_cost[r]);
            links_.leave[r] = losing && links_.experience[r] >= e.learning_time && u_exit < per_step_.exit;
            if (!independent || !(strategy.modes & bit(Mode::subsidiary)) || links_.leave[r] ||
                links_.experience[r] < strategy.fdi_min_experience || u_fdi >= fdi_chance)
                continue;
            const Subsidiary plan = plan_subsidiary(i, r);
            // it pays its own share of the capital (host co-investors the rest)
            const double own_capital = strategy.ownership_share * plan.capital;
            if (plan.gain > best_gain && static_cast<double>(cash + credit(links_.dest[r])) >= own_capital) {
                best_gain = plan.gain;
                best_capital = own_capital;
                best_link = r;
            }
        }
        if (best_link != no_link) {
            links_.invest[best_link] = 1;
            ask(links_.dest[best_link], best_capital);
        }

        // Unplanned opportunities (invitations, events, missions) arrive at random
        // and leave ties in their country, whatever the organisation was planning.
        const double u_opportunity = rng.uniform();
        const double u_opportunity_country = rng.uniform();
        // Introspection: the drive to look abroad, raised by idle capacity at home
        // (a saturated home market) and by the ties the organisation already has.
        const double u_search = rng.uniform();
        const double u_country = rng.uniform();
        const double u_partner = rng.uniform();
        if (n_countries < 2 || !independent) continue;
        if (u_opportunity < per_step_.opportunity) {
            std::size_t d = static_cast<std::size_t>(u_opportunity_country * static_cast<double>(n_countries - 1));
            orgs_.contact[i] = static_cast<std::int32_t>(d >= home ? d + 1 : d);
        }
        const double idle = std::max(0.0, 1.0 - orgs_.expected_labour[i] / static_cast<double>(l));
        const double drive = strategy.outward_drive * (1.0 + idle + ties);
        if (u_search >= 1.0 - std::exp(-drive * per_step_.years)) continue;

        // Prospection: where. Countries not yet committed to, weighted by market
        // size, psychic distance (Johanson & Vahlne 1977), ties (network
        // insidership, 2009) and, for a mission, the host's SSE maturity (SILK:
        // countries sharing values).
        const std::size_t s = static_cast<std::size_t>(orgs_.sector[i]);
        double total = 0;
        // (size and closeness are the same for every organisation of a home and
        // sector: prospect_size_ is set in `sense`, prospect_closeness_ once)
        for (std::size_t d = 0; d < n_countries; ++d) {
            if (d == home) {
                weight[d] = 0.0;
                continue;
            }
            weight[d] = prospect_size_[d * sector_count + s] * prospect_closeness_(static_cast<Eigen::Index>(home), static_cast<Eigen::Index>(d)) *
                        (1.0 + strategy.value_alignment * orgs_.mission[i] * countries[d].sse_maturity);
        }
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {   // one link per destination
            double& w = weight[links_.dest[r]];
            w = committed(links_.mode[r]) ? 0.0 : w * (1.0 + links_.ties[r]);
        }
        for (std::size_t d = 0; d < n_countries; ++d) total += weight[d];
        if (total <= 0) continue;
        std::size_t d = 0;
        for (double acc = weight[0], target_w = u_country * total; acc <= target_w && d + 1 < n_countries;)
            acc += weight[++d];
        if (weight[d] <= 0) continue;

        // Operationalisation: how. The best of the strategy's modes by the
        // organisation's objective, if positive and affordable; the partners a
        // move needs are found with partner_probability.
        Move best;
        Mode best_mode = Mode::exports;
        for (Mode m : {Mode::exports, Mode::licence, Mode::node, Mode::open_transfer, Mode::sourcing, Mode::offshore, Mode::alliance}) {
            if (!(strategy.modes & bit(m))) continue;
            const Move move = evaluate_move(i, d, m);
            if (move.utility > best.utility && static_cast<double>(cash + credit(d)) >= move.cash_needed) {
                best = move;
                best_mode = m;
            }
        }
        if (best.utility > 0 && u_partner < e.partner_probability) {
            orgs_.entering[i] = static_cast<std::int32_t>(d);
            orgs_.entering_mode[i] = best_mode;
            orgs_.entering_partner[i] = best_mode == Mode::sourcing   ? orgs_.id[static_cast<std::size_t>(best_supplier(i, d))]
                                        : best_mode == Mode::alliance ? orgs_.id[static_cast<std::size_t>(best_ally(i, d))]
                                                                      : no_parent;
            ask(d, best.cash_needed);
        }
    }
}

Model::Move Model::evaluate_move(std::size_t i, std::size_t d, Mode mode) const {
    // Everything in cents per step. Profit counts for (1 - 0) of every
    // organisation; a mission adds the value of the jobs a move keeps at home or
    // creates abroad (SSEOs weigh jobs and impact, DOMAIN.md §1).
    const auto& e = scenario_.economy;
    const auto& countries = scenario_.world.countries;
    const std::size_t home = orgs_.home[i];
    const scenario::Population& strategy = scenario_.populations[orgs_.group[i]];
    const double mission = orgs_.mission[i];
    const double support = e.support_cost * countries[home].wage_usd * per_step_.years * cents_per_usd;
    // the share of it a policy in force reimburses (development_grant)
    const double support_borne = support * (1.0 - reimbursed_share(true, home, orgs_.kind[i], d));
    double ties = 0;
    for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r)
        if (links_.dest[r] == d) ties = links_.ties[r];
    Move move;
    switch (mode) {
        case Mode::exports: {
            // Melitz (2003): enter where the expected variable profit covers the fixed cost.
            const std::size_t m = d * sector_count + static_cast<std::size_t>(orgs_.sector[i]);
            const double x = e.initial_visibility * (1.0 + e.brand_effect * orgs_.brand[i]) *
                             std::pow(orgs_.price[i] * trade_cost(home, d), 1.0 - e.elasticity);
            const double revenue = static_cast<double>(market_budget_[m]) * x / (market_index_[m] + x);
            const double fixed = export_fixed_cost_cents(i, d, ties);
            // a policy in force may reimburse a share of it (export_service)
            const double borne = fixed * (1.0 - reimbursed_share(false, home, orgs_.kind[i], d));
            move.utility = (1.0 - 1.0 / orgs_.markup[i]) * revenue - borne +
                           mission * e.mission_job_value * revenue / orgs_.markup[i];
            move.cash_needed = fixed / per_step_.years;   // a year of the market's fixed cost
            break;
        }
        case Mode::licence:
        case Mode::node: {
            const Subsidiary partner = plan_partner(i, d, mode);
            const double fee = mode == Mode::licence ? strategy.licence_fee : strategy.federation_fee;
            const OrgKind kind = mode == Mode::licence ? strategy.licensee_kind : strategy.node_kind;
            // A co-operative abroad needs a co-operative law that fits (SILK: legal differences).
            const bool coop = kind == OrgKind::worker_coop || kind == OrgKind::producer_coop;
            const double legal = coop ? legal_compat(home, d) : 1.0;
            const double jobs_value = e.mission_impact_value * countries[d].wage_usd * per_step_.years * cents_per_usd * partner.employees;
            move.utility = legal * (fee * partner.revenue + mission * jobs_value) - support_borne;
            move.cash_needed = support / per_step_.years;
            break;
        }
        case Mode::open_transfer: {
            // The expected productivity gains of the host's organisations of the
            // kinds it reaches adopting the technology, in job-equivalents (ODD §7.6).
            double reachable = 0;
            for (std::size_t k = 0; k < org_kind_count; ++k)
                if (strategy.transfer_kinds & (1u << k)) reachable += employees_by_kind_[d * org_kind_count + k];
            const double adopted = per_step_.adoption * reachable * e.technology_effect * orgs_.technology[i];
            move.utility = mission * e.mission_impact_value * countries[d].wage_usd * per_step_.years * cents_per_usd * adopted - support_borne;
            move.cash_needed = support / per_step_.years;
            break;
        }
        case Mode::sourcing:
        case Mode::offshore: {
            // Buying a share of its inputs abroad lowers its unit cost c (and its
            // price, so it sells more) where the delivered inputs are cheaper than
            // making them; the jobs that made them at home go (a mission counts
            // them), the jobs that make them abroad come (an impact it counts at
            // an SSE supplier or its own affiliate).
            if (strategy.input_share <= 0 || orgs_.input_price[i] > 0) break;   // one supplier country a move
            double input_price = 0, overhead = 0, capital = 0, supplier_mission = 0;
            if (mode == Mode::sourcing) {
                const std::int64_t supplier = best_supplier(i, d);
                if (supplier < 0) break;
                input_price = delivered_input_price(i, d, static_cast<std::size_t>(supplier), mode);
                supplier_mission = orgs_.mission[static_cast<std::size_t>(supplier)];
                overhead = support;
            } else {
                const Subsidiary plan = plan_offshore(i, d);
                input_price = plan.input_price;
                overhead = plan.overhead;
                capital = strategy.ownership_share * plan.capital;   // its own share
                supplier_mission = strategy.subsidiary_kind == OrgKind::for_profit ? 0.0 : mission;
            }
            const double c = unit_cost(i, 0.0), c_new = unit_cost(i, input_price);
            const double revenue = static_cast<double>(orgs_.revenue[i]);
            const double revenue_new = revenue * std::pow(c_new / c, 1.0 - e.elasticity);
            // What it would buy per step: the input share of its costs at the new price,
            // R'/mu units' worth. The home jobs it displaces are the home wage bill of making
            // those inputs in-house, the input share of the in-house unit cost c for the same
            // units: alpha (c / c') R' / mu (as exports' home jobs are their wage bill R / mu).
            const double bought = strategy.input_share * input_price / c_new * revenue_new / orgs_.markup[i];
            const double displaced = strategy.input_share * c / c_new * revenue_new / orgs_.markup[i];
            const double margin = 1.0 - 1.0 / orgs_.markup[i];
            move.home_jobs = mission * e.mission_job_value * displaced;
            move.utility = margin * (revenue_new - revenue) - overhead - move.home_jobs +
                           mission * e.mission_impact_value * supplier_mission * bought;
            move.cash_needed = std::max(capital, overhead / per_step_.years);
            break;
        }
        case Mode::alliance: {
            // Pooling complementary assets (Hennart 1988): its product and know-how
            // with an existing local organisation's distribution and network there.
            // It sells as an exporter with the ally's insidership (ties 1) and bears
            // (1 - share) of the market's fixed cost; the ally bears the rest and
            // delivers, and is paid, the share of what is sold (Contractor & Lorange
            // 1988: costs and risk shared in proportion to the stakes).
            const std::int64_t ally = best_ally(i, d);
            if (ally < 0) break;
            const double share = strategy.alliance_share;
            const std::size_t m = d * sector_count + static_cast<std::size_t>(orgs_.sector[i]);
            const double x = e.initial_visibility * (1.0 + e.brand_effect * orgs_.brand[i]) *
                             std::pow(orgs_.price[i] * trade_cost(home, d), 1.0 - e.elasticity);
            const double revenue = static_cast<double>(market_budget_[m]) * x / (market_index_[m] + x);
            const double fixed = (1.0 - share) * export_fixed_cost_cents(i, d, 1.0);
            const double borne = fixed * (1.0 - reimbursed_share(false, home, orgs_.kind[i], d));
            const double made_at_home = (1.0 - share) * revenue / orgs_.markup[i];   // wage bill of its own part
            const double delivered = share * revenue / orgs_.markup[i];              // of the ally's part, at its costs
            move.utility = (1.0 - share) * (1.0 - 1.0 / orgs_.markup[i]) * revenue - borne +
                           mission * e.mission_job_value * made_at_home +
                           mission * e.mission_impact_value * orgs_.mission[static_cast<std::size_t>(ally)] * delivered;
            move.cash_needed = fixed / per_step_.years;   // a year of its share of the market's fixed cost
            break;
        }
        case Mode::subsidiary:
        case Mode::contact:
            break;
    }
    return move;
}

double Model::unit_cost(std::size_t i, double input_price) const {
    // Reference wages per unit: labour at home, or a share of it replaced by inputs.
    const double in_house = reference_wage_ / effective_productivity(i);
    if (input_price <= 0) return in_house;
    const double a = scenario_.populations[orgs_.group[i]].input_share;
    return (1.0 - a) * in_house + a * input_price;
}

double Model::delivered_input_price(std::size_t i, std::size_t d, std::size_t partner, Mode mode) const {
    // The supplier's price, carried home (iceberg cost), with the fair-trade
    // premium an independent supplier is paid.
    const double premium = mode == Mode::sourcing ? scenario_.populations[orgs_.group[i]].fair_price_premium : 0.0;
    return orgs_.price[partner] * trade_cost(d, orgs_.home[i]) * (1.0 + premium);
}

std::int64_t Model::best_supplier(std::size_t i, std::size_t d) const {
    const scenario::Population& strategy = scenario_.populations[orgs_.group[i]];
    std::int64_t best = -1;
    for (std::uint32_t h = home_begin_[d]; h < home_begin_[d + 1]; ++h) {
        const std::uint32_t j = home_orgs_[h];
        if (orgs_.kind[j] != strategy.supplier_kind || orgs_.sector[j] != orgs_.sector[i] || j == i) continue;
        if (best < 0 || orgs_.price[j] < orgs_.price[static_cast<std::size_t>(best)]) best = j;
    }
    return best;
}

std::int64_t Model::best_ally(std::size_t i, std::size_t d) const {
    // The local partner: an independent organisation (no parent) based in d, of
    // the strategy's ally_kinds and its sector, with the largest revenue last
    // step (the largest local capacity and network to pool); the first in slot
    // (id) order on ties. (Revenue is not written in `decide`, employees are.)
    const scenario::Population& strategy = scenario_.populations[orgs_.group[i]];
    std::int64_t best = -1;
    for (std::uint32_t h = home_begin_[d]; h < home_begin_[d + 1]; ++h) {
        const std::uint32_t j = home_orgs_[h];
        if (!(strategy.ally_kinds & (1u << static_cast<unsigned>(orgs_.kind[j]))) || orgs_.sector[j] != orgs_.sector[i] ||
            orgs_.parent[j] != no_parent || j == i)
            continue;
        if (best < 0 || orgs_.revenue[j] > orgs_.revenue[static_cast<std::size_t>(best)]) best = j;
    }
    return best;
}

Model::Subsidiary Model::plan_offshore(std::size_t i, std::size_t d) const {
    // A wholly owned affiliate making the parent's inputs with the parent's
    // technology carried abroad (as plan_subsidiary), at the host's wages.
    const auto& e = scenario_.economy;
    const auto& countries = scenario_.world.countries;
    const std::size_t h = orgs_.home[i];
    const scenario::Population& strategy = scenario_.populations[orgs_.group[i]];
    Subsidiary s;
    s.productivity = orgs_.productivity[i] * std::pow(countries[h].wage_usd / countries[d].wage_usd, e.technology_portability);
    s.technology = orgs_.technology[i];
    s.management = orgs_.management[i];
    s.brand = orgs_.brand[i];
    const double mission = strategy.subsidiary_kind == OrgKind::for_profit ? 0.0 : orgs_.mission[i];
    s.markup = 1.0 + (sigma_markup_ - 1.0) * (1.0 - mission * e.mission_price_discount);
    s.input_price = s.markup * reference_wage_ / (s.productivity * (1.0 + e.technology_effect * s.technology)) * trade_cost(d, h);
    const double c = unit_cost(i, 0.0), c_new = unit_cost(i, s.input_price);
    const double revenue_new = static_cast<double>(orgs_.revenue[i]) * std::pow(c_new / c, 1.0 - e.elasticity);
    s.revenue = strategy.input_share * s.input_price / c_new * revenue_new / orgs_.markup[i];   // its sales to the parent
    s.employees = s.revenue / per_step_.years / cents_per_usd / (s.markup * countries[d].wage_usd);
    s.capital = strategy.initial_cash_years * countries[d].wage_usd * std::max(1.0, s.employees) * cents_per_usd;
    s.overhead = fdi_fixed_cost_(static_cast<Eigen::Index>(h), static_cast<Eigen::Index>(d)) * per_step_.years *
                 cents_per_usd * (1.0 - e.management_effect * orgs_.management[i]);
    return s;
}

Model::Subsidiary Model::plan_partner(std::size_t i, std::size_t d, Mode mode) const {
    // A local organisation carrying the parent's model: base productivity
    // z (A_home / A_host)^kappa as a subsidiary's; it starts with what its launch
    // transfers (absorptive_base of the parent's stocks: the management model and
    // brand under a licence, the technology and brand for a federation node) and
    // keeps absorbing them; no trade cost, a local seller from the start, it
    // sells a CES share of its market.
    const auto& e = scenario_.economy;
    const auto& countries = scenario_.world.countries;
    const std::size_t h = orgs_.home[i];
    const scenario::Population& strategy = scenario_.populations[orgs_.group[i]];
    const OrgKind kind = mode == Mode::licence ? strategy.licensee_kind : strategy.node_kind;
    Subsidiary s;
    s.productivity = orgs_.productivity[i] * std::pow(countries[h].wage_usd / countries[d].wage_usd, e.technology_portability);
    s.technology = mode == Mode::node ? e.absorptive_base * orgs_.technology[i] : 0.0;
    s.management = mode == Mode::licence ? e.absorptive_base * orgs_.management[i] : 0.0;
    s.brand = e.absorptive_base * orgs_.brand[i];
    const double mission = kind == OrgKind::for_profit ? 0.0 : orgs_.mission[i];
    s.markup = 1.0 + (sigma_markup_ - 1.0) * (1.0 - mission * e.mission_price_discount);
    const std::size_t m = d * sector_count + static_cast<std::size_t>(orgs_.sector[i]);
    const double z = s.productivity * (1.0 + e.technology_effect * s.technology);
    const double x = (1.0 + e.brand_effect * s.brand) * std::pow(s.markup * reference_wage_ / z, 1.0 - e.elasticity);
    s.revenue = static_cast<double>(market_budget_[m]) * x / (market_index_[m] + x);
    s.employees = s.revenue / per_step_.years / cents_per_usd / (s.markup * countries[d].wage_usd);
    s.capital = strategy.initial_cash_years * countries[d].wage_usd * std::max(1.0, s.employees) * cents_per_usd;
    return s;
}

Model::Subsidiary Model::plan_subsidiary(std::size_t i, std::uint32_t r) const {
    // Proximity-concentration trade-off (Brainard 1997; Helpman, Melitz & Yeaple
    // 2004): producing in the destination saves the trade cost and uses the
    // parent's technology at the host's wages, for a larger fixed cost. Wages
    // mirror country productivity A_c = w_c / w_ref; the affiliate carries a share
    // kappa of the home level: z_aff = z (A_home / A_host)^kappa, and the
    // parent's knowledge stocks.
    const auto& e = scenario_.economy;
    const auto& countries = scenario_.world.countries;
    const std::size_t h = orgs_.home[i], d = links_.dest[r];
    const scenario::Population& strategy = scenario_.populations[orgs_.group[i]];
    Subsidiary s;
    const double carried = std::pow(countries[h].wage_usd / countries[d].wage_usd, e.technology_portability);
    s.productivity = orgs_.productivity[i] * carried;
    s.technology = orgs_.technology[i];
    s.management = orgs_.management[i];
    s.brand = orgs_.brand[i];
    const double mission = strategy.subsidiary_kind == OrgKind::for_profit ? 0.0 : orgs_.mission[i];
    s.markup = 1.0 + (sigma_markup_ - 1.0) * (1.0 - mission * e.mission_price_discount);
    const double export_revenue = static_cast<double>(links_.revenue[r]);
    // A local seller (visibility 1) with the same brand, at a price without the
    // trade cost: R_I = R_X / v (p_I / (p_X tau))^(1 - sigma).
    const double visibility = 1.0 - (1.0 - e.initial_visibility) * std::exp(-links_.experience[r] / e.learning_time);
    const double price_ratio = (s.markup / carried) / (orgs_.markup[i] * trade_cost(h, d));
    s.revenue = export_revenue / visibility * std::pow(price_ratio, 1.0 - e.elasticity);
    s.employees = s.revenue / per_step_.years / cents_per_usd / (s.markup * countries[d].wage_usd);
    s.capital = strategy.initial_cash_years * countries[d].wage_usd * s.employees * cents_per_usd;
    s.overhead = fdi_fixed_cost_(static_cast<Eigen::Index>(h), static_cast<Eigen::Index>(d)) * per_step_.years *
                 cents_per_usd * (1.0 - e.management_effect * orgs_.management[i]);
    const double export_profit = (1.0 - 1.0 / orgs_.markup[i]) * export_revenue - static_cast<double>(links_.fixed_cost[r]);
    const double affiliate_profit = (1.0 - 1.0 / s.markup) * s.revenue - s.overhead;
    // Home jobs the exports employed are lost; a social mission counts them
    // (their wage bill is export revenue / markup).
    const double home_jobs = orgs_.mission[i] * e.mission_job_value * export_revenue / orgs_.markup[i];
    // The parent's share of the affiliate's profit (host co-investors hold the rest).
    s.gain = strategy.ownership_share * affiliate_profit - export_profit - home_jobs;
    return s;
}

}  // namespace ssesim::model
