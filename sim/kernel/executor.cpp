#include "ssesim/kernel/executor.hpp"

#include "ssesim/core/error.hpp"

#include <algorithm>
#include <string>

#ifdef SSESIM_STD_THREAD_POOL
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>
#else
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>
#endif

namespace ssesim::kernel {

#ifdef SSESIM_STD_THREAD_POOL

struct Executor::Impl {};

Executor::Executor(int threads) : threads_(threads) {
    if (threads < 1) throw UsageError("--threads: expected an integer >= 1, got " + std::to_string(threads));
}
Executor::~Executor() = default;

void Executor::run(std::size_t n, std::size_t grain, Thunk thunk, void* ctx) {
    if (n == 0) return;
    grain = std::max<std::size_t>(grain, 1);
    const std::size_t chunks = (n + grain - 1) / grain;
    std::atomic<std::size_t> next{0};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto worker = [&] {
        for (std::size_t c = next.fetch_add(1); c < chunks; c = next.fetch_add(1)) {
            try {
                thunk(ctx, c * grain, std::min(n, (c + 1) * grain));
            } catch (...) {
                std::lock_guard lock(error_mutex);
                if (!error) error = std::current_exception();
            }
        }
    };
    const auto extra = static_cast<std::size_t>(threads_ - 1);
    std::vector<std::thread> pool;
    pool.reserve(std::min(extra, chunks));
    for (std::size_t t = 0; t < extra && t + 1 < chunks; ++t) pool.emplace_back(worker);
    worker();
    for (auto& t : pool) t.join();
    if (error) std::rethrow_exception(error);
}

#else

struct Executor::Impl {
    // Allow more threads than cores when asked (determinism tests run 4 or 8
    // threads on 2 cores); TBB otherwise caps the workers at the core count.
    explicit Impl(int threads)
        : allow(tbb::global_control::max_allowed_parallelism,
                static_cast<std::size_t>(std::max(threads, tbb::info::default_concurrency()))),
          arena(threads) {}
    tbb::global_control allow;
    tbb::task_arena arena;
};

Executor::Executor(int threads) : threads_(threads) {
    if (threads < 1) throw UsageError("--threads: expected an integer >= 1, got " + std::to_string(threads));
    impl_ = std::make_unique<Impl>(threads);
}
Executor::~Executor() = default;

void Executor::run(std::size_t n, std::size_t grain, Thunk thunk, void* ctx) {
    if (n == 0) return;
    grain = std::max<std::size_t>(grain, 1);
    if (threads_ == 1) {  // no task overhead, same chunks
        for (std::size_t b = 0; b < n; b += grain) thunk(ctx, b, std::min(n, b + grain));
        return;
    }
    impl_->arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, grain),
                          [&](const tbb::blocked_range<std::size_t>& r) {
                              thunk(ctx, r.begin(), r.end());
                          },
                          tbb::simple_partitioner{});  // chunks never exceed the grain
    });
}

#endif

}  // namespace ssesim::kernel
