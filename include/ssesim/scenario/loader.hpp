#pragma once
// Reads a scenario TOML file into a frozen Scenario. Strict: unknown keys, wrong
// types, out-of-range or NaN values, unknown country codes and missing files are
// ScenarioErrors of one line, "file:line:col: key: what was expected, got what".
#include "ssesim/scenario/scenario.hpp"

#include <string>
#include <string_view>

namespace ssesim::scenario {

/// Loads and validates the scenario file at `path`.
Scenario load_scenario(const std::string& path);

/// Loads a scenario from text; `path` names it in messages and anchors relative
/// paths (the world tables) at its directory. With `world`, the world tables are
/// not read again: `world` is taken as what they hold (a sweep's runs share their
/// base scenario's world, since no world.* key may vary within an experiment); its
/// countries must be the text's world.use, in order.
Scenario load_scenario_text(std::string_view text, const std::string& path, const model::World* world = nullptr);

/// Largest scenario file accepted, in bytes.
inline constexpr std::size_t max_scenario_bytes = 4 * 1024 * 1024;
/// Most dots a key or table name may hold (toml++ recurses once per part).
inline constexpr std::size_t max_key_depth = 100;

}  // namespace ssesim::scenario

namespace ssesim::scenario {

/// Replaces the seed (command line --seed), keeping the resolved TOML true.
void override_seed(Scenario& scenario, std::uint64_t seed);

}  // namespace ssesim::scenario
