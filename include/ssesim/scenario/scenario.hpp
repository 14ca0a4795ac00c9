#pragma once
// A validated, frozen scenario (STYLE.md "Freeze, then run"): the model is built
// from a copy of it and never edits it. Every field below is declared once, with
// its unit, range and meaning, in the parameter registry (registry.hpp);
// `ssesim describe` prints that registry.
#include "ssesim/model/instruments.hpp"
#include "ssesim/model/types.hpp"
#include "ssesim/model/world.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace ssesim::scenario {

struct Population {
    int country = 0;  ///< index into World::countries
    model::OrgKind kind = model::OrgKind::for_profit;
    model::Sector sector = model::Sector::manufacturing;
    std::int64_t count = 0;
    double employees = 0;            ///< mean employees at founding
    double productivity_shape = 0;   ///< Pareto shape of productivity
    double mission = 0;              ///< social-mission weight in [0, 1]
    double payout_rate = 0;          ///< share of positive profit paid to households
    double initial_cash_years = 0;   ///< opening cash, in years of wage bill
    double birth_rate = 0;           ///< expected births per year, as a share of count
    double technology = 0, management = 0, brand = 0;  ///< opening knowledge stocks in [0, 1]
    double outward_drive = 0;        ///< introspection: looks abroad this many times a year
    std::uint32_t modes = 0;         ///< bit m set: model::Mode m allowed
    double value_alignment = 0;      ///< prospection weight of SSE maturity, times mission
    double licence_fee = 0;          ///< share of revenue a licensee pays
    model::OrgKind licensee_kind = model::OrgKind::social_enterprise;
    double federation_fee = 0;       ///< share of revenue members pay (federations)
    model::OrgKind node_kind = model::OrgKind::worker_coop;
    bool join_federation = false;    ///< members of the home federation of their sector at step 0
    double participation = 0;        ///< governance participation with all members at home
    double decentralisation = 0;     ///< offset of members' dispersion by federated governance
    std::uint32_t transfer_kinds = 0; ///< bit k set: organisations of kind k may adopt its open transfer
    double input_share = 0;          ///< share of unit cost bought as inputs from suppliers abroad
    model::OrgKind supplier_kind = model::OrgKind::producer_coop;
    double fair_price_premium = 0;   ///< share paid to independent suppliers above their price
    double prefinance = 0;           ///< share of purchases advanced as pre-harvest credit
    double prefinance_interest = 0;  ///< interest per year its suppliers pay on the pre-harvest credit
    double partner_equity_cap = 0;   ///< largest share of its equity its suppliers may hold (stakes without a vote)
    double stake_rate = 0;           ///< as a supplier: share per year of its cash above stake_cash_multiple buffers put into stakes
    double ownership_share = 1;      ///< share of each subsidiary or offshore affiliate it owns (host co-investors own the rest)
    bool bids_tenders = false;       ///< bids for public tenders at home and where present
    double fdi_propensity = 0;       ///< chance per year an eligible export market is assessed for FDI
    double fdi_min_experience = 0;   ///< years of exporting before a subsidiary is considered
    model::OrgKind subsidiary_kind = model::OrgKind::for_profit;
    std::uint32_t ally_kinds = 0;    ///< bit k set: organisations of kind k may be its local allies
    double alliance_share = 0;       ///< share of the fixed cost an ally bears and of the sales and tenders it delivers
    double c2g_rate = 0;             ///< chance per year a host government adopts its open technology (C2G); 0: never
    double c2g_experience = 0;       ///< years of open transfer in a country before its government may adopt
};

/// Who pays an instrument's fund: a government (its country index) or an outside
/// funder (a donor, a development bank, a foundation: country -1), with its share.
struct Funder {
    std::string name;
    int country = -1;
    double share = 0;
};

/// One instrument of the policy regime ([[policy]]; model/instruments.hpp).
struct Policy {
    model::InstrumentType type = model::InstrumentType::export_service;
    std::string name;                 ///< unique; labels its ledger fund and its output column
    int country = 0;                  ///< implementing country (index into World::countries)
    model::Direction direction = model::Direction::outward;
    model::PolicyFlow flow = model::PolicyFlow::goods;
    std::uint32_t targets = 0;        ///< bit k set: organisations of kind k are targeted
    std::vector<int> partners;        ///< partner countries; empty: every other country
    double start = 0, end = 0;        ///< calendar years, start < end
    double budget = 0;                ///< US$ per year
    double intensity = 0;             ///< type-specific (InstrumentInfo::intensity)
    double unit_cost = 0;             ///< US$, type-specific (InstrumentInfo::unit_cost)
    model::PolicyLevel level = model::PolicyLevel::programme;
    std::vector<Funder> funders;      ///< shares sum to 1
};

struct Economy {
    double elasticity = 0;               ///< CES elasticity of substitution sigma
    double simulated_share = 0;          ///< share of demand the simulated producers hold at step 0, on average
    double demand_growth = 0;            ///< growth rate of household spending per year
    double trade_cost_per_1000km = 0;    ///< iceberg trade cost t0 in tau = 1 + t0 (d/1000 km)^delta
    double trade_cost_distance_elasticity = 0;  ///< delta
    double export_fixed_cost = 0;        ///< worker-years of destination wages per destination per year
    double psychic_distance_cost = 0;    ///< extra fixed cost per unit of psychic distance
    double partner_probability = 0;      ///< chance a worthwhile move finds its partners and is made
    double export_exit_probability = 0;  ///< chance per year a loss-making destination is left
    double initial_visibility = 0;       ///< demand weight abroad on entry, relative to a native
    double learning_time = 0;            ///< years of experience to close 63% of the gap
    double hiring_rate = 0;              ///< share of the labour gap closed in a year when hiring
    double firing_rate = 0;              ///< same when shedding labour (for-profit)
    double expectation_weight = 0;       ///< adaptive-expectations weight on the latest year's demand
    double mission_price_discount = 0;   ///< markup reduction at mission weight 1
    double mission_job_protection = 0;   ///< firing-rate reduction at mission weight 1
    double cash_buffer_years = 0;        ///< retained cash above this is paid out
    double excess_cash_release = 0;      ///< share of cash above the buffer paid out in a year
    double stake_cash_multiple = 0;      ///< a supplier buys stakes only with cash above this many buffers
    double fdi_fixed_cost = 0;           ///< worker-years of host wages per subsidiary per year
    double technology_portability = 0;   ///< kappa: share of home productivity level carried abroad
    double mission_job_value = 0;        ///< value of a home job-year at mission 1, in years of home wage
    double technology_effect = 0, brand_effect = 0, management_effect = 0;
    double absorptive_base = 0;          ///< absorptive capacity with no management knowledge
    double transfer_rate = 0;            ///< share of a knowledge gap closed per year (full absorption, close)
    double adoption_rate = 0;            ///< chance per year an SSEO adopts an open technology present at home
    double mission_impact_value = 0;     ///< value of a job-year created abroad at mission 1, years of host wage
    double support_cost = 0;             ///< worker-years of home wages per year per licensee/node/transfer country
    double prospect_psychic_aversion = 0, prospect_market_weight = 0;
    double opportunity_rate = 0;         ///< unplanned opportunities per organisation per year
    double opportunity_ties = 0;         ///< ties one opportunity adds
    double ties_decay = 0;               ///< share of uncommitted ties lost per year
    double ties_cost_reduction = 0;      ///< fixed-cost reduction at full ties
    double participation_recovery = 0;   ///< share of the participation gap closed per year
    double dispersion_pressure = 0;      ///< fall of target participation per unit share of members abroad
    double tender_share = 0;             ///< share of government consumption bought by open tender
    double tenders_per_year = 0;         ///< tenders per government per year
    double c2g_replication_rate = 0;     ///< chance per year an organisation adopts from its government's C2G programme
    double c2g_programme_cost = 0;       ///< worker-years of the country's wages per year a C2G programme costs its government
    double experiential_learning = 0;    ///< share of the management gap closed per year committed in one foreign market
    double knowledge_depreciation = 0;   ///< share of each knowledge stock lost per year
    double mission_drift = 0;            ///< share of the gap to its group's employment-weighted mission closed per year
};

struct Scenario {
    std::string source_path;   ///< the TOML file it came from
    std::string name;
    std::int64_t steps = 0;
    std::int64_t steps_per_year = 4;
    std::uint64_t seed = 0;
    std::uint64_t replicate = 0;
    std::string output_file;        ///< as resolved against the working directory
    std::int64_t snapshot_interval = 0;  ///< 0: no per-agent snapshots
    model::World world;
    Economy economy;
    std::vector<Population> populations;
    std::vector<Policy> policies;
    std::int64_t start_year = 2020;  ///< calendar year of step 1
    std::string resolved_toml;      ///< every parameter with the value used
};

}  // namespace ssesim::scenario
