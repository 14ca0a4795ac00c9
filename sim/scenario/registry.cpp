#include "ssesim/scenario/registry.hpp"

#include "ssesim/model/instruments.hpp"
#include "ssesim/model/types.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <sstream>

namespace ssesim::scenario {
namespace {

using T = ParamType;

// clang-format off
// key, type, default, unit, min, max, min_exclusive, max_exclusive, choices, meaning
constexpr std::array registry{
    // ---- run ----
    ParamSpec{"run.name", T::string, "", "", 0, 0, false, false, "",
              "Name of the scenario, stored in the output", "setting"},
    ParamSpec{"run.steps", T::integer, "", "steps", 1, 100000, false, false, "",
              "Number of steps to simulate", "setting"},
    ParamSpec{"run.steps_per_year", T::integer, "4", "steps/year", 1, 365, false, false, "",
              "Steps in a year (4: quarterly); rates and flows given per year are converted to per step", "setting (quarters: issue 4)"},
    ParamSpec{"run.seed", T::integer, "", "", 0, 9223372036854775807.0, false, false, "",
              "Master seed of every random stream (overridden by --seed)", "setting"},
    ParamSpec{"run.archetypes", T::path, "\"\"", "", 0, 0, false, false, "",
              "File of named strategy archetypes (TOML tables of [[population]] keys), relative to the scenario file; empty: none", "setting"},
    ParamSpec{"run.replicate", T::integer, "0", "", 0, 4294967295.0, false, false, "",
              "Replicate number; the second half of the random-stream key", "setting"},
    ParamSpec{"run.start_year", T::integer, "2020", "year", 1900, 2200, false, false, "",
              "Calendar year of step 1 (policies start and end in calendar years)", "setting"},
    // ---- output ----
    ParamSpec{"output.file", T::string, "\"\"", "", 0, 0, false, false, "",
              "HDF5 file to write, relative to the working directory (overridden by -o); empty: results/<run.name>.h5", "setting"},
    ParamSpec{"output.snapshot_interval", T::integer, "10", "steps", 0, 10000, false, false, "",
              "Write every agent's state every this many steps; 0 writes none", "setting"},
    // ---- world ----
    ParamSpec{"world.countries", T::path, "\"world/countries.csv\"", "", 0, 0, false, false, "",
              "Country table (CSV), relative to the scenario file", "scenarios/world/SOURCES.md"},
    ParamSpec{"world.pairs", T::path, "\"world/pairs.csv\"", "", 0, 0, false, false, "",
              "Country-pair table (CSV), relative to the scenario file", "scenarios/world/SOURCES.md"},
    ParamSpec{"world.use", T::country_list, "", "ISO3", 2, 300, false, false, "",
              "Countries simulated, as ISO3 codes of the country table, at least two", "setting"},
    // ---- economy ----
    ParamSpec{"economy.elasticity", T::real, "4.0", "1", 1, 20, true, false, "",
              "CES elasticity of substitution between varieties (sigma); markup sigma/(sigma-1)", "Bernard, Eaton, Jensen & Kortum 2003 (sigma about 3.8); Broda & Weinstein 2006"},
    ParamSpec{"economy.simulated_share", T::real, "0.5", "1", 0, 1, true, false, "",
              "Share of their markets' demand that the simulated home producers hold at step 0, on average (the rest is bought from producers the scenario does not simulate)", "assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.demand_growth", T::real, "0.0", "1/year", -0.5, 1, false, false, "",
              "Growth rate of household spending per year", "assumption (stationary demand)"},
    ParamSpec{"economy.trade_cost_per_1000km", T::real, "0.15", "1", 0, 10, false, false, "",
              "t0 in the iceberg trade cost tau = 1 + t0 (distance / 1000 km)^delta", "assumption within gravity estimates (Head & Mayer 2014); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.trade_cost_distance_elasticity", T::real, "0.6", "1", 0, 3, false, false, "",
              "delta in the iceberg trade cost (gravity)", "assumption within gravity estimates (Head & Mayer 2014); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.export_fixed_cost", T::real, "0.2927", "worker-years/year", 0, 1000, false, false, "",
              "Fixed cost of serving one foreign market per year, in years of the destination's wages", "Melitz 2003 (mechanism); calibrated (scenarios/calibration/calibrated.toml; docs/TRACE.md section 8)"},
    ParamSpec{"economy.psychic_distance_cost", T::real, "2.344", "1", 0, 100, false, false, "",
              "Extra fixed cost per unit of psychic distance, as a multiple of export_fixed_cost", "Johanson & Vahlne 1977 (mechanism); calibrated (scenarios/calibration/calibrated.toml; docs/TRACE.md section 8)"},
    ParamSpec{"economy.partner_probability", T::real, "0.6296", "1", 0, 1, false, false, "",
              "Chance that a move prospection found worthwhile finds its partners and is made (SILK Tool 2: time and difficulty to find a partner)", "SILK Tool 2 (time and difficulty to find a partner: mechanism); calibrated (scenarios/calibration/calibrated.toml; docs/TRACE.md section 8)"},
    ParamSpec{"economy.export_exit_probability", T::real, "0.5", "1/year", 0, 1, false, false, "",
              "Chance per year that a loss-making foreign market is left", "Ruhl & Willis 2017 (new exporters often exit: pattern); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.initial_visibility", T::real, "0.2", "1", 0, 1, true, false, "",
              "Demand weight of a newcomer abroad relative to an established seller", "Ruhl & Willis 2017 (new exporters start small: pattern); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.learning_time", T::real, "3.0", "years", 0, 1000, true, false, "",
              "Experience abroad after which 63% of the visibility gap is closed (Uppsala learning)", "Johanson & Vahlne 1977 (experiential knowledge: mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.hiring_rate", T::real, "0.9", "1/year", 0, 1, true, false, "",
              "Share of the gap to the labour requirement closed in a year when hiring", "assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.firing_rate", T::real, "0.9", "1/year", 0, 1, false, false, "",
              "Share of surplus labour shed in a year by an organisation with no social mission", "assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.expectation_weight", T::real, "0.75", "1/year", 0, 1, true, false, "",
              "Weight of the latest year's demand in adaptive expectations (converted to per step)", "assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.mission_price_discount", T::real, "0.5", "1", 0, 1, false, true, "",
              "Reduction of the markup over unit cost at social-mission weight 1", "DOMAIN.md §1 (surpluses not appropriated: mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.mission_job_protection", T::real, "0.5", "1", 0, 1, false, false, "",
              "Reduction of the firing rate at social-mission weight 1", "DOMAIN.md §1 (SSEOs weigh home jobs: mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.cash_buffer_years", T::real, "0.5", "years of wage bill", 0, 100, false, false, "",
              "Cash an organisation keeps; what it holds above this is paid out", "assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.excess_cash_release", T::real, "0.75", "1/year", 0, 1, false, false, "",
              "Share of cash above the buffer paid to home households in a year (investment, distribution)", "assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.stake_cash_multiple", T::real, "2.0", "buffers", 1, 100, false, false, "",
              "A supplier buys stakes in its buyers only with cash above this many times its cash buffer (cash 'well above' the buffer)", "assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.fdi_fixed_cost", T::real, "2.74", "worker-years/year", 0, 1000, false, false, "",
              "Overhead of running a subsidiary abroad per year, in years of the host's wages, raised by psychic distance like export_fixed_cost (Helpman, Melitz & Yeaple 2004: above the export fixed cost)", "Helpman, Melitz & Yeaple 2004 (above the export fixed cost: mechanism); calibrated (scenarios/calibration/calibrated.toml; docs/TRACE.md section 8)"},
    ParamSpec{"economy.technology_portability", T::real, "0.7027", "1", 0, 1, false, false, "",
              "Share of the home country's productivity level a subsidiary carries abroad (0: it works at the host's level; 1: at home's; knowledge-capital model, Markusen 2002)", "Markusen 2002 (knowledge capital: mechanism); calibrated (scenarios/calibration/calibrated.toml; docs/TRACE.md section 8)"},
    ParamSpec{"economy.mission_job_value", T::real, "0.25", "years of home wage", 0, 100, false, false, "",
              "Value an organisation of mission weight 1 sets on a home job-year, in years of its home wage, when a decision moves jobs abroad (SILK: SSEOs weigh home jobs)", "SILK (OECD 2022): SSEOs weigh home jobs (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.technology_effect", T::real, "0.5", "1", 0, 10, false, false, "",
              "Productivity gain at a full technology stock: z (1 + effect x technology) (knowledge as a factor, Romer 1990)", "Romer 1990 (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.brand_effect", T::real, "0.5", "1", 0, 10, false, false, "",
              "Demand-weight gain at a full brand stock (brand, certification, shared identity), in every market served", "assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.management_effect", T::real, "0.5", "1", 0, 1, false, false, "",
              "Reduction of the fixed costs of foreign markets at a full management-model stock", "assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.absorptive_base", T::real, "0.2", "1", 0, 1, false, false, "",
              "Absorptive capacity of an organisation with no management knowledge; it rises linearly to 1 at a full stock (Cohen & Levinthal 1990)", "Cohen & Levinthal 1990 (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.transfer_rate", T::real, "0.5", "1/year", 0, 1, false, false, "",
              "Share of a knowledge gap a fully absorptive receiver at psychic distance 0 closes in a year (non-rival transfer: the giver keeps its stock)", "Arrow 1962, Romer 1990 (non-rival knowledge: mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.adoption_rate", T::real, "0.1", "1/year", 0, 1, false, false, "",
              "Chance per year that an SSE organisation adopts an openly transferred technology from a giver present in its country", "SILK: DA Group's transfers (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.mission_impact_value", T::real, "0.5", "years of host wage", 0, 100, false, false, "",
              "Value an organisation of mission weight 1 sets on a job-year its move creates abroad (in an organisation it founds or licenses), in years of the host's wage", "assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.support_cost", T::real, "0.1288", "worker-years/year", 0, 1000, false, false, "",
              "Cost per year of supporting one licensee, federation node or open-transfer country, in years of home wages", "calibrated (scenarios/calibration/calibrated.toml; docs/TRACE.md section 8)"},
    ParamSpec{"economy.prospect_psychic_aversion", T::real, "2.41", "1", 0, 100, false, false, "",
              "beta in the prospection weight market^gamma exp(-beta psychic distance) (1 + ties): early moves go to psychically close countries (Johanson & Vahlne 1977)", "Johanson & Vahlne 1977; SILK: first moves to close countries in 4 of 6 cases (pattern); calibrated (scenarios/calibration/calibrated.toml; docs/TRACE.md section 8)"},
    ParamSpec{"economy.prospect_market_weight", T::real, "0.5", "1", 0, 5, false, false, "",
              "gamma in the prospection weight: how much the size of a foreign market draws an organisation", "gravity (Head & Mayer 2014: mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.opportunity_rate", T::real, "0.445", "1/year", 0, 50, false, false, "",
              "Unplanned opportunities (invitations, events, missions) per organisation per year; each adds ties in a random foreign country (SILK)", "SILK: internationalisation also 'just happens' (mechanism); calibrated (scenarios/calibration/calibrated.toml; docs/TRACE.md section 8)"},
    ParamSpec{"economy.opportunity_ties", T::real, "0.3", "1", 0, 1, false, false, "",
              "Ties (network insidership, 0..1) an unplanned opportunity adds in its country (Johanson & Vahlne 2009)", "Johanson & Vahlne 2009 (network insidership: mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.ties_decay", T::real, "0.2", "1/year", 0, 1, false, false, "",
              "Share of ties lost per year in a country where the organisation is not committed", "assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.ties_cost_reduction", T::real, "0.5", "1", 0, 1, false, false, "",
              "Reduction of a foreign market's fixed cost at full ties (partners find clients, distributors, legal help)", "assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.participation_recovery", T::real, "0.5", "1/year", 0, 1, false, false, "",
              "Share of the gap to its target participation that governance participation closes in a year", "assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.dispersion_pressure", T::real, "1.0", "1", 0, 10, false, false, "",
              "Fall of target participation per unit share of members located abroad, before decentralisation (democratic governance needs proximity, SILK)", "SILK: democratic governance needs proximity (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.tender_share", T::real, "0.05", "1", 0, 1, false, false, "",
              "Share of each government's consumption (PWT csh_g x GDP, scaled like the markets) spent on services and training bought by open public tender", "SILK: MCE earns 40% of its revenue from tenders (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.tenders_per_year", T::real, "8", "1/year", 1, 10000, false, false, "",
              "Public tenders each government runs in a year (its tender budget is split evenly)", "assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.c2g_replication_rate", T::real, "0.5", "1/year", 0, 1, false, false, "",
              "Chance per year that an organisation of any kind based in a country whose government runs a C2G programme adopts the programme's technology through local agencies (absorbing it as from a giver at psychic distance 0); 0: no replication", "SILK: DA Group, C2G replication through local agencies (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.c2g_programme_cost", T::real, "1.0", "worker-years/year", 0, 1000, false, false, "",
              "Cost per year of a government's C2G programme (the local agencies replicating the technology), in years of its country's wages, paid by the government to its households", "SILK: DA Group, 'long-term support is imperative' (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"economy.experiential_learning", T::real, "0.0", "1/market-year", 0, 1, false, false, "",
              "Share of its gap to the frontier (1 - management) that an organisation's management knowledge closes per year committed in one foreign market (learning by doing abroad, with diminishing returns: M = 1 - (1 - M0)(1 - rate)^X after X market-years without other gains); 0: none", "Eriksson, Johanson, Majkgard & Sharma 1997; Arrow 1962 (experiential learning: mechanism); 0 by default, so default results are unchanged until calibrated (issue 9)"},
    ParamSpec{"economy.knowledge_depreciation", T::real, "0.0", "1/year", 0, 1, false, false, "",
              "Share of each knowledge stock (technology, management, brand) an organisation loses per year (organisational forgetting); 0: none", "Argote, Beckman & Epple 1990; Benkard 2000 (organisational forgetting: mechanism); 0 by default, so default results are unchanged until calibrated (issue 9)"},
    ParamSpec{"economy.mission_drift", T::real, "0.0", "1/year", 0, 1, false, false, "",
              "Share per year of the gap between an organisation's mission weight and the employment-weighted mission of itself and the organisations it founded abroad (for-profit affiliates have mission 0) that its mission closes (mission drift in hybrid organisations); 0: missions never change", "Ebrahim, Battilana & Mair 2014; Cornforth 2014 (mission drift: mechanism); 0 by default, so default results are unchanged until calibrated (issue 9)"},
    // ---- populations ([[population]], one table per group of organisations) ----
    ParamSpec{"population[].archetype", T::string, "\"\"", "", 0, 0, false, false, "",
              "Name of an archetype of run.archetypes whose keys are this group's defaults (its own keys win); empty: none", "scenarios/archetypes.toml"},
    ParamSpec{"population[].country", T::country, "", "ISO3", 0, 0, false, false, "",
              "Home country of the group, one of world.use", "setting"},
    ParamSpec{"population[].kind", T::enumeration, "", "", 0, 0, false, false,
              "worker_coop|producer_coop|federation|association|social_enterprise|for_profit",
              "Organisation kind", "setting"},
    ParamSpec{"population[].sector", T::enumeration, "", "", 0, 0, false, false,
              "agri_food|manufacturing|services|platform_logistics|education",
              "Sector the group produces in", "setting"},
    ParamSpec{"population[].count", T::integer, "", "organisations", 0, 1e8, false, false, "",
              "Organisations in the group at step 0", "setting"},
    ParamSpec{"population[].employees", T::real, "10.0", "persons", 1, 1e6, false, false, "",
              "Mean employees at founding (productivity sets each one's share)", "setting"},
    ParamSpec{"population[].productivity_shape", T::real, "4.0", "1", 1, 100, true, false, "",
              "Pareto shape of productivity (Melitz 2003); smaller means more dispersion", "Melitz 2003; di Giovanni & Levchenko 2013 (Pareto shape of firm productivity)"},
    ParamSpec{"population[].mission", T::real, "0.0", "1", 0, 1, false, false, "",
              "Social-mission weight; must be 0 for for_profit", "setting (DOMAIN.md §1)"},
    ParamSpec{"population[].payout_rate", T::real, "0.5", "1", 0, 1, false, false, "",
              "Share of positive profit paid to home households (dividends, patronage refunds)", "assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].initial_cash_years", T::real, "0.5", "years of wage bill", 0, 100, false, false, "",
              "Opening cash of each organisation, as years of its wage bill", "assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].birth_rate", T::real, "0.05", "1/year", 0, 10, false, false, "",
              "Expected new organisations per year, as a share of the group's current number of organisations in its country (Poisson; count at step 0)", "assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].technology", T::real, "0.3", "1", 0, 1, false, false, "",
              "Opening technology stock (share of the frontier)", "assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].management", T::real, "0.3", "1", 0, 1, false, false, "",
              "Opening management-model stock (share of the frontier)", "assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].brand", T::real, "0.1", "1", 0, 1, false, false, "",
              "Opening brand and certification stock (share of the frontier)", "assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].outward_drive", T::real, "0.5", "1/year", 0, 50, false, false, "",
              "Introspection: looks abroad for a new move this many times a year, raised by home-market saturation and ties (SILK flow chart)", "SILK flow chart, introspection (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].modes", T::enum_list, "[\"export\", \"subsidiary\"]", "", 0, 0, false, false,
              "export|subsidiary|licence|node|open_transfer|sourcing|offshore|alliance",
              "Modes the strategy may use abroad: export, subsidiary (FDI), licence (social licensing or franchise of new organisations), node (federation nodes: new member co-ops), open_transfer (technology given without a licence fee), sourcing (inputs bought from an independent supplier: imports, fair trade), offshore (inputs made by an owned affiliate: vertical FDI), alliance (sells through an existing local organisation that shares the market's fixed cost and delivers a share of the sales and tenders: strategic alliance, joint venture)", "SILK strategies (DOMAIN.md §2); scenarios/archetypes.toml"},
    ParamSpec{"population[].transfer_kinds", T::enum_list, "[\"worker_coop\", \"producer_coop\", \"federation\", \"association\", \"social_enterprise\"]", "", 0, 0, false, false,
              "worker_coop|producer_coop|federation|association|social_enterprise|for_profit",
              "Kinds of organisation its open transfer reaches (SILK: DA Group transfers to civil-society organisations, then to governments)", "SILK: DA Group's C2C transfers; a setting"},
    ParamSpec{"population[].input_share", T::real, "0.0", "1", 0, 1, false, true, "",
              "Share of unit cost that can be bought as inputs from suppliers abroad (sourcing, offshore); made in-house while it has none", "assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].supplier_kind", T::enumeration, "\"producer_coop\"", "", 0, 0, false, false, "worker_coop|producer_coop|federation|association|social_enterprise|for_profit",
              "Kind of the independent suppliers it sources from (fair trade: producer co-operatives)", "SILK: Equal Exchange buys from producer co-operatives"},
    ParamSpec{"population[].fair_price_premium", T::real, "0.0", "1", 0, 10, false, false, "",
              "Share it pays its independent suppliers above their price (fair-trade minimum price and premium)", "assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].prefinance", T::real, "0.0", "1", 0, 1, false, false, "",
              "Share of a step's purchases advanced to the supplier as pre-harvest credit, repaid the next step (SILK: Equal Exchange's low-interest pre-harvest credit)", "SILK: Equal Exchange's pre-harvest credit (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].prefinance_interest", T::real, "0.0", "1/year", 0, 1, false, false, "",
              "Interest per year its suppliers pay on the pre-harvest credit it advanced, with the repayment (0: interest-free)", "SILK: Equal Exchange's low-interest pre-harvest credit (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].partner_equity_cap", T::real, "0.0", "1", 0, 1, false, true, "",
              "Largest share of its equity the suppliers of its sourcing links may hold, as stakes without a vote (0: accepts none)", "SILK: since 2003 farmer co-ops invest in Equal Exchange; outside investors without a say in governance (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].stake_rate", T::real, "0.0", "1/year", 0, 1, false, false, "",
              "As a supplier: share per year of its cash above economy.stake_cash_multiple buffers it invests in stakes in the buyers it supplies (0: never)", "SILK: since 2003 farmer co-ops invest in Equal Exchange (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].ownership_share", T::real, "1.0", "1", 0, 1, true, false, "",
              "Share of each subsidiary or offshore affiliate it owns: it pays that share of the founding capital and receives that share of what the affiliate repatriates; host households (local co-investors) own the rest (1: wholly owned)", "setting; SILK: Equal Exchange owns 91% and 90% of two entities"},
    ParamSpec{"population[].value_alignment", T::real, "1.0", "1", 0, 10, false, false, "",
              "Prospection weight of a country's SSE maturity, times the mission weight (SILK: countries that share values)", "SILK flow chart, prospection: countries sharing values (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].licence_fee", T::real, "0.05", "1", 0, 1, false, false, "",
              "Share of revenue a licensee pays its licensor", "assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].licensee_kind", T::enumeration, "\"social_enterprise\"", "", 0, 0, false, false, "worker_coop|producer_coop|federation|association|social_enterprise|for_profit",
              "Kind of the organisations it licenses abroad", "SILK: SEA licenses social-enterprise hubs"},
    ParamSpec{"population[].federation_fee", T::real, "0.02", "1", 0, 1, false, false, "",
              "Share of revenue members pay the federation (CoopCycle: 2% of income, SILK)", "SILK (OECD 2022): CoopCycle members mutualise 2% of income"},
    ParamSpec{"population[].node_kind", T::enumeration, "\"worker_coop\"", "", 0, 0, false, false, "worker_coop|producer_coop",
              "Kind of the member co-operatives a federation founds abroad (CoopCycle: nodes must be co-operatives)", "SILK: CoopCycle's members must be co-operatives"},
    ParamSpec{"population[].join_federation", T::boolean, "false", "", 0, 0, false, false, "",
              "Members of the federation of their home country and sector at step 0 (pay its fee, receive its knowledge)", "setting"},
    ParamSpec{"population[].participation", T::real, "0.5", "1", 0, 1, false, false, "",
              "Governance participation with all members at home (share of members taking part in decisions); for kind for_profit it is 0 (no member democracy) and may not be set otherwise", "assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].decentralisation", T::real, "0.0", "1", 0, 1, false, false, "",
              "How far federated, decentralised governance offsets the dispersion of members abroad (0: none, 1: fully)", "SILK: CoopCycle's progressively decentralised governance (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].bids_tenders", T::boolean, "false", "", 0, 0, false, false, "",
              "Bids for public tenders at home and in every country where it has a presence or ties (services and education sectors)", "SILK: MCE, first a subcontractor to public agencies, then tenders abroad"},
    ParamSpec{"population[].fdi_propensity", T::real, "0.25", "1/year", 0, 1, false, false, "",
              "Chance per year that an export market where the organisation qualifies is assessed for a subsidiary; 0: never invests abroad", "assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].fdi_min_experience", T::real, "2.0", "years", 0, 1000, false, false, "",
              "Years of exporting to a country before a subsidiary there is considered (Uppsala establishment chain; Mondragon: important sales in a country before setting up there, SILK)", "SILK: Mondragon's important sales before setting up (mechanism); assumption, to calibrate (issue 9)"},
    ParamSpec{"population[].subsidiary_kind", T::enumeration, "\"for_profit\"", "", 0, 0, false, false,
              "worker_coop|producer_coop|federation|association|social_enterprise|for_profit",
              "Kind of the affiliates it creates abroad (SILK: many of Mondragon's foreign units are not co-operatives)", "SILK: many of Mondragon's foreign units are not co-operatives"},
    ParamSpec{"population[].ally_kinds", T::enum_list, "[\"worker_coop\", \"producer_coop\", \"federation\", \"association\", \"social_enterprise\", \"for_profit\"]", "", 0, 0, false, false,
              "worker_coop|producer_coop|federation|association|social_enterprise|for_profit",
              "Kinds of the existing local organisations it may ally with (alliance mode: an independent organisation of its sector based in the destination)", "setting; default: any kind (no SILK figure restricts who SSEOs ally with)"},
    ParamSpec{"population[].alliance_share", T::real, "0.5", "1", 0, 1, false, true, "",
              "Alliance mode: share of the market's fixed cost the local ally bears, and of the sales and tenders in that country it delivers and is paid for (the ally's stake in the joint venture)", "assumption: an equal partnership, the most common equity split of international joint ventures (Killing 1983; Blodgett 1991); to calibrate (issue 9)"},
    ParamSpec{"population[].c2g_rate", T::real, "0.0", "1/year", 0, 1, false, false, "",
              "Chance per year that the government of a country where the organisation has given its technology openly for at least c2g_experience years adopts it as a public programme (CSO to government, C2G), which local agencies then replicate; 0: never", "SILK: DA Group, C2C then C2G replication through local agencies (mechanism); 0 by default: only the da_group archetype sets it"},
    ParamSpec{"population[].c2g_experience", T::real, "3.0", "years", 0, 1000, false, false, "",
              "Years of open transfer in a country (CSO to CSO first) before its government may adopt the technology (C2G)", "SILK: DA Group, C2C then C2G (order: mechanism); assumption, to calibrate (issue 9)"},
    // ---- policy regime ([[policy]], one table per instrument; `ssesim describe --instruments`) ----
    ParamSpec{"policy[].type", T::enumeration, "", "", 0, 0, false, false,
              "export_service|trade_mission|trade_agreement|capacity_building|development_grant|model_adoption|patient_capital|legal_recognition",
              "Instrument type (each acts through one mechanism: `ssesim describe --instruments`)", "setting (DOMAIN.md §4)"},
    ParamSpec{"policy[].name", T::string, "\"\"", "", 0, 0, false, false, "",
              "Name of the instrument, unique in the regime (its fund account and output column); empty: type and index, e.g. export_service_0", "setting"},
    ParamSpec{"policy[].country", T::country, "", "ISO3", 0, 0, false, false, "",
              "Implementing country, one of world.use (its government pays unless funders say otherwise)", "setting"},
    ParamSpec{"policy[].direction", T::enumeration, "\"default\"", "", 0, 0, false, false, "default|inward|outward|both",
              "Direction of the flows it supports, among those its type allows; default: the type's own", "setting (DOMAIN.md §4)"},
    ParamSpec{"policy[].flow", T::enumeration, "\"default\"", "", 0, 0, false, false, "default|goods|finance|intangibles",
              "Flow it supports, among those its type allows; default: the type's own", "setting (DOMAIN.md §1)"},
    ParamSpec{"policy[].targets", T::enum_list, "[\"worker_coop\", \"producer_coop\", \"federation\", \"association\", \"social_enterprise\"]", "", 0, 0, false, false,
              "worker_coop|producer_coop|federation|association|social_enterprise|for_profit",
              "Kinds of organisation it targets", "setting (SILK: SSE policies)"},
    ParamSpec{"policy[].partners", T::country_list, "[]", "ISO3", 0, 300, false, false, "",
              "Partner countries, among world.use; empty: every other country", "setting"},
    ParamSpec{"policy[].start", T::real, "", "year", 1900, 2200, false, false, "",
              "Calendar year it starts (run.start_year is step 1)", "setting"},
    ParamSpec{"policy[].end", T::real, "", "year", 1900, 2200, false, false, "",
              "Calendar year it ends, after start", "setting"},
    ParamSpec{"policy[].budget", T::real, "0.0", "USD/year", 0, 1e13, false, false, "",
              "Money it may spend per year, paid into its fund by the funders at the start of each programme year; what is unspent goes back at the year's end; 0 for an instrument that spends nothing", "setting (SILK: budgets mostly unstated, DOMAIN.md §8)"},
    ParamSpec{"policy[].intensity", T::real, "0.5", "1", 0, 50, false, false, "",
              "Strength of its mechanism; meaning by type (`ssesim describe --instruments`)", "assumption, to calibrate (issue 9)"},
    ParamSpec{"policy[].unit_cost", T::real, "5000.0", "USD", 0, 1e9, false, false, "",
              "Cost of one unit of its service (a mission participation, an organisation-year of training); meaning by type", "assumption, to calibrate (issue 9)"},
    ParamSpec{"policy[].level", T::enumeration, "\"programme\"", "", 0, 0, false, false,
              "action|programme|internationalisation_strategy|sse_strategy",
              "Taxonomy level (DOMAIN.md §4): a specific action, a programme, a general internationalisation strategy, or a general SSE strategy with an internationalisation pillar", "DOMAIN.md §4 (SILK Lesson 1)"},
    ParamSpec{"policy[].funders", T::name_list, "[]", "", 0, 0, false, false, "",
              "Who pays its fund: ISO3 codes of world.use (governments) or other names (outside funders: donors, development banks); empty: the implementing government", "setting (SILK: Mexico co-financed 50% ITDP, 50% IDB)"},
    ParamSpec{"policy[].funder_shares", T::real_list, "[]", "1", 0, 1, true, false, "",
              "Share of the budget each funder pays, in the order of funders, summing to 1; empty: equal shares", "setting"},
};

constexpr std::array<std::string_view, 8> table_keys{
    "run", "output", "world", "economy", "population", "population[]", "policy", "policy[]"};
// clang-format on

/// True if `choices` ("a|b|c") lists exactly `names`, in their order.
template <std::size_t N>
constexpr bool lists(std::string_view choices, const std::array<std::string_view, N>& names) {
    for (std::size_t i = 0; i < N; ++i) {
        const std::size_t bar = choices.find('|');
        if (choices.substr(0, bar) != names[i]) return false;
        choices = bar == std::string_view::npos ? std::string_view{} : choices.substr(bar + 1);
    }
    return choices.empty();
}
constexpr std::string_view choices_of(std::string_view key) {
    for (const ParamSpec& s : registry)
        if (s.key == key) return s.choices;
    return {};
}
// The registry's lists are written out for `ssesim describe` and the loader's messages;
// the model's name arrays are what values parse to: they must not drift apart.
static_assert(lists(choices_of("policy[].type"), model::instrument_type_names));
static_assert(lists(choices_of("policy[].level"), model::policy_level_names));
static_assert(lists(choices_of("population[].kind"), model::org_kind_names));
static_assert(lists(choices_of("population[].sector"), model::sector_names));

std::string number(double v) {
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    std::ostringstream s;
    s << v;
    return s.str();
}

}  // namespace

std::string_view type_name(ParamType t) {
    switch (t) {
        case T::integer: return "integer";
        case T::real: return "number";
        case T::string: return "string";
        case T::path: return "path";
        case T::enumeration: return "enumeration";
        case T::country: return "country code";
        case T::country_list: return "list of country codes";
        case T::boolean: return "boolean";
        case T::enum_list: return "list";
        case T::name_list: return "list of names";
        case T::real_list: return "list of numbers";
    }
    return "?";
}

std::string ParamSpec::expected() const {
    switch (type) {
        case T::integer:
        case T::real: {
            std::string s = type == T::integer ? "an integer in " : "a number in ";
            s += min_exclusive ? "(" : "[";
            auto bound = [&](double v) {
                if (type != T::integer) return number(v);
                if (v >= 9223372036854775807.0) return std::string("9223372036854775807");
                return std::to_string(static_cast<long long>(v));
            };
            s += bound(min) + ", " + bound(max);
            s += max_exclusive ? ")" : "]";
            return s;
        }
        case T::string: return "a string";
        case T::path: return "a string naming a file";
        case T::enumeration: {
            std::string s = "one of ";
            for (char c : choices) s += c == '|' ? std::string(", ") : std::string(1, c);
            return s;
        }
        case T::country: return "an ISO3 country code listed in world.use";
        case T::country_list: return min > 0 ? "an array of at least " + number(min) + " ISO3 country codes" : "an array of ISO3 country codes";
        case T::name_list: return "an array of distinct names";
        case T::real_list: return "an array of numbers in (" + number(min) + ", " + number(max) + "]";
        case T::boolean: return "true or false";
        case T::enum_list: {
            std::string s = "an array of distinct values among ";
            for (char c : choices) s += c == '|' ? std::string(", ") : std::string(1, c);
            return s;
        }
    }
    return "?";
}

bool ParamSpec::in_range(double v) const noexcept {
    if (std::isnan(v)) return false;
    const bool lo = min_exclusive ? v > min : v >= min;
    const bool hi = max_exclusive ? v < max : v <= max;
    return lo && hi;
}

std::span<const ParamSpec> parameters() { return registry; }

const ParamSpec* find_parameter(std::string_view key) {
    auto it = std::find_if(registry.begin(), registry.end(),
                           [&](const ParamSpec& p) { return p.key == key; });
    return it == registry.end() ? nullptr : &*it;
}

std::span<const std::string_view> tables() { return table_keys; }

bool is_table(std::string_view key) {
    return std::find(table_keys.begin(), table_keys.end(), key) != table_keys.end();
}

std::string describe_markdown() {
    std::ostringstream s;
    s << "| key | type | default | unit | range | meaning | source of the default |\n|---|---|---|---|---|---|---|\n";
    for (const ParamSpec& p : registry) {
        s << "| `" << p.key << "` | " << type_name(p.type) << " | "
          << (p.required() ? std::string("*required*") : "`" + std::string(p.default_value) + "`")
          << " | " << p.unit << " | " << (p.has_range() || p.type == T::enumeration || p.type == T::enum_list ? p.expected() : "")
          << " | " << p.meaning << " | " << p.source << " |\n";
    }
    return s.str();
}

std::string describe_toml() {
    std::ostringstream s;
    s << "# Every ssesim scenario parameter with its default (generated by `ssesim describe "
         "--format toml`).\n# Keys marked 'required' have no default.\n";
    std::string_view current_table;
    for (const ParamSpec& p : registry) {
        const auto dot = p.key.rfind('.');
        std::string_view table = p.key.substr(0, dot);
        std::string_view leaf = p.key.substr(dot + 1);
        if (table != current_table) {
            s << "\n" << (table.ends_with("[]") ? "[[" + std::string(table.substr(0, table.size() - 2)) + "]]" : "[" + std::string(table) + "]")
              << "\n";
            current_table = table;
        }
        s << "# " << p.meaning << " [" << p.source << "] (" << type_name(p.type);
        if (!p.unit.empty()) s << ", " << p.unit;
        if (p.has_range() || p.type == T::enumeration || p.type == T::enum_list) s << ", " << p.expected();
        s << ")\n";
        if (p.required())
            s << "# " << leaf << " = ...  # required\n";
        else
            s << leaf << " = " << p.default_value << "\n";
    }
    return s.str();
}

}  // namespace ssesim::scenario
