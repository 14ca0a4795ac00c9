#pragma once
// Organisations in structure-of-arrays storage (DESIGN.md decision 2), one
// contiguous column per attribute, slots in ascending id order; and the sparse
// organisation x foreign-country table of the markets each one serves abroad,
// kept in its own structure of arrays sorted by (organisation slot, country).
#include "ssesim/core/money.hpp"
#include "ssesim/kernel/column.hpp"
#include "ssesim/model/types.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace ssesim::model {

using kernel::Column;

inline constexpr std::uint64_t no_parent = ~std::uint64_t{0};

struct Organisations {
    // identity (fixed at birth)
    Column<std::uint64_t> id;
    Column<std::uint32_t> group;         ///< population group whose strategy it follows
    Column<std::uint64_t> parent;        ///< id of the parent organisation (owner, licensor, federation), or no_parent
    Column<Relation> relation;           ///< how it is bound to its parent
    Column<double> fee_rate;             ///< share of revenue owed to the parent (licensee, member)
    Column<std::uint16_t> home;          ///< country index
    Column<OrgKind> kind;
    Column<Sector> sector;
    Column<double> productivity;         ///< output per worker-year, relative (Pareto draw)
    Column<double> mission;              ///< social-mission weight in [0, 1]
    Column<double> payout_rate;
    Column<double> outside_equity;       ///< share of its equity held by others without a vote: host co-investors of an
                                         ///< affiliate owned in part, suppliers holding stakes (sum of its links' `stake`)
    // state
    Column<std::int32_t> employees;      ///< persons at home
    Column<double> markup;               ///< price over unit labour cost
    Column<double> price;                ///< US$ per unit at the factory gate
    Column<double> expected_labour;      ///< persons the expected demand needs
    Column<std::int32_t> age;            ///< steps since founding
    Column<Money> overhead;              ///< fixed cost per step of running a foreign plant (affiliates)
    // knowledge stocks in [0, 1] (share of the frontier) and this step's absorbed gains
    Column<double> technology, management, brand;
    Column<double> gain_technology, gain_management, gain_brand;
    Column<double> gain_mission;         ///< this step's mission drift (absorb), added in learn
    Column<double> participation;        ///< governance participation in [0, 1]
    Column<double> participation_base;   ///< its participation with every member at home (target before dispersion)
    Column<double> input_price;          ///< mean delivered price of its inputs from suppliers, 0 with none
    // this step's flows, in cents (written by the phases, read by record)
    Column<Money> revenue;
    Column<Money> export_revenue;
    Column<Money> wage_bill;
    Column<Money> profit;
    Column<Money> owed_to_parent;        ///< profit repatriated to the parent, paid in `transfer`
    Column<Money> book_value;            ///< cash left after its own `settle` (a cash-only balance sheet): the price base of stakes
    Column<Money> input_sales;           ///< inputs sold to buyers this step (supplier side)
    Column<Money> purchases;             ///< inputs bought from suppliers this step (buyer side)
    Column<Money> tender_revenue;        ///< public tenders won this step (all countries)
    Column<Money> tender_abroad;         ///< of which from foreign governments
    Column<Money> alliance_due;          ///< owed to its allies this step for their delivered share (entrant side)
    Column<Money> alliance_sales;        ///< paid by its partners for its delivered share this step (ally side)
    // decisions for the structural update between steps
    Column<std::uint8_t> insolvent;
    Column<std::int32_t> entering;       ///< foreign country of a new commitment, -1 for none
    Column<Mode> entering_mode;          ///< its mode
    Column<std::uint64_t> entering_partner;   ///< the supplier chosen for a sourcing move
    Column<std::int32_t> contact;        ///< foreign country of an unplanned opportunity, -1 for none
    Column<std::int32_t> visit;          ///< foreign country of a trade mission it joined this step, -1 for none
    // patient capital (policy instrument): the loan outstanding, the fund it is owed to
    // (policy index, -1 for none) and the instalment per step; and this step's request
    Column<Money> loan;
    Column<std::int32_t> loan_policy;
    Column<Money> instalment;
    Column<Money> borrow;                ///< credit the move it decided this step needs and no fund lent, 0 for none
    Column<std::int32_t> borrow_dest;    ///< the country of that move, -1 for none
    /// CSR index into Links: the links of slot i are [link_begin[i], link_begin[i+1]).
    Column<std::uint32_t> link_begin;

    std::size_t size() const noexcept { return id.size(); }

    /// Calls f on every per-organisation column (not link_begin), for resize and compaction.
    template <class F>
    void for_each_column(F&& f) {
        f(id); f(group); f(parent); f(relation); f(fee_rate); f(home); f(kind); f(sector); f(productivity);
        f(mission); f(payout_rate); f(outside_equity); f(book_value);
        f(employees); f(markup); f(price); f(expected_labour); f(age); f(overhead);
        f(technology); f(management); f(brand); f(gain_technology); f(gain_management); f(gain_brand); f(gain_mission);
        f(participation); f(participation_base); f(input_price); f(input_sales); f(purchases); f(entering_partner);
        f(tender_revenue); f(tender_abroad); f(alliance_due); f(alliance_sales);
        f(revenue); f(export_revenue); f(wage_bill); f(profit); f(owed_to_parent); f(insolvent); f(entering);
        f(entering_mode); f(contact); f(visit); f(loan); f(loan_policy); f(instalment); f(borrow); f(borrow_dest);
    }
};

struct Links {
    Column<std::uint32_t> org;           ///< organisation slot
    Column<std::uint16_t> dest;          ///< country index
    Column<Mode> mode;
    Column<double> experience;           ///< years committed there (Uppsala experiential knowledge)
    Column<double> ties;                 ///< network insidership in [0, 1] (Johanson & Vahlne 2009)
    Column<std::uint64_t> affiliate;     ///< id of the partner there: founded (subsidiary, licence, node, offshore), supplier (sourcing) or ally (alliance); else no_parent
    Column<Money> purchase;              ///< inputs, or an ally's delivered share, bought from the partner this step (set in settle, paid in transfer)
    Column<Money> advance;               ///< pre-harvest credit advanced this step
    Column<Money> repay;                 ///< credit the supplier repays this step (set by the supplier in settle)
    Column<Money> credit;                ///< pre-harvest credit outstanding with the partner
    Column<Money> interest;              ///< interest on that credit the supplier pays this step (set by the supplier in settle)
    Column<double> stake;                ///< share of the organisation's equity the partner (supplier) holds, in [0, 1)
    Column<Money> stake_offer;           ///< what the supplier offers this step for a stake (set by the supplier in settle)
    Column<Money> stake_dividend;        ///< the supplier's share of this step's profit payout (set by the buyer in settle)
    Column<Money> revenue;               ///< export sales this step
    Column<Money> fixed_cost;            ///< paid this step
    Column<Money> tender;                ///< public tenders won there this step (alliance links only)
    Column<std::uint8_t> leave;          ///< decided to leave this step
    Column<std::uint8_t> invest;         ///< decided to replace exports by a subsidiary this step

    std::size_t size() const noexcept { return org.size(); }
    template <class F>
    void for_each_column(F&& f) {
        f(org); f(dest); f(mode); f(experience); f(ties); f(affiliate); f(purchase); f(advance); f(repay); f(credit);
        f(interest); f(stake); f(stake_offer); f(stake_dividend); f(revenue); f(fixed_cost); f(tender); f(leave); f(invest);
    }
};

}  // namespace ssesim::model
