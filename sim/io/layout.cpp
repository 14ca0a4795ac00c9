#include "ssesim/io/layout.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/core/version.hpp"

#include <hdf5_hl.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>

#include <unistd.h>

namespace ssesim::io {
namespace {

using h5::check;
using h5::Handle;

/// A [country, org_kind] series and the StepRecord field it is written from.
/// Counts are stored as int64; money (cents) as float64 US$; real-valued sums as float64.
enum class Kind { count, money, real };
struct Series {
    const char* name;
    Kind kind;
    const char* units;
    const char* long_name;
    const char* description;
    std::vector<std::int64_t> model::StepRecord::*integers;
    std::vector<double> model::StepRecord::*reals;
};

using R = model::StepRecord;
const Series series_table[] = {
    {"organisations", Kind::count, "1", "organisations", "Organisations operating in the step, by home country and kind", &R::organisations, nullptr},
    {"employees", Kind::count, "persons", "employees at home", "Employees in the home country at the end of the step", &R::employees, nullptr},
    {"exporters", Kind::count, "1", "exporting organisations", "Organisations serving at least one foreign market by export", &R::exporters, nullptr},
    {"destinations", Kind::count, "1", "export markets", "Sum over organisations of the foreign markets served by export", &R::destinations, nullptr},
    {"births", Kind::count, "1", "organisations founded at home", "Organisations of the population groups founded at the start of the step", &R::births, nullptr},
    {"exits", Kind::count, "1", "organisations exited", "Organisations liquidated at the start of the step (insolvent in the previous one)", &R::exits, nullptr},
    {"subsidiaries", Kind::count, "1", "subsidiaries abroad", "Affiliates owned abroad (FDI), by the parent's home country and kind", &R::subsidiaries, nullptr},
    {"licensees", Kind::count, "1", "licensees abroad", "Organisations licensed abroad (social licensing, franchise), by the licensor's home country and kind", &R::licensees, nullptr},
    {"nodes", Kind::count, "1", "federation nodes abroad", "Member co-operatives a federation founded abroad, by the federation's home country and kind", &R::nodes, nullptr},
    {"transfer_countries", Kind::count, "1", "open-transfer countries", "Countries where the organisations give their technology openly (no licence fee)", &R::transfer_countries, nullptr},
    {"suppliers", Kind::count, "1", "supplier countries", "Foreign countries where the organisations buy their inputs from an independent supplier (imports; fair trade)", &R::suppliers, nullptr},
    {"offshore", Kind::count, "1", "offshore affiliates", "Affiliates owned abroad that make the organisations' inputs (vertical FDI)", &R::offshore, nullptr},
    {"alliances", Kind::count, "1", "alliance countries", "Foreign countries where the organisations sell through an alliance with a local organisation (strategic alliance, joint venture)", &R::alliances, nullptr},
    {"contacts", Kind::count, "1", "contacts abroad", "Foreign countries where the organisations have ties but no commitment (after unplanned opportunities)", &R::contacts, nullptr},
    {"employees_abroad", Kind::count, "persons", "employees abroad", "Employees of the organisations founded abroad (subsidiaries, offshore affiliates, licensees, nodes), by the founder's home country and kind", &R::employees_abroad, nullptr},
    {"investments", Kind::count, "1", "subsidiaries founded", "Affiliates founded abroad at the start of the step (outward FDI), by the parent's home country and kind", &R::investments, nullptr},
    {"policy_foundings", Kind::count, "1", "organisations founded by policy", "Organisations founded under a policy instrument at the start of the step (model_adoption: licensees or nodes of a foreign model, their capital paid by the fund), by their home country and kind", &R::policy_foundings, nullptr},
    {"founded_abroad", Kind::count, "1", "organisations founded abroad", "Subsidiaries, offshore affiliates, licensees and federation nodes founded abroad at the start of the step (new SSEOs abroad when of an SSE kind), by the founder's home country and kind", &R::founded_abroad, nullptr},
    {"revenue", Kind::money, "USD", "revenue", "Sales at home and abroad in the step (current US$ of the 2022 wage data)", &R::revenue, nullptr},
    {"export_revenue", Kind::money, "USD", "export revenue", "Sales to households of foreign countries and public tenders won abroad in the step", &R::export_revenue, nullptr},
    {"wage_bill", Kind::money, "USD", "wages paid", "Wages paid in the step (less than due only by an organisation that became insolvent)", &R::wage_bill, nullptr},
    {"profit", Kind::money, "USD", "profit", "Revenue (sales, tenders won, inputs sold to other organisations) less wages, inputs bought, fixed costs of foreign markets, support of partners abroad and plant overheads", &R::profit, nullptr},
    {"cash", Kind::money, "USD", "cash", "Cash held at the end of the step", &R::cash, nullptr},
    {"public_funding", Kind::money, "USD", "public funding received",
     "Public money the organisations received in the step: public tenders won (tender flows, paid by the governments of the "
     "home and foreign countries), and payments from a policy instrument's fund to them: policy_grant (costs reimbursed by "
     "export_service and development_grant, an adopter's founding capital from model_adoption) and policy_loan "
     "(patient capital lent). No other flow has a government or a fund as payer and an organisation as payee "
     "(extension_services go to households, policy refunds to funders). A fund's money counts as public whoever funded it. "
     "Dependence on public money: public_funding / (revenue + public_funding - tenders won), the tender part of revenue "
     "being the rows of flow_records with flow tender, that origin country and that source_kind (without a policy regime "
     "public_funding is all tenders, and the share is public_funding / revenue); own funding is the rest of revenue",
     &R::public_funding, nullptr},
    {"outside_equity", Kind::money, "USD", "equity held by others",
     "Others' share of the organisations' equity at the end of the step, at book value (cash: the balance sheet is cash "
     "only, and stakes are priced at it): sum over organisations of floor(outside share x cash) in cents, the outside "
     "share being the stakes its suppliers hold (bought by equity_stake flows, diluted by later stakes, cancelled when "
     "the holder exits) plus the host co-investors' share 1 - ownership_share of an owned affiliate. Divide by cash for "
     "the share of the organisations' cash held by others",
     &R::outside_equity, nullptr},
    {"technology", Kind::real, "1", "technology stock, summed", "Sum of the organisations' technology stocks (0..1 each); divide by organisations for the mean", nullptr, &R::technology},
    {"management", Kind::real, "1", "management-model stock, summed", "Sum of the organisations' management-model stocks (0..1 each)", nullptr, &R::management},
    {"brand", Kind::real, "1", "brand stock, summed", "Sum of the organisations' brand and certification stocks (0..1 each)", nullptr, &R::brand},
    {"participation", Kind::real, "1", "governance participation, summed", "Sum of the organisations' governance participation (0..1 each); divide by organisations for the mean", nullptr, &R::participation},
    {"impact_home", Kind::real, "persons", "social impact at home", "Mission-weighted jobs at home: sum of mission weight x employees (a proxy of SILK Tool 3's jobs indicators)", nullptr, &R::impact_home},
    {"impact_abroad", Kind::real, "persons", "social impact abroad", "Mission-weighted jobs in the organisations founded abroad, by the founder's home country and kind", nullptr, &R::impact_abroad},
};
constexpr std::size_t series_count = std::size(series_table);
// The variables after the series, in this order.
enum Extra : std::size_t { household_money = series_count, government_money, flow_value, flow_count, outward_flows, inward_flows, ledger_flows, policy_fund, policy_spend, policy_loans, policy_written_off };

double usd(Money m) { return money_to_usd(m); }

void put_real(std::span<std::uint64_t> row, std::size_t at, double v) { std::memcpy(&row[at], &v, sizeof v); }
void put_int(std::span<std::uint64_t> row, std::size_t at, std::int64_t v) { std::memcpy(&row[at], &v, sizeof v); }

}  // namespace

StepLayout::StepLayout(const scenario::Scenario& sc) : countries_(sc.world.size()), policies_(sc.policies.size()) {
    for (const Series& s : series_table)
        variables_.push_back({s.name, s.kind != Kind::count, s.units, s.long_name, s.description, {Axis::country, Axis::org_kind}});
    variables_.push_back({"household_money", true, "USD", "household money",
                          "Money held by the household sector of each country at the end of the step", {Axis::country}});
    variables_.push_back({"government_money", true, "USD", "government money",
                          "Money held by the government of each country at the end of the step (it buys services by public tender)",
                          {Axis::country}});
    variables_.push_back({"flow_value", true, "USD", "flows by origin and destination",
                          "Value of each kind of flow from the origin to the destination country in the step (US$; intangibles "
                          "in knowledge units). Outward for the origin, inward for the destination; the diagonal is domestic.",
                          {Axis::flow, Axis::origin, Axis::destination}});
    variables_.push_back({"flow_count", false, "1", "flow events by origin and destination",
                          "Number of payments or transfers behind flow_value", {Axis::flow, Axis::origin, Axis::destination}});
    variables_.push_back({"outward_flows", true, "USD", "outward flows by kind of party",
                          "Value of each kind of flow leaving the country for another country in the step, by the kind of "
                          "party it leaves (seller of goods, payer of finance, giver of intangibles; knowledge units for "
                          "intangibles)",
                          {Axis::flow, Axis::country, Axis::end_kind}});
    variables_.push_back({"inward_flows", true, "USD", "inward flows by kind of party",
                          "Value of each kind of flow arriving in the country from another country in the step, by the kind "
                          "of party it reaches (buyer of goods, receiver of finance or intangibles)",
                          {Axis::flow, Axis::country, Axis::end_kind}});
    variables_.push_back({"ledger_flows", true, "USD", "ledger flows", "Total of every double-entry posting in the step, by flow kind",
                          {Axis::flow}});
    if (policies_ > 0) {
        variables_.push_back({"policy_fund", true, "USD", "money in each policy fund",
                              "Money in each policy instrument's fund at the end of the step: the programme year's budget "
                              "paid in by its funders, less what it spent; unspent money goes back at the year's end",
                              {Axis::policy}});
        variables_.push_back({"policy_spend", true, "USD", "policy spending",
                              "What each policy instrument paid in the step to organisations (reimbursed costs, founding "
                              "capital, loans) and households (mission travel and venues, trainers); refunds to funders not counted",
                              {Axis::policy}});
        variables_.push_back({"policy_loans", true, "USD", "patient-capital loans outstanding",
                              "Principal of each instrument's patient-capital loans still owed at the end of the step "
                              "(0 for instruments that do not lend)",
                              {Axis::policy}});
        variables_.push_back({"policy_written_off", true, "USD", "patient-capital loans written off",
                              "Principal still owed by borrowers that exited in the structural update at the start of the step",
                              {Axis::policy}});
    }
    for (Variable& v : variables_) {
        v.elements = 1;
        for (Axis a : v.axes) v.elements *= axis_length(a);
        v.offset = row_elements_;
        row_elements_ += v.elements;
    }
}

std::size_t StepLayout::axis_length(Axis a) const noexcept {
    switch (a) {
        case Axis::country:
        case Axis::origin:
        case Axis::destination: return countries_;
        case Axis::org_kind: return model::org_kind_count;
        case Axis::flow: return model::flow_count;
        case Axis::end_kind: return model::end_count;
        case Axis::policy: return policies_;
    }
    return 0;
}

void StepLayout::fill(const model::Model& model, std::span<std::uint64_t> row) const {
    const model::StepRecord& r = model.record();
    std::fill(row.begin(), row.end(), std::uint64_t{0});  // int64 0 and double +0.0 alike
    for (std::size_t v = 0; v < series_count; ++v) {
        const Series& s = series_table[v];
        const std::size_t at = variables_[v].offset;
        switch (s.kind) {
            case Kind::count: for (std::size_t i = 0; i < variables_[v].elements; ++i) put_int(row, at + i, (r.*s.integers)[i]); break;
            case Kind::money: for (std::size_t i = 0; i < variables_[v].elements; ++i) put_real(row, at + i, usd((r.*s.integers)[i])); break;
            case Kind::real: for (std::size_t i = 0; i < variables_[v].elements; ++i) put_real(row, at + i, (r.*s.reals)[i]); break;
        }
    }
    const std::size_t nc = countries_, ne = model::end_count;
    for (std::size_t c = 0; c < nc; ++c) {
        put_real(row, variables_[household_money].offset + c, usd(r.household_money[c]));
        put_real(row, variables_[government_money].offset + c, usd(r.government_money[c]));
    }
    // Sums of doubles below run in the fixed order of r.flows (sorted by key).
    std::span<double> value(reinterpret_cast<double*>(row.data() + variables_[flow_value].offset), variables_[flow_value].elements);
    std::span<double> out(reinterpret_cast<double*>(row.data() + variables_[outward_flows].offset), variables_[outward_flows].elements);
    std::span<double> in(reinterpret_cast<double*>(row.data() + variables_[inward_flows].offset), variables_[inward_flows].elements);
    std::span<std::int64_t> count(reinterpret_cast<std::int64_t*>(row.data() + variables_[flow_count].offset), variables_[flow_count].elements);
    for (const auto& cell : r.flows) {
        const model::FlowKey k = model::FlowKey::unpack(cell.key);
        const double v = model::flow_info[k.flow].money ? usd(cell.value) : static_cast<double>(cell.value) * model::knowledge_unit;
        const std::size_t at = (k.flow * nc + k.origin) * nc + k.destination;
        value[at] += v;
        count[at] += cell.count;
        if (k.origin != k.destination) {
            out[(k.flow * nc + k.origin) * ne + k.source_end] += v;
            in[(k.flow * nc + k.destination) * ne + k.destination_end] += v;
        }
    }
    for (std::size_t f = 0; f < model::flow_count; ++f) put_real(row, variables_[ledger_flows].offset + f, usd(r.ledger_flows[f]));
    for (std::size_t p = 0; p < policies_; ++p) {
        put_real(row, variables_[policy_fund].offset + p, usd(r.policy_fund[p]));
        put_real(row, variables_[policy_spend].offset + p, usd(r.policy_spend[p]));
        put_real(row, variables_[policy_loans].offset + p, usd(r.policy_loans[p]));
        put_real(row, variables_[policy_written_off].offset + p, usd(r.policy_written_off[p]));
    }
}

Coordinates::Coordinates(hid_t file, const scenario::Scenario& s) {
    const model::World& world = s.world;
    std::vector<std::string> iso, kinds, flows, channels, ends;
    for (const auto& c : world.countries) iso.push_back(c.iso3);
    for (auto k : model::org_kind_names) kinds.emplace_back(k);
    for (const auto& info : model::flow_info) {
        flows.emplace_back(info.name);
        channels.emplace_back(model::channel_names[static_cast<std::size_t>(info.channel)]);
    }
    for (auto e : model::end_names) ends.emplace_back(e);
    auto scale = [&](const char* name, const std::vector<std::string>& labels, const char* long_name, const char* description) {
        Handle ds = h5::write_strings(file, name, labels);
        describe(ds, "1", long_name, description);
        make_scale(ds, name);
        return ds;
    };
    country_ = scale("country", iso, "country", "ISO 3166-1 alpha-3 code of the country");
    origin_ = scale("origin", iso, "origin country",
                    "Country the flow leaves: for goods the seller's, for finance the payer's, for intangibles the giver's (ISO3)");
    destination_ = scale("destination", iso, "destination country", "Country the flow arrives in (ISO3)");
    org_kind_ = scale("org_kind", kinds, "organisation kind", "Kind of organisation (SSEO kinds and for_profit)");
    flow_ = scale("flow", flows, "flow kind", "Kind of flow; money flows are double entries in the ledger");
    channel_ = h5::write_strings(file, "flow_channel", channels);
    describe(channel_, "1", "flow channel", "goods, finance, intangibles (DOMAIN.md §1) or domestic (an organisation with its own economy)");
    attach(channel_, {flow_});
    end_kind_ = scale("end_kind", ends, "kind of party",
                      "Kind of party at one end of a flow: an organisation kind, a country's households or government, "
                      "a policy instrument's fund or an outside funder");
    if (s.policies.empty()) return;
    std::vector<std::string> names, types, countries, directions, flows_of, levels;
    for (const scenario::Policy& p : s.policies) {
        names.push_back(p.name);
        types.emplace_back(model::instrument_type_names[static_cast<std::size_t>(p.type)]);
        countries.push_back(world.countries[static_cast<std::size_t>(p.country)].iso3);
        directions.emplace_back(model::direction_names[static_cast<std::size_t>(p.direction)]);
        flows_of.emplace_back(model::policy_flow_names[static_cast<std::size_t>(p.flow)]);
        levels.emplace_back(model::policy_level_names[static_cast<std::size_t>(p.level)]);
    }
    policy_ = scale("policy", names, "policy instrument", "Name of each instrument of the policy regime ([[policy]] in the scenario)");
    auto label = [&](const char* name, const std::vector<std::string>& values, const char* long_name, const char* description) {
        Handle ds = h5::write_strings(file, name, values);
        describe(ds, "1", long_name, description);
        attach(ds, {policy_});
        policy_labels_.push_back(std::move(ds));
    };
    label("policy_type", types, "instrument type", "Type of each instrument (ssesim describe --instruments)");
    label("policy_country", countries, "implementing country", "Country implementing each instrument (ISO3)");
    label("policy_direction", directions, "direction", "Direction of the flows each instrument supports: inward, outward or both");
    label("policy_flow", flows_of, "flow", "Flow each instrument supports: goods, finance or intangibles");
    label("policy_level", levels, "taxonomy level",
          "action, programme, internationalisation_strategy or sse_strategy (DOMAIN.md §4, SILK Lesson 1)");
}

hid_t Coordinates::scale(Axis a) const noexcept {
    switch (a) {
        case Axis::country: return country_;
        case Axis::org_kind: return org_kind_;
        case Axis::flow: return flow_;
        case Axis::origin: return origin_;
        case Axis::destination: return destination_;
        case Axis::end_kind: return end_kind_;
        case Axis::policy: return policy_;
    }
    return H5I_INVALID_HID;
}

void describe(hid_t ds, const std::string& units, const std::string& long_name, const std::string& description) {
    h5::set_attribute(ds, "units", units);
    h5::set_attribute(ds, "long_name", long_name);
    h5::set_attribute(ds, "description", description);
}

void make_scale(hid_t ds, const std::string& dim) { check(H5DSset_scale(ds, dim.c_str()), "H5DSset_scale " + dim); }

void attach(hid_t ds, const std::vector<hid_t>& scales) {
    for (unsigned axis = 0; axis < scales.size(); ++axis) check(H5DSattach_scale(ds, scales[axis], axis), "H5DSattach_scale");
}

void write_country_variables(hid_t file, const model::World& world, const Coordinates& coords) {
    const hsize_t nc = world.size();
    auto country_var = [&](const char* name, const char* units, const char* long_name, const char* desc, auto get) {
        std::vector<double> v;
        for (const auto& c : world.countries) v.push_back(get(c));
        Handle space(check(H5Screate_simple(1, &nc, nullptr), "H5Screate_simple"));
        Handle ds(check(H5Dcreate2(file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name));
        check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), name);
        describe(ds, units, long_name, desc);
        attach(ds, {coords.scale(Axis::country)});
    };
    country_var("country_population", "persons", "population", "Population (World Bank SP.POP.TOTL)", [](const model::Country& c) { return c.population; });
    country_var("country_wage", "USD", "wage per worker", "Labour compensation per worker per year (PWT labsh x GDP / employment)", [](const model::Country& c) { return c.wage_usd; });
    country_var("country_gdp", "USD", "GDP", "GDP in current US$ (World Bank NY.GDP.MKTP.CD)", [](const model::Country& c) { return c.gdp_usd; });
}

void write_common_provenance(hid_t file) {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char created[32];
    std::strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    h5::set_attribute(file, "Conventions", std::string("CF-1.8"));
    h5::set_attribute(file, "source", "ssesim " + version());
    h5::set_attribute(file, "ssesim_version", version());
    h5::set_attribute(file, "git_commit", git_commit());
    h5::set_attribute(file, "compiler", compiler());
    h5::set_attribute(file, "libraries", library_versions());
    h5::set_attribute(file, "created", std::string(created));
    h5::set_attribute(file, "references",
                      std::string("Country data: World Bank WDI (CC BY 4.0); ILO ILOSTAT (CC BY 4.0); Penn World "
                                  "Table 10.01, Feenstra, Inklaar & Timmer 2015 (CC BY 4.0); CEPII GeoDist, Mayer & "
                                  "Zignago 2011 (Etalab Open Licence 2.0). Domain: SILK (OECD 2022)."));
}

Handle crash_safe_access() {
    Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate"));
    // 1.8 format and later: dense attribute storage for long scenario texts.
    check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V110), "H5Pset_libver_bounds");
    // Metadata reaches the disk only when the writer flushes, never by eviction in between.
    H5AC_cache_config_t mdc;
    mdc.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    check(H5Pget_mdc_config(fapl, &mdc), "H5Pget_mdc_config");
    mdc.evictions_enabled = false;
    mdc.incr_mode = H5C_incr__off;
    mdc.flash_incr_mode = H5C_flash_incr__off;
    mdc.decr_mode = H5C_decr__off;
    check(H5Pset_mdc_config(fapl, &mdc), "H5Pset_mdc_config");
    return fapl;
}

Handle crash_safe_creation() {
    Handle fcpl(check(H5Pcreate(H5P_FILE_CREATE), "H5Pcreate"));
    // Freed file space is never reused; chunk indexes are wide (a v1 B-tree node of 2 x 512 chunks).
    check(H5Pset_file_space_strategy(fcpl, H5F_FSPACE_STRATEGY_NONE, 0, 1), "H5Pset_file_space_strategy");
    check(H5Pset_istore_k(fcpl, 512), "H5Pset_istore_k");
    return fcpl;
}

Handle create_output(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) {
        fs::create_directories(parent, ec);
        if (ec) throw OutputError(path + ": cannot create directory '" + parent.string() + "': " + ec.message());
    }
    const std::string creating = path + ".creating";
    const hid_t f = H5Fcreate(creating.c_str(), H5F_ACC_TRUNC, crash_safe_creation(), crash_safe_access());
    if (f < 0) {
        try {
            check(f, path + ": cannot create output file");
        } catch (const OutputError& e) {
            throw OutputError(std::string(e.what()) + (access(parent.empty() ? "." : parent.c_str(), W_OK) != 0 ? " (directory not writable)" : ""));
        }
    }
    return Handle(f);
}

void publish_output(hid_t file, const std::string& path) {
    check(H5Fflush(file, H5F_SCOPE_GLOBAL), path + ": cannot flush");
    std::error_code ec;
    std::filesystem::rename(path + ".creating", path, ec);
    if (ec) throw OutputError(path + ": cannot rename '" + path + ".creating' to it: " + ec.message());
}

std::string with_path(const std::string& path, const std::string& message) {
    return message.starts_with(path + ":") ? message : path + ": " + message;
}

}  // namespace ssesim::io
