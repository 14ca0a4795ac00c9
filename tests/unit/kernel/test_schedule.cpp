#include "ssesim/kernel/executor.hpp"
#include "ssesim/kernel/ledger.hpp"
#include "ssesim/kernel/schedule.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>

#include <string>
#include <vector>

using namespace ssesim::kernel;

TEST_CASE("a schedule runs its phases in order over their whole range, with or without a ledger",
          "[kernel][schedule]") {
    std::vector<std::string> trace;
    std::vector<int> hits(10, 0);
    Schedule schedule;
    schedule.add({"first", "model", 1, [] { return std::size_t{1}; },
                  [&](std::size_t, std::size_t) { trace.push_back("first"); }});
    schedule.add({"second", "agents", 4, [&] { return hits.size(); }, [&](std::size_t b, std::size_t e) {
                      trace.push_back("second " + std::to_string(b) + "-" + std::to_string(e));
                      for (std::size_t i = b; i < e; ++i) ++hits[i];
                  }});
    CHECK(schedule.describe() == "first (model) -> second (agents)");
    Executor serial(1);
    schedule.run(serial);  // a model without money
    CHECK(trace == std::vector<std::string>{"first", "second 0-4", "second 4-8", "second 8-10"});
    Ledger ledger({}, {});
    schedule.run(serial, ledger);
    CHECK(trace.size() == 8);
    CHECK(hits == std::vector<int>(10, 2));
}

TEST_CASE("a schedule adds each phase's wall time to its own entry", "[kernel][schedule]") {
    auto spin = [](std::chrono::milliseconds d) {
        const auto until = std::chrono::steady_clock::now() + d;
        while (std::chrono::steady_clock::now() < until) {
        }
    };
    Schedule schedule;
    schedule.add({"quick", "model", 1, [] { return std::size_t{1}; }, [](std::size_t, std::size_t) {}});
    schedule.add({"slow", "model", 1, [] { return std::size_t{1}; },
                  [&](std::size_t, std::size_t) { spin(std::chrono::milliseconds(20)); }});
    Executor serial(1);
    Ledger ledger({}, {});
    std::vector<std::int64_t> elapsed{0, 5};
    schedule.run(serial, ledger, elapsed);
    schedule.run(serial, ledger, elapsed);
    CHECK(elapsed[1] >= 5 + 40'000'000);          // two runs of at least 20 ms each, added to what was there
    CHECK(elapsed[0] < elapsed[1] / 10);          // the empty phase is not charged with the slow one
    const std::vector<std::int64_t> before = elapsed;
    schedule.run(serial, ledger);                  // no entries: nothing timed
    CHECK(elapsed == before);
}
