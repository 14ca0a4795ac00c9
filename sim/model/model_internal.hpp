#pragma once
// Helpers shared by the model's translation units (not part of the public API).
#include "ssesim/kernel/rng.hpp"
#include "ssesim/model/model.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace ssesim::model::detail {

using kernel::Party;
using kernel::Stream;

/// What a random stream is for: the last part of its counter (DESIGN.md decision 1).
enum Purpose : std::uint32_t {
    purpose_founding = 1,   ///< productivity draw of a new organisation (id, step 0)
    purpose_trade = 2,      ///< market exit and prospecting decisions (id, step)
    purpose_births = 3,     ///< number of births of a population group (group, step)
    purpose_adoption = 4,   ///< adoption of openly given technology (id, step)
    purpose_tender = 5,     ///< winners of a government's tenders (country, step)
};
/// Population groups draw births from their own id space, apart from organisations.
constexpr std::uint64_t group_id_space = std::uint64_t{1} << 63;
/// Countries draw (their tenders) from an id space of their own too.
constexpr std::uint64_t country_id_space = std::uint64_t{3} << 62;

constexpr std::size_t agent_grain = 2048;

inline std::vector<std::string> flow_name_list() {
    std::vector<std::string> names;
    for (const FlowInfo& f : flow_info) names.emplace_back(f.name);
    return names;
}

/// Sector accounts: the households of each country (0..n-1), then their governments (n..2n-1).
inline std::vector<std::string> sector_account_names(const World& w) {
    std::vector<std::string> names;
    for (const Country& c : w.countries) names.push_back("households " + c.iso3);
    for (const Country& c : w.countries) names.push_back("government " + c.iso3);
    return names;
}

inline Money floor_money(double cents) { return static_cast<Money>(std::floor(cents)); }

/// The chance per step of an event with chance `per_year` in a year.
inline double step_probability(double per_year, double years) { return 1.0 - std::pow(1.0 - per_year, years); }

}  // namespace ssesim::model::detail

namespace ssesim::model {
using namespace detail;
}
