#include "ssesim/kernel/ledger.hpp"

#include "ssesim/core/assert.hpp"
#include "ssesim/core/error.hpp"

#include "local_cache.hpp"

#include <atomic>
#include <numeric>

namespace ssesim::kernel {

struct Ledger::ThreadState {
    std::vector<Money> sector_delta;
    std::vector<Money> flow_total;
    bool dirty = false;
};

struct Ledger::Impl {
    tbb::enumerable_thread_specific<ThreadState> threads;
    std::uint64_t instance = detail::new_instance_id();
#ifdef SSESIM_CHECKS
    std::vector<Money> sector_opening;
    std::vector<Money> sector_net_posted;
#endif
};

Ledger::Ledger(std::vector<std::string> sector_names, std::vector<std::string> flow_names)
    : sector_names_(std::move(sector_names)),
      flow_names_(std::move(flow_names)),
      sector_balance_(sector_names_.size(), 0),
      step_flow_total_(flow_names_.size(), 0),
      impl_(std::make_unique<Impl>()) {
#ifdef SSESIM_CHECKS
    impl_->sector_opening.assign(sector_names_.size(), 0);
    impl_->sector_net_posted.assign(sector_names_.size(), 0);
#endif
}

Ledger::~Ledger() = default;
Ledger::Ledger(Ledger&&) noexcept = default;
Ledger& Ledger::operator=(Ledger&&) noexcept = default;

Ledger::ThreadState& Ledger::local() {
    return detail::cached_local(impl_->instance, impl_->threads, [this](ThreadState& s) {
        s.sector_delta.assign(sector_names_.size(), 0);
        s.flow_total.assign(flow_names_.size(), 0);
    });
}

void Ledger::append_agents(std::size_t n) {
    agent_balance_.resize(agent_balance_.size() + n, 0);
#ifdef SSESIM_CHECKS
    agent_opening_.resize(agent_balance_.size(), 0);
    agent_net_posted_.resize(agent_balance_.size(), 0);
#endif
}

void Ledger::compact_agents(std::span<const std::uint32_t> kept_slots,
                            std::span<const std::uint64_t> ids_before) {
    // Check first, move second: a refused compaction leaves the ledger unchanged.
    std::size_t next_kept = 0;
    for (std::size_t slot = 0; slot < agent_balance_.size(); ++slot) {
        if (next_kept < kept_slots.size() && kept_slots[next_kept] == slot) {
            ++next_kept;
            continue;
        }
        if (agent_balance_[slot] != 0) {
            throw InvariantError("ledger: agent " + std::to_string(ids_before[slot]) +
                                 " removed with a balance of " +
                                 std::to_string(agent_balance_[slot]) +
                                 " cents; it must be paid out before the agent exits");
        }
    }
    SSESIM_ASSERT(next_kept == kept_slots.size(), "kept slots must be ascending and in range");
    for (std::size_t k = 0; k < kept_slots.size(); ++k) {
        agent_balance_[k] = agent_balance_[kept_slots[k]];
#ifdef SSESIM_CHECKS
        agent_opening_[k] = agent_opening_[kept_slots[k]];
        agent_net_posted_[k] = agent_net_posted_[kept_slots[k]];
#endif
    }
    agent_balance_.resize(kept_slots.size());
#ifdef SSESIM_CHECKS
    agent_opening_.resize(kept_slots.size());
    agent_net_posted_.resize(kept_slots.size());
#endif
}

void Ledger::endow(Party party, Money amount) {
    if (opened_) throw InvariantError("ledger: endow() after the first step; money may only move by payment");
    if (amount < 0) throw InvariantError("ledger: negative opening balance of " + std::to_string(amount) + " cents");
    if (party.kind == Party::Kind::agent)
        agent_balance_.at(party.index) += amount;
    else
        sector_balance_.at(party.index) += amount;
}

void Ledger::pay(Party payer, Party payee, Money amount, std::uint16_t flow) {
    if (amount < 0) {
        throw InvariantError("ledger: negative payment of " + std::to_string(amount) +
                             " cents in flow '" + flow_names_.at(flow) + "'");
    }
    SSESIM_ASSERT(flow < flow_names_.size(), "unknown flow kind");
    if (amount == 0) return;
    ThreadState& t = local();
    t.dirty = true;
    t.flow_total[flow] += amount;
    auto move = [&](Party p, Money delta) {
        if (p.kind == Party::Kind::agent) {
            SSESIM_ASSERT(p.index < agent_balance_.size(), "agent slot out of range");
            std::atomic_ref<Money>(agent_balance_[p.index]).fetch_add(delta, std::memory_order_relaxed);
#ifdef SSESIM_CHECKS
            std::atomic_ref<Money>(agent_net_posted_[p.index])
                .fetch_add(delta, std::memory_order_relaxed);
#endif
        } else {
            SSESIM_ASSERT(p.index < sector_balance_.size(), "sector account out of range");
            t.sector_delta[p.index] += delta;
        }
    };
    move(payer, -amount);
    move(payee, amount);
}

void Ledger::commit() {
    for (ThreadState& t : impl_->threads) {
        if (!t.dirty) continue;
        for (std::size_t a = 0; a < sector_balance_.size(); ++a) {
            sector_balance_[a] += t.sector_delta[a];
#ifdef SSESIM_CHECKS
            impl_->sector_net_posted[a] += t.sector_delta[a];
#endif
            t.sector_delta[a] = 0;
        }
        for (std::size_t f = 0; f < step_flow_total_.size(); ++f) {
            step_flow_total_[f] += t.flow_total[f];
            t.flow_total[f] = 0;
        }
        t.dirty = false;
    }
}

Money Ledger::total_money() const noexcept {
    return std::accumulate(agent_balance_.begin(), agent_balance_.end(), Money{0}) +
           std::accumulate(sector_balance_.begin(), sector_balance_.end(), Money{0});
}

void Ledger::begin_step() {
    commit();
    opened_ = true;
    opening_total_ = total_money();
    std::fill(step_flow_total_.begin(), step_flow_total_.end(), Money{0});
#ifdef SSESIM_CHECKS
    agent_opening_ = agent_balance_;
    std::fill(agent_net_posted_.begin(), agent_net_posted_.end(), Money{0});
    impl_->sector_opening = sector_balance_;
    std::fill(impl_->sector_net_posted.begin(), impl_->sector_net_posted.end(), Money{0});
#endif
}

void Ledger::check(std::uint32_t step, std::span<const std::uint64_t> ids) const {
    const std::string where = "stock-flow identity violated at step " + std::to_string(step) + ": ";
#ifdef SSESIM_CHECKS
    for (std::size_t slot = 0; slot < agent_balance_.size(); ++slot) {
        const Money moved = agent_balance_[slot] - agent_opening_[slot];
        if (moved != agent_net_posted_[slot]) {
            throw InvariantError(where + "agent " + std::to_string(ids[slot]) +
                                 ": balance changed by " + std::to_string(moved) +
                                 " cents but its postings net " +
                                 std::to_string(agent_net_posted_[slot]) + " (unbalanced amount " +
                                 std::to_string(moved - agent_net_posted_[slot]) + " cents)");
        }
    }
    for (std::size_t a = 0; a < sector_balance_.size(); ++a) {
        const Money moved = sector_balance_[a] - impl_->sector_opening[a];
        if (moved != impl_->sector_net_posted[a]) {
            throw InvariantError(where + "account '" + sector_names_[a] + "': balance changed by " +
                                 std::to_string(moved) + " cents but its postings net " +
                                 std::to_string(impl_->sector_net_posted[a]) +
                                 " (unbalanced amount " +
                                 std::to_string(moved - impl_->sector_net_posted[a]) + " cents)");
        }
    }
#else
    (void)ids;
#endif
    const Money total = total_money();
    if (total != opening_total_) {
        throw InvariantError(where + "total money changed by " +
                             std::to_string(total - opening_total_) +
                             " cents without a counter-entry (build with SSESIM_CHECKS, e.g. the "
                             "debug preset, to name the agent)");
    }
}

void Ledger::inject_unbalanced_for_test(Party party, Money amount) {
    if (party.kind == Party::Kind::agent) {
        agent_balance_.at(party.index) += amount;
    } else {
        sector_balance_.at(party.index) += amount;
    }
}

}  // namespace ssesim::kernel
