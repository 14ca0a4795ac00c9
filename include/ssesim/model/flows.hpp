#pragma once
// The flows the model records: every payment in the ledger and every transfer
// of an intangible, by kind, with the country and the kind of party at each end
// (DOMAIN.md §1: goods, finance and intangibles, each outward for its source and
// inward for its destination).
//
// A flow is recorded in the direction of the thing that moves: goods and
// services go from seller to buyer while their payment goes the other way;
// finance goes from payer to payee; an intangible goes from giver to receiver
// and moves no money. "Domestic" flows are the accounting of an organisation
// with its own economy (wages, payouts, founding capital, liquidation).
#include "ssesim/model/types.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace ssesim::model {

enum class Channel : std::uint8_t { goods, finance, intangibles, domestic };
inline constexpr std::array<std::string_view, 4> channel_names{"goods", "finance", "intangibles", "domestic"};

enum Flow : std::uint16_t {
    flow_sales,             ///< goods/services: seller -> households of the buyer country
    flow_inputs,            ///< goods: supplier -> buying organisation (imports of inputs; fair trade; intra-firm)
    flow_tender,            ///< services: winning bidder -> government that ran the tender
    flow_market_services,   ///< services: destination households -> seller (distribution, marketing: fixed cost of a market)
    flow_wages,             ///< domestic: organisation -> households of its home country
    flow_profit_payout,     ///< domestic: organisation -> home households (dividends, patronage refunds)
    flow_cash_release,      ///< domestic: organisation -> home households (cash above the buffer)
    flow_founding_capital,  ///< domestic: home households -> newborn organisation
    flow_liquidation,       ///< domestic: exiting organisation -> home households
    flow_fdi,               ///< finance: parent -> new affiliate abroad (its founding capital)
    flow_dividends,         ///< finance: affiliate -> parent (repatriated profit)
    flow_licence_fee,       ///< finance: licensee -> licensor (share of revenue)
    flow_federation_fee,    ///< finance: member -> federation (mutualised fee, share of revenue)
    flow_credit,            ///< finance: buyer -> supplier (pre-harvest credit)
    flow_credit_repayment,  ///< finance: supplier -> buyer (pre-harvest credit repaid)
    flow_support_services,  ///< domestic: organisation -> home households (staff and services supporting partners abroad)
    flow_technology,        ///< intangibles: giver -> receiver (technology, software)
    flow_management,        ///< intangibles: giver -> receiver (management and business models)
    flow_brand,             ///< intangibles: giver -> receiver (brand, certification, identity)
    flow_policy_funding,    ///< finance: funder (government, outside funder) -> a policy instrument's fund
    flow_policy_refund,     ///< finance: a fund's money unspent at the end of a programme year -> its funders
    flow_policy_grant,      ///< finance: a policy fund -> an organisation (a share of its costs; founding capital)
    flow_programme_services,///< goods: households -> a policy fund (mission travel and venues, trainers)
    flow_policy_loan,       ///< finance: a policy fund -> an organisation (patient capital lent)
    flow_loan_repayment,    ///< finance: an organisation -> the policy fund that lent to it
    flow_alliance_services, ///< services: a local ally -> the organisation selling through the alliance (its delivered share)
    flow_extension_services,///< goods: households (local agencies) -> their government, running a C2G programme
    flow_equity_stake,      ///< finance: supplier -> the buyer it supplies (an equity stake bought: inward investment for the buyer)
    flow_equity_dividends,  ///< finance: buyer -> the suppliers holding stakes in it (their share of its profit payout)
    flow_credit_interest,   ///< finance: supplier -> buyer (interest on pre-harvest credit)
    flow_count
};

struct FlowInfo {
    std::string_view name;
    Channel channel;
    bool money;            ///< a ledger posting; false for intangibles
    bool paid_against;     ///< money moves opposite to the thing (purchases)
    std::string_view description;
};

inline constexpr std::array<FlowInfo, flow_count> flow_info{{
    {"sales", Channel::goods, true, true, "goods and services sold to households"},
    {"inputs", Channel::goods, true, true, "inputs bought by an organisation from its supplier (imports, fair trade, intra-firm)"},
    {"tender", Channel::goods, true, true, "services and training bought by a government through an open public tender"},
    {"market_services", Channel::goods, true, true,
     "distribution and marketing services bought in a foreign market (its fixed cost)"},
    {"wages", Channel::domestic, true, false, "wages paid to home households"},
    {"profit_payout", Channel::domestic, true, false, "profit paid to home households"},
    {"cash_release", Channel::domestic, true, false, "cash above the buffer paid to home households"},
    {"founding_capital", Channel::domestic, true, false, "home households' capital for a new organisation"},
    {"liquidation", Channel::domestic, true, false, "cash of an exiting organisation returned to home households"},
    {"fdi", Channel::finance, true, false, "founding capital a parent pays to its new affiliate abroad"},
    {"dividends", Channel::finance, true, false, "profit an affiliate repatriates to its parent"},
    {"licence_fee", Channel::finance, true, false, "share of revenue a licensee pays its licensor"},
    {"federation_fee", Channel::finance, true, false, "share of revenue a member pays its federation"},
    {"credit", Channel::finance, true, false, "pre-harvest credit a buyer advances to its supplier"},
    {"credit_repayment", Channel::finance, true, false, "pre-harvest credit a supplier repays"},
    {"support_services", Channel::domestic, true, false, "staff and services supporting licensees, nodes and transfers abroad"},
    {"technology", Channel::intangibles, false, false, "technology and software absorbed by the receiver (non-rival)"},
    {"management", Channel::intangibles, false, false, "management and business models absorbed by the receiver (non-rival)"},
    {"brand", Channel::intangibles, false, false, "brand and certification absorbed by the receiver (non-rival)"},
    {"policy_funding", Channel::finance, true, false, "a funder's yearly budget paid into a policy instrument's fund"},
    {"policy_refund", Channel::finance, true, false, "money a policy fund did not spend in a programme year, returned to its funders"},
    {"policy_grant", Channel::finance, true, false,
     "a policy fund's payment to an organisation: a share of its costs reimbursed, or the founding capital of an adopter"},
    {"programme_services", Channel::goods, true, true,
     "services a policy fund buys for its programme: travel and venues of trade missions, trainers"},
    {"policy_loan", Channel::finance, true, false, "a patient-capital loan a policy fund lends to an organisation"},
    {"loan_repayment", Channel::finance, true, false, "an instalment of a patient-capital loan repaid to the fund that lent it"},
    {"alliance_services", Channel::goods, true, true,
     "the share of the sales and tenders in a foreign market that the local ally delivers, bought from it by the organisation selling there through the alliance"},
    {"extension_services", Channel::goods, true, true,
     "services of local agencies a government buys to replicate a technology it adopted from a civil-society giver (C2G programme)"},
    {"equity_stake", Channel::finance, true, false, "an equity stake (without a vote) a supplier buys in the buyer it supplies"},
    {"equity_dividends", Channel::finance, true, false, "the share of a buyer's profit payout due to the suppliers holding stakes in it"},
    {"credit_interest", Channel::finance, true, false, "interest a supplier pays on the pre-harvest credit it repays"},
}};

/// Intangible transfers are tallied as integers of this many knowledge units,
/// so their sums do not depend on the order of addition.
inline constexpr double knowledge_unit = 1e-6;

/// The kind of party at one end of a flow: an organisation kind, or an account of a country.
inline constexpr std::size_t end_households = org_kind_count;
inline constexpr std::size_t end_government = org_kind_count + 1;
inline constexpr std::size_t end_policy_fund = org_kind_count + 2;
inline constexpr std::size_t end_outside_funder = org_kind_count + 3;
inline constexpr std::size_t end_count = org_kind_count + 4;
inline constexpr std::array<std::string_view, end_count> end_names{
    "worker_coop", "producer_coop", "federation", "association", "social_enterprise", "for_profit",
    "households", "government", "policy_fund", "outside_funder"};

/// Key of one recorded flow cell: flow | origin | destination | source end | destination end.
struct FlowKey {
    std::uint16_t flow, origin, destination;
    std::uint8_t source_end, destination_end;

    constexpr std::uint64_t pack() const noexcept {
        return std::uint64_t{flow} << 48 | std::uint64_t{origin} << 32 | std::uint64_t{destination} << 16 |
               std::uint64_t{source_end} << 8 | destination_end;
    }
    static constexpr FlowKey unpack(std::uint64_t k) noexcept {
        return {static_cast<std::uint16_t>(k >> 48), static_cast<std::uint16_t>(k >> 32),
                static_cast<std::uint16_t>(k >> 16), static_cast<std::uint8_t>(k >> 8),
                static_cast<std::uint8_t>(k)};
    }
};

}  // namespace ssesim::model
