#pragma once
// The vocabulary of policy regimes (issue 5; DOMAIN.md §4): instrument types, the
// directions and flows they act on, and the taxonomy level of a policy. A policy
// regime is data in the scenario file (DESIGN.md decision 4): a list of
// [[policy]] tables, each one instrument of one of these types.
#include <array>
#include <cstdint>
#include <string_view>

namespace ssesim::model {

enum class Direction : std::uint8_t { inward, outward, both };
inline constexpr std::array<std::string_view, 3> direction_names{"inward", "outward", "both"};

/// The flow an instrument acts on (DOMAIN.md §1).
enum class PolicyFlow : std::uint8_t { goods, finance, intangibles };
inline constexpr std::array<std::string_view, 3> policy_flow_names{"goods", "finance", "intangibles"};

/// The taxonomy of DOMAIN.md §4 (SILK Lesson 1).
enum class PolicyLevel : std::uint8_t { action, programme, internationalisation_strategy, sse_strategy };
inline constexpr std::array<std::string_view, 4> policy_level_names{
    "action", "programme", "internationalisation_strategy", "sse_strategy"};

enum class InstrumentType : std::uint8_t {
    export_service,     ///< ACCIÓ: pays a share of targeted organisations' costs of foreign markets
    trade_mission,      ///< Netherlands: missions and conferences raise unplanned opportunities and ties
    trade_agreement,    ///< SSE clauses in trade and association agreements: legal compatibility
    capacity_building,  ///< Scotland: management knowledge (absorptive capacity) of targeted organisations
    development_grant,  ///< KOICA CTS: pays a share of the cost of technology projects abroad
    model_adoption,     ///< Mexico Rodando Juntas: local co-ops founded under a foreign SSE model's licence
    patient_capital,    ///< long-term loans that let targeted organisations afford moves abroad
    legal_recognition,  ///< a law recognising co-operatives: the country's coop_recognition and legal compatibility
};
inline constexpr std::size_t instrument_type_count = 8;
inline constexpr std::array<std::string_view, instrument_type_count> instrument_type_names{
    "export_service", "trade_mission", "trade_agreement", "capacity_building", "development_grant", "model_adoption",
    "patient_capital", "legal_recognition"};

struct InstrumentInfo {
    std::string_view name;
    std::uint32_t directions;   ///< bit d set: Direction d allowed
    Direction default_direction;
    std::uint32_t flows;        ///< bit f set: PolicyFlow f allowed
    PolicyFlow default_flow;
    bool spends;                ///< false: acts without money (budget must be 0)
    bool positive_intensity;    ///< intensity must be above 0 (a term, a level)
    std::string_view effect;    ///< what it changes, for `ssesim describe --instruments`
    std::string_view intensity; ///< what `intensity` means for it
    std::string_view unit_cost; ///< what `unit_cost` means for it, or empty
    std::string_view source;    ///< the SILK case it encodes
};

constexpr std::uint32_t bit_of(Direction d) { return 1u << static_cast<unsigned>(d); }
constexpr std::uint32_t bit_of(PolicyFlow f) { return 1u << static_cast<unsigned>(f); }

inline constexpr std::array<InstrumentInfo, instrument_type_count> instrument_info{{
    {"export_service", bit_of(Direction::outward), Direction::outward, bit_of(PolicyFlow::goods), PolicyFlow::goods, true, false,
     "Pays a share of the fixed cost of each foreign market a targeted organisation of the country serves by export "
     "in a partner country (reimbursed from the fund after the organisation pays it); organisations count the share "
     "when they weigh an entry while the fund holds money",
     "share of the market's fixed cost paid, in [0, 1]", "",
     "SILK: Catalonia's ACCIÓ International Social Economy service (a department of the trade agency using its offices abroad)"},
    {"trade_mission", bit_of(Direction::inward) | bit_of(Direction::outward) | bit_of(Direction::both), Direction::both,
     bit_of(PolicyFlow::goods) | bit_of(PolicyFlow::finance) | bit_of(PolicyFlow::intangibles), PolicyFlow::goods, true, false,
     "Outgoing missions (outward, both): targeted organisations of the country get unplanned opportunities in partner "
     "countries at `intensity` per year (each adds ties there, as any unplanned opportunity); incoming missions (inward, "
     "both): targeted organisations of partner countries get them in the country. Each participation costs `unit_cost`, "
     "paid from the fund to the households of the country visited (travel, venues); participants are admitted in a "
     "random order while the fund can pay",
     "extra unplanned opportunities per targeted organisation per year", "US$ per participation (travel, fees)",
     "SILK: the Netherlands' in- and outgoing impact trade missions combined with conferences"},
    {"trade_agreement", bit_of(Direction::both), Direction::both, bit_of(PolicyFlow::goods), PolicyFlow::goods, false, false,
     "Raises the legal compatibility for co-operatives between the country and each partner to at least `intensity` "
     "while in force (an SSE chapter in a trade or association agreement); spends nothing",
     "legal compatibility the agreement guarantees, in [0, 1]", "",
     "SILK lessons: SSE in trade and association agreements, missing almost everywhere"},
    {"capacity_building", bit_of(Direction::inward) | bit_of(Direction::both), Direction::inward,
     bit_of(PolicyFlow::intangibles), PolicyFlow::intangibles, true, false,
     "Training and advice for targeted organisations of the country: their management-model stock closes `intensity` "
     "of its gap to 1 per year, raising their absorptive capacity for knowledge from abroad; each organisation-year "
     "costs `unit_cost`, paid from the fund to home households (trainers); participants are admitted in a random order "
     "while the fund can pay",
     "share of the management gap closed per year, in [0, 1]", "US$ per organisation and year of training",
     "SILK: Scotland's Social Enterprise Strategy 2016-2026 (capacity building; the Observatory)"},
    {"development_grant", bit_of(Direction::outward), Direction::outward,
     bit_of(PolicyFlow::intangibles) | bit_of(PolicyFlow::finance), PolicyFlow::intangibles, true, false,
     "Pays a share of the cost of supporting licensees, federation nodes and open-transfer countries that targeted "
     "organisations of the country keep in partner countries (technology projects abroad); counted when they weigh "
     "such a move while the fund holds money",
     "share of the support cost paid, in [0, 1]", "",
     "SILK: Korea's KOICA Creative Technology Solution programme (development cooperation)"},
    {"model_adoption", bit_of(Direction::inward), Direction::inward, bit_of(PolicyFlow::intangibles), PolicyFlow::intangibles,
     true, false,
     "Local collectives in the country adopt the model of a foreign SSE organisation: `intensity` new organisations a "
     "year are founded there as licensees (or federation nodes) of the largest organisation of a targeted kind in the "
     "partner countries whose strategy licenses or federates, with the founding capital `unit_cost` paid from the fund; "
     "they then pay its fee and absorb its model like any licensee (management model and brand) or node (technology "
     "and brand)",
     "organisations founded per year", "US$ of founding capital per organisation",
     "SILK: Mexico's Rodando Juntas (CoopCycle adopted by courier collectives; ITDP 50%, IDB 50%)"},
    {"patient_capital", bit_of(Direction::outward), Direction::outward, bit_of(PolicyFlow::finance), PolicyFlow::finance,
     true, true,
     "Long-term, interest-free loans: a targeted organisation of the country that has no loan counts a credit line of "
     "`unit_cost` on top of its cash when it weighs a move into a partner country (an export market, a licensee, a node, "
     "open transfer, a supplier, an offshore affiliate, or a subsidiary replacing exports) while the fund holds money; "
     "if the move it chooses needs the credit, it asks for the shortfall, and loans are granted in a random order while "
     "the fund can lend (a move whose loan is refused is not made). The loan is repaid in equal instalments over "
     "`intensity` years into the fund, before payouts and as far as its cash allows (arrears are carried, not "
     "foreclosed); what an organisation that exits still owes is written off. Repayments go back to the funders "
     "with the unspent money at each programme year's end, and every step once the programme has ended",
     "repayment term in years, above 0", "US$: the most one organisation may borrow",
     "DOMAIN.md section 4: long-lasting (patient) support and financing as a barrier; e.g. the Fiducie du Chantier de "
     "l'economie sociale (Quebec, 2007: patient capital for social economy enterprises)"},
    {"legal_recognition", bit_of(Direction::both), Direction::both,
     bit_of(PolicyFlow::goods) | bit_of(PolicyFlow::finance) | bit_of(PolicyFlow::intangibles), PolicyFlow::intangibles,
     false, true,
     "A law recognising co-operative forms raises the country's coop_recognition to `intensity` while in force; its "
     "legal compatibility for co-operatives with every country moves in proportion to the lower recognition of the "
     "pair, min(r_o, r_d) / min(cr_o, cr_d) (the world's rule, sim/ODD.md section 6), never above 1; spends nothing",
     "the coop_recognition the law gives the country, in [0, 1] (above 0)", "",
     "SILK lessons and DOMAIN.md section 5: legal recognition of co-operatives differs by country (e.g. the USA has no "
     "policy recognition of SSE)"},
}};

}  // namespace ssesim::model
