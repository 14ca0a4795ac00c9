// Column storage (kernel/column.hpp): every column starts at a 64-byte boundary,
// successive columns at different offsets within a page, all 64 offsets in turn.
#include "ssesim/kernel/column.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <numeric>
#include <set>
#include <vector>

using ssesim::kernel::Column;

TEST_CASE("columns start at staggered 64-byte offsets within their pages", "[kernel][column]") {
    std::vector<Column<double>> columns(64);
    std::set<std::uintptr_t> offsets;
    for (Column<double>& c : columns) {
        c.assign(100'000, 1.5);   // large enough that glibc would serve it page-aligned from mmap
        const auto address = reinterpret_cast<std::uintptr_t>(c.data());
        CHECK(address % 64 == 0);
        offsets.insert(address % 4096);
    }
    CHECK(offsets.size() == 64);   // 64 successive columns: every offset once
    // growth, copies and moves keep the values (the allocator is stateless)
    Column<double> grown = columns[3];
    grown.push_back(2.5);
    CHECK(grown.size() == 100'001);
    CHECK(std::accumulate(grown.begin(), grown.end(), 0.0) == 1.5 * 100'000 + 2.5);
    Column<std::uint8_t> small{1, 2, 3};
    Column<std::uint8_t> moved = std::move(small);
    CHECK(moved == Column<std::uint8_t>{1, 2, 3});
    CHECK(reinterpret_cast<std::uintptr_t>(moved.data()) % 64 == 0);
}
