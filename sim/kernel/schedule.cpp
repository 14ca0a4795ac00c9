#include "ssesim/kernel/schedule.hpp"

namespace ssesim::kernel {

void Schedule::run(Executor& executor) const {
    for (const Phase& p : phases_) executor.for_range(p.size(), p.grain, p.body);
}

void Schedule::run(Executor& executor, Ledger& ledger) const {
    for (const Phase& p : phases_) {
        executor.for_range(p.size(), p.grain, p.body);
        ledger.commit();
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
