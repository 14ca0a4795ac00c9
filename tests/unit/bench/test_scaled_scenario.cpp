// The benchmark harness's scaled scenario (tools/bench/scaled_scenario.hpp): the
// opening population is exactly the size asked for, in the scenario's shares.
#include "scaled_scenario.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/scenario/loader.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

using namespace ssesim;

namespace {

std::int64_t total(const scenario::Scenario& s) {
    std::int64_t n = 0;
    for (const scenario::Population& p : s.populations) n += p.count;
    return n;
}

}  // namespace

TEST_CASE("a scaled scenario opens with exactly the organisations asked for, in the scenario's shares", "[bench]") {
    const std::string path = std::string(SSESIM_SOURCE_DIR) + "/scenarios/default.toml";
    const scenario::Scenario written = scenario::load_scenario(path);
    const std::int64_t before = total(written);
    REQUIRE(before > 0);
    for (const std::int64_t n : {std::int64_t{1000}, std::int64_t{10'000}, std::int64_t{1'000'001}, before}) {
        const scenario::Scenario s = bench::scaled_scenario(path, n);
        CHECK(total(s) == n);
        REQUIRE(s.populations.size() == written.populations.size());
        for (std::size_t g = 0; g < s.populations.size(); ++g) {
            const double exact = static_cast<double>(written.populations[g].count) * static_cast<double>(n) / static_cast<double>(before);
            CHECK(std::abs(static_cast<double>(s.populations[g].count) - exact) < 1.0);   // largest remainders: within one
        }
    }
    CHECK(bench::scaled_scenario(path, 0).populations[0].count == written.populations[0].count);   // 0: as written
}

TEST_CASE("scaling keeps an empty group empty and refuses what it cannot scale", "[bench]") {
    scenario::Scenario s = scenario::load_scenario(std::string(SSESIM_SOURCE_DIR) + "/scenarios/default.toml");
    REQUIRE(s.populations.size() >= 3);
    for (scenario::Population& p : s.populations) p.count = 0;
    s.populations[0].count = 1;
    s.populations[2].count = 2;
    bench::scale_population(s, 10);
    CHECK(s.populations[0].count + s.populations[2].count == 10);
    CHECK(s.populations[1].count == 0);
    CHECK(s.populations[0].count == 3);   // 10/3 = 3.33 and 20/3 = 6.67: the larger remainder gets the odd one
    CHECK(s.populations[2].count == 7);
    CHECK_THROWS_AS(bench::scale_population(s, 0), UsageError);
    for (scenario::Population& p : s.populations) p.count = 0;
    CHECK_THROWS_AS(bench::scale_population(s, 100), UsageError);
}
