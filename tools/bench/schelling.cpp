// bench_schelling: the ABM frameworks comparison's Schelling model on ssesim's
// kernel (schelling_model.hpp), timed over seeded replicates (schelling_runs.hpp).
// tools/bench/README.md says how to set it beside MASON and Mesa.
#include "schelling_runs.hpp"

#include "ssesim/core/error.hpp"

#include "cli.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace po = boost::program_options;
using namespace ssesim;
using namespace ssesim::bench;

namespace {

constexpr std::uint32_t declared_steps = 20;  // DECLARATION.md: "The simulation runs for 20 steps."

constexpr const char* usage_text =
    "usage: bench_schelling [--size small|large] [--runs N] [--seed S] [--threads T]\n"
    "                       [--csv FILE] [--json FILE] [--overwrite]\n"
    "\n"
    "Schelling's segregation model as JuliaDynamics/ABMFrameworksComparison declares it\n"
    "(small: 40x40 grid, 1,000 agents, radius 1, 3 similar to be happy; large: 100x100,\n"
    "8,000 agents, radius 2, 8 similar), 20 steps per run, replicates 0..N-1 of seed S.\n"
    "Prints the median, min and max time per run (setup + 20 steps, and 20 steps alone)\n"
    "and the share of happy agents. A run is sequential: --threads runs replicates side\n"
    "by side (same results, per-run times no longer alone on the machine).\n"
    "\n"
    "options:\n"
    "  --size small|large  the declaration's model size (default large)\n"
    "  --runs N            replicates (default 100, the comparison's)\n"
    "  --seed S            master seed: run r uses Philox key (S, r) (default 42)\n"
    "  --threads T         replicates run side by side (default 1)\n"
    "  --csv FILE          one row per run\n"
    "  --json FILE         the summary and every run\n"
    "  --overwrite         replace an existing --csv or --json file\n";

/// The comparison's scripts take element n/2 of the sorted times (0-based) as the
/// median of n runs; so do we, so that the figures set side by side are alike.
struct Stats {
    double median, min, max;
};

Stats stats_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v.front(), v.back()};
}

/// One figure of every run: a member or a function of the run.
template <class Field>
Stats stats_of(const std::vector<SchellingRun>& runs, Field field) {
    std::vector<double> v;
    v.reserve(runs.size());
    for (const SchellingRun& r : runs) v.push_back(std::invoke(field, r));
    return stats_of(std::move(v));
}

double total_seconds(const SchellingRun& r) { return r.setup_seconds + r.steps_seconds; }

std::ofstream open_output(const std::string& path, bool overwrite) {
    if (!overwrite && std::filesystem::exists(path))
        throw OutputError(path + ": exists (pass --overwrite to replace it)");
    std::ofstream out(path);
    if (!out) throw OutputError(path + ": cannot be written");
    return out;
}

struct Options {
    std::string size;
    SchellingParams params;
    std::int64_t runs;   // signed, so that a negative count is refused, not wrapped
    std::uint64_t seed;
    int threads;
};

void write_csv(const std::string& path, bool overwrite, const std::vector<SchellingRun>& runs) {
    std::ofstream out = open_output(path, overwrite);
    out << "replicate,setup_ms,steps_ms,total_ms,happy_share_start,happy_share_end,happy_flag_share,grid_hash\n";
    for (const SchellingRun& r : runs)
        out << r.replicate << ',' << fmt("%.6f", r.setup_seconds * 1e3) << ','
            << fmt("%.6f", r.steps_seconds * 1e3) << ','
            << fmt("%.6f", (r.setup_seconds + r.steps_seconds) * 1e3) << ',' << fmt("%.6f", r.happy_share_start)
            << ',' << fmt("%.6f", r.happy_share_end) << ',' << fmt("%.6f", r.happy_flag_share) << ','
            << r.grid_hash << '\n';
    if (!out.flush()) throw OutputError(path + ": write failed");
}

void write_json(const std::string& path, bool overwrite, const Options& o, const std::vector<SchellingRun>& runs) {
    std::ofstream out = open_output(path, overwrite);
    const auto ms = [](const Stats& s) {
        return "{\"median\": " + fmt("%.6f", s.median * 1e3) + ", \"min\": " + fmt("%.6f", s.min * 1e3) +
               ", \"max\": " + fmt("%.6f", s.max * 1e3) + "}";
    };
    out << "{\n  \"model\": \"schelling\", \"size\": \"" << o.size << "\", \"side\": " << o.params.side
        << ", \"agents\": " << o.params.agents << ", \"radius\": " << o.params.radius
        << ", \"min_to_be_happy\": " << o.params.min_to_be_happy << ",\n  \"steps\": " << declared_steps
        << ", \"runs\": " << o.runs << ", \"seed\": " << o.seed << ", \"threads\": " << o.threads << ",\n"
        << "  \"total_ms\": " << ms(stats_of(runs, total_seconds))
        << ",\n  \"steps_ms\": " << ms(stats_of(runs, &SchellingRun::steps_seconds))
        << ",\n  \"setup_ms\": " << ms(stats_of(runs, &SchellingRun::setup_seconds))
        << ",\n  \"happy_share_start_median\": " << fmt("%.6f", stats_of(runs, &SchellingRun::happy_share_start).median)
        << ",\n  \"happy_share_end_median\": " << fmt("%.6f", stats_of(runs, &SchellingRun::happy_share_end).median)
        << ",\n  \"per_run\": [\n";
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const SchellingRun& r = runs[i];
        out << "    {\"replicate\": " << r.replicate << ", \"setup_ms\": " << fmt("%.6f", r.setup_seconds * 1e3)
            << ", \"steps_ms\": " << fmt("%.6f", r.steps_seconds * 1e3)
            << ", \"happy_share_start\": " << fmt("%.6f", r.happy_share_start)
            << ", \"happy_share_end\": " << fmt("%.6f", r.happy_share_end)
            << ", \"happy_flag_share\": " << fmt("%.6f", r.happy_flag_share)
            << ", \"grid_hash\": \"" << r.grid_hash << "\"}" << (i + 1 < runs.size() ? ",\n" : "\n");
    }
    out << "  ]\n}\n";
    if (!out.flush()) throw OutputError(path + ": write failed");
}

int run(int argc, char** argv) {
    po::options_description desc;
    Options o;
    std::string csv, json;
    desc.add_options()                                        // usage_text describes them
        ("help,h", "")
        ("size", po::value(&o.size)->default_value("large"), "")
        ("runs", po::value(&o.runs)->default_value(100), "")
        ("seed", po::value(&o.seed)->default_value(42), "")
        ("threads,t", po::value(&o.threads)->default_value(1), "")
        ("csv", po::value(&csv), "")
        ("json", po::value(&json), "")
        ("overwrite", "");
    const std::optional<po::variables_map> parsed = bench::parse_command_line(argc, argv, desc, usage_text);
    if (!parsed) return 0;
    const po::variables_map& vm = *parsed;
    if (o.size == "small")
        o.params = schelling_small;
    else if (o.size == "large")
        o.params = schelling_large;
    else
        throw UsageError("--size: expected small or large, got '" + o.size + "'");
    if (o.runs < 1) throw UsageError("--runs: expected an integer >= 1, got " + std::to_string(o.runs));
    const bool overwrite = vm.count("overwrite") > 0;
    // Refuse an existing output before spending the runs on it.
    for (const std::string& path : {csv, json})
        if (!path.empty() && !overwrite && std::filesystem::exists(path))
            throw OutputError(path + ": exists (pass --overwrite to replace it)");

    const std::vector<SchellingRun> runs = run_schelling(o.params, o.seed, static_cast<std::size_t>(o.runs), declared_steps, o.threads);

    const auto line = [](const char* what, const Stats& s) {
        std::cout << what << "median " << fmt("%.3f", s.median * 1e3) << " ms, min " << fmt("%.3f", s.min * 1e3)
                  << " ms, max " << fmt("%.3f", s.max * 1e3) << " ms\n";
    };
    std::cout << "ssesim Schelling " << o.size << " (" << o.params.side << "x" << o.params.side << ", "
              << o.params.agents << " agents, radius " << o.params.radius << ", " << o.params.min_to_be_happy
              << " similar to be happy), " << declared_steps << " steps, " << o.runs << " runs of seed " << o.seed
              << ", " << o.threads << (o.threads == 1 ? " thread\n" : " threads\n");
    line("  setup + 20 steps: ", stats_of(runs, total_seconds));
    line("  20 steps alone:   ", stats_of(runs, &SchellingRun::steps_seconds));
    line("  setup alone:      ", stats_of(runs, &SchellingRun::setup_seconds));
    std::cout << "  happy share (median of runs): "
              << fmt("%.4f", stats_of(runs, &SchellingRun::happy_share_start).median) << " at the start, "
              << fmt("%.4f", stats_of(runs, &SchellingRun::happy_share_end).median) << " after step 20 ("
              << fmt("%.4f", stats_of(runs, &SchellingRun::happy_flag_share).median)
              << " with the happy flag set)\n";
    if (!csv.empty()) write_csv(csv, overwrite, runs);
    if (!json.empty()) write_json(json, overwrite, o, runs);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return bench::guarded_main("bench_schelling", [&] { return run(argc, argv); });
}
