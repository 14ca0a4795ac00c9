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

}  // namespace ssesim::model
