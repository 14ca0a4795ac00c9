#pragma once
// Helpers shared by the model's translation units (not part of the public API).
#include "ssesim/kernel/rng.hpp"
#include "ssesim/model/model.hpp"

#include <algorithm>
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
    purpose_c2g = 6,        ///< a government's adoption of open technology (country, step); replication by its agencies (id, step)
    purpose_policy = 1u << 16,   ///< + instrument index: who an instrument reaches (id, step)
};
/// Population groups draw births from their own id space, apart from organisations.
constexpr std::uint64_t group_id_space = std::uint64_t{1} << 63;
/// Countries draw (their tenders) from an id space of their own too.
constexpr std::uint64_t country_id_space = std::uint64_t{3} << 62;

constexpr std::size_t agent_grain = 2048;

/// One foreign presence as the structural update rebuilds the link table (structure.cpp).
struct LinkRow {
    std::uint32_t org;   ///< slot after the exits
    std::uint16_t dest;
    Mode mode;
    std::uint8_t invest;
    double experience, ties;
    std::uint64_t affiliate;
    Money revenue, fixed_cost, credit;
    double stake;   ///< share of the organisation's equity the partner holds
};
static_assert(sizeof(LinkRow) == 64, "a link row without padding");

inline std::vector<std::string> flow_name_list() {
    std::vector<std::string> names;
    for (const FlowInfo& f : flow_info) names.emplace_back(f.name);
    return names;
}

/// The outside funders (not governments) of a policy regime, in order of first mention.
inline std::vector<std::string> outside_funders(const std::vector<scenario::Policy>& policies) {
    std::vector<std::string> names;
    for (const scenario::Policy& p : policies)
        for (const scenario::Funder& f : p.funders)
            if (f.country < 0 && std::find(names.begin(), names.end(), f.name) == names.end()) names.push_back(f.name);
    return names;
}

/// Sector accounts: the households of each country (0..n-1), their governments
/// (n..2n-1), one fund per policy instrument (2n..2n+P-1), then the outside funders.
inline std::vector<std::string> sector_account_names(const World& w, const std::vector<scenario::Policy>& policies) {
    std::vector<std::string> names;
    for (const Country& c : w.countries) names.push_back("households " + c.iso3);
    for (const Country& c : w.countries) names.push_back("government " + c.iso3);
    for (const scenario::Policy& p : policies) names.push_back("fund " + p.name);
    for (const std::string& f : outside_funders(policies)) names.push_back("funder " + f);
    return names;
}

inline Money floor_money(double cents) { return static_cast<Money>(std::floor(cents)); }

/// The chance per step of an event with chance `per_year` in a year.
inline double step_probability(double per_year, double years) { return 1.0 - std::pow(1.0 - per_year, years); }

}  // namespace ssesim::model::detail

namespace ssesim::model {
using namespace detail;
}
