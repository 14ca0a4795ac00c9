#include "schelling_runs.hpp"

#include <boost/container_hash/hash.hpp>

#include <chrono>

namespace ssesim::bench {

std::vector<SchellingRun> run_schelling(const SchellingParams& params, std::uint64_t seed, std::size_t runs,
                                        std::uint32_t steps, int threads) {
    using clock = std::chrono::steady_clock;
    const auto seconds = [](clock::duration d) { return std::chrono::duration<double>(d).count(); };
    std::vector<SchellingRun> out(runs);
    kernel::Executor replicates(threads);
    replicates.for_range(runs, 1, [&](std::size_t begin, std::size_t end) {
        kernel::Executor serial(1);  // a run's own phases: one task each (schelling_model.hpp)
        for (std::size_t r = begin; r < end; ++r) {
            SchellingRun& run = out[r];
            run.replicate = r;
            const auto t0 = clock::now();
            Schelling model(params, seed, r);
            const auto t1 = clock::now();
            run.happy_share_start = model.happy_share();
            const auto t2 = clock::now();
            for (std::uint32_t s = 0; s < steps; ++s) model.step(serial);
            const auto t3 = clock::now();
            run.setup_seconds = seconds(t1 - t0);
            run.steps_seconds = seconds(t3 - t2);
            run.happy_share_end = model.happy_share();
            run.happy_flag_share = model.happy_flag_share();
            run.grid_hash = boost::hash_range(model.agents().cell.begin(), model.agents().cell.end());
        }
    });
    return out;
}

}  // namespace ssesim::bench
