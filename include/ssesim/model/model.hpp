#pragma once
// The model: organisations of a population producing at home and exporting
// across the country network, on the kernel's schedule and ledger. Built from a
// frozen Scenario (a copy), it never parses files, writes files or prints.
#include "ssesim/kernel/executor.hpp"
#include "ssesim/kernel/ledger.hpp"
#include "ssesim/kernel/schedule.hpp"
#include "ssesim/kernel/tally.hpp"
#include "ssesim/model/flows.hpp"
#include "ssesim/model/organisations.hpp"
#include "ssesim/scenario/scenario.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ssesim::model {


/// Aggregates of one step, by country and organisation kind. Money in cents.
struct StepRecord {
    std::size_t countries = 0;
    // [country][kind], flattened country-major
    std::vector<std::int64_t> organisations, employees, exporters, destinations, births, exits;
    std::vector<std::int64_t> subsidiaries, employees_abroad, investments;
    std::vector<Money> revenue, export_revenue, wage_bill, profit, cash;
    // every flow of the step, by FlowKey, sorted: money in cents; intangibles in micro-units
    std::vector<kernel::TallyCell> flows;
    // [country]
    std::vector<Money> household_money;
    // [flow]: ledger totals of the step
    std::vector<Money> ledger_flows;

    std::size_t at(std::size_t c, std::size_t k) const noexcept { return c * org_kind_count + k; }
};

class Model {
public:
    /// Builds the opening population (step 0). `threads` >= 1.
    Model(scenario::Scenario scenario, int threads);

    /// Runs one step: the structural update (from step 2), the phases, the identity checks.
    void step();

    std::uint32_t steps_done() const noexcept { return step_; }
    const scenario::Scenario& scenario() const noexcept { return scenario_; }
    const StepRecord& record() const noexcept { return record_; }
    const Organisations& organisations() const noexcept { return orgs_; }
    const Links& links() const noexcept { return links_; }
    const kernel::Ledger& ledger() const noexcept { return ledger_; }
    const kernel::Schedule& schedule() const noexcept { return schedule_; }
    /// For tests of the identity check: during the next step, after its phases,
    /// change `party`'s balance by `amount` without a counter-entry.
    void inject_unbalanced_flow_for_test(kernel::Party party, Money amount) {
        injection_ = {party, amount};
    }
    /// Fixed cost of serving `dest` from `origin` for one year, in US$ (priced in destination wages).
    double export_fixed_cost_usd(std::size_t origin, std::size_t dest) const;
    /// Iceberg trade cost tau >= 1.
    double trade_cost(std::size_t origin, std::size_t dest) const { return tau_(static_cast<Eigen::Index>(origin), static_cast<Eigen::Index>(dest)); }

private:
    void build_schedule();
    void open_population();
    void restructure();   // between steps: exits, market entries and exits, births, indices
    void rebuild_indices();
    void calibrate_fringe();
    /// Founds one organisation of population group `group`; at opening its cash
    /// is endowed, later it is paid by home households.
    void found(std::uint32_t group, bool opening);

    // phases
    void sense(std::size_t begin, std::size_t end);
    void decide(std::size_t begin, std::size_t end);
    void emit_flows(std::size_t begin, std::size_t end);
    double offer_weight(std::size_t market, std::uint32_t offer) const;  // CES demand weight
    double price_index(std::size_t market) const;                      // sum of the weights
    void settle(std::size_t begin, std::size_t end);
    void transfer_between_organisations(std::size_t begin, std::size_t end);
    /// What replacing the exports of link `r` by a subsidiary would bring (HMY 2004).
    struct Subsidiary {
        double productivity = 0;   ///< the affiliate's (parent's, carried abroad)
        double markup = 0;
        double revenue = 0;        ///< expected sales per step, cents
        double employees = 0;      ///< persons it needs
        double capital = 0;        ///< founding capital the parent pays, cents
        double overhead = 0;       ///< fixed cost per step, cents
        double gain = 0;           ///< change in the parent's objective per step, cents
    };
    Subsidiary plan_subsidiary(std::size_t org, std::uint32_t link) const;
    /// Founds the affiliate planned for link `r` of organisation `org`; returns false
    /// when the parent cannot pay its capital any more.
    bool found_affiliate(std::uint32_t org, std::uint32_t link);
    /// Pays through the ledger and records the flow with its countries and ends.
    void transfer(kernel::Party payer, kernel::Party payee, Money amount, Flow flow);
    /// Country and end kind (FlowKey) of a ledger party.
    std::pair<std::uint16_t, std::uint8_t> end_of(kernel::Party p) const noexcept;
    void learn(std::size_t begin, std::size_t end);
    void record_countries(std::size_t begin, std::size_t end);

    scenario::Scenario scenario_;
    kernel::Executor executor_;
    kernel::Ledger ledger_;
    kernel::Schedule schedule_;
    Organisations orgs_;
    Links links_;
    std::uint32_t step_ = 0;
    std::uint64_t next_id_ = 0;
    /// Rates and flows of the scenario (given per year) converted to one step.
    struct PerStep {
        double years = 1;          ///< length of a step in years
        double entry = 0, exit = 0, hiring = 0, firing = 0, expectation = 0, cash_release = 0;
        double growth = 0;         ///< demand growth factor per step
    } per_step_;
    double reference_wage_ = 0;
    double sigma_markup_ = 0;
    Eigen::MatrixXd tau_;           // iceberg trade costs
    Eigen::MatrixXd fixed_cost_;      // export: US$ per year, by (origin, destination)
    Eigen::MatrixXd fdi_fixed_cost_;  // subsidiary overhead: US$ per year, by (parent's home, host)

    // markets: m = country * sector_count + sector; offers in slot order
    std::vector<std::uint32_t> market_begin_;    // CSR, size markets + 1
    std::vector<std::uint32_t> offer_org_;
    std::vector<std::uint32_t> offer_link_;      // link row, or no_link for the home market
    std::vector<double> offer_weight_;           // CES weight of each offer this step
    std::vector<Money> market_budget_;           // households' budget this step
    std::vector<double> market_index_;           // sum of weight (p tau)^(1-sigma) last step
    std::vector<double> base_budget_;            // households' spending by market at step 1, cents per step
    std::vector<double> opening_output_;         // simulated home producers' output at step 0, US$ per year
    std::vector<double> fringe_weight_;          // CES weight of producers not simulated, at step 1
    std::vector<double> market_fringe_;          // the same this step
    // organisations by home country, in slot order (CSR)
    std::vector<std::uint32_t> home_begin_;
    std::vector<std::uint32_t> home_orgs_;
    // slot of each organisation's parent, or -1 (none, or it has exited)
    std::vector<std::int64_t> parent_slot_;
    // subsidiaries founded in the last structural update, [parent's country][parent's kind]
    std::vector<std::int64_t> investments_;
    // births and exits of the last structural update, [country][kind]
    std::vector<std::int64_t> births_, exits_;

    kernel::Tally flow_tally_;
    StepRecord record_;
    struct Injection {
        kernel::Party party{kernel::Party::Kind::sector, 0};
        Money amount = 0;
    } injection_;
};

inline constexpr std::uint32_t no_link = 0xFFFFFFFFu;

}  // namespace ssesim::model
