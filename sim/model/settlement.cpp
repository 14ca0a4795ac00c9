// Settlement: payments due, payments between organisations, learning (ODD §7.8-7.9).
#include "model_internal.hpp"

#include "ssesim/core/error.hpp"

#include <algorithm>
#include <cmath>

namespace ssesim::model {

void Model::settle(std::size_t begin, std::size_t end) {
    const auto& e = scenario_.economy;
    const auto& countries = scenario_.world.countries;
    // the ally's share of an alliance, set by the strategy of the organisation that entered it
    auto strategy_share = [this](std::size_t org) { return scenario_.populations[orgs_.group[org]].alliance_share; };
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
            fixed += due;
            return paid;
        };
        const Money wages = usd_to_money(countries[home].wage_usd * orgs_.employees[i] * per_step_.years);
        const Money wages_paid = std::min(wages, cash);
        short_of_cash |= wages_paid < wages;
        transfer(Party::agent(i), Party::sector(home), wages_paid, flow_wages);
        cash -= wages_paid;
        // Fixed costs: each export market's, bought there; supporting each
        // licensee, node or open-transfer country, from home staff; an
        // affiliate's plant overhead, bought locally.
        const Money support = usd_to_money(e.support_cost * countries[home].wage_usd * per_step_.years);
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
            switch (links_.mode[r]) {
                case Mode::exports:
                    exports += links_.revenue[r];
                    links_.fixed_cost[r] = pay(links_.dest[r], floor_money(export_fixed_cost_cents(i, links_.dest[r], links_.ties[r])),
                                               flow_market_services);
                    break;
                case Mode::alliance: {
                    // The market's fixed cost is pooled: the ally bears its share of it
                    // (paid in the ally's own settle, below), this organisation the rest.
                    exports += links_.revenue[r];
                    const Money market = floor_money(export_fixed_cost_cents(i, links_.dest[r], links_.ties[r]));
                    const Money ally_part = partner_slot_[r] >= 0 ? floor_money(strategy_share(i) * static_cast<double>(market)) : 0;
                    links_.fixed_cost[r] = pay(links_.dest[r], market - ally_part, flow_market_services);
                    break;
                }
                case Mode::licence:
                case Mode::node:
                case Mode::open_transfer:
                case Mode::sourcing:
                    links_.fixed_cost[r] = pay(home, support, flow_support_services);
                    break;
                case Mode::subsidiary:
                case Mode::offshore:
                case Mode::contact:
                    break;
            }
        }
        pay(home, orgs_.overhead[i], flow_market_services);
        // As an ally: its share of the fixed cost of each market its partners serve
        // through it, bought here at home (it is based in that market).
        for (std::uint32_t k = allied_begin_[i]; k < allied_begin_[i + 1]; ++k) {
            const std::uint32_t r = allied_links_[k];
            const std::size_t partner = links_.org[r];
            const Money market = floor_money(export_fixed_cost_cents(partner, links_.dest[r], links_.ties[r]));
            pay(home, floor_money(strategy_share(partner) * static_cast<double>(market)), flow_market_services);
        }
        // A patient-capital loan: this step's instalment, as far as cash allows (arrears are carried).
        if (orgs_.loan[i] > 0) {
            const Money paid = std::min({orgs_.loan[i], orgs_.instalment[i], cash});
            transfer(Party::agent(i), Party::sector(fund_account(static_cast<std::size_t>(orgs_.loan_policy[i]))), paid,
                     flow_loan_repayment);
            orgs_.loan[i] -= paid;
            cash -= paid;
        }
        // Public tenders won this step: at home, and abroad (services exported).
        exports += orgs_.tender_abroad[i];
        const Money revenue = orgs_.revenue[i] + exports + (orgs_.tender_revenue[i] - orgs_.tender_abroad[i]);
        // Inputs bought from suppliers abroad: the input share of its costs at the
        // delivered price, split evenly over its supplier links; and pre-harvest
        // credit advanced on next step's purchases. Set aside now, paid in `transfer`.
        const scenario::Population& strategy = scenario_.populations[orgs_.group[i]];
        Money purchases = 0;
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r)
            links_.purchase[r] = links_.advance[r] = links_.stake_dividend[r] = 0;
        if (orgs_.input_price[i] > 0) {
            const double share = strategy.input_share * orgs_.input_price[i] / unit_cost(i, orgs_.input_price[i]);
            const Money due = floor_money(share * static_cast<double>(revenue) / orgs_.markup[i]);
            std::uint32_t n = 0;
            for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r)
                n += supplies_inputs(links_.mode[r]) && partner_slot_[r] >= 0;
            for (std::uint32_t r = orgs_.link_begin[i], k = 0; r < orgs_.link_begin[i + 1]; ++r) {
                if (!supplies_inputs(links_.mode[r]) || partner_slot_[r] < 0) continue;
                const Money part = due / n + (++k == n ? due % n : 0);
                links_.purchase[r] = std::min(part, cash);
                short_of_cash |= links_.purchase[r] < part;
                cash -= links_.purchase[r];
                purchases += part;
                if (links_.mode[r] == Mode::sourcing) {
                    links_.advance[r] = std::min(cash, floor_money(strategy.prefinance * static_cast<double>(part)));
                    cash -= links_.advance[r];
                }
            }
        }
        // What its allies delivered: their share of its sales and of the tenders it won
        // in each alliance country, set aside now and paid in `transfer`.
        Money alliance_due = 0;
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
            if (links_.mode[r] != Mode::alliance || partner_slot_[r] < 0) continue;
            const Money due = floor_money(strategy.alliance_share * static_cast<double>(links_.revenue[r] + links_.tender[r]));
            links_.purchase[r] = std::min(due, cash);
            short_of_cash |= links_.purchase[r] < due;
            cash -= links_.purchase[r];
            alliance_due += due;
        }
        orgs_.alliance_due[i] = alliance_due;
        // As a supplier: pay the interest on the pre-harvest credit its buyers advanced,
        // at the buyer's rate, then repay the credit, as far as it can (interest it cannot
        // pay is waived, not carried).
        for (std::uint32_t k = supplied_begin_[i]; k < supplied_begin_[i + 1]; ++k) {
            const std::uint32_t r = supplied_links_[k];
            const double rate = interest_step_[orgs_.group[links_.org[r]]];
            links_.interest[r] = std::min(cash, floor_money(rate * static_cast<double>(links_.credit[r])));
            cash -= links_.interest[r];
            links_.repay[r] = std::min(cash, links_.credit[r]);
            cash -= links_.repay[r];
            links_.stake_offer[r] = 0;
        }
        orgs_.purchases[i] = purchases;
        const Money profit = revenue - wages - fixed - purchases - alliance_due;
        const Money buffer = floor_money(e.cash_buffer_years / per_step_.years * static_cast<double>(wages));
        // What it owes its parent is set aside now and paid in `transfer`.
        Money owed = 0;
        const bool has_parent = parent_slot_[i] >= 0;
        const Relation relation = has_parent ? orgs_.relation[i] : Relation::none;
        if (relation == Relation::licensee || relation == Relation::member)
            owed = std::min(cash, floor_money(orgs_.fee_rate[i] * static_cast<double>(revenue)));
        cash -= owed;
        if (relation == Relation::owned) {
            // An owned affiliate repatriates its profit and any cash above its buffer: its
            // parent's share as dividends (paid in `transfer`), its host co-investors' share
            // (households of its home) now.
            Money repatriated = 0;
            if (profit > 0) repatriated += std::min(profit, cash);
            if (cash - repatriated > buffer)
                repatriated += floor_money(per_step_.cash_release * static_cast<double>(cash - repatriated - buffer));
            const Money parents = floor_money(strategy.ownership_share * static_cast<double>(repatriated));
            transfer(Party::agent(i), Party::sector(home), repatriated - parents, flow_profit_payout);
            cash -= repatriated - parents;
            owed += parents;
        } else {
            if (profit > 0) {
                // The payout is split: the stakes its suppliers hold get their shares (paid in
                // `transfer`), its home households the rest.
                const Money payout = std::min(cash, floor_money(orgs_.payout_rate[i] * static_cast<double>(profit)));
                Money to_holders = 0;
                if (orgs_.outside_equity[i] > 0)
                    for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
                        if (links_.stake[r] <= 0 || partner_slot_[r] < 0) continue;
                        links_.stake_dividend[r] = floor_money(links_.stake[r] * static_cast<double>(payout));
                        to_holders += links_.stake_dividend[r];
                    }
                transfer(Party::agent(i), Party::sector(home), payout - to_holders, flow_profit_payout);
                cash -= payout;
            }
            // As a supplier with cash well above its buffer: offers for stakes in the buyers
            // it supplies that accept them, split evenly (set aside; `transfer` takes what
            // each buyer's cap allows, the rest stays here).
            const double invest = stake_step_[orgs_.group[i]];
            const Money spare = cash - floor_money(e.stake_cash_multiple * static_cast<double>(buffer));
            if (invest > 0 && spare > 0) {
                std::uint32_t n = 0;
                auto accepts = [&](std::uint32_t r) {
                    return links_.mode[r] == Mode::sourcing &&
                           scenario_.populations[orgs_.group[links_.org[r]]].partner_equity_cap > 0;
                };
                for (std::uint32_t k = supplied_begin_[i]; k < supplied_begin_[i + 1]; ++k) n += accepts(supplied_links_[k]);
                const Money offer = floor_money(invest * static_cast<double>(spare));
                for (std::uint32_t k = supplied_begin_[i], j = 0; k < supplied_begin_[i + 1] && n > 0; ++k) {
                    const std::uint32_t r = supplied_links_[k];
                    if (!accepts(r)) continue;
                    links_.stake_offer[r] = offer / n + (++j == n ? offer % n : 0);
                    cash -= links_.stake_offer[r];
                }
            }
            if (cash > buffer) {
                const Money release = floor_money(per_step_.cash_release * static_cast<double>(cash - buffer));
                transfer(Party::agent(i), Party::sector(home), release, flow_cash_release);
                cash -= release;
            }
        }
        orgs_.owed_to_parent[i] = owed;
        orgs_.book_value[i] = cash;
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
    for (std::size_t i = begin; i < end; ++i) {
        // Stakes are priced at its book value V (cash after its `settle`, a cash-only
        // balance sheet) and take at most what keeps others' share H <= its cap:
        // a stake A buys A / (V + A) and dilutes every other holder by V / (V + A).
        const double cap = scenario_.populations[orgs_.group[i]].partner_equity_cap;
        double value = static_cast<double>(orgs_.book_value[i]), held = orgs_.outside_equity[i];
        bool new_stakes = false;
        // its inputs, the credit it advances, the interest and credit repaid to it, the
        // stakes its suppliers buy and their dividends, link by link
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
            if (links_.mode[r] == Mode::alliance && partner_slot_[r] >= 0) {
                // the ally's delivered share, a services purchase from it (inward for this organisation)
                transfer(Party::agent(i), Party::agent(static_cast<std::size_t>(partner_slot_[r])), links_.purchase[r],
                         flow_alliance_services);
                continue;
            }
            if (!supplies_inputs(links_.mode[r]) || partner_slot_[r] < 0) continue;
            const auto supplier = static_cast<std::size_t>(partner_slot_[r]);
            transfer(Party::agent(i), Party::agent(supplier), links_.purchase[r], flow_inputs);
            transfer(Party::agent(i), Party::agent(supplier), links_.advance[r], flow_credit);
            transfer(Party::agent(supplier), Party::agent(i), links_.interest[r], flow_credit_interest);
            transfer(Party::agent(supplier), Party::agent(i), links_.repay[r], flow_credit_repayment);
            links_.credit[r] += links_.advance[r] - links_.repay[r];
            transfer(Party::agent(i), Party::agent(supplier), links_.stake_dividend[r], flow_equity_dividends);
            if (links_.stake_offer[r] > 0 && cap > 0 && value > 0 && held < cap) {
                const Money room = floor_money((cap - held) * value / (1.0 - cap));
                const Money bought = std::min(links_.stake_offer[r], room);
                if (bought <= 0) continue;
                transfer(Party::agent(supplier), Party::agent(i), bought, flow_equity_stake);
                const double post = value + static_cast<double>(bought);
                for (std::uint32_t k = orgs_.link_begin[i]; k < orgs_.link_begin[i + 1]; ++k) links_.stake[k] *= value / post;
                links_.stake[r] += static_cast<double>(bought) / post;
                held = held * value / post + static_cast<double>(bought) / post;
                value = post;
                new_stakes = true;
            }
        }
        if (new_stakes) {
            double sum = 0;
            for (std::uint32_t k = orgs_.link_begin[i]; k < orgs_.link_begin[i + 1]; ++k) sum += links_.stake[k];
            orgs_.outside_equity[i] = sum;
        }
        if (orgs_.owed_to_parent[i] <= 0) continue;
        const Flow flow = orgs_.relation[i] == Relation::owned      ? flow_dividends
                          : orgs_.relation[i] == Relation::licensee ? flow_licence_fee
                                                                    : flow_federation_fee;
        transfer(Party::agent(i), Party::agent(static_cast<std::size_t>(parent_slot_[i])), orgs_.owed_to_parent[i], flow);
    }
}

double Model::knowledge_gain(std::size_t giver, std::size_t receiver, double giver_stock, double receiver_stock) const {
    // Non-rival transfer (Arrow 1962; Romer 1990): the giver keeps its stock; the
    // receiver closes a share of the gap that grows with its absorptive capacity
    // (Cohen & Levinthal 1990: prior related knowledge, here its management
    // stock) and falls with psychic distance.
    const auto& e = scenario_.economy;
    if (giver_stock <= receiver_stock) return 0.0;
    const double absorptive = e.absorptive_base + (1.0 - e.absorptive_base) * orgs_.management[receiver];
    const double closeness = 1.0 - scenario_.world.psychic_distance(static_cast<Eigen::Index>(orgs_.home[giver]),
                                                                     static_cast<Eigen::Index>(orgs_.home[receiver]));
    return per_step_.transfer * absorptive * closeness * (giver_stock - receiver_stock);
}

namespace {
/// Tallies an intangible transfer as whole knowledge units (none below one unit).
void tally_intangible(kernel::Tally& tally, std::size_t flow, std::size_t origin, std::size_t destination,
                      std::size_t source_end, std::size_t destination_end, double amount) {
    const auto units = static_cast<std::int64_t>(std::llround(amount / knowledge_unit));
    if (units <= 0) return;
    const FlowKey key{static_cast<std::uint16_t>(flow), static_cast<std::uint16_t>(origin), static_cast<std::uint16_t>(destination),
                      static_cast<std::uint8_t>(source_end), static_cast<std::uint8_t>(destination_end)};
    tally.add(key.pack(), units);
}
}  // namespace

void Model::record_intangible(std::size_t giver, std::size_t receiver, Flow flow, double amount) {
    tally_intangible(flow_tally_, flow, orgs_.home[giver], orgs_.home[receiver], static_cast<std::size_t>(orgs_.kind[giver]),
                     static_cast<std::size_t>(orgs_.kind[receiver]), amount);
}

void Model::absorb(std::size_t begin, std::size_t end) {
    // Each receiver computes its own gains from this step's stocks (read only
    // here), so the result does not depend on the order of receivers; `learn`
    // adds them. Licensees receive the management model and brand, members the
    // federation's technology and brand, subsidiaries all three; organisations
    // of the kinds a giver reaches (transfer_kinds) adopt openly given
    // technology present in their country.
    const auto& e = scenario_.economy;
    for (std::size_t i = begin; i < end; ++i) {
        orgs_.gain_technology[i] = orgs_.gain_management[i] = orgs_.gain_brand[i] = 0.0;
        // Mission drift (Ebrahim, Battilana & Mair 2014): the mission moves toward the
        // employment-weighted mission of the group the organisation heads, itself and the
        // organisations it founded abroad, read here and applied in `learn`, so every
        // organisation reads the missions of the start of the step.
        orgs_.gain_mission[i] = 0.0;
        if (per_step_.drift > 0 && orgs_.kind[i] != OrgKind::for_profit) {
            double jobs = orgs_.employees[i], weighted = orgs_.mission[i] * orgs_.employees[i];
            int founded = 0;
            for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
                if (!founds_partner(links_.mode[r]) || partner_slot_[r] < 0) continue;
                const auto a = static_cast<std::size_t>(partner_slot_[r]);
                jobs += orgs_.employees[a];
                weighted += orgs_.mission[a] * orgs_.employees[a];
                ++founded;
            }
            if (founded > 0) orgs_.gain_mission[i] = per_step_.drift * (weighted / jobs - orgs_.mission[i]);
        }
        if (parent_slot_[i] >= 0) {
            const auto p = static_cast<std::size_t>(parent_slot_[i]);
            const Relation rel = orgs_.relation[i];
            if (rel == Relation::owned || rel == Relation::member)
                orgs_.gain_technology[i] = knowledge_gain(p, i, orgs_.technology[p], orgs_.technology[i]);
            if (rel == Relation::owned || rel == Relation::licensee)
                orgs_.gain_management[i] = knowledge_gain(p, i, orgs_.management[p], orgs_.management[i]);
            orgs_.gain_brand[i] = knowledge_gain(p, i, orgs_.brand[p], orgs_.brand[i]);
            record_intangible(p, i, flow_technology, orgs_.gain_technology[i]);
            record_intangible(p, i, flow_management, orgs_.gain_management[i]);
            record_intangible(p, i, flow_brand, orgs_.gain_brand[i]);
        }
        // Allies learn from each other both ways (Hennart 1988: a joint venture
        // transfers tacit knowledge; Inkpen 1998): technology and management from
        // each living ally, then from each partner it is the ally of, in link order,
        // each measured against its stock plus the gains so far this step. A brand
        // is not shared: each keeps its own identity.
        auto learn_from = [&](std::size_t g) {
            const double t = knowledge_gain(g, i, orgs_.technology[g], orgs_.technology[i] + orgs_.gain_technology[i]);
            const double mg = knowledge_gain(g, i, orgs_.management[g], orgs_.management[i] + orgs_.gain_management[i]);
            orgs_.gain_technology[i] += t;
            orgs_.gain_management[i] += mg;
            record_intangible(g, i, flow_technology, t);
            record_intangible(g, i, flow_management, mg);
        };
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r)
            if (links_.mode[r] == Mode::alliance && partner_slot_[r] >= 0) learn_from(static_cast<std::size_t>(partner_slot_[r]));
        for (std::uint32_t k = allied_begin_[i]; k < allied_begin_[i + 1]; ++k) learn_from(links_.org[allied_links_[k]]);
        const std::size_t c = orgs_.home[i];
        const std::uint32_t n_givers = giver_begin_[c + 1] - giver_begin_[c];
        if (n_givers > 0) {
            Stream rng(scenario_.seed, scenario_.replicate, orgs_.id[i], step_, purpose_adoption);
            if (rng.uniform() < per_step_.adoption) {
                const std::size_t g = givers_[giver_begin_[c] + std::min<std::uint32_t>(
                                                                   n_givers - 1, static_cast<std::uint32_t>(rng.uniform() * n_givers))];
                // the giver's strategy says whom its transfers reach
                const std::uint32_t reached = scenario_.populations[orgs_.group[g]].transfer_kinds;
                if (g != i && (reached & (1u << static_cast<unsigned>(orgs_.kind[i])))) {
                    const double gain = knowledge_gain(g, i, orgs_.technology[g], orgs_.technology[i] + orgs_.gain_technology[i]);
                    orgs_.gain_technology[i] += gain;
                    record_intangible(g, i, flow_technology, gain);
                }
            }
        }
        // C2G: where the government runs a programme, its local agencies replicate the
        // technology to organisations of every kind (SILK: DA Group), absorbed as from a
        // giver at psychic distance 0.
        if (!programme_[c]) continue;
        Stream agency(scenario_.seed, scenario_.replicate, orgs_.id[i], step_, purpose_c2g);
        if (agency.uniform() >= per_step_.replication) continue;
        const double have = orgs_.technology[i] + orgs_.gain_technology[i];
        if (programme_technology_[c] <= have) continue;
        const double absorptive = e.absorptive_base + (1.0 - e.absorptive_base) * orgs_.management[i];
        const double gain = per_step_.transfer * absorptive * (programme_technology_[c] - have);
        orgs_.gain_technology[i] += gain;
        tally_intangible(flow_tally_, flow_technology, c, c, end_government, static_cast<std::size_t>(orgs_.kind[i]), gain);
    }
}

void Model::run_programmes(std::size_t begin, std::size_t end) {
    // CSO to government (C2G; SILK: DA Group). A government adopts the technology of
    // an open giver that has transferred it in its country for the giver's
    // c2g_experience years (CSO to CSO first); from then on it runs a programme whose
    // local agencies replicate it (absorb) and which it pays for every step.
    const auto& e = scenario_.economy;
    const auto& countries = scenario_.world.countries;
    const std::size_t n = countries.size();
    for (std::size_t d = begin; d < end; ++d) {
        if (!programme_[d] && giver_begin_[d + 1] > giver_begin_[d]) {
            Stream rng(scenario_.seed, scenario_.replicate, country_id_space | d, step_, purpose_c2g);
            for (std::uint32_t k = giver_begin_[d]; k < giver_begin_[d + 1]; ++k) {
                const std::size_t g = givers_[k];
                const scenario::Population& strategy = scenario_.populations[orgs_.group[g]];
                if (strategy.c2g_rate <= 0 || links_.experience[giver_links_[k]] < strategy.c2g_experience) continue;
                if (rng.uniform() >= c2g_chance_[orgs_.group[g]]) continue;
                programme_[d] = 1;
                programme_technology_[d] = orgs_.technology[g];
                tally_intangible(flow_tally_, flow_technology, orgs_.home[g], d, static_cast<std::size_t>(orgs_.kind[g]), end_government,
                                 orgs_.technology[g]);
                break;
            }
        }
        if (!programme_[d]) continue;
        // The local agencies' staff, in the country's wages (government -> households).
        const auto cost = static_cast<Money>(std::llround(e.c2g_programme_cost * countries[d].wage_usd * per_step_.years * cents_per_usd));
        transfer(Party::sector(n + d), Party::sector(d), cost, flow_extension_services);
    }
}

void Model::learn(std::size_t begin, std::size_t end) {
    const auto& e = scenario_.economy;
    const auto& countries = scenario_.world.countries;
    for (std::size_t i = begin; i < end; ++i) {
        // Inputs sold to its buyers this step count as sales.
        Money input_sales = 0;
        for (std::uint32_t k = supplied_begin_[i]; k < supplied_begin_[i + 1]; ++k) input_sales += links_.purchase[supplied_links_[k]];
        orgs_.input_sales[i] = input_sales;
        orgs_.revenue[i] += input_sales;
        orgs_.profit[i] += input_sales;
        // As an ally: what its partners paid for its delivered share counts as sales too.
        Money alliance_sales = 0;
        for (std::uint32_t k = allied_begin_[i]; k < allied_begin_[i + 1]; ++k) alliance_sales += links_.purchase[allied_links_[k]];
        orgs_.alliance_sales[i] = alliance_sales;
        orgs_.revenue[i] += alliance_sales;
        orgs_.profit[i] += alliance_sales;
        // Labour the realised demand needed: the costs it did not buy as inputs,
        // revenue / markup - purchases, in wages; per year. The share its allies
        // delivered is not made at home: alliance_due / markup at its own costs.
        const double wage_bill = static_cast<double>(orgs_.revenue[i]) / orgs_.markup[i] - static_cast<double>(orgs_.purchases[i]) -
                                 static_cast<double>(orgs_.alliance_due[i]) / orgs_.markup[i];
        const double realised =
            std::max(0.0, money_to_usd(static_cast<Money>(wage_bill))) / per_step_.years / countries[orgs_.home[i]].wage_usd;
        double& expected = orgs_.expected_labour[i];
        expected = per_step_.expectation * realised + (1.0 - per_step_.expectation) * expected;
        if (!std::isfinite(expected))
            throw InvariantError("step " + std::to_string(step_) + ": organisation " + std::to_string(orgs_.id[i]) +
                                 ": expected_labour is not finite");
        // Learning by doing abroad (Eriksson, Johanson, Majkgard & Sharma 1997; Arrow
        // 1962): each year committed in a foreign market closes a share of the
        // management gap left after this step's absorption, so returns diminish as M
        // nears the frontier. Stocks depreciate (organisational forgetting) before the
        // step's gains are added. Both rates at 0 leave the sums below as they were.
        double learned = 0;
        if (e.experiential_learning > 0) {
            int markets = 0;
            for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) markets += links_.mode[r] != Mode::contact;
            if (markets > 0)
                learned = (1.0 - std::pow(1.0 - e.experiential_learning, per_step_.years * markets)) *
                          std::max(0.0, 1.0 - orgs_.management[i] - orgs_.gain_management[i]);
        }
        // Knowledge absorbed and learned this step; technology lowers the price.
        const double kept = 1.0 - per_step_.depreciation;
        orgs_.technology[i] = std::min(1.0, kept * orgs_.technology[i] + orgs_.gain_technology[i]);
        orgs_.management[i] = std::min(1.0, kept * orgs_.management[i] + orgs_.gain_management[i] + learned);
        orgs_.brand[i] = std::min(1.0, kept * orgs_.brand[i] + orgs_.gain_brand[i]);
        // A drifted mission changes the markup (its discount, §7.2) and so the price.
        if (orgs_.gain_mission[i] != 0.0) {
            orgs_.mission[i] = std::clamp(orgs_.mission[i] + orgs_.gain_mission[i], 0.0, 1.0);
            orgs_.markup[i] = 1.0 + (sigma_markup_ - 1.0) * (1.0 - orgs_.mission[i] * e.mission_price_discount);
        }
        orgs_.price[i] = orgs_.markup[i] * unit_cost(i, orgs_.input_price[i]);
        // Uppsala: experience and ties grow where it is committed; ties without
        // commitment fade. Members scattered abroad weigh on participation
        // unless governance is decentralised (SILK: proximity builds trust).
        double members_abroad = 0;
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r) {
            if (links_.mode[r] == Mode::contact) {
                links_.ties[r] *= 1.0 - per_step_.ties_decay;
                continue;
            }
            links_.experience[r] += per_step_.years;
            links_.ties[r] += (1.0 - links_.ties[r]) * per_step_.ties_growth;
            if (!founds_partner(links_.mode[r]) || partner_slot_[r] < 0) continue;
            const auto a = static_cast<std::size_t>(partner_slot_[r]);
            const bool coop = orgs_.kind[a] == OrgKind::worker_coop || orgs_.kind[a] == OrgKind::producer_coop;
            if (coop && orgs_.relation[a] != Relation::licensee) members_abroad += orgs_.employees[a];
        }
        const scenario::Population& strategy = scenario_.populations[orgs_.group[i]];
        const double share_abroad = members_abroad / (members_abroad + orgs_.employees[i]);
        const double target = orgs_.participation_base[i] *
                              std::max(0.0, 1.0 - e.dispersion_pressure * share_abroad * (1.0 - strategy.decentralisation));
        orgs_.participation[i] += per_step_.participation * (target - orgs_.participation[i]);
        ++orgs_.age[i];
    }
}

}  // namespace ssesim::model
