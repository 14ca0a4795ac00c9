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
#include <memory>
#include <cstdint>
#include <string>
#include <vector>

namespace ssesim::model {

namespace detail {
class Instrument;
struct PolicyDesk;
struct LinkRow;
/// Organisations an instrument decided to found (model_adoption), founded in the next structural update.
struct Adoption {
    std::size_t policy;
    std::uint64_t licensor;   ///< id of the organisation whose model they adopt
    Mode mode;                ///< licence or node
    std::int64_t count;
};
}  // namespace detail

/// Aggregates of one step, by country and organisation kind. Money in cents.
struct StepRecord {
    std::size_t countries = 0;
    // [country][kind], flattened country-major
    std::vector<std::int64_t> organisations, employees, exporters, destinations, births, exits;
    std::vector<std::int64_t> subsidiaries, employees_abroad, investments;
    std::vector<std::int64_t> licensees, nodes, transfer_countries, contacts, founded_abroad, suppliers, offshore, alliances;
    // real-valued sums [country][kind]
    std::vector<double> technology, management, brand, participation, impact_home, impact_abroad;
    std::vector<Money> revenue, export_revenue, wage_bill, profit, cash;
    // public money received in the step (tenders won, a policy fund's grants and loans);
    // others' share of the organisations' equity at book value (cash) at the end of the step
    std::vector<Money> public_funding, outside_equity;
    // every flow of the step, by FlowKey, sorted: money in cents; intangibles in micro-units
    std::vector<kernel::TallyCell> flows;
    // [country]
    std::vector<Money> household_money, government_money;
    // [flow]: ledger totals of the step
    std::vector<Money> ledger_flows;
    // [policy]: money in each instrument's fund at the end of the step, and what it
    // spent in the step (paid to organisations and households, lent; refunds not counted);
    // patient-capital loans outstanding at the end of the step, and written off (the
    // borrower exited) in the structural update at its start
    std::vector<Money> policy_fund, policy_spend, policy_loans, policy_written_off;
    // [country][kind]: organisations founded under a policy instrument at the start of the step
    std::vector<std::int64_t> policy_foundings;

    std::size_t at(std::size_t c, std::size_t k) const noexcept { return c * org_kind_count + k; }
};

/// Wall time spent in each part of a step, summed over the steps run so far: the
/// schedule's phases in order, then the structural update before them and the
/// checks and record after them. Measured by two clock reads per part and step.
struct StepTiming {
    std::vector<std::string> parts;
    std::vector<std::int64_t> nanoseconds;
};

class Model {
public:
    /// Builds the opening population (step 0). `threads` >= 1.
    Model(scenario::Scenario scenario, int threads);
    ~Model();
    Model(const Model&) = delete;
    Model& operator=(const Model&) = delete;

    /// Runs one step: the structural update (from step 2), the phases, the identity checks.
    void step();

    std::uint32_t steps_done() const noexcept { return step_; }
    const scenario::Scenario& scenario() const noexcept { return scenario_; }
    const StepRecord& record() const noexcept { return record_; }
    const Organisations& organisations() const noexcept { return orgs_; }
    const Links& links() const noexcept { return links_; }
    const kernel::Ledger& ledger() const noexcept { return ledger_; }
    const kernel::Schedule& schedule() const noexcept { return schedule_; }
    const StepTiming& timing() const noexcept { return timing_; }
    /// For tests of the identity check: during the next step, after its phases,
    /// change `party`'s balance by `amount` without a counter-entry.
    void inject_unbalanced_flow_for_test(kernel::Party party, Money amount) {
        injection_ = {party, amount};
    }
    /// For tests of the state check: during the next step, after its phases, set
    /// the management stock of the organisation in `slot` to `value` (NaN, Inf).
    void poison_state_for_test(std::size_t slot, double value) { poison_ = {slot, value, true}; }
    /// Fixed cost of serving `dest` from `origin` for one year, in US$ (priced in destination wages).
    double export_fixed_cost_usd(std::size_t origin, std::size_t dest) const;
    /// Iceberg trade cost tau >= 1.
    double trade_cost(std::size_t origin, std::size_t dest) const { return tau_(static_cast<Eigen::Index>(origin), static_cast<Eigen::Index>(dest)); }
    /// Legal compatibility for co-operatives from `origin` to `dest` this step: the
    /// world's, or the floor a trade agreement in force guarantees.
    double legal_compat(std::size_t origin, std::size_t dest) const {
        return legal_(static_cast<Eigen::Index>(origin), static_cast<Eigen::Index>(dest));
    }
    /// Share of an export market's fixed cost (`support` false) or of a partner's
    /// support cost (`support` true) that policy instruments in force reimburse to an
    /// organisation of `kind` from `home` serving `dest`, this step; in [0, 1].
    double reimbursed_share(bool support, std::size_t home, OrgKind kind, std::size_t dest) const noexcept {
        const std::vector<double>& v = support ? support_share_ : export_share_;
        if (v.empty()) return 0.0;
        const std::size_t n = scenario_.world.size();
        return v[(home * org_kind_count + static_cast<std::size_t>(kind)) * n + dest];
    }
    /// Technology of the C2G programme the government of `country` runs (ODD §7.8), or
    /// -1 if it runs none.
    double programme_technology(std::size_t country) const noexcept {
        return programme_[country] ? programme_technology_[country] : -1.0;
    }
    /// Credit (cents) a patient-capital fund in force offers an organisation of `kind`
    /// from `home` without a loan for a move into `dest` this step; 0 without one.
    Money credit_line(std::size_t home, OrgKind kind, std::size_t dest) const noexcept {
        if (credit_line_.empty()) return 0;
        return credit_line_[(home * org_kind_count + static_cast<std::size_t>(kind)) * scenario_.world.size() + dest];
    }

    /// The objective per step of the organisation in `slot` committing to `dest` in
    /// `mode` (cents), the cash it must hold to do so, and, for sourcing and offshore,
    /// the mission-weighted value of the home jobs the move displaces (cents; ODD §7.12).
    struct Move {
        double utility = 0;
        double cash_needed = 0;
        double home_jobs = 0;
    };
    /// What operationalisation (ODD §7.5.6) would see for this move now; for tests.
    Move assess_move_for_test(std::size_t slot, std::size_t dest, Mode mode) const { return evaluate_move(slot, dest, mode); }

private:
    void build_schedule();
    /// The instruments of the policy regime and what they need (policies.cpp).
    void open_policies();
    void open_population();
    void restructure();   // between steps: exits, market entries and exits, births, indices
    void rebuild_indices();
    void calibrate_fringe();
    /// Founds one organisation of population group `group`; at opening its cash
    /// is endowed, later it is paid by home households.
    void found(std::uint32_t group, bool opening);

    // phases
    /// Policy funds (serial over instruments): at the start of each programme year the
    /// funders pay the year's budget in, after returning what the fund did not spend;
    /// then every instrument in force sets what the organisations' decisions see.
    void fund_policies(std::size_t begin, std::size_t end);
    /// Policies (serial over instruments), after settlement and absorption: what each
    /// instrument in force pays for and does this step (policies.cpp).
    void act_policies(std::size_t begin, std::size_t end);
    /// Structural update: the organisations instruments founded last step.
    void found_adopters();
    void sense(std::size_t begin, std::size_t end);
    void decide(std::size_t begin, std::size_t end);
    void emit_flows(std::size_t begin, std::size_t end);
    double offer_weight(std::size_t market, std::uint32_t offer) const;  // CES demand weight
    double price_index(std::size_t market) const;                      // sum of the weights
    void settle(std::size_t begin, std::size_t end);
    void transfer_between_organisations(std::size_t begin, std::size_t end);
    /// What replacing the exports of link `r` by a subsidiary would bring (HMY 2004).
    struct Subsidiary {
        double productivity = 0;   ///< the affiliate's base productivity (parent's, carried abroad)
        double technology = 0, management = 0, brand = 0;   ///< knowledge it starts with, from its parent
        double markup = 0;
        double revenue = 0;        ///< expected sales per step, cents
        double employees = 0;      ///< persons it needs
        double capital = 0;        ///< founding capital the parent pays, cents
        double overhead = 0;       ///< fixed cost per step, cents
        double gain = 0;           ///< change in the parent's objective per step, cents
        double input_price = 0;    ///< offshore: delivered price of the inputs it makes for the parent
    };
    Subsidiary plan_subsidiary(std::size_t org, std::uint32_t link) const;
    /// A new local organisation founded abroad by `org` in `dest` under a licence or
    /// as a federation node: it carries the parent's model to the host.
    Subsidiary plan_partner(std::size_t org, std::size_t dest, Mode mode) const;
    /// An affiliate in `dest` making the inputs of `org` (vertical FDI).
    Subsidiary plan_offshore(std::size_t org, std::size_t dest) const;
    /// Unit cost of `org` in reference wages: in-house, or with inputs bought at `input_price`.
    double unit_cost(std::size_t org, double input_price) const;
    /// The cheapest supplier of `org`'s strategy kind and sector in `dest`, or -1.
    std::int64_t best_supplier(std::size_t org, std::size_t dest) const;
    /// The local ally `org` would choose in `dest` (alliance mode), or -1 (ODD §7.5.6).
    std::int64_t best_ally(std::size_t org, std::size_t dest) const;
    /// Delivered price of the inputs from the partner of link r (reference wages per unit).
    double delivered_input_price(std::size_t org, std::size_t dest, std::size_t partner, Mode mode) const;
    Move evaluate_move(std::size_t org, std::size_t dest, Mode mode) const;
    /// Founds the organisation planned for link `r` of `org` (subsidiary, licence or
    /// node); false when it cannot be paid for any more.
    bool found_affiliate(std::uint32_t org, std::uint32_t link);
    /// Appends an organisation of `kind` founded in `dest` from `plan`, bound to
    /// `parent` by `mode` (its capital is paid by the caller); returns its slot.
    std::size_t add_affiliate(std::uint32_t parent, std::size_t dest, Mode mode, OrgKind kind, const Subsidiary& plan);
    void absorb(std::size_t begin, std::size_t end);
    void run_tenders(std::size_t begin, std::size_t end);
    /// Governments (serial over countries): a government adopts an open giver's technology
    /// as a C2G programme, and pays the programme's local agencies (ODD §7.8).
    void run_programmes(std::size_t begin, std::size_t end);
    /// Knowledge gain of `receiver` from `giver` for one stock this step (Cohen & Levinthal).
    double knowledge_gain(std::size_t giver, std::size_t receiver, double giver_stock, double receiver_stock) const;
    void record_intangible(std::size_t giver, std::size_t receiver, Flow flow, double amount);
    double effective_productivity(std::size_t i) const noexcept;
    /// Fixed cost per step of an export market, cents (management and ties lower it).
    double export_fixed_cost_cents(std::size_t org, std::size_t dest, double ties) const;
    void join_federations();
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
    // the structural update's scratch, kept between steps for its capacity
    Links links_scratch_;
    std::vector<std::uint32_t> kept_scratch_, new_slot_scratch_;
    std::vector<std::int64_t> group_size_scratch_;   // organisations per group at the births (own members at home)
    std::vector<std::vector<detail::LinkRow>> link_rows_;   // the new links of each chunk of organisations
    std::uint32_t step_ = 0;
    std::uint64_t next_id_ = 0;
    /// Rates and flows of the scenario (given per year) converted to one step.
    struct PerStep {
        double years = 1;          ///< length of a step in years
        double exit = 0, opportunity = 0, adoption = 0, transfer = 0, ties_decay = 0, ties_growth = 0,
               participation = 0, hiring = 0, firing = 0, expectation = 0, cash_release = 0, replication = 0,
               depreciation = 0, drift = 0;
        double growth = 0;         ///< demand growth factor per step
    } per_step_;
    std::vector<double> fdi_chance_;   ///< per population group: fdi_propensity per step
    std::vector<double> c2g_chance_;   ///< per population group: c2g_rate per step
    std::vector<double> interest_step_;   ///< per population group (the lender's): prefinance_interest per step
    std::vector<double> stake_step_;      ///< per population group (the supplier's): stake_rate per step
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
    std::vector<double> prospect_size_;          // (budget in US$ + 1)^prospect_market_weight this step
    Eigen::MatrixXd prospect_closeness_;         // exp(-prospect_psychic_aversion * psychic distance), by (home, destination)
    std::vector<std::int64_t> policy_year_;      // per instrument: programme year last funded, -1 before or after it
    std::vector<Money> fund_open_;               // per instrument: money in its fund after this step's funding
    // policy instruments (policies.cpp) and what they set for this step's decisions
    std::vector<std::unique_ptr<detail::Instrument>> instruments_;
    std::unique_ptr<detail::PolicyDesk> desk_;
    std::vector<double> export_share_, support_share_;   // [home][kind][dest]; empty without policies
    std::vector<Money> credit_line_;                      // [home][kind][dest]; empty without a patient_capital instrument
    std::vector<double> recognition_;                     // [country]: coop_recognition this step (legal_recognition)
    Eigen::MatrixXd legal_;
    std::vector<detail::Adoption> adoptions_;   // decided by instruments, founded in the next structural update
    std::vector<std::int64_t> policy_foundings_;   // [country][kind], last structural update
    std::vector<Money> written_off_;               // [policy]: loans written off in the last structural update
    std::size_t fund_account(std::size_t policy) const noexcept { return 2 * scenario_.world.size() + policy; }
    std::vector<std::vector<std::size_t>> funder_account_;   // [policy][funder]: ledger account (open_policies)
    std::vector<std::uint16_t> outside_funder_country_;      // country an outside funder's flows are recorded in
    std::vector<double> market_index_;           // sum of weight (p tau)^(1-sigma) last step
    std::vector<double> base_budget_;            // households' spending by market at step 1, cents per step
    std::vector<double> opening_output_;         // simulated home producers' output at step 0, US$ per year
    std::vector<double> fringe_weight_;          // CES weight of producers not simulated, at step 1
    std::vector<double> market_fringe_;          // the same this step
    // organisations by home country, in slot order (CSR)
    std::vector<std::uint32_t> home_begin_;
    std::vector<std::uint32_t> home_orgs_;
    // slot of each organisation's parent, or -1 (none, or it has exited)
    Column<std::int64_t> parent_slot_;
    // slot of each link's partner (affiliate or supplier), or -1; the input links each
    // organisation supplies (CSR by supplier slot, link order)
    Column<std::int64_t> partner_slot_;
    Column<std::uint32_t> supplied_begin_, supplied_links_;
    // the alliance links in which each organisation is the ally (CSR by ally slot, link order)
    Column<std::uint32_t> allied_begin_, allied_links_;
    // by country: organisations giving technology there openly (CSR, slot order),
    // and the SSE organisations and their employees based there
    std::vector<std::uint32_t> giver_begin_, givers_, giver_links_;   // giver_links_: each giver's open-transfer link there
    // by country: the technology of the C2G programme its government runs (adopted from
    // an open giver), and whether it runs one (ODD §7.8)
    std::vector<double> programme_technology_;
    std::vector<std::uint8_t> programme_;
    std::vector<double> employees_by_kind_;   // [country][kind], at the last structural update
    // tenders: each government's tender spending per year (US$, at step 1), the bidders (slot order)
    std::vector<double> tender_budget_;
    std::vector<std::uint32_t> bidders_;
    // subsidiaries founded in the last structural update, [parent's country][parent's kind]
    std::vector<std::int64_t> investments_;
    // organisations founded abroad (subsidiaries, licensees, nodes) in the last update, same layout
    std::vector<std::int64_t> founded_abroad_;
    // births and exits of the last structural update, [country][kind]
    std::vector<std::int64_t> births_, exits_;
    // public money the organisations received this step, [home country][kind]: tenders won
    // (paid by governments, run_tenders) and a policy fund's grants and loans (desk_->spend)
    std::vector<Money> public_funding_;

    kernel::Tally flow_tally_;
    StepRecord record_;
    StepTiming timing_;
    /// Throws InvariantError naming the step, the organisation and the variable if
    /// any real-valued state of an organisation or a presence is NaN or infinite.
    void check_finite() const;
    struct Poison {
        std::size_t slot = 0;
        double value = 0;
        bool armed = false;
    } poison_;
    struct Injection {
        kernel::Party party{kernel::Party::Kind::sector, 0};
        Money amount = 0;
    } injection_;
};

inline constexpr std::uint32_t no_link = 0xFFFFFFFFu;

}  // namespace ssesim::model
