#include "ssesim/kernel/executor.hpp"
#include "ssesim/kernel/ledger.hpp"
#include "ssesim/kernel/schedule.hpp"

#include <catch2/catch.hpp>

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
