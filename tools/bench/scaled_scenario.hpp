#pragma once
// The benchmark programs' scenario: a scenario file with every population's
// count scaled so that exactly `organisations` organisations open the run (the
// shares of the groups kept, largest remainders rounded up). Births are a share
// of count, so they scale with it.
#include "ssesim/scenario/scenario.hpp"

#include <cstdint>
#include <string>

namespace ssesim::bench {

/// Scales the counts of `s` in place so that they sum to `organisations` (> 0).
/// Throws UsageError when the scenario has no organisations to scale.
void scale_population(scenario::Scenario& s, std::int64_t organisations);

/// Loads `path` and scales it (organisations <= 0: as written).
scenario::Scenario scaled_scenario(const std::string& path, std::int64_t organisations);

}  // namespace ssesim::bench
