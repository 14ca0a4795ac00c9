#include "ssesim/kernel/executor.hpp"
#include "ssesim/kernel/tally.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <vector>

using ssesim::kernel::Executor;
using ssesim::kernel::Tally;
using ssesim::kernel::TallyCell;
using ssesim::kernel::TallyTable;

namespace {
// A key and value for addition i: 997 distinct keys spread over 64 bits, values of both signs.
std::uint64_t key_of(std::size_t i) { return (i % 997) * 0x10000000001ull + 3; }
std::int64_t value_of(std::size_t i) { return static_cast<std::int64_t>(i % 13) - 4; }
}  // namespace

TEST_CASE("a tally table sums values and counts per key and grows past its capacity", "[kernel][tally]") {
    TallyTable t;
    std::map<std::uint64_t, std::pair<std::int64_t, std::int64_t>> expected;
    for (std::size_t i = 0; i < 20000; ++i) {
        t.add(key_of(i), value_of(i));
        auto& e = expected[key_of(i)];
        e.first += value_of(i);
        ++e.second;
    }
    const std::vector<TallyCell> cells = t.sorted();
    REQUIRE(cells.size() == expected.size());
    std::size_t j = 0;
    for (const auto& [key, vc] : expected) {
        REQUIRE(cells[j].key == key);
        REQUIRE(cells[j].value == vc.first);
        REQUIRE(cells[j].count == vc.second);
        ++j;
    }
    t.clear();
    CHECK(t.size() == 0);
    CHECK(t.sorted().empty());
}

TEST_CASE("a tally collects the same cells whatever the threads, and starts empty again", "[kernel][tally]") {
    std::vector<std::vector<TallyCell>> runs;
    for (int threads : {1, 2, 3, 8}) {
        Executor ex(threads);
        Tally tally;
        ex.for_range(50000, 101, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i) tally.add(key_of(i), value_of(i));
        });
        runs.push_back(tally.collect());
        REQUIRE(tally.collect().empty());
    }
    REQUIRE(runs[0].size() == 997);
    std::int64_t total = 0, count = 0;
    for (const TallyCell& c : runs[0]) total += c.value, count += c.count;
    CHECK(count == 50000);
    std::int64_t expected = 0;
    for (std::size_t i = 0; i < 50000; ++i) expected += value_of(i);
    CHECK(total == expected);
    for (std::size_t k = 1; k < runs.size(); ++k) {
        REQUIRE(runs[k].size() == runs[0].size());
        for (std::size_t j = 0; j < runs[0].size(); ++j) {
            REQUIRE(runs[k][j].key == runs[0][j].key);
            REQUIRE(runs[k][j].value == runs[0][j].value);
            REQUIRE(runs[k][j].count == runs[0][j].count);
        }
    }
}
