// bench_model: one timed run of the full model, the harness's unit of measure
// (tools/bench/run drives it, one process per configuration, so that each peak
// RSS is its own). The scenario (default: scenarios/default.toml) is scaled to
// --organisations at the opening; the run writes nothing, the per-step
// aggregates, or the aggregates and per-agent snapshots, to a temporary HDF5
// file that is removed afterwards.
#include "scaled_scenario.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/io/run_writer.hpp"
#include "ssesim/model/model.hpp"

#include "cli.hpp"

#include <boost/program_options.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <memory>
#include <string>
#include <type_traits>

namespace po = boost::program_options;
using namespace ssesim;
using bench::fmt;

namespace {

constexpr const char* usage_text =
    "usage: bench_model [--scenario FILE] [--organisations N] [--steps S] [--threads T]\n"
    "                   [--output none|aggregates|snapshots] [--snapshot-interval K]\n"
    "                   [--dir DIR] [--json]\n"
    "\n"
    "One timed run of the full model: the scenario with its populations scaled so that\n"
    "N organisations open the run. Prints agent-steps per second (organisations alive at\n"
    "the start of each step, summed over the steps, over the wall time of the steps and\n"
    "their output), the time of each part of a step, peak RSS and the bytes of agent\n"
    "state per organisation. tools/bench/run drives it.\n"
    "\n"
    "options:\n"
    "  --scenario FILE       default: scenarios/default.toml of the source tree\n"
    "  --organisations N     organisations at the opening (default 0: as the scenario says)\n"
    "  --steps S             steps to run (default 0: the scenario's run.steps)\n"
    "  --threads T           threads of the model (default 1)\n"
    "  --output MODE         none (default); aggregates: the per-step datasets;\n"
    "                        snapshots: those and every agent's state every K steps\n"
    "  --snapshot-interval K steps between snapshots (default 4)\n"
    "  --dir DIR             where the temporary HDF5 file goes (default $TMPDIR or /tmp)\n"
    "  --json                one JSON object on stdout instead of the summary\n";

/// Bytes of one row of every column of a structure of arrays.
template <class Table>
std::size_t row_bytes() {
    Table t;
    std::size_t bytes = 0;
    t.for_each_column([&bytes](auto& column) { bytes += sizeof(typename std::decay_t<decltype(column)>::value_type); });
    return bytes;
}

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

int run(int argc, char** argv) {
    std::string scenario_path = std::string(SSESIM_SOURCE_DIR) + "/scenarios/default.toml";
    std::string output = "none", dir;
    std::int64_t organisations = 0, steps = 0, interval = 4;
    int threads = 1;
    po::options_description desc;
    desc.add_options()                                        // usage_text describes them
        ("help,h", "")
        ("scenario", po::value(&scenario_path), "")
        ("organisations,n", po::value(&organisations), "")
        ("steps", po::value(&steps), "")
        ("threads,t", po::value(&threads), "")
        ("output", po::value(&output), "")
        ("snapshot-interval", po::value(&interval), "")
        ("dir", po::value(&dir), "")
        ("json", "");
    const std::optional<po::variables_map> parsed = bench::parse_command_line(argc, argv, desc, usage_text);
    if (!parsed) return 0;
    const po::variables_map& vm = *parsed;
    if (output != "none" && output != "aggregates" && output != "snapshots")
        throw UsageError("--output: expected none, aggregates or snapshots, got '" + output + "'");
    if (organisations < 0) throw UsageError("--organisations: expected an integer >= 0, got " + std::to_string(organisations));
    if (steps < 0) throw UsageError("--steps: expected an integer >= 0, got " + std::to_string(steps));
    if (threads < 1) throw UsageError("--threads: expected an integer >= 1, got " + std::to_string(threads));
    if (interval < 1) throw UsageError("--snapshot-interval: expected an integer >= 1, got " + std::to_string(interval));
    if (dir.empty()) dir = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";

    using Clock = std::chrono::steady_clock;
    const Clock::time_point t_setup = Clock::now();
    scenario::Scenario s = bench::scaled_scenario(scenario_path, organisations);
    if (steps > 0) s.steps = steps;
    s.snapshot_interval = output == "snapshots" ? interval : 0;
    steps = s.steps;
    model::Model m(std::move(s), threads);
    const std::size_t opening = m.organisations().size();
    const std::string file = (std::filesystem::path(dir) / ("bench_model." + std::to_string(::getpid()) + ".h5")).string();
    std::unique_ptr<io::RunWriter> writer;
    if (output != "none") writer = std::make_unique<io::RunWriter>(file, true, m, threads);
    const double setup_seconds = std::chrono::duration<double>(Clock::now() - t_setup).count();

    double agent_steps = 0, output_seconds = 0;
    std::size_t most = opening;
    const Clock::time_point t0 = Clock::now();
    for (std::int64_t t = 0; t < steps; ++t) {
        agent_steps += static_cast<double>(m.organisations().size());
        m.step();
        most = std::max(most, m.organisations().size());
        if (writer) {
            const Clock::time_point w0 = Clock::now();
            writer->write_step(m);
            output_seconds += std::chrono::duration<double>(Clock::now() - w0).count();
        }
    }
    if (writer) {
        const Clock::time_point w0 = Clock::now();
        writer->finish();
        output_seconds += std::chrono::duration<double>(Clock::now() - w0).count();
    }
    const double run_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::uintmax_t file_bytes = 0;
    if (writer) {
        file_bytes = std::filesystem::file_size(file);
        std::filesystem::remove(file);
    }

    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double peak_rss = static_cast<double>(usage.ru_maxrss) * 1024.0;   // Linux: KiB
    const std::size_t orgs = m.organisations().size(), links = m.links().size();
    const std::size_t org_bytes = row_bytes<model::Organisations>() + sizeof(std::uint32_t);   // + link_begin
    const std::size_t link_bytes = row_bytes<model::Links>();
    const double state_per_org = static_cast<double>(org_bytes) + static_cast<double>(link_bytes) * static_cast<double>(links) / static_cast<double>(std::max<std::size_t>(orgs, 1));
    const model::StepTiming& timing = m.timing();

    if (vm.count("json")) {
        std::cout << "{\"scenario\": " << json_string(scenario_path) << ", \"output\": " << json_string(output)
                  << ", \"snapshot_interval\": " << (output == "snapshots" ? interval : 0) << ", \"threads\": " << threads
                  << ", \"steps\": " << steps << ", \"organisations_opening\": " << opening
                  << ", \"organisations_end\": " << orgs << ", \"organisations_most\": " << most << ", \"links_end\": " << links
                  << ", \"agent_steps\": " << fmt("%.0f", agent_steps) << ", \"setup_seconds\": " << fmt("%.6f", setup_seconds)
                  << ", \"run_seconds\": " << fmt("%.6f", run_seconds) << ", \"output_seconds\": " << fmt("%.6f", output_seconds)
                  << ", \"agent_steps_per_second\": " << fmt("%.1f", agent_steps / run_seconds)
                  << ", \"peak_rss_bytes\": " << fmt("%.0f", peak_rss) << ", \"file_bytes\": " << file_bytes
                  << ", \"organisation_row_bytes\": " << org_bytes << ", \"link_row_bytes\": " << link_bytes
                  << ", \"state_bytes_per_organisation\": " << fmt("%.2f", state_per_org) << ", \"parts\": {";
        for (std::size_t i = 0; i < timing.parts.size(); ++i)
            std::cout << (i ? ", " : "") << json_string(timing.parts[i]) << ": " << fmt("%.6f", 1e-9 * static_cast<double>(timing.nanoseconds[i]));
        std::cout << "}}\n";
        return 0;
    }
    std::cout << "bench_model: " << opening << " organisations at the opening (" << orgs << " at the end, " << links
              << " foreign links), " << steps << " steps, " << threads << (threads == 1 ? " thread" : " threads")
              << ", output " << output << "\n"
              << "  " << fmt("%.4g", agent_steps / run_seconds) << " agent-steps/s (" << fmt("%.4g", agent_steps) << " in "
              << fmt("%.3f", run_seconds) << " s; output " << fmt("%.3f", output_seconds) << " s; setup "
              << fmt("%.3f", setup_seconds) << " s)\n"
              << "  peak RSS " << fmt("%.1f", peak_rss / 1048576.0) << " MiB, " << fmt("%.0f", peak_rss / static_cast<double>(most))
              << " bytes per organisation at the most (" << most << "); agent state " << fmt("%.0f", state_per_org)
              << " bytes per organisation (" << org_bytes << " + " << link_bytes << " per link)\n";
    for (std::size_t i = 0; i < timing.parts.size(); ++i)
        std::cout << "  " << timing.parts[i] << ": " << fmt("%.4f", 1e-9 * static_cast<double>(timing.nanoseconds[i])) << " s\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    io::skip_hdf5_exit_handler();
    return bench::guarded_main("bench_model", [&] { return run(argc, argv); });
}
