#pragma once
// The policy instruments' view of the model (policies.cpp): the desk they read
// and act through, and the base class every instrument type derives from.
#include "model_internal.hpp"

#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

namespace ssesim::model::detail {

__extension__ typedef __int128 int128;   // claim x fund does not fit in 64 bits

/// What an instrument may read of the model and do to it. Built once by the model;
/// the references stay valid (the model's columns are assigned, never replaced).
struct PolicyDesk {
    const scenario::Scenario& scenario;
    const Organisations& orgs;
    const Links& links;
    const std::vector<std::uint32_t>& home_begin;
    const std::vector<std::uint32_t>& home_orgs;
    const std::uint32_t& step;
    double years;
    std::vector<double>& export_share;
    std::vector<double>& support_share;
    std::vector<Money>& credit_line;
    std::vector<double>& recognition;            ///< coop_recognition by country this step
    Eigen::MatrixXd& legal;
    Column<std::int32_t>& visit;                ///< orgs_.visit
    Column<double>& gain_management;            ///< orgs_.gain_management
    std::vector<Adoption>& adoptions;
    /// Money in fund `p` at the start of this step, after its funding: an instrument reads it before it spends.
    std::function<Money(std::size_t p)> fund;
    /// Pays `amount` from fund `p` to `payee` as `flow`, counted as spent.
    std::function<void(std::size_t p, Party payee, Money amount, Flow flow)> spend;
    /// Records an intangible of `amount` given by fund `p` to organisation `org`.
    std::function<void(std::size_t p, std::size_t org, Flow flow, double amount)> give;
    /// Lends organisation `org` what it asked for (orgs.borrow) from fund `p`, repaid over `term` years.
    std::function<void(std::size_t p, std::size_t org, double term)> lend;

    const scenario::Policy& policy(std::size_t p) const { return scenario.policies[p]; }
    std::size_t countries() const { return scenario.world.size(); }
    bool targets(std::size_t p, std::size_t org) const {
        return (policy(p).targets >> static_cast<unsigned>(orgs.kind[org])) & 1u;
    }
    /// A partner of policy `p`: one it lists, or any other country when it lists none.
    bool partner(std::size_t p, std::size_t c) const {
        const scenario::Policy& q = policy(p);
        if (q.partners.empty()) return c != static_cast<std::size_t>(q.country);
        return std::find(q.partners.begin(), q.partners.end(), static_cast<int>(c)) != q.partners.end();
    }
};

class Instrument {
public:
    explicit Instrument(std::size_t index) : p_(index) {}
    virtual ~Instrument() = default;
    Instrument(const Instrument&) = delete;
    Instrument& operator=(const Instrument&) = delete;
    /// Start of a step in force, after funding: what decisions will see this step.
    virtual void shape(PolicyDesk&) {}
    /// After settlement and absorption, in force: what it pays for and does.
    virtual void act(PolicyDesk&) {}
    /// Called instead of shape and act in a step out of force.
    virtual void pause() {}

protected:
    std::size_t p_;

    /// Calls f(cell) on the cell of every targeted kind of the country and each
    /// partner in a [home][kind][dest] table.
    template <class T, class F>
    void for_each_target(PolicyDesk& d, std::vector<T>& table, F f) const {
        const scenario::Policy& q = d.policy(p_);
        const std::size_t n = d.countries(), c = static_cast<std::size_t>(q.country);
        for (std::size_t k = 0; k < org_kind_count; ++k) {
            if (!((q.targets >> k) & 1u)) continue;
            for (std::size_t dest = 0; dest < n; ++dest)
                if (d.partner(p_, dest)) f(table[(c * org_kind_count + k) * n + dest]);
        }
    }
    /// Adds `share` to the reimbursed share of every targeted kind of the country for each partner.
    void add_share(PolicyDesk& d, std::vector<double>& table, double share) const {
        for_each_target(d, table, [share](double& v) { v = std::min(1.0, v + share); });
    }

    /// Pays each (organisation, cents) claim from the fund; pro rata when the fund
    /// cannot pay them all (what it pays is then floored to the cent).
    void reimburse(PolicyDesk& d, const std::vector<std::pair<std::uint32_t, Money>>& claims) const {
        Money total = 0;
        for (const auto& c : claims) total += c.second;
        const Money fund = d.fund(p_);
        if (total <= 0 || fund <= 0) return;
        for (const auto& [org, claim] : claims) {
            const Money paid = total <= fund ? claim
                                             : static_cast<Money>(static_cast<int128>(claim) * fund / total);
            d.spend(p_, Party::agent(org), paid, flow_policy_grant);
        }
    }

    /// What the targeted organisations of the country claim for links of the given modes.
    template <class Modes>
    std::vector<std::pair<std::uint32_t, Money>> claims(PolicyDesk& d, Modes modes) const {
        // what the targeted organisations of the country paid this step in partner
        // countries (links_.fixed_cost: paid in settle), times the share
        const scenario::Policy& q = d.policy(p_);
        const auto c = static_cast<std::size_t>(q.country);
        std::vector<std::pair<std::uint32_t, Money>> out;
        for (std::uint32_t h = d.home_begin[c]; h < d.home_begin[c + 1]; ++h) {
            const std::uint32_t i = d.home_orgs[h];
            if (!d.targets(p_, i)) continue;
            Money claim = 0;
            for (std::uint32_t r = d.orgs.link_begin[i]; r < d.orgs.link_begin[i + 1]; ++r)
                if (modes(d.links.mode[r]) && d.partner(p_, d.links.dest[r]))
                    claim += floor_money(q.intensity * static_cast<double>(d.links.fixed_cost[r]));
            if (claim > 0) out.emplace_back(i, claim);
        }
        return out;
    }

    /// The organisations drawn this step with chance `chance`, in a random order:
    /// each draws u on its own stream (id, step, this instrument); those with
    /// u < chance come first by u. `eligible(org)` filters, `dest(org, v)` picks a
    /// country from a second uniform v.
    struct Draw {
        double u;
        std::uint32_t org;
        std::uint16_t dest;
    };
    /// Admission order of drawn organisations: by u, then slot.
    static void admission_order(std::vector<Draw>& draws) {
        std::sort(draws.begin(), draws.end(), [](const Draw& a, const Draw& b) { return a.u < b.u || (a.u == b.u && a.org < b.org); });
    }
    template <class Eligible, class Dest>
    std::vector<Draw> draw(PolicyDesk& d, std::size_t country, double chance, Eligible eligible, Dest dest) const {
        std::vector<Draw> out;
        for (std::uint32_t h = d.home_begin[country]; h < d.home_begin[country + 1]; ++h) {
            const std::uint32_t i = d.home_orgs[h];
            if (!eligible(i)) continue;
            Stream rng(d.scenario.seed, d.scenario.replicate, d.orgs.id[i], d.step, purpose_policy + static_cast<std::uint32_t>(p_));
            const double u = rng.uniform();
            const double v = rng.uniform();
            if (u < chance) out.push_back({u, i, static_cast<std::uint16_t>(dest(i, v))});
        }
        return out;
    }
};

/// One instrument of `type`, the `index`-th of the regime.
std::unique_ptr<Instrument> make_instrument(InstrumentType type, std::size_t index);

}  // namespace ssesim::model::detail
