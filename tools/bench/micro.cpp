// bench_micro: Google Benchmark micro-benchmarks (issue 10). Two families:
//   step/<part>/<orgs>/threads:<t>  the wall time of one part of a model step
//                                   (Model::timing) on the default scenario scaled
//                                   to <orgs> organisations; step/all the whole step;
//   rng/...                         the random streams the model draws from.
// tools/bench/README.md says what each measures and gives figures.
#include "scaled_scenario.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/kernel/rng.hpp"
#include "ssesim/model/model.hpp"

#include <benchmark/benchmark.h>
#include <boost/random/poisson_distribution.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#if defined(__GLIBC__)
#endif
#include <string>
#include <utility>
#include <vector>

using namespace ssesim;

namespace {

// The measured steps. The population opens with no foreign presence and gains
// about 0.05 per organisation per step (about 5,500 a step at 100,000), and it
// grows by births (1.2% a step), so a step's cost depends on when it is taken:
// every step benchmark warms its model up for the same 12 steps (three years)
// and then times exactly steps 13 to 20, whatever the machine, so that runs and
// parts are comparable. Not the mean step of an 80-step run (README "Speed":
// that one ends at twice the population).
constexpr std::uint32_t warmup_steps = 12;
constexpr std::uint32_t measured_steps = 8;

const std::vector<std::int64_t> organisation_counts = {10'000, 100'000};
const std::vector<std::int64_t> thread_counts = {1, 2};

constexpr const char* scenario_variable = "SSESIM_BENCH_SCENARIO";

void print_help() {
    std::cout << "usage: bench_micro [--scenario=FILE] [Google Benchmark options]\n"
                 "\n"
                 "Micro-benchmarks of ssesim: step/<part>/<orgs>/threads:<t> times one part of a\n"
                 "model step (steps "
              << warmup_steps + 1 << " to " << warmup_steps + measured_steps
              << " of the scenario scaled to <orgs> organisations),\n"
                 "step/all/... whole steps, rng/... the random streams. Items are agent-steps\n"
                 "(step/...) or draws and streams (rng/...).\n"
                 "\n"
                 "  --scenario=FILE   the scenario to scale (default: $"
              << scenario_variable
              << ", else\n"
                 "                    scenarios/default.toml of the source tree)\n"
                 "  --benchmark_filter=REGEX  --benchmark_format=console|json|csv\n"
                 "  --benchmark_out=FILE  --benchmark_min_time=SECONDS (rng/ only; step/ runs\n"
                 "                    a fixed number of steps)  --benchmark_list_tests\n";
}

/// The scenario as loaded; each benchmark scales a copy of it.
const scenario::Scenario* base_scenario = nullptr;

/// A model of `base_scenario` scaled to `organisations`, warmed up. A model
/// cannot be copied or rewound, and a step moves it on (births, new presences),
/// so sharing one model across the part benchmarks would time each part at other
/// steps (the 13th part 96 steps after the first). Every benchmark builds
/// its own instead: building is cheap (0.06 s at 100,000 organisations), the
/// warm-up is most of the cost, and the model is deterministic, so every part is
/// timed on the same population at the same steps.
std::unique_ptr<model::Model> warmed_model(const benchmark::State& state) {
    scenario::Scenario s = *base_scenario;
    bench::scale_population(s, state.range(0));
    auto m = std::make_unique<model::Model>(std::move(s), static_cast<int>(state.range(1)));
    for (std::uint32_t t = 0; t < warmup_steps; ++t) m->step();
    return m;
}

/// Items are agent-steps: the organisations alive at the start of each timed
/// step, as `ssesim run --timing` counts them. The counters say the size the
/// steps ran at: organisations and foreign presences, averaged over the steps.
struct StepTally {
    std::int64_t agent_steps = 0, links = 0;

    void before(const model::Model& m) {
        agent_steps += static_cast<std::int64_t>(m.organisations().size());
        links += static_cast<std::int64_t>(m.links().size());
    }
    void report(benchmark::State& state, const model::Model& m) const {
        state.SetItemsProcessed(agent_steps);
        state.counters["orgs"] = benchmark::Counter(static_cast<double>(agent_steps), benchmark::Counter::kAvgIterations);
        state.counters["links"] = benchmark::Counter(static_cast<double>(links), benchmark::Counter::kAvgIterations);
        state.SetLabel("steps " + std::to_string(m.steps_done() - state.iterations() + 1) + "-" + std::to_string(m.steps_done()));
    }
};

/// One part of a step: per iteration one Model::step(), timed by what the step
/// added to that part's sum (two steady_clock reads around the part, taken by the
/// model itself).
void step_part(benchmark::State& state, std::size_t part) {
    const std::unique_ptr<model::Model> m = warmed_model(state);
    StepTally tally;
    for (auto _ : state) {
        tally.before(*m);
        const std::int64_t before = m->timing().nanoseconds[part];
        m->step();
        state.SetIterationTime(1e-9 * static_cast<double>(m->timing().nanoseconds[part] - before));
    }
    tally.report(state, *m);
}

/// The whole step, wall time (with 2 threads the CPU time of the main thread
/// would miss the worker's).
void step_all(benchmark::State& state) {
    const std::unique_ptr<model::Model> m = warmed_model(state);
    StepTally tally;
    for (auto _ : state) {
        tally.before(*m);
        m->step();
    }
    tally.report(state, *m);
}

// ---- the random streams -----------------------------------------------------
// Keys as the model forms them (DESIGN.md decision 1): the default scenario's
// seed, replicate 0, and a purpose of sim/model/model_internal.hpp.
constexpr std::uint64_t seed = 20261124;
constexpr std::uint32_t purpose_founding = 1, purpose_trade = 2, purpose_births = 3;

/// Raw 64-bit draws from one stream: one Philox4x64 block per four draws.
void rng_raw(benchmark::State& state) {
    kernel::Stream rng(seed, 0, 0, 1, purpose_trade);
    for (auto _ : state) benchmark::DoNotOptimize(rng());
    state.SetItemsProcessed(state.iterations());
}

/// A double on [0, 1) from one stream, the model's usual draw.
void rng_uniform(benchmark::State& state) {
    kernel::Stream rng(seed, 0, 0, 1, purpose_trade);
    for (auto _ : state) benchmark::DoNotOptimize(rng.uniform());
    state.SetItemsProcessed(state.iterations());
}

/// The model's pattern: a stream keyed by (seed, replicate, agent id, step,
/// purpose) per agent and decision, then its draws: 1 (adoption of openly given
/// technology, settlement.cpp), 2 (who a policy instrument reaches,
/// instrument.hpp), 7 (decide with one foreign presence: 2 per presence + 5,
/// decisions.cpp). Items are agents (streams).
void rng_stream_per_agent(benchmark::State& state) {
    const std::int64_t draws = state.range(0);
    std::uint64_t id = 0;
    for (auto _ : state) {
        kernel::Stream rng(seed, 0, id++, 13, purpose_trade);
        for (std::int64_t d = 0; d < draws; ++d) benchmark::DoNotOptimize(rng.uniform());
    }
    state.SetItemsProcessed(state.iterations());
}

/// A founding's productivity: Pareto(k, 1) by inversion on a new organisation's
/// stream (structure.cpp, Model::found), k = 4 (the registry's default
/// productivity_shape).
void rng_pareto_founding(benchmark::State& state) {
    const double k = 4.0;
    std::uint64_t id = 0;
    for (auto _ : state) {
        kernel::Stream rng(seed, 0, id++, 0, purpose_founding);
        benchmark::DoNotOptimize(std::pow(1.0 - rng.uniform(), -1.0 / k));
    }
    state.SetItemsProcessed(state.iterations());
}

/// A population group's births: one Boost.Random Poisson draw on the group's
/// stream, the distribution built per draw (structure.cpp, Model::restructure).
/// The argument is the mean: birth_rate 0.05 a year over a quarter is 0.0125 of
/// the group's count, about 4 for the default scenario's groups of 100 to 400
/// (Boost draws by inversion below 10) and 100 for the groups of 2,700 to 10,800
/// of the scenario scaled to 100,000 (Boost's PTRS rejection sampler).
void rng_poisson_births(benchmark::State& state) {
    const auto mean = static_cast<double>(state.range(0));
    std::uint64_t step = 0;
    for (auto _ : state) {
        kernel::Stream rng(seed, 0, std::uint64_t{1} << 63, static_cast<std::uint32_t>(step++), purpose_births);
        boost::random::poisson_distribution<std::int64_t, double> births(mean);
        benchmark::DoNotOptimize(births(rng));
    }
    state.SetItemsProcessed(state.iterations());
}

/// Benchmark names carry no spaces: "emit flows" -> "emit_flows".
std::string name_of(std::string part) {
    for (char& c : part)
        if (c == ' ') c = '_';
    return part;
}

void register_benchmarks(const std::vector<std::string>& parts) {
    const auto sizes = [](benchmark::internal::Benchmark* b) {
        b->ArgsProduct({organisation_counts, thread_counts})
            ->ArgNames({"", "threads"})
            ->Iterations(measured_steps)
            ->Unit(benchmark::kMicrosecond);
    };
    for (std::size_t p = 0; p < parts.size(); ++p)
        sizes(benchmark::RegisterBenchmark(("step/" + name_of(parts[p])).c_str(), step_part, p)->UseManualTime());
    sizes(benchmark::RegisterBenchmark("step/all", step_all)->UseRealTime());

    benchmark::RegisterBenchmark("rng/raw64", rng_raw);
    benchmark::RegisterBenchmark("rng/uniform", rng_uniform);
    benchmark::RegisterBenchmark("rng/stream_per_agent", rng_stream_per_agent)->ArgName("draws")->Arg(1)->Arg(2)->Arg(7);
    benchmark::RegisterBenchmark("rng/pareto_founding", rng_pareto_founding);
    benchmark::RegisterBenchmark("rng/poisson_births", rng_poisson_births)->ArgName("mean")->Arg(4)->Arg(100);
}

/// Takes --scenario=FILE or --scenario FILE out of argv; the environment variable,
/// then the source tree's default scenario, otherwise.
std::string take_scenario_flag(int& argc, char** argv) {
    const char* env = std::getenv(scenario_variable);
    std::string path = env && *env ? env : SSESIM_SOURCE_DIR "/scenarios/default.toml";
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--scenario=", 11) == 0) {
            path = argv[i] + 11;
        } else if (std::strcmp(argv[i], "--scenario") == 0) {
            if (i + 1 == argc) throw UsageError("--scenario: expected a file");
            path = argv[++i];
        } else {
            argv[kept++] = argv[i];
        }
    }
    argc = kept;
    return path;
}

int run(int argc, char** argv) {
    benchmark::Initialize(&argc, argv, print_help);
    const std::string path = take_scenario_flag(argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
    const scenario::Scenario loaded = bench::scaled_scenario(path, 0);
    base_scenario = &loaded;
    // The parts are the model's own list (its schedule, then the structural
    // update and the checks), read from a model of the scenario as written.
    register_benchmarks(model::Model(loaded, 1).timing().parts);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const Error& e) {  // the scenario, or a model invariant
        std::cerr << "bench_micro: error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "bench_micro: error: " << e.what() << "\n";
        return 1;
    }
}
