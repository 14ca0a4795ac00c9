// Markets: households' budgets and CES demand (ODD §7.3, §7.7).
#include "model_internal.hpp"

#include <cmath>

namespace ssesim::model {

void Model::sense(std::size_t begin, std::size_t end) {
    // Households' budget for each market this step.
    const double growth = std::pow(per_step_.growth, static_cast<double>(step_ - 1));
    for (std::size_t m = begin; m < end; ++m) {
        market_budget_[m] = floor_money(base_budget_[m] * growth);
        market_fringe_[m] = fringe_weight_[m] * growth;
        // its size as prospection weighs it (ODD §7.5)
        prospect_size_[m] = std::pow(money_to_usd(market_budget_[m]) + 1.0, scenario_.economy.prospect_market_weight);
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
    // A brand (certification, shared identity) raises demand in every market served.
    return visibility * (1.0 + e.brand_effect * orgs_.brand[i]) *
           std::pow(orgs_.price[i] * trade_cost(orgs_.home[i], c), 1.0 - e.elasticity);
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

void Model::run_tenders(std::size_t begin, std::size_t end) {
    // Each government runs tenders_per_year open tenders a year, of equal value;
    // the bidders are the organisations that bid (services, education) based in
    // the country or present there (any commitment, or ties). A tender goes to
    // one bidder drawn with weight (CES weight of its price, with trade cost and
    // brand) x (absorptive base + management) x (1 + ties): price, quality and
    // networks (SILK: MCE's tenders come through networks). Producers the
    // scenario does not simulate bid too, with the weight they have in the
    // country's services and education markets (their fringes): what they win
    // is spent outside the simulated organisations, as households' fringe
    // spending is.
    const auto& e = scenario_.economy;
    const double growth = std::pow(per_step_.growth, static_cast<double>(step_ - 1));
    const double per_tender = e.tenders_per_year > 0 ? growth / e.tenders_per_year * cents_per_usd : 0.0;
    const auto t = static_cast<double>(step_);
    const int tenders = static_cast<int>(std::floor(t * e.tenders_per_year * per_step_.years) -
                                         std::floor((t - 1) * e.tenders_per_year * per_step_.years));
    std::vector<std::uint32_t> candidates;
    std::vector<double> score;
    for (std::size_t c = begin; c < end; ++c) {
        candidates.clear();
        score.clear();
        double total = 0;
        for (std::uint32_t i : bidders_) {
            double ties = -1;
            if (orgs_.home[i] == c) ties = 1.0;
            for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1] && ties < 0; ++r)
                if (links_.dest[r] == c && (links_.mode[r] != Mode::contact || links_.ties[r] > 0)) ties = links_.ties[r];
            if (ties < 0) continue;
            const double w = (1.0 + e.brand_effect * orgs_.brand[i]) *
                             std::pow(orgs_.price[i] * trade_cost(orgs_.home[i], c), 1.0 - e.elasticity) *
                             (e.absorptive_base + orgs_.management[i]) * (1.0 + ties);
            candidates.push_back(i);
            score.push_back(w);
            total += w;
        }
        if (candidates.empty() || tenders <= 0) continue;
        const double outside = market_fringe_[c * sector_count + static_cast<std::size_t>(Sector::services)] +
                               market_fringe_[c * sector_count + static_cast<std::size_t>(Sector::education)];
        Stream rng(scenario_.seed, scenario_.replicate, country_id_space | c, step_, purpose_tender);
        const Money value = floor_money(tender_budget_[c] * per_tender);
        for (int k = 0; k < tenders; ++k) {
            const double target = rng.uniform() * (total + outside);
            if (target >= total) continue;   // won by a producer not simulated
            std::size_t j = 0;
            for (double acc = score[0]; acc <= target && j + 1 < candidates.size();) acc += score[++j];
            const std::uint32_t winner = candidates[j];
            transfer(Party::sector(scenario_.world.size() + c), Party::agent(winner), value, flow_tender);
            orgs_.tender_revenue[winner] += value;
            public_funding_[orgs_.home[winner] * org_kind_count + static_cast<std::size_t>(orgs_.kind[winner])] += value;
            if (orgs_.home[winner] != c) orgs_.tender_abroad[winner] += value;
            // won through an alliance there: its ally delivers a share of it (settle)
            for (std::uint32_t r = orgs_.link_begin[winner]; r < orgs_.link_begin[winner + 1]; ++r)
                if (links_.dest[r] == c && links_.mode[r] == Mode::alliance) links_.tender[r] += value;
        }
    }
}

}  // namespace ssesim::model
