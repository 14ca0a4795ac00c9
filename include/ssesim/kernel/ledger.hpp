#pragma once
// Double-entry ledger for every monetary flow (DESIGN.md decision 3; Godley &
// Lavoie 2007, Caiani et al. 2016). Money is integer cents, so each identity is
// exact. Every payment moves one amount from a payer to a payee; nothing else
// may change a balance. Two kinds of account:
//   - agent accounts, one per agent slot, updated at once with relaxed atomic
//     adds (integer addition commutes, so the result is independent of the
//     order in which threads post);
//   - sector accounts (households, governments, funds, rest of the world), few
//     and written by many agents, so each thread keeps its own deltas that
//     commit() folds in at the end of every phase.
// The ledger also keeps per-flow-kind totals (for the checksum against what the
// model records) and, when built with SSESIM_CHECKS, each agent's net postings so
// that check() can name the agent whose balance moved outside the ledger.
#include "ssesim/core/money.hpp"
#include "ssesim/kernel/column.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ssesim::kernel {

/// Who pays or is paid: an agent slot or a sector account.
struct Party {
    enum class Kind : std::uint8_t { agent, sector };
    Kind kind;
    std::uint32_t index;
    static constexpr Party agent(std::size_t slot) noexcept {
        return {Kind::agent, static_cast<std::uint32_t>(slot)};
    }
    static constexpr Party sector(std::size_t account) noexcept {
        return {Kind::sector, static_cast<std::uint32_t>(account)};
    }
};

class Ledger {
public:
    /// sector_names name the sector accounts (used in error messages);
    /// flow_names the kinds of flow every posting is tagged with.
    Ledger(std::vector<std::string> sector_names, std::vector<std::string> flow_names);
    ~Ledger();
    Ledger(const Ledger&) = delete;
    Ledger& operator=(const Ledger&) = delete;
    Ledger(Ledger&&) noexcept;
    Ledger& operator=(Ledger&&) noexcept;

    // ---- structure (between steps only, never inside a parallel phase) ----
    /// Adds `n` agent accounts with zero balance at the end.
    void append_agents(std::size_t n);
    /// Keeps the agent accounts whose slots are listed (ascending); every removed
    /// account must have a zero balance, or money would vanish.
    void compact_agents(std::span<const std::uint32_t> kept_slots,
                        std::span<const std::uint64_t> ids_before);
    std::size_t agent_count() const noexcept { return agent_balance_.size(); }

    /// Opening balance sheet: sets a balance before the first step. Money enters
    /// the model only here; afterwards every change is a payment.
    void endow(Party party, Money amount);

    // ---- posting (thread-safe inside phases) ----
    /// Moves `amount` >= 0 from payer to payee, tagged with flow kind `flow`.
    void pay(Party payer, Party payee, Money amount, std::uint16_t flow);

    /// Folds the threads' sector deltas into the sector balances. The schedule
    /// calls it after every phase, so sector balances read in a phase are the
    /// balances at the end of the previous phase.
    void commit();

    // ---- reading ----
    Money agent_balance(std::size_t slot) const noexcept { return agent_balance_[slot]; }
    Money sector_balance(std::size_t account) const noexcept { return sector_balance_[account]; }
    std::span<const Money> agent_balances() const noexcept { return agent_balance_; }
    std::span<const Money> sector_balances() const noexcept { return sector_balance_; }
    const std::vector<std::string>& sector_names() const noexcept { return sector_names_; }
    const std::vector<std::string>& flow_names() const noexcept { return flow_names_; }
    /// Amount posted per flow kind since begin_step().
    const std::vector<Money>& step_flow_totals() const noexcept { return step_flow_total_; }
    /// Sum of every balance: constant for the life of the ledger.
    Money total_money() const noexcept;

    // ---- identities ----
    /// Opens a step: remembers the total (and, with SSESIM_CHECKS, every agent's
    /// opening balance) and clears the per-step flow totals.
    void begin_step();
    /// Throws InvariantError naming the step, and with SSESIM_CHECKS the agent id
    /// and amount, if a balance changed by anything but a posting or if money was
    /// created or destroyed. `ids` are the agents' stable ids by slot.
    void check(std::uint32_t step, std::span<const std::uint64_t> ids) const;

    /// Test hook: changes a balance *without* a counter-entry, which is exactly
    /// what check() exists to catch. Never call it from model code.
    void inject_unbalanced_for_test(Party party, Money amount);

private:
    struct ThreadState;
    ThreadState& local();

    std::vector<std::string> sector_names_;
    std::vector<std::string> flow_names_;
    Column<Money> agent_balance_;   // read beside the organisations' columns: staggered like them (column.hpp)
    std::vector<Money> sector_balance_;
    std::vector<Money> step_flow_total_;
    Money opening_total_ = 0;
    bool opened_ = false;
#ifdef SSESIM_CHECKS
    Column<Money> agent_opening_;
    Column<Money> agent_net_posted_;
#endif
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ssesim::kernel
