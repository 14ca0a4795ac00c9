#include "ssesim/kernel/schedule.hpp"

#include "ssesim/core/assert.hpp"

#include <chrono>

namespace ssesim::kernel {

void Schedule::run(Executor& executor) const {
    for (const Phase& p : phases_) executor.for_range(p.size(), p.grain, p.body);
}

void Schedule::run(Executor& executor, Ledger& ledger, std::span<std::int64_t> elapsed) const {
    if (elapsed.empty()) {
        for (const Phase& p : phases_) {
            executor.for_range(p.size(), p.grain, p.body);
            ledger.commit();
        }
        return;
    }
    SSESIM_ASSERT(elapsed.size() == phases_.size(), "one elapsed-time entry per phase");
    using Clock = std::chrono::steady_clock;
    Clock::time_point t = Clock::now();
    for (std::size_t i = 0; i < phases_.size(); ++i) {
        executor.for_range(phases_[i].size(), phases_[i].grain, phases_[i].body);
        ledger.commit();
        const Clock::time_point now = Clock::now();
        elapsed[i] += std::chrono::duration_cast<std::chrono::nanoseconds>(now - t).count();
        t = now;
    }
}

std::string Schedule::describe() const {
    std::string out;
    for (const Phase& p : phases_) {
        if (!out.empty()) out += " -> ";
        out += p.name + " (" + p.over + ")";
    }
    return out;
}

}  // namespace ssesim::kernel
