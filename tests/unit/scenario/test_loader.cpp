// Table-driven loader tests (after toml++'s tests/parsing_*.cpp): each case
// quotes the rule it covers. The bad-input corpus of the whole program is in
// tests/bad_input/; these cases pin the loader's own messages.
#include "ssesim/core/error.hpp"
#include "ssesim/scenario/loader.hpp"
#include "ssesim/scenario/registry.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <toml++/toml.h>

#include <string>

using namespace ssesim::scenario;

namespace {

// Scenario text is loaded as if it lived in scenarios/, so world tables resolve.
const std::string here = std::string(SSESIM_SOURCE_DIR) + "/scenarios/test.toml";

const std::string base = R"(
[run]
name = "t"
steps = 5
seed = 1
[world]
use = ["ESP", "MEX"]
[[population]]
country = "ESP"
kind = "worker_coop"
sector = "manufacturing"
count = 10
mission = 0.5
)";

Scenario should_load(const std::string& text) { return load_scenario_text(text, here); }

void should_fail(const std::string& text, const std::string& message) {
    try {
        load_scenario_text(text, here);
        FAIL("loaded, but expected: " << message);
    } catch (const ssesim::ScenarioError& e) {
        CHECK(std::string(e.what()) == here + ":" + message);
    }
}

std::string with(const std::string& extra) { return base + extra; }
std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a minimal scenario loads with every default filled in", "[scenario]") {
    const Scenario s = should_load(base);
    CHECK(s.name == "t");
    CHECK(s.steps == 5);
    CHECK(s.seed == 1);
    CHECK(s.replicate == 0);
    CHECK(s.output_file == "results/t.h5");
    CHECK(s.snapshot_interval == 10);
    REQUIRE(s.world.size() == 2);
    CHECK(s.world.countries[1].iso3 == "MEX");
    CHECK(s.world.distance_km(0, 1) > 9000);
    CHECK(s.world.psychic_distance(0, 0) == 0);
    CHECK(s.economy.elasticity == 4.0);
    REQUIRE(s.populations.size() == 1);
    CHECK(s.populations[0].kind == ssesim::model::OrgKind::worker_coop);
    CHECK(s.populations[0].employees == 10.0);
    // the resolved TOML holds the defaults and parses back
    const toml::table t = toml::parse(std::string_view(s.resolved_toml));
    CHECK(t["economy"]["elasticity"].value<double>() == 4.0);
    CHECK(t["population"][0]["birth_rate"].value<double>() == 0.05);
    CHECK(t["output"]["file"].value<std::string>() == "results/t.h5");
}

TEST_CASE("every registry default is a valid value of its own parameter", "[scenario][registry]") {
    for (const ParamSpec& p : parameters()) {
        if (p.required()) continue;
        const toml::table t = toml::parse("v = " + std::string(p.default_value));
        if (p.has_range()) {
            INFO(p.key);
            REQUIRE(p.in_range(*t["v"].value<double>()));
        }
    }
}

TEST_CASE("describe lists every parameter with its unit, range and the source of its default", "[scenario][registry]") {
    const std::string md = describe_markdown();
    const std::string tm = describe_toml();
    for (const ParamSpec& p : parameters()) {
        INFO(p.key);
        CHECK_FALSE(p.source.empty());
        CHECK_FALSE(p.meaning.empty());
        CHECK(md.find("`" + std::string(p.key) + "`") != std::string::npos);
        CHECK(md.find(std::string(p.source) + " |") != std::string::npos);
        CHECK(tm.find(std::string(p.key.substr(p.key.rfind('.') + 1))) != std::string::npos);
    }
    REQUIRE_NOTHROW(toml::parse(tm));  // the TOML form is itself valid TOML
}

TEST_CASE("a world given to the loader stands for the world tables, and must be the scenario's countries", "[scenario]") {
    const Scenario read = should_load(base);
    const Scenario shared = load_scenario_text(base, here, &read.world);
    REQUIRE(shared.world.size() == 2);
    CHECK(shared.world.countries[1].iso3 == "MEX");
    CHECK(shared.world.countries[1].wage_usd == read.world.countries[1].wage_usd);
    CHECK(shared.world.distance_km(0, 1) == read.world.distance_km(0, 1));
    CHECK(shared.world.psychic_distance(0, 1) == read.world.psychic_distance(0, 1));
    // another world's countries (here in another order) are refused, not taken silently
    const Scenario other = should_load(replace(base, R"(use = ["ESP", "MEX"])", R"(use = ["MEX", "ESP"])"));
    REQUIRE_THROWS_WITH(load_scenario_text(base, here, &other.world),
                        here + ": world.use differs from the countries of the world given to the loader");
}

TEST_CASE("malformed scenarios get one specific line each", "[scenario]") {
    // rule: unknown keys are errors, with a hint when one is close
    should_fail(with("[economy]\nelastcity = 3.0\n"), "15:1: economy.elastcity: unknown key (did you mean 'elasticity'?)");
    // rule: unknown top-level table
    should_fail(with("[polcy]\nx = 1\n"), "14:2: polcy: unknown key (did you mean 'policy'?)");
    // rule: unknown key inside an array of tables names the table
    should_fail(with("missions = 0.5\n"), "14:1: population.missions: unknown key (did you mean 'mission'?)");
    // rule: wrong type
    should_fail(replace(base, "steps = 5", "steps = \"five\""), "4:9: run.steps: expected an integer in [1, 100000], got the string \"five\"");
    // rule: a float where an integer is required
    should_fail(replace(base, "steps = 5", "steps = 5.5"), "4:9: run.steps: expected an integer in [1, 100000], got the number 5.5");
    // rule: NaN is never a valid number
    should_fail(with("[economy]\nelasticity = nan\n"), "15:14: economy.elasticity: expected a number in (1, 20], got nan");
    // rule: exclusive bounds are exclusive
    should_fail(with("[economy]\nelasticity = 1.0\n"), "15:14: economy.elasticity: expected a number in (1, 20], got 1");
    // rule: negative counts
    should_fail(replace(base, "count = 10", "count = -3"), "12:9: population[0].count: expected an integer in [0, 100000000], got -3");
    // rule: unknown country codes in world.use
    should_fail(replace(base, "\"MEX\"]", "\"XYZ\"]"), "7:15: world.use: unknown country code 'XYZ' (not in " + std::string(SSESIM_SOURCE_DIR) + "/scenarios/world/countries.csv)");
    // rule: a country listed twice
    should_fail(replace(base, "\"MEX\"]", "\"ESP\"]"), "7:15: world.use: country 'ESP' is listed twice");
    // rule: a population's country must be simulated
    should_fail(replace(base, "country = \"ESP\"", "country = \"FRA\""), "9:11: population[0].country: expected a country listed in world.use, got \"FRA\"");
    // rule: closed vocabularies
    should_fail(replace(base, "worker_coop", "coop"), "10:8: population[0].kind: expected one of worker_coop, producer_coop, federation, association, social_enterprise, for_profit, got \"coop\"");
    // rule: for-profit firms have no social mission
    should_fail(replace(base, "worker_coop", "for_profit"), "13:11: population[0].mission: expected 0 for kind \"for_profit\" (a for-profit firm has no social mission), got 0.5");
    // rule: required keys have no silent default
    should_fail(replace(base, "seed = 1\n", ""), "2:1: run.seed: missing required key (expected an integer in [0, 9223372036854775807])");
    // rule: a value where a table belongs
    should_fail("economy = 3\n" + base, "1:11: economy: expected a table, got the integer 3");
    // rule: truncated files are syntax errors with a position
    should_fail(base.substr(0, base.find("sector =") + 12), "11:13: TOML syntax error: Error while parsing string: encountered end-of-file");
}

TEST_CASE("files that cannot be read give one line naming the path", "[scenario]") {
    REQUIRE_THROWS_WITH(load_scenario("/nonexistent/x.toml"), "/nonexistent/x.toml: cannot open scenario file: No such file or directory");
    REQUIRE_THROWS_WITH(load_scenario(SSESIM_SOURCE_DIR), std::string(SSESIM_SOURCE_DIR) + ": is a directory, expected a scenario file (.toml)");
    REQUIRE_THROWS_WITH(load_scenario_text(std::string("a = 1\0b", 7), "x.toml"), "x.toml:1:6: binary data (NUL byte), expected a TOML text file");
}

TEST_CASE("the shipped default scenario is valid", "[scenario]") {
    const Scenario s = load_scenario(std::string(SSESIM_SOURCE_DIR) + "/scenarios/default.toml");
    CHECK(s.name == "default");
    CHECK(s.world.size() == 8);
}

TEST_CASE("the resolved scenario loads back on its own to the same scenario, archetypes inlined", "[scenario]") {
    // every shipped scenario and case: the resolved text, written beside the original
    // (its world paths are relative), loads back and resolves to the same text
    namespace fs = std::filesystem;
    std::vector<fs::path> files{fs::path(SSESIM_SOURCE_DIR) / "scenarios" / "default.toml"};
    for (const auto& f : fs::directory_iterator(fs::path(SSESIM_SOURCE_DIR) / "scenarios" / "cases")) files.push_back(f.path());
    for (const fs::path& f : files) {
        INFO(f.string());
        const Scenario s = ssesim::scenario::load_scenario(f.string());
        const Scenario again = ssesim::scenario::load_scenario_text(s.resolved_toml, f.string());
        CHECK(again.resolved_toml == s.resolved_toml);
        REQUIRE(again.populations.size() == s.populations.size());
        for (std::size_t i = 0; i < s.populations.size(); ++i) {
            CHECK(again.populations[i].kind == s.populations[i].kind);
            CHECK(again.populations[i].modes == s.populations[i].modes);
            CHECK(again.populations[i].participation == s.populations[i].participation);
            CHECK(again.populations[i].mission == s.populations[i].mission);
        }
        const toml::table t = toml::parse(std::string_view(s.resolved_toml));
        CHECK(t["run"]["archetypes"].value<std::string>() == std::string());   // inlined: no file needed
        for (const auto& pop : *t["population"].as_array()) CHECK_FALSE(pop.as_table()->contains("archetype"));
    }
}
