// Policy regimes (issue 5; ODD §7.16): each instrument type is one small class
// acting through two hooks, `shape` (start of the step, after its fund is paid:
// what the organisations' decisions will see) and `act` (after settlement and
// absorption: what it pays for and does). Budgets are real money: every payment
// leaves the instrument's fund through the ledger, and an instrument stops when
// its fund is empty.
#include "instrument.hpp"

#include "ssesim/kernel/agent_ids.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace ssesim::model {
namespace detail {

/// ACCIÓ: a share of the fixed cost of foreign markets served by export (or its share through an alliance).
class ExportService final : public Instrument {
public:
    using Instrument::Instrument;
    void shape(PolicyDesk& d) override {
        if (d.fund(p_) > 0) add_share(d, d.export_share, d.policy(p_).intensity);
    }
    void act(PolicyDesk& d) override { reimburse(d, claims(d, [](Mode m) { return sells_through(m); })); }

};

/// KOICA CTS: a share of the cost of supporting partners abroad.
class DevelopmentGrant final : public Instrument {
public:
    using Instrument::Instrument;
    void shape(PolicyDesk& d) override {
        if (d.fund(p_) > 0) add_share(d, d.support_share, d.policy(p_).intensity);
    }
    void act(PolicyDesk& d) override {
        reimburse(d, claims(d, [](Mode m) { return m == Mode::licence || m == Mode::node || m == Mode::open_transfer; }));
    }
};

/// SSE clauses in trade agreements: a floor under legal compatibility, both ways.
class TradeAgreement final : public Instrument {
public:
    using Instrument::Instrument;
    void shape(PolicyDesk& d) override {
        const scenario::Policy& q = d.policy(p_);
        const auto c = static_cast<Eigen::Index>(q.country);
        for (std::size_t dest = 0; dest < d.countries(); ++dest) {
            if (!d.partner(p_, dest)) continue;
            const auto o = static_cast<Eigen::Index>(dest);
            d.legal(c, o) = std::max(d.legal(c, o), q.intensity);
            d.legal(o, c) = std::max(d.legal(o, c), q.intensity);
        }
    }
};

/// Netherlands: outgoing and incoming trade missions.
class TradeMission final : public Instrument {
public:
    using Instrument::Instrument;
    void act(PolicyDesk& d) override {
        const scenario::Policy& q = d.policy(p_);
        const auto c = static_cast<std::size_t>(q.country);
        const double chance = 1.0 - std::exp(-q.intensity * d.years);
        // independent organisations only: affiliates do not decide moves abroad
        auto eligible = [&](std::uint32_t i) { return d.targets(p_, i) && d.orgs.parent[i] == no_parent; };
        std::vector<Draw> going;
        if (q.direction != Direction::inward) {
            std::vector<std::size_t> partners;
            for (std::size_t o = 0; o < d.countries(); ++o)
                if (d.partner(p_, o)) partners.push_back(o);
            if (!partners.empty())
                going = draw(d, c, chance, eligible, [&](std::uint32_t, double v) {
                    return partners[std::min(partners.size() - 1, static_cast<std::size_t>(v * static_cast<double>(partners.size())))];
                });
        }
        if (q.direction != Direction::outward)
            for (std::size_t o = 0; o < d.countries(); ++o)
                if (d.partner(p_, o)) {
                    const std::vector<Draw> coming = draw(d, o, chance, eligible, [&](std::uint32_t, double) { return c; });
                    going.insert(going.end(), coming.begin(), coming.end());
                }
        admission_order(going);
        const Money cost = usd_to_money(q.unit_cost);
        Money left = d.fund(p_);
        for (const Draw& g : going) {
            if (cost > left) break;
            d.spend(p_, Party::sector(g.dest), cost, flow_programme_services);
            left -= cost;
            d.visit[g.org] = g.dest;
        }
    }
};

/// Scotland: training and advice raising management knowledge.
class CapacityBuilding final : public Instrument {
public:
    using Instrument::Instrument;
    void act(PolicyDesk& d) override {
        const scenario::Policy& q = d.policy(p_);
        const auto c = static_cast<std::size_t>(q.country);
        std::vector<Draw> trainees = draw(d, c, 1.0, [&](std::uint32_t i) { return d.targets(p_, i); },
                                          [&](std::uint32_t, double) { return c; });
        admission_order(trainees);
        const Money cost = usd_to_money(q.unit_cost * d.years);
        const double closed = step_probability(q.intensity, d.years);   // share of the gap closed this step
        Money left = d.fund(p_);
        for (const Draw& t : trainees) {
            if (cost > left) break;
            d.spend(p_, Party::sector(c), cost, flow_programme_services);
            left -= cost;
            double& gain = d.gain_management[t.org];
            const double added = closed * std::max(0.0, 1.0 - d.orgs.management[t.org] - gain);
            gain += added;
            d.give(p_, t.org, flow_management, added);
        }
    }
};

/// Mexico: local organisations founded under a foreign SSE model's licence.
class ModelAdoption final : public Instrument {
public:
    using Instrument::Instrument;
    void pause() override { owed_ = 0; }
    void act(PolicyDesk& d) override {
        const scenario::Policy& q = d.policy(p_);
        owed_ += q.intensity * d.years;
        auto due = static_cast<std::int64_t>(std::floor(owed_ + 1e-9));
        owed_ -= static_cast<double>(due);
        // the model to adopt: the largest independent organisation of a targeted kind
        // in the partner countries whose strategy founds partners abroad (lowest id on ties)
        std::int64_t licensor = -1;
        Mode mode = Mode::licence;
        for (std::size_t o = 0; o < d.countries(); ++o) {
            if (!d.partner(p_, o)) continue;
            for (std::uint32_t h = d.home_begin[o]; h < d.home_begin[o + 1]; ++h) {
                const std::uint32_t i = d.home_orgs[h];
                const std::uint32_t modes = d.scenario.populations[d.orgs.group[i]].modes;
                const bool founds = modes & ((1u << static_cast<unsigned>(Mode::licence)) | (1u << static_cast<unsigned>(Mode::node)));
                if (!founds || !d.targets(p_, i) || d.orgs.parent[i] != no_parent) continue;
                if (licensor < 0 || d.orgs.employees[i] > d.orgs.employees[static_cast<std::size_t>(licensor)] ||
                    (d.orgs.employees[i] == d.orgs.employees[static_cast<std::size_t>(licensor)] &&
                     d.orgs.id[i] < d.orgs.id[static_cast<std::size_t>(licensor)])) {
                    licensor = i;
                    mode = modes & (1u << static_cast<unsigned>(Mode::node)) ? Mode::node : Mode::licence;
                }
            }
        }
        const Money cost = usd_to_money(q.unit_cost);
        if (cost > 0) due = std::min<std::int64_t>(due, d.fund(p_) / cost);
        if (licensor < 0 || due <= 0) return;
        d.adoptions.push_back({p_, d.orgs.id[static_cast<std::size_t>(licensor)], mode, due});
    }

private:
    double owed_ = 0;   // foundings due but not yet made (fractions of one)
};

/// Patient capital: long-term loans that make moves abroad affordable.
class PatientCapital final : public Instrument {
public:
    using Instrument::Instrument;
    void shape(PolicyDesk& d) override {
        if (d.fund(p_) <= 0) return;
        const Money line = usd_to_money(d.policy(p_).unit_cost);
        for_each_target(d, d.credit_line, [line](Money& v) { v = std::max(v, line); });
    }
    void act(PolicyDesk& d) override {
        // The requests this fund can meet (each one asked on the largest line in
        // force), granted in a random order while the fund can lend.
        const scenario::Policy& q = d.policy(p_);
        const auto c = static_cast<std::size_t>(q.country);
        const Money line = usd_to_money(q.unit_cost);
        auto eligible = [&](std::uint32_t i) {
            return d.orgs.borrow[i] > 0 && d.orgs.borrow[i] <= line && d.targets(p_, i) &&
                   d.partner(p_, static_cast<std::size_t>(d.orgs.borrow_dest[i]));
        };
        std::vector<Draw> asks = draw(d, c, 1.0, eligible, [](std::uint32_t, double) { return 0; });
        admission_order(asks);
        Money left = d.fund(p_);
        for (const Draw& a : asks) {
            const Money amount = d.orgs.borrow[a.org];
            if (amount > left) continue;
            left -= amount;
            d.lend(p_, a.org, q.intensity);
        }
    }
};

/// A law recognising co-operatives: the country's coop_recognition while in force.
class LegalRecognition final : public Instrument {
public:
    using Instrument::Instrument;
    void shape(PolicyDesk& d) override {
        const scenario::Policy& q = d.policy(p_);
        double& r = d.recognition[static_cast<std::size_t>(q.country)];
        r = std::max(r, q.intensity);
    }
};

std::unique_ptr<Instrument> make_instrument(InstrumentType type, std::size_t index) {
    switch (type) {
        case InstrumentType::export_service: return std::make_unique<ExportService>(index);
        case InstrumentType::trade_mission: return std::make_unique<TradeMission>(index);
        case InstrumentType::trade_agreement: return std::make_unique<TradeAgreement>(index);
        case InstrumentType::capacity_building: return std::make_unique<CapacityBuilding>(index);
        case InstrumentType::development_grant: return std::make_unique<DevelopmentGrant>(index);
        case InstrumentType::model_adoption: return std::make_unique<ModelAdoption>(index);
        case InstrumentType::patient_capital: return std::make_unique<PatientCapital>(index);
        case InstrumentType::legal_recognition: return std::make_unique<LegalRecognition>(index);
    }
    return nullptr;
}

}  // namespace detail

Model::~Model() = default;

void Model::open_policies() {
    const std::size_t n = scenario_.world.size();
    legal_ = scenario_.world.legal_compat;
    policy_year_.assign(scenario_.policies.size(), -1);
    fund_open_.assign(scenario_.policies.size(), 0);
    policy_foundings_.assign(n * org_kind_count, 0);
    written_off_.assign(scenario_.policies.size(), 0);
    recognition_.clear();
    for (const Country& c : scenario_.world.countries) recognition_.push_back(c.coop_recognition);
    if (scenario_.policies.empty()) return;
    // Funders' accounts: a government's, or an outside funder's (after the funds, in
    // order of first mention), recorded in the country of the first instrument it funds.
    const std::vector<std::string> outside = outside_funders(scenario_.policies);
    constexpr std::uint16_t unset = 0xFFFF;
    outside_funder_country_.assign(outside.size(), unset);
    for (const scenario::Policy& q : scenario_.policies) {
        std::vector<std::size_t>& accounts = funder_account_.emplace_back();
        for (const scenario::Funder& f : q.funders) {
            if (f.country >= 0) {
                accounts.push_back(n + static_cast<std::size_t>(f.country));
                continue;
            }
            const auto k = static_cast<std::size_t>(std::find(outside.begin(), outside.end(), f.name) - outside.begin());
            accounts.push_back(2 * n + scenario_.policies.size() + k);
            if (outside_funder_country_[k] == unset) outside_funder_country_[k] = static_cast<std::uint16_t>(q.country);
        }
    }
    export_share_.assign(n * org_kind_count * n, 0.0);
    support_share_.assign(n * org_kind_count * n, 0.0);
    if (std::any_of(scenario_.policies.begin(), scenario_.policies.end(),
                    [](const scenario::Policy& q) { return q.type == InstrumentType::patient_capital; }))
        credit_line_.assign(n * org_kind_count * n, 0);
    for (std::size_t i = 0; i < scenario_.policies.size(); ++i)
        instruments_.push_back(detail::make_instrument(scenario_.policies[i].type, i));
    desk_ = std::make_unique<detail::PolicyDesk>(detail::PolicyDesk{
        scenario_, orgs_, links_, home_begin_, home_orgs_, step_, per_step_.years, export_share_,
        support_share_, credit_line_, recognition_, legal_, orgs_.visit, orgs_.gain_management, adoptions_,
        [this](std::size_t p) { return fund_open_[p]; },
        [this](std::size_t p, Party payee, Money amount, Flow flow) {
            transfer(Party::sector(fund_account(p)), payee, amount, flow);
            record_.policy_spend[p] += amount;
            // a grant or a loan to an organisation is public money it received
            if (payee.kind == Party::Kind::agent)
                public_funding_[orgs_.home[payee.index] * org_kind_count + static_cast<std::size_t>(orgs_.kind[payee.index])] += amount;
        },
        [this](std::size_t p, std::size_t org, Flow flow, double amount) {
            const auto units = static_cast<std::int64_t>(std::llround(amount / knowledge_unit));
            if (units <= 0) return;
            const FlowKey key{static_cast<std::uint16_t>(flow), static_cast<std::uint16_t>(scenario_.policies[p].country),
                              orgs_.home[org], static_cast<std::uint8_t>(end_policy_fund), static_cast<std::uint8_t>(orgs_.kind[org])};
            flow_tally_.add(key.pack(), units);
        },
        [this](std::size_t p, std::size_t org, double term) {
            const Money amount = orgs_.borrow[org];
            desk_->spend(p, Party::agent(org), amount, flow_policy_loan);
            orgs_.loan[org] += amount;
            orgs_.loan_policy[org] = static_cast<std::int32_t>(p);
            orgs_.instalment[org] = static_cast<Money>(std::ceil(static_cast<double>(amount) * per_step_.years / term));
            orgs_.borrow[org] = 0;
        }});
}

void Model::fund_policies(std::size_t begin, std::size_t end) {
    const double now = static_cast<double>(scenario_.start_year) + static_cast<double>(step_ - 1) * per_step_.years;
    for (std::size_t i = begin; i < end; ++i) {
        const scenario::Policy& p = scenario_.policies[i];
        const bool active = now >= p.start && now < p.end;
        const std::int64_t year = active ? static_cast<std::int64_t>(std::floor(now - p.start + 1e-9)) : -1;
        // (balances read in a phase are those at its start: the fund's after this phase is tracked here)
        Money balance = ledger_.sector_balance(fund_account(i));
        // (a fund out of force may still hold loan repayments: they go back every step)
        if (year != policy_year_[i] || (year < 0 && balance != 0)) {
            const Party fund = Party::sector(fund_account(i));
            // What the fund did not spend goes back to its funders, by their shares.
            Money returned = 0;
            for (std::size_t k = 0; k < p.funders.size(); ++k) {
                const Money part = k + 1 == p.funders.size() ? balance - returned : floor_money(p.funders[k].share * static_cast<double>(balance));
                transfer(fund, Party::sector(funder_account_[i][k]), part, flow_policy_refund);
                returned += part;
            }
            balance = 0;
            // A new programme year: the funders pay its budget in.
            if (active) {
                const Money budget = usd_to_money(p.budget);
                Money paid = 0;
                for (std::size_t k = 0; k < p.funders.size(); ++k) {
                    const Money part = k + 1 == p.funders.size() ? budget - paid : floor_money(p.funders[k].share * static_cast<double>(budget));
                    transfer(Party::sector(funder_account_[i][k]), fund, part, flow_policy_funding);
                    paid += part;
                }
                balance = budget;
            }
            policy_year_[i] = year;
        }
        fund_open_[i] = balance;
    }
    // What decisions see this step: the world's, changed by every instrument in force.
    if (begin != 0) return;   // the phase is one serial chunk (grain = instruments)
    std::fill(export_share_.begin(), export_share_.end(), 0.0);
    std::fill(support_share_.begin(), support_share_.end(), 0.0);
    std::fill(credit_line_.begin(), credit_line_.end(), 0);
    legal_ = scenario_.world.legal_compat;
    const std::size_t n = scenario_.world.size();
    for (std::size_t c = 0; c < n; ++c) recognition_[c] = scenario_.world.countries[c].coop_recognition;
    for (std::size_t i = 0; i < instruments_.size(); ++i) {
        if (policy_year_[i] >= 0) instruments_[i]->shape(*desk_);
        else instruments_[i]->pause();
    }
    // Laws recognising co-operatives: the legal compatibility of each pair moves with
    // the lower recognition of the two, as the world's was built (ODD §7.16); after
    // every instrument, so the result does not depend on their order (agreements'
    // floors are kept).
    for (std::size_t o = 0; o < n; ++o)
        for (std::size_t d = 0; d < n; ++d) {
            const double cr_o = scenario_.world.countries[o].coop_recognition, cr_d = scenario_.world.countries[d].coop_recognition;
            if (o == d || (recognition_[o] == cr_o && recognition_[d] == cr_d)) continue;
            const double before = std::min(cr_o, cr_d), after = std::min(recognition_[o], recognition_[d]);
            const auto io = static_cast<Eigen::Index>(o), id = static_cast<Eigen::Index>(d);
            const double v = before > 0 ? std::min(1.0, scenario_.world.legal_compat(io, id) * after / before) : after;
            legal_(io, id) = std::max(legal_(io, id), v);
        }
}

void Model::act_policies(std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i)
        if (policy_year_[i] >= 0) instruments_[i]->act(*desk_);
    if (credit_line_.empty() || end != instruments_.size()) return;
    // A move whose loan no fund granted is not made (the phase is one serial chunk);
    // what was asked stays in `borrow` until the next decision.
    for (std::uint32_t i = 0; i < orgs_.size(); ++i) {
        if (orgs_.borrow[i] == 0) continue;
        const std::int32_t dest = orgs_.borrow_dest[i];
        if (orgs_.entering[i] == dest) orgs_.entering[i] = -1;
        for (std::uint32_t r = orgs_.link_begin[i]; r < orgs_.link_begin[i + 1]; ++r)
            if (links_.dest[r] == dest) links_.invest[r] = 0;
    }
}

void Model::found_adopters() {
    // In policy order, each adopter a licensee (or node) of its licensor, founded in
    // the implementing country with the instrument's founding capital from its fund.
    std::fill(policy_foundings_.begin(), policy_foundings_.end(), 0);
    for (const detail::Adoption& a : adoptions_) {
        const std::int64_t at = kernel::slot_of(orgs_.id, a.licensor);
        if (at < 0) continue;   // the licensor exited
        const auto licensor = static_cast<std::uint32_t>(at);
        const scenario::Policy& q = scenario_.policies[a.policy];
        const auto dest = static_cast<std::size_t>(q.country);
        const scenario::Population& strategy = scenario_.populations[orgs_.group[licensor]];
        const OrgKind kind = a.mode == Mode::licence ? strategy.licensee_kind : strategy.node_kind;
        const Money capital = usd_to_money(q.unit_cost);
        Money left = ledger_.sector_balance(fund_account(a.policy));   // (committed before this update)
        for (std::int64_t j = 0; j < a.count && left >= capital; ++j) {
            const std::size_t slot = add_affiliate(licensor, dest, a.mode, kind, plan_partner(licensor, dest, a.mode));
            desk_->spend(a.policy, Party::agent(slot), capital, flow_policy_grant);
            left -= capital;
            ++policy_foundings_[dest * org_kind_count + static_cast<std::size_t>(kind)];
        }
    }
    adoptions_.clear();
}

}  // namespace ssesim::model
