#include "scaled_scenario.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/scenario/loader.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace ssesim::bench {

void scale_population(scenario::Scenario& s, std::int64_t organisations) {
    std::int64_t total = 0;
    for (const scenario::Population& p : s.populations) total += p.count;
    if (total <= 0 || organisations <= 0)
        throw UsageError("cannot scale the population to " + std::to_string(organisations) + " organisations: the scenario opens with " +
                         std::to_string(total));
    const double factor = static_cast<double>(organisations) / static_cast<double>(total);
    std::vector<double> remainder(s.populations.size());
    std::int64_t placed = 0;
    for (std::size_t g = 0; g < s.populations.size(); ++g) {
        const double exact = static_cast<double>(s.populations[g].count) * factor;
        s.populations[g].count = static_cast<std::int64_t>(std::floor(exact));
        remainder[g] = s.populations[g].count > 0 || exact > 0 ? exact - std::floor(exact) : -1;
        placed += s.populations[g].count;
    }
    std::vector<std::size_t> order(s.populations.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
    for (std::size_t i = 0; placed < organisations; i = (i + 1) % order.size()) {
        if (remainder[order[i]] < 0) continue;   // a group written with count 0 stays empty
        ++s.populations[order[i]].count;
        ++placed;
    }
}

scenario::Scenario scaled_scenario(const std::string& path, std::int64_t organisations) {
    scenario::Scenario s = scenario::load_scenario(path);
    if (organisations > 0) scale_population(s, organisations);
    return s;
}

}  // namespace ssesim::bench
