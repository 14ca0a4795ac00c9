// bench_triad: the machine's memory bandwidth, measured the way STREAM's triad
// does (McCalpin 1995): a[i] = b[i] + s * c[i] over three arrays much larger
// than the last-level cache, each thread on its own contiguous slice that it
// also initialised (first touch), best of several repetitions, 24 bytes counted
// per element (two reads and one write; the write-allocate read the hardware
// adds is not counted, as in STREAM). tools/bench/run sets the model's
// effective bandwidth beside it.
#include "cli.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <barrier>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace po = boost::program_options;

namespace {

constexpr const char* usage_text =
    "usage: bench_triad [--threads T] [--mebibytes M] [--repeats R] [--json]\n"
    "\n"
    "STREAM-style triad a = b + s*c on three arrays of M MiB each (default 256,\n"
    "much larger than any last-level cache), T threads (default 1), best of R\n"
    "repetitions (default 10); prints the bandwidth in GB/s (10^9 bytes, 24 bytes\n"
    "per element as STREAM counts them).\n";

int run(int argc, char** argv) {
    int threads = 1, repeats = 10;
    long long mebibytes = 256;
    po::options_description desc;
    desc.add_options()("help,h", "")("threads,t", po::value(&threads), "")("mebibytes", po::value(&mebibytes), "")(
        "repeats", po::value(&repeats), "")("json", "");
    const std::optional<po::variables_map> parsed = ssesim::bench::parse_command_line(argc, argv, desc, usage_text);
    if (!parsed) return 0;
    const po::variables_map& vm = *parsed;
    if (threads < 1) throw po::error("--threads: expected an integer >= 1, got " + std::to_string(threads));
    if (repeats < 1) throw po::error("--repeats: expected an integer >= 1, got " + std::to_string(repeats));
    if (mebibytes < 1 || mebibytes > 65536) throw po::error("--mebibytes: expected an integer in [1, 65536], got " + std::to_string(mebibytes));

    const std::size_t n = static_cast<std::size_t>(mebibytes) * 1048576 / sizeof(double);
    // Not value-initialised: each thread touches its own slice first, so that its
    // pages sit where it runs (on a NUMA machine) and the timing excludes the zeroing.
    std::unique_ptr<double[]> a(new double[n]), b(new double[n]), c(new double[n]);
    const double scalar = 3.0;
    std::vector<double> best(static_cast<std::size_t>(threads), 1e300);
    std::barrier sync(threads);
    auto worker = [&](int t) {
        const std::size_t begin = n * static_cast<std::size_t>(t) / static_cast<std::size_t>(threads);
        const std::size_t end = n * static_cast<std::size_t>(t + 1) / static_cast<std::size_t>(threads);
        for (std::size_t i = begin; i < end; ++i) {
            a[i] = 1.0;
            b[i] = 2.0;
            c[i] = 0.5;
        }
        for (int r = 0; r < repeats; ++r) {
            sync.arrive_and_wait();   // all threads start together: the slices' times overlap
            const auto t0 = std::chrono::steady_clock::now();
            double* __restrict pa = a.get();
            const double* __restrict pb = b.get();
            const double* __restrict pc = c.get();
            for (std::size_t i = begin; i < end; ++i) pa[i] = pb[i] + scalar * pc[i];
            sync.arrive_and_wait();   // the repetition ends when the slowest thread ends
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            best[static_cast<std::size_t>(t)] = std::min(best[static_cast<std::size_t>(t)], secs);
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t) pool.emplace_back(worker, t);
    worker(0);
    for (std::thread& th : pool) th.join();
    // The check STREAM makes: every element holds b + s*c.
    for (std::size_t i = 0; i < n; i += 4096)
        if (a[i] != 2.0 + scalar * 0.5) throw std::runtime_error("triad result wrong at element " + std::to_string(i));
    const double secs = *std::max_element(best.begin(), best.end());
    const double gbps = 24.0 * static_cast<double>(n) / secs / 1e9;
    if (vm.count("json"))
        std::printf("{\"threads\": %d, \"mebibytes_per_array\": %lld, \"repeats\": %d, \"best_seconds\": %.6f, \"gigabytes_per_second\": %.3f}\n",
                    threads, mebibytes, repeats, secs, gbps);
    else
        std::printf("triad: %.2f GB/s (%d thread%s, 3 arrays of %lld MiB, best of %d: %.4f s)\n", gbps, threads,
                    threads == 1 ? "" : "s", mebibytes, repeats, secs);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    return ssesim::bench::guarded_main("bench_triad", [&] { return run(argc, argv); });
}
