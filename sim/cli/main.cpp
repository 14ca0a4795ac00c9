// The ssesim program: one binary, clear verbs (DESIGN.md decision 7). Only this
// file talks to the terminal.
#include "ssesim/core/error.hpp"
#include "ssesim/core/version.hpp"
#include "ssesim/io/run_writer.hpp"
#include "ssesim/io/verify.hpp"
#include "ssesim/model/instruments.hpp"
#include "ssesim/model/model.hpp"
#include "ssesim/scenario/loader.hpp"
#include "ssesim/scenario/registry.hpp"
#include "ssesim/sweep/experiment.hpp"
#include "ssesim/sweep/runner.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <sstream>
#include <thread>
#include <string>
#include <vector>

#include <unistd.h>

namespace po = boost::program_options;
using namespace ssesim;

namespace {

// Set by SIGINT/SIGTERM, read by the sweep's worker threads: a lock-free atomic is
// both safe in a signal handler and free of data races between threads.
std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);
extern "C" void on_signal(int) { interrupted.store(true, std::memory_order_relaxed); }

constexpr const char* usage_text =
    "usage: ssesim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run SCENARIO [-o FILE] [--threads N] [--seed S] [--overwrite] [--timing]\n"
    "                      simulate a scenario and write an HDF5 file (--timing: the\n"
    "                      time of each phase of a step, summed over the run)\n"
    "  sweep EXPERIMENT [-o FILE] [--threads N] [--overwrite] [--log FILE]\n"
    "                      run every run of an experiment into one HDF5 file; run\n"
    "                      again to resume an interrupted sweep (also under mpirun/srun)\n"
    "  validate FILE       check a scenario or experiment file without running it\n"
    "  verify FILE         recompute the checksums of a run or sweep file\n"
    "  describe [--format md|toml]\n"
    "                      every scenario parameter with default, unit, range, meaning\n"
    "  describe --instruments\n"
    "                      every policy instrument type ([[policy]] type): directions,\n"
    "                      flows, effect, what intensity and unit_cost mean, its SILK\n"
    "                      source; then the fields common to every instrument\n"
    "\n"
    "options:\n"
    "  -h, --help          this text\n"
    "  --version           program version, git commit, compiler and libraries\n";

enum Exit { exit_ok = 0, exit_failure = 1, exit_usage = 2, exit_output = 3, exit_invariant = 4, exit_interrupted = 130 };

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& opts,
                        const po::positional_options_description& pos) {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
    po::notify(vm);
    return vm;
}

void require_scenario(const po::variables_map& vm, const std::string& verb) {
    if (!vm.count("scenario"))
        throw UsageError(verb + ": missing the SCENARIO argument (usage: ssesim " + verb + " SCENARIO)");
}

std::uint64_t parse_seed(const std::string& text) {
    const std::string expected = "--seed: expected an integer in [0, 9223372036854775807], got " + text;
    if (text.empty() || text.size() > 19 || text.find_first_not_of("0123456789") != std::string::npos)
        throw UsageError(expected);
    const std::uint64_t v = std::stoull(text);
    if (v > 9223372036854775807ULL) throw UsageError(expected);
    return v;
}

std::string fmt(double v, int precision = 3) {
    std::ostringstream s;
    s.precision(precision);
    s << v;
    return s.str();
}

void print_summary(const model::Model& m, const std::string& path) {
    const model::StepRecord& r = m.record();
    const auto& w = m.scenario().world;
    auto total = [](const auto& v) { return std::accumulate(v.begin(), v.end(), std::int64_t{0}); };
    auto usd = [](Money c) { return money_to_usd(c); };
    std::int64_t sse_orgs = 0, sse_exporters = 0, fp_orgs = 0, fp_exporters = 0;
    Money sse_rev = 0, sse_exp = 0, fp_rev = 0, fp_exp = 0;
    for (std::size_t c = 0; c < w.size(); ++c)
        for (std::size_t k = 0; k < model::org_kind_count; ++k) {
            const bool fp = k == static_cast<std::size_t>(model::OrgKind::for_profit);
            (fp ? fp_orgs : sse_orgs) += r.organisations[r.at(c, k)];
            (fp ? fp_exporters : sse_exporters) += r.exporters[r.at(c, k)];
            (fp ? fp_rev : sse_rev) += r.revenue[r.at(c, k)];
            (fp ? fp_exp : sse_exp) += r.export_revenue[r.at(c, k)];
        }
    // largest cross-border goods flow
    std::vector<Money> by_pair(w.size() * w.size(), 0);
    for (const auto& cell : r.flows) {
        const model::FlowKey k = model::FlowKey::unpack(cell.key);
        if (k.flow == model::flow_sales && k.origin != k.destination) by_pair[k.origin * w.size() + k.destination] += cell.value;
    }
    const auto top = std::max_element(by_pair.begin(), by_pair.end());
    const Money best = *top;
    const std::size_t bo = static_cast<std::size_t>(top - by_pair.begin()) / w.size(), bd = static_cast<std::size_t>(top - by_pair.begin()) % w.size();
    auto share = [](Money a, Money b) { return b > 0 ? fmt(100.0 * static_cast<double>(a) / static_cast<double>(b)) + "%" : std::string("n/a"); };
    std::cout << "results: " << path << " (" << m.steps_done() << " steps, " << w.size() << " countries)\n"
              << "  organisations at step " << m.steps_done() << ": " << sse_orgs << " SSE, " << fp_orgs
              << " for-profit; " << total(r.employees) << " employees at home\n"
              << "  exporters: " << sse_exporters << " SSE (" << share(sse_exp, sse_rev) << " of their revenue abroad), "
              << fp_exporters << " for-profit (" << share(fp_exp, fp_rev) << ")\n"
              << "  revenue in the last step: US$ " << fmt(usd(sse_rev + fp_rev) / 1e6, 4) << " million, of which exports "
              << share(sse_exp + fp_exp, sse_rev + fp_rev) << "\n"
              << "  largest cross-border flow: " << (best > 0 ? w.countries[bo].iso3 + " -> " + w.countries[bd].iso3 + ", US$ " + fmt(usd(best) / 1e6, 4) + " million" : std::string("none")) << "\n";
}

void print_timing(const model::Model& m, double output_seconds, double total_seconds, double agent_steps) {
    const model::StepTiming& t = m.timing();
    std::printf("time of %u steps (%.4g agent-steps, %.3g per second):\n", m.steps_done(), agent_steps, agent_steps / std::max(total_seconds, 1e-9));
    auto row = [total_seconds](const std::string& part, double secs) {
        std::printf("  %-24s %10.4f s %6.1f%%\n", part.c_str(), secs, 100.0 * secs / std::max(total_seconds, 1e-9));
    };
    for (std::size_t i = 0; i < t.parts.size(); ++i) row(t.parts[i], 1e-9 * static_cast<double>(t.nanoseconds[i]));
    row("output (HDF5)", output_seconds);
    row("total", total_seconds);
}

int resolve_threads(int threads, const char* option = "--threads") {
    if (threads < 0) throw UsageError(std::string(option) + ": expected an integer >= 0, got " + std::to_string(threads));
    return threads == 0 ? static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) : threads;
}

int cmd_run(const std::vector<std::string>& args) {
    po::options_description opts("run");
    opts.add_options()("scenario", po::value<std::string>(), "scenario file")
        ("output,o", po::value<std::string>(), "output HDF5 file (default: output.file of the scenario)")
        ("threads,t", po::value<int>()->default_value(0), "threads (0: all cores)")
        ("seed", po::value<std::string>(), "override run.seed")
        ("overwrite", po::bool_switch(), "replace an existing output file")
        ("quiet,q", po::bool_switch(), "no progress line")
        ("timing", po::bool_switch(), "print the wall time of each phase of a step, summed over the run");
    po::positional_options_description pos;
    pos.add("scenario", 1);
    const po::variables_map vm = parse(args, opts, pos);
    require_scenario(vm, "run");

    scenario::Scenario s = scenario::load_scenario(vm["scenario"].as<std::string>());
    if (vm.count("seed")) scenario::override_seed(s, parse_seed(vm["seed"].as<std::string>()));
    const std::string out = vm.count("output") ? vm["output"].as<std::string>() : s.output_file;
    const int threads = resolve_threads(vm["threads"].as<int>());
    const std::int64_t steps = s.steps;

    model::Model m(std::move(s), threads);
    io::RunWriter writer(out, vm["overwrite"].as<bool>(), m, threads);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const bool progress = !vm["quiet"].as<bool>() && isatty(STDERR_FILENO);
    const auto t0 = std::chrono::steady_clock::now();
    double agent_steps = 0, output_seconds = 0;
    for (std::int64_t t = 0; t < steps; ++t) {
        if (interrupted) {
            writer.interrupt();
            std::cerr << (progress ? "\n" : "") << "ssesim: interrupted after step " << m.steps_done() << " of " << steps
                      << "; " << out << " holds the completed steps (steps_completed = " << m.steps_done() << ")\n";
            return exit_interrupted;
        }
        agent_steps += static_cast<double>(m.organisations().size());
        m.step();
        const auto w0 = std::chrono::steady_clock::now();
        writer.write_step(m);
        output_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
        if (progress) {
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            const double eta = secs / static_cast<double>(t + 1) * static_cast<double>(steps - t - 1);
            std::fprintf(stderr, "\rstep %lld/%lld  agents %zu  %.3g agent-steps/s  ETA %.0f s   ",
                         static_cast<long long>(t + 1), static_cast<long long>(steps), m.organisations().size(),
                         agent_steps / std::max(secs, 1e-9), eta);
        }
    }
    writer.finish();
    if (progress) std::fprintf(stderr, "\n");
    print_summary(m, out);
    if (vm["timing"].as<bool>()) print_timing(m, output_seconds, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), agent_steps);
    return exit_ok;
}

int cmd_sweep(const std::vector<std::string>& args) {
    po::options_description opts("sweep");
    opts.add_options()("experiment", po::value<std::string>(), "experiment file")
        ("output,o", po::value<std::string>(), "sweep HDF5 file (default: experiment.output)")
        ("threads,t", po::value<int>(), "worker threads per process (0: all cores; default: all cores, 1 under MPI)")
        ("overwrite", po::bool_switch(), "replace an existing file instead of resuming it")
        ("log", po::value<std::string>(), "append one line per computed run to this file")
        ("quiet,q", po::bool_switch(), "no progress line");
    po::positional_options_description pos;
    pos.add("experiment", 1);
    const po::variables_map vm = parse(args, opts, pos);
    if (!vm.count("experiment"))
        throw UsageError("sweep: missing the EXPERIMENT argument (usage: ssesim sweep EXPERIMENT)");
    const bool mpi = sweep::launched_by_mpi();
    const sweep::Experiment e = sweep::load_experiment(vm["experiment"].as<std::string>());
    sweep::SweepOptions o;
    o.output = vm.count("output") ? vm["output"].as<std::string>() : e.output_file;
    o.threads = vm.count("threads") ? resolve_threads(vm["threads"].as<int>()) : mpi ? 1 : resolve_threads(0);
    o.overwrite = vm["overwrite"].as<bool>();
    o.progress = !vm["quiet"].as<bool>() && isatty(STDERR_FILENO);
    if (vm.count("log")) o.log = vm["log"].as<std::string>();
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const sweep::SweepOutcome r = sweep::run_sweep(e, o, interrupted);
    if (!r.writer) return exit_ok;
    if (r.interrupted) {
        std::cerr << "ssesim: interrupted: " << r.skipped + r.computed << " of " << r.runs << " runs complete in " << o.output
                  << "; run the same command again to resume\n";
        return exit_interrupted;
    }
    std::cout << "results: " << o.output << " (" << r.runs << " runs of experiment '" << e.name << "': " << e.arms.size()
              << " arm" << (e.arms.size() == 1 ? "" : "s") << ", design " << sweep::design_names[static_cast<int>(e.design)]
              << "; " << r.computed << " computed now, " << r.skipped << " already complete)\n"
              << "  compare arms: ssesim-analysis compare " << o.output << " --arms ";
    for (std::size_t a = 0; a < e.arms.size(); ++a) std::cout << (a ? "," : "") << e.arms[a].name;
    std::cout << " --indicator export_revenue\n";
    return exit_ok;
}

int cmd_validate(const std::vector<std::string>& args) {
    po::options_description opts("validate");
    opts.add_options()("scenario", po::value<std::string>(), "scenario file");
    po::positional_options_description pos;
    pos.add("scenario", 1);
    const po::variables_map vm = parse(args, opts, pos);
    require_scenario(vm, "validate");
    if (sweep::is_experiment_file(vm["scenario"].as<std::string>())) {
        const sweep::Experiment e = sweep::load_experiment(vm["scenario"].as<std::string>());
        e.check_scenarios(resolve_threads(0));
        std::cout << e.source_path << ": valid experiment: " << e.runs.size() << " runs (" << e.arms.size() << " arm"
                  << (e.arms.size() == 1 ? "" : "s") << ", design " << sweep::design_names[static_cast<int>(e.design)] << ", "
                  << e.factors.size() << " factor" << (e.factors.size() == 1 ? "" : "s") << ") over " << e.base.source_path << "\n";
        return exit_ok;
    }
    const scenario::Scenario s = scenario::load_scenario(vm["scenario"].as<std::string>());
    std::int64_t orgs = 0;
    for (const auto& p : s.populations) orgs += p.count;
    std::cout << s.source_path << ": valid: " << s.steps << " steps, " << s.world.size() << " countries, "
              << s.populations.size() << " population groups, " << orgs << " organisations at step 0\n";
    return exit_ok;
}

int cmd_verify(const std::vector<std::string>& args) {
    po::options_description opts("verify");
    opts.add_options()("file", po::value<std::string>(), "HDF5 file written by ssesim run or sweep");
    po::positional_options_description pos;
    pos.add("file", 1);
    const po::variables_map vm = parse(args, opts, pos);
    if (!vm.count("file")) throw UsageError("verify: missing the FILE argument (usage: ssesim verify FILE)");
    const std::string path = vm["file"].as<std::string>();
    const io::VerifyReport r = io::verify_file(path);
    const std::string counted = std::to_string(r.datasets) + " datasets" + (r.sweep ? " and " + std::to_string(r.runs) + " runs" : "");
    if (r.problems.empty()) {
        std::cout << path << ": every checksum matches (" << counted << ")\n";
        return exit_ok;
    }
    for (const std::string& p : r.problems) std::cout << path << ": " << p << "\n";
    std::cerr << "ssesim: error: " << path << ": " << r.problems.size() << " integrity problem"
              << (r.problems.size() == 1 ? "" : "s") << " (" << counted << " checked)\n";
    return exit_failure;
}

/// `text` wrapped at word boundaries to lines of at most `width` characters, the
/// first continuing a line already `indent` long, the others indented by `indent`.
std::string wrap(std::string_view text, std::size_t indent, std::size_t width = 80) {
    std::string out, line;
    const std::size_t room = width > indent + 20 ? width - indent : 20;
    auto flush = [&] {
        if (!out.empty()) out += "\n" + std::string(indent, ' ');
        out += line;
        line.clear();
    };
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t space = text.find(' ', at);
        const std::string_view word = text.substr(at, space == std::string_view::npos ? std::string_view::npos : space - at);
        at = space == std::string_view::npos ? text.size() : space + 1;
        if (word.empty()) continue;
        if (!line.empty() && line.size() + 1 + word.size() > room) flush();
        line += (line.empty() ? "" : " ") + std::string(word);
    }
    if (!line.empty() || out.empty()) flush();
    return out;
}

/// The names of the set bits of `bits` among `names`, the default marked.
template <std::size_t N>
std::string allowed(std::uint32_t bits, const std::array<std::string_view, N>& names, std::size_t default_index) {
    std::string s;
    for (std::size_t k = 0; k < N; ++k) {
        if (!((bits >> k) & 1u)) continue;
        s += (s.empty() ? "" : ", ") + std::string(names[k]) + (k == default_index ? " (default)" : "");
    }
    return s;
}

/// `ssesim describe --instruments`: the instrument vocabulary of policy regimes
/// (model/instruments.hpp) and the [[policy]] keys every instrument has.
std::string describe_instruments() {
    constexpr std::size_t label = 14;   // "  directions  " and the like
    std::ostringstream s;
    auto field = [&](std::string_view name, std::string_view text) {
        std::string head = "  " + std::string(name);
        head.resize(label, ' ');
        s << head << wrap(text, label) << "\n";
    };
    s << wrap("Policy instrument types. A policy regime is a list of [[policy]] tables in the scenario file, one "
              "instrument each; its `type` names one of these (sim/ODD.md, section 7.16).", 0)
      << "\n";
    for (const model::InstrumentInfo& info : model::instrument_info) {
        s << "\n" << info.name << "\n";
        field("directions", allowed(info.directions, model::direction_names, static_cast<std::size_t>(info.default_direction)));
        field("flows", allowed(info.flows, model::policy_flow_names, static_cast<std::size_t>(info.default_flow)));
        field("spends", info.spends ? "yes: its budget is paid into its fund at the start of each programme year, "
                                      "and what is unspent goes back to the funders at its end"
                                    : "no: it acts without money (budget must be 0)");
        field("effect", info.effect);
        field("intensity", info.intensity);
        field("unit_cost", info.unit_cost.empty() ? std::string_view("not used by this type") : info.unit_cost);
        field("source", info.source);
    }
    s << "\n"
      << wrap("Fields common to every instrument (the [[policy]] keys; `ssesim describe` gives their types and the "
              "sources of their defaults):", 0)
      << "\n";
    for (const scenario::ParamSpec& p : scenario::parameters()) {
        if (!p.key.starts_with("policy[].")) continue;
        s << "\n" << p.key.substr(p.key.find('.') + 1) << "\n";
        field("unit", p.unit.empty() ? std::string_view("none") : p.unit);
        field("default", p.required() ? std::string_view("required") : p.default_value);
        if (p.has_range() || p.type == scenario::ParamType::enumeration || p.type == scenario::ParamType::enum_list ||
            p.type == scenario::ParamType::real_list)
            field("values", p.expected());
        field("meaning", p.meaning);
    }
    return s.str();
}

int cmd_describe(const std::vector<std::string>& args) {
    po::options_description opts("describe");
    opts.add_options()("format", po::value<std::string>()->default_value("md"), "md or toml")
        ("instruments", po::bool_switch(), "the policy instrument types and the fields of a [[policy]] table, as text");
    const po::variables_map vm = parse(args, opts, {});
    if (vm["instruments"].as<bool>()) {
        if (!vm["format"].defaulted()) throw UsageError("--instruments: prints plain text; --format does not apply to it");
        std::cout << describe_instruments();
        return exit_ok;
    }
    const std::string f = vm["format"].as<std::string>();
    if (f == "md")
        std::cout << scenario::describe_markdown();
    else if (f == "toml")
        std::cout << scenario::describe_toml();
    else
        throw UsageError("--format: expected md or toml, got '" + f + "'");
    return exit_ok;
}

}  // namespace

int fail(const char* message, int code) {
    std::cerr << "ssesim: error: " << message << "\n";
    return code;
}

int main(int argc, char** argv) {
    const std::vector<std::string> all(argv + 1, argv + argc);
    // A file-size limit reached (ulimit -f, quotas) must be an error with a message,
    // not a silent kill: with SIGXFSZ ignored the write fails with EFBIG instead.
    std::signal(SIGXFSZ, SIG_IGN);
    io::skip_hdf5_exit_handler();
    try {
        if (all.empty()) {
            std::cerr << usage_text;
            return exit_usage;
        }
        const std::string& verb = all[0];
        const std::vector<std::string> args(all.begin() + 1, all.end());
        if (verb == "-h" || verb == "--help" || verb == "help") {
            std::cout << usage_text;
            return exit_ok;
        }
        if (verb == "--version") {
            std::cout << "ssesim " << version() << " (commit " << git_commit() << ")\n"
                      << "compiler: " << compiler() << "\nlibraries: " << library_versions() << "\n";
            return exit_ok;
        }
        if (std::find(args.begin(), args.end(), "--help") != args.end() ||
            std::find(args.begin(), args.end(), "-h") != args.end()) {
            std::cout << usage_text;
            return exit_ok;
        }
        if (verb == "run") return cmd_run(args);
        if (verb == "sweep") return cmd_sweep(args);
        if (verb == "validate") return cmd_validate(args);
        if (verb == "verify") return cmd_verify(args);
        if (verb == "describe") return cmd_describe(args);
        throw UsageError("unknown command '" + verb + "' (expected run, sweep, validate, verify or describe; see ssesim --help)");
    } catch (const po::error& e) {
        return fail(e.what(), exit_usage);
    } catch (const OutputError& e) {
        return fail(e.what(), exit_output);
    } catch (const InvariantError& e) {
        return fail(e.what(), exit_invariant);
    } catch (const Error& e) {  // ScenarioError, UsageError
        return fail(e.what(), exit_usage);
    } catch (const std::exception& e) {
        return fail(e.what(), exit_failure);
    }
}
