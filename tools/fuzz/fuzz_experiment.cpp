// libFuzzer target: the experiment loader, ssesim::sweep::load_experiment(path).
//
// Each input is written to <work dir>/experiment.toml, beside a valid base
// scenario base.toml (three countries, two groups) and the `world` link, and
// loaded as `ssesim validate` would load an experiment: the design is expanded
// and the scenario of its first runs built. Expected: an Experiment, or an
// ssesim::Error with a one-line message. Findings: any other exception, a crash,
// a sanitizer or libstdc++-assertion report, a leak, a hang (-timeout), more
// memory than -rss_limit_mb (a design must be refused before it is allocated),
// and a resolved experiment that does not load back to itself.
#include "fuzz_support.hpp"

#include "ssesim/sweep/experiment.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

namespace {

const char* const base_scenario = R"(# the base scenario every fuzzed experiment may name as "base.toml"
[run]
name = "fuzz_base"
steps = 2
seed = 1

[world]
countries = "world/countries.csv"
pairs = "world/pairs.csv"
use = ["ESP", "FRA", "MEX"]

[[population]]
country = "ESP"
kind = "worker_coop"
sector = "manufacturing"
count = 5
mission = 0.6

[[population]]
country = "MEX"
kind = "for_profit"
sector = "services"
count = 5
)";

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    std::ofstream(ssesim::fuzz::work_dir() / "base.toml") << base_scenario;
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ssesim;
    static const std::string path = (fuzz::work_dir() / "experiment.toml").string();
    fuzz::write_file(path, data, size);
    fuzz::expect_clean([&] {
        const sweep::Experiment e = sweep::load_experiment(path);
        if (e.runs.empty()) fuzz::finding("an experiment loaded with no runs");
        // The scenarios of the first runs (each a full scenario load), as validate checks them.
        for (std::size_t r = 0; r < std::min<std::size_t>(e.runs.size(), 3); ++r) (void)e.scenario_for(e.runs[r]);
        sweep::Experiment again;
        try {
            again = sweep::load_experiment_text(e.resolved_toml, path);
        } catch (const Error& err) {
            fuzz::finding("the resolved experiment does not load back: " + std::string(err.what()) +
                          "\n--- resolved TOML ---\n" + e.resolved_toml);
        }
        if (again.resolved_toml != e.resolved_toml || again.runs.size() != e.runs.size())
            fuzz::finding("the resolved experiment loads back to a different one:\n--- first ---\n" + e.resolved_toml +
                          "\n--- loaded back ---\n" + again.resolved_toml);
    });
    return 0;
}
