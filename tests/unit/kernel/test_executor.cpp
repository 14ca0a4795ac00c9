#include "ssesim/core/error.hpp"
#include "ssesim/kernel/executor.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <vector>

using ssesim::kernel::Executor;

TEST_CASE("for_range visits every index exactly once, whatever the threads and grain", "[kernel][executor]") {
    for (int threads : {1, 2, 3, 8}) {
        for (std::size_t grain : {1u, 7u, 1000u}) {
            Executor ex(threads);
            std::vector<int> hits(5003, 0);
            std::atomic<bool> oversized{false};  // Catch2 assertions are not thread-safe
            ex.for_range(hits.size(), grain, [&](std::size_t b, std::size_t e) {
                if (e - b > grain) oversized = true;
                for (std::size_t i = b; i < e; ++i) ++hits[i];
            });
            REQUIRE_FALSE(oversized);
            for (int h : hits) REQUIRE(h == 1);
        }
    }
}

TEST_CASE("an empty range runs nothing", "[kernel][executor]") {
    Executor ex(2);
    int calls = 0;
    ex.for_range(0, 16, [&](std::size_t, std::size_t) { ++calls; });
    REQUIRE(calls == 0);
}

TEST_CASE("an exception in a loop body reaches the caller", "[kernel][executor]") {
    Executor ex(2);
    REQUIRE_THROWS_WITH(ex.for_range(100, 1, [](std::size_t b, std::size_t) {
        if (b == 57) throw std::runtime_error("agent 57 failed");
    }), "agent 57 failed");
}

TEST_CASE("fewer than one thread is refused", "[kernel][executor]") {
    REQUIRE_THROWS_AS(Executor(0), ssesim::UsageError);
}
