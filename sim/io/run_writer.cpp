#include "ssesim/io/run_writer.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/core/version.hpp"
#include "ssesim/io/h5.hpp"

#include <hdf5_hl.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <limits>
#include <map>

#include <unistd.h>

namespace ssesim::io {
namespace {

namespace fs = std::filesystem;
using h5::check;
using h5::Handle;

// Crash safety: a run killed at any point must leave a file that opens and
// holds every completed step exactly. HDF5 (without SWMR, whose files cannot be
// opened after a crash without h5clear) gives no such guarantee by itself: a
// chunk index that splits or a chunk that moves while the process dies can lose
// rows written long before. So nothing written for a completed step is ever
// moved or rewritten with other bytes:
//  - a [step, ...] series has its full length (steps planned) from the start,
//    uncompressed, every chunk allocated when the dataset is created: its chunk
//    index never changes, and a step's write is raw data in place (steps not
//    completed read as the fill value, -1 or NaN);
//  - record tables (snapshots, flow records) grow by appending uncompressed
//    chunks (a rewrite puts the same bytes back) under a chunk index wide enough
//    (istore_k) that it never splits below a million chunks;
//  - metadata reaches the disk only in write_step's flushes, and freed space is
//    never reused (RunWriter's constructor).
constexpr hsize_t record_chunk = 4096;

/// A dataset filled row by row along its leading axis (steps, or records).
class Extendible {
public:
    Extendible() = default;
    /// `rows` > 0: a fixed length of that many rows (a step series); 0: unlimited (a record table).
    Extendible(hid_t parent, const std::string& name, hid_t file_type, hid_t mem_type,
               std::vector<hsize_t> fixed, hsize_t rows)
        : mem_type_(mem_type), dims_{rows}, fixed_length_(rows > 0) {
        dims_.insert(dims_.end(), fixed.begin(), fixed.end());
        std::vector<hsize_t> max = dims_, chunk = dims_;
        if (!fixed_length_) max[0] = H5S_UNLIMITED;
        chunk[0] = fixed_length_ ? 1 : record_chunk;
        for (auto& c : chunk) c = std::max<hsize_t>(c, 1);
        Handle space(check(H5Screate_simple(static_cast<int>(dims_.size()), dims_.data(), max.data()), "H5Screate_simple"));
        Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate"));
        check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk " + name);
        if (fixed_length_) check(H5Pset_alloc_time(dcpl, H5D_ALLOC_TIME_EARLY), "H5Pset_alloc_time");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const std::int64_t minus_one = -1;
        check(H5Pset_fill_value(dcpl, mem_type, mem_type == H5T_NATIVE_DOUBLE ? static_cast<const void*>(&nan) : &minus_one),
              "H5Pset_fill_value");
        ds_ = Handle(check(H5Dcreate2(parent, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                           "cannot create dataset '" + name + "'"));
        name_ = name;
    }

    void append(const void* data, hsize_t rows) {
        std::vector<hsize_t> start(dims_.size(), 0), count = dims_;
        start[0] = written_;
        count[0] = rows;
        written_ += rows;
        if (fixed_length_) {
            if (written_ > dims_[0]) throw OutputError("internal error: '" + name_ + "' written past its length");
        } else {
            dims_[0] = written_;
            check(H5Dset_extent(ds_, dims_.data()), "cannot extend '" + name_ + "'");
        }
        if (rows == 0) return;
        Handle file_space(check(H5Dget_space(ds_), "H5Dget_space"));
        check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), "H5Sselect_hyperslab");
        Handle mem_space(check(H5Screate_simple(static_cast<int>(count.size()), count.data(), nullptr), "H5Screate_simple"));
        check(H5Dwrite(ds_, mem_type_, mem_space, file_space, H5P_DEFAULT, data), "cannot write '" + name_ + "'");
    }

    hid_t id() const noexcept { return ds_.get(); }

private:
    Handle ds_;
    hid_t mem_type_ = H5I_INVALID_HID;
    std::vector<hsize_t> dims_;
    bool fixed_length_ = false;
    hsize_t written_ = 0;
    std::string name_;
};

void describe(hid_t ds, const std::string& units, const std::string& long_name, const std::string& description) {
    h5::set_attribute(ds, "units", units);
    h5::set_attribute(ds, "long_name", long_name);
    h5::set_attribute(ds, "description", description);
}

void make_scale(hid_t ds, const std::string& dim) {
    check(H5DSset_scale(ds, dim.c_str()), "H5DSset_scale " + dim);
}

void attach(hid_t ds, const std::vector<hid_t>& scales) {
    for (unsigned axis = 0; axis < scales.size(); ++axis)
        check(H5DSattach_scale(ds, scales[axis], axis), "H5DSattach_scale");
}

std::string utc_now() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

std::vector<double> to_usd(const std::vector<Money>& v) {
    std::vector<double> out(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) out[i] = money_to_usd(v[i]);
    return out;
}

/// A [step, country, org_kind] series: its metadata and the StepRecord field it
/// is written from. Counts are stored as int64; money (cents) as float64 US$.
/// A [step, country, org_kind] series: its metadata and the StepRecord field it
/// is written from. Counts are stored as int64; money (cents) as float64 US$;
/// real-valued sums as float64.
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
    {"contacts", Kind::count, "1", "contacts abroad", "Foreign countries where the organisations have ties but no commitment (after unplanned opportunities)", &R::contacts, nullptr},
    {"employees_abroad", Kind::count, "persons", "employees abroad", "Employees of the organisations founded abroad (subsidiaries, offshore affiliates, licensees, nodes), by the founder's home country and kind", &R::employees_abroad, nullptr},
    {"investments", Kind::count, "1", "subsidiaries founded", "Affiliates founded abroad at the start of the step (outward FDI), by the parent's home country and kind", &R::investments, nullptr},
    {"founded_abroad", Kind::count, "1", "organisations founded abroad", "Subsidiaries, offshore affiliates, licensees and federation nodes founded abroad at the start of the step (new SSEOs abroad when of an SSE kind), by the founder's home country and kind", &R::founded_abroad, nullptr},
    {"revenue", Kind::money, "USD", "revenue", "Sales at home and abroad in the step (current US$ of the 2022 wage data)", &R::revenue, nullptr},
    {"export_revenue", Kind::money, "USD", "export revenue", "Sales to households of foreign countries and public tenders won abroad in the step", &R::export_revenue, nullptr},
    {"wage_bill", Kind::money, "USD", "wages paid", "Wages paid in the step (less than due only by an organisation that became insolvent)", &R::wage_bill, nullptr},
    {"profit", Kind::money, "USD", "profit", "Revenue (sales, tenders won, inputs sold to other organisations) less wages, inputs bought, fixed costs of foreign markets, support of partners abroad and plant overheads", &R::profit, nullptr},
    {"cash", Kind::money, "USD", "cash", "Cash held at the end of the step", &R::cash, nullptr},
    {"technology", Kind::real, "1", "technology stock, summed", "Sum of the organisations' technology stocks (0..1 each); divide by organisations for the mean", nullptr, &R::technology},
    {"management", Kind::real, "1", "management-model stock, summed", "Sum of the organisations' management-model stocks (0..1 each)", nullptr, &R::management},
    {"brand", Kind::real, "1", "brand stock, summed", "Sum of the organisations' brand and certification stocks (0..1 each)", nullptr, &R::brand},
    {"participation", Kind::real, "1", "governance participation, summed", "Sum of the organisations' governance participation (0..1 each); divide by organisations for the mean", nullptr, &R::participation},
    {"impact_home", Kind::real, "persons", "social impact at home", "Mission-weighted jobs at home: sum of mission weight x employees (a proxy of SILK Tool 3's jobs indicators)", nullptr, &R::impact_home},
    {"impact_abroad", Kind::real, "persons", "social impact abroad", "Mission-weighted jobs in the organisations founded abroad, by the founder's home country and kind", nullptr, &R::impact_abroad},
};

/// Columns of /flow_records, in the order write_step fills them.
struct FlowColumn {
    const char* name;
    bool real;
    const char* units;
    const char* description;
};
const FlowColumn flow_columns[] = {
    {"step", false, "steps", "Step of the flow"},
    {"flow", false, "1", "Flow kind, as an index into /flow"},
    {"origin", false, "1", "Origin country, as an index into /country"},
    {"destination", false, "1", "Destination country, as an index into /country"},
    {"source_kind", false, "1", "Kind of party at the origin, as an index into /end_kind"},
    {"destination_kind", false, "1", "Kind of party at the destination, as an index into /end_kind"},
    {"value", true, "USD", "Value (US$; intangibles in knowledge units, see /flow_channel)"},
    {"count", false, "1", "Number of payments or transfers"},
};

}  // namespace

struct RunWriter::Impl {
    std::string path;
    Handle file;
    Handle step_scale_ds;
    Extendible step_scale;
    std::vector<Extendible> series;  // in series_table order
    Extendible household_money, government_money, flow_value, flow_count, ledger_flows;
    Handle flow_records;
    Extendible flow_row_scale;
    std::vector<Extendible> flow_cols;   // in flow_columns order
    std::int64_t flow_rows = 0;
    // snapshots
    Handle snapshots;
    Extendible record_scale;
    std::map<std::string, Extendible> snap;
    std::int64_t records = 0;
    std::int64_t steps = 0;
    std::int64_t snapshot_interval = 0;
};

RunWriter::RunWriter(const std::string& path, bool overwrite, const model::Model& model, int threads)
    : impl_(std::make_unique<Impl>()) {
    h5::silence_hdf5_errors();
    Impl& w = *impl_;
    w.path = path;
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw OutputError(path + ": is a directory, expected an output file name");
    if (fs::exists(path, ec) && !overwrite)
        throw OutputError(path + ": file exists; pass --overwrite to replace it");
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) {
        fs::create_directories(parent, ec);
        if (ec) throw OutputError(path + ": cannot create directory '" + parent.string() + "': " + ec.message());
    }
    Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), "H5Pcreate"));
    // 1.8 format and later: dense attribute storage for long scenario texts.
    check(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V110), "H5Pset_libver_bounds");
    // Crash safety (see Extendible): metadata reaches the disk only when
    // write_step flushes, never by eviction in between; freed file space is never
    // reused; chunk indexes are wide (a v1 B-tree node of 2 x 512 chunks).
    H5AC_cache_config_t mdc;
    mdc.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    check(H5Pget_mdc_config(fapl, &mdc), "H5Pget_mdc_config");
    mdc.evictions_enabled = false;
    mdc.incr_mode = H5C_incr__off;
    mdc.flash_incr_mode = H5C_flash_incr__off;
    mdc.decr_mode = H5C_decr__off;
    check(H5Pset_mdc_config(fapl, &mdc), "H5Pset_mdc_config");
    Handle fcpl(check(H5Pcreate(H5P_FILE_CREATE), "H5Pcreate"));
    check(H5Pset_file_space_strategy(fcpl, H5F_FSPACE_STRATEGY_NONE, 0, 1), "H5Pset_file_space_strategy");
    check(H5Pset_istore_k(fcpl, 512), "H5Pset_istore_k");
    // Built under a temporary name and renamed once its structure is on disk: a
    // file under the final name always opens, and an existing file given with
    // --overwrite is replaced only then.
    const std::string creating = path + ".creating";
    const hid_t f = H5Fcreate(creating.c_str(), H5F_ACC_TRUNC, fcpl, fapl);
    if (f < 0) {
        try {
            check(f, path + ": cannot create output file");
        } catch (const OutputError& e) {
            throw OutputError(std::string(e.what()) + (access(parent.empty() ? "." : parent.c_str(), W_OK) != 0 ? " (directory not writable)" : ""));
        }
    }
    w.file = Handle(f);

    const scenario::Scenario& s = model.scenario();
    const auto steps = static_cast<hsize_t>(s.steps);
    const model::World& world = s.world;
    // ---- provenance ----
    h5::set_attribute(w.file, "Conventions", std::string("CF-1.8"));
    h5::set_attribute(w.file, "title", "ssesim run of scenario '" + s.name + "'");
    h5::set_attribute(w.file, "source", "ssesim " + version());
    h5::set_attribute(w.file, "ssesim_version", version());
    h5::set_attribute(w.file, "git_commit", git_commit());
    h5::set_attribute(w.file, "compiler", compiler());
    h5::set_attribute(w.file, "libraries", library_versions());
    h5::set_attribute(w.file, "scenario", s.resolved_toml);
    h5::set_attribute(w.file, "scenario_file", s.source_path);
    h5::set_attribute(w.file, "seed", static_cast<std::int64_t>(s.seed));
    h5::set_attribute(w.file, "replicate", static_cast<std::int64_t>(s.replicate));
    h5::set_attribute(w.file, "threads", static_cast<std::int64_t>(threads));
    h5::set_attribute(w.file, "schedule", model.schedule().describe());
    h5::set_attribute(w.file, "created", utc_now());
    h5::set_attribute(w.file, "steps_planned", s.steps);
    h5::set_attribute(w.file, "steps_per_year", s.steps_per_year);
    h5::set_attribute(w.file, "steps_completed", std::int64_t{0});
    h5::set_attribute(w.file, "status", std::string("running"));
    h5::set_attribute(w.file, "references",
                      std::string("Country data: World Bank WDI (CC BY 4.0); ILO ILOSTAT (CC BY 4.0); Penn World "
                                  "Table 10.01, Feenstra, Inklaar & Timmer 2015 (CC BY 4.0); CEPII GeoDist, Mayer & "
                                  "Zignago 2011 (Etalab Open Licence 2.0). Domain: SILK (OECD 2022)."));

    // ---- coordinates (dimension scales) ----
    std::vector<std::string> iso, kinds, flows, channels, ends;
    for (const auto& c : world.countries) iso.push_back(c.iso3);
    for (auto k : model::org_kind_names) kinds.emplace_back(k);
    for (const auto& info : model::flow_info) {
        flows.emplace_back(info.name);
        channels.emplace_back(model::channel_names[static_cast<std::size_t>(info.channel)]);
    }
    for (auto e : model::end_names) ends.emplace_back(e);
    const hsize_t nc = iso.size(), nk = kinds.size(), nf = flows.size();

    w.step_scale = Extendible(w.file, "step", H5T_STD_I64LE, H5T_NATIVE_INT64, {}, steps);
    describe(w.step_scale.id(), "steps", "step",
             "Step number; a step is 1/steps_per_year of a year (root attribute), step 1 is the first simulated step");
    make_scale(w.step_scale.id(), "step");
    Handle country = h5::write_strings(w.file, "country", iso);
    describe(country, "1", "country", "ISO 3166-1 alpha-3 code of the country");
    make_scale(country, "country");
    Handle origin = h5::write_strings(w.file, "origin", iso);
    describe(origin, "1", "origin country", "Country the flow leaves: for goods the seller's, for finance the payer's, for intangibles the giver's (ISO3)");
    make_scale(origin, "origin");
    Handle destination = h5::write_strings(w.file, "destination", iso);
    describe(destination, "1", "destination country", "Country the flow arrives in (ISO3)");
    make_scale(destination, "destination");
    Handle kind = h5::write_strings(w.file, "org_kind", kinds);
    describe(kind, "1", "organisation kind", "Kind of organisation (SSEO kinds and for_profit)");
    make_scale(kind, "org_kind");
    Handle flow = h5::write_strings(w.file, "flow", flows);
    describe(flow, "1", "flow kind", "Kind of flow; money flows are double entries in the ledger");
    make_scale(flow, "flow");
    Handle channel = h5::write_strings(w.file, "flow_channel", channels);
    describe(channel, "1", "flow channel", "goods, finance, intangibles (DOMAIN.md §1) or domestic (an organisation with its own economy)");
    attach(channel, {flow});
    Handle end = h5::write_strings(w.file, "end_kind", ends);
    describe(end, "1", "kind of party", "Kind of party at one end of a flow: an organisation kind, or a country's households or government");
    make_scale(end, "end_kind");

    // static country attributes
    auto country_var = [&](const char* name, const char* units, const char* long_name, const char* desc, auto get) {
        std::vector<double> v;
        for (const auto& c : world.countries) v.push_back(get(c));
        Handle space(check(H5Screate_simple(1, &nc, nullptr), "H5Screate_simple"));
        Handle ds(check(H5Dcreate2(w.file, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name));
        check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), name);
        describe(ds, units, long_name, desc);
        attach(ds, {country});
    };
    country_var("country_population", "persons", "population", "Population (World Bank SP.POP.TOTL)", [](const model::Country& c) { return c.population; });
    country_var("country_wage", "USD", "wage per worker", "Labour compensation per worker per year (PWT labsh x GDP / employment)", [](const model::Country& c) { return c.wage_usd; });
    country_var("country_gdp", "USD", "GDP", "GDP in current US$ (World Bank NY.GDP.MKTP.CD)", [](const model::Country& c) { return c.gdp_usd; });

    // ---- time series ----
    for (const Series& v : series_table) {
        const bool real = v.kind != Kind::count;
        Extendible e(w.file, v.name, real ? H5T_IEEE_F64LE : H5T_STD_I64LE, real ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64,
                     {nc, nk}, steps);
        describe(e.id(), v.units, v.long_name, v.description);
        attach(e.id(), {w.step_scale.id(), country, kind});
        w.series.push_back(std::move(e));
    }
    w.household_money = Extendible(w.file, "household_money", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {nc}, steps);
    describe(w.household_money.id(), "USD", "household money", "Money held by the household sector of each country at the end of the step");
    attach(w.household_money.id(), {w.step_scale.id(), country});
    w.government_money = Extendible(w.file, "government_money", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {nc}, steps);
    describe(w.government_money.id(), "USD", "government money",
             "Money held by the government of each country at the end of the step (it buys services by public tender)");
    attach(w.government_money.id(), {w.step_scale.id(), country});
    w.flow_value = Extendible(w.file, "flow_value", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {nf, nc, nc}, steps);
    describe(w.flow_value.id(), "USD", "flows by origin and destination",
             "Value of each kind of flow from the origin to the destination country in the step (US$; intangibles "
             "in knowledge units). Outward for the origin, inward for the destination; the diagonal is domestic.");
    attach(w.flow_value.id(), {w.step_scale.id(), flow, origin, destination});
    w.flow_count = Extendible(w.file, "flow_count", H5T_STD_I64LE, H5T_NATIVE_INT64, {nf, nc, nc}, steps);
    describe(w.flow_count.id(), "1", "flow events by origin and destination",
             "Number of payments or transfers behind flow_value");
    attach(w.flow_count.id(), {w.step_scale.id(), flow, origin, destination});
    // Every flow cell, with the kind of party at each end: a sparse table, one row per non-empty cell.
    w.flow_records = Handle(check(H5Gcreate2(w.file, "flow_records", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "cannot create group 'flow_records'"));
    h5::set_attribute(w.flow_records, "description",
                      "Every flow of every step by kind, origin and destination country, and kind of party at each end "
                      "(one row per non-empty combination; indices point into /flow, /country and /end_kind). "
                      "Only the first rows_completed rows belong to completed steps.");
    h5::set_attribute(w.flow_records, "rows_completed", std::int64_t{0});
    w.flow_row_scale = Extendible(w.flow_records, "row", H5T_STD_I64LE, H5T_NATIVE_INT64, {}, 0);
    describe(w.flow_row_scale.id(), "1", "row", "Row number");
    make_scale(w.flow_row_scale.id(), "flow_row");
    for (const FlowColumn& c : flow_columns) {
        Extendible e(w.flow_records, c.name, c.real ? H5T_IEEE_F64LE : H5T_STD_I64LE,
                     c.real ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64, {}, 0);
        describe(e.id(), c.units, c.name, c.description);
        attach(e.id(), {w.flow_row_scale.id()});
        w.flow_cols.push_back(std::move(e));
    }
    w.ledger_flows = Extendible(w.file, "ledger_flows", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, {nf}, steps);
    describe(w.ledger_flows.id(), "USD", "ledger flows", "Total of every double-entry posting in the step, by flow kind");
    attach(w.ledger_flows.id(), {w.step_scale.id(), flow});

    // ---- per-agent snapshots ----
    w.snapshot_interval = s.snapshot_interval;
    if (w.snapshot_interval > 0) {
        w.snapshots = Handle(check(H5Gcreate2(w.file, "snapshots", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "cannot create group 'snapshots'"));
        h5::set_attribute(w.snapshots, "description", "Every organisation's state every snapshot_interval steps, one record per organisation and snapshot");
        h5::set_attribute(w.snapshots, "snapshot_interval", w.snapshot_interval);
        h5::set_attribute(w.snapshots, "rows_completed", std::int64_t{0});
        w.record_scale = Extendible(w.snapshots, "record", H5T_STD_I64LE, H5T_NATIVE_INT64, {}, 0);
        describe(w.record_scale.id(), "1", "record", "Record number");
        make_scale(w.record_scale.id(), "record");
        struct Col { const char* name; bool real; const char* units; const char* desc; };
        const Col cols[] = {
            {"step", false, "steps", "Step of the snapshot"},
            {"id", false, "1", "Stable organisation id"},
            {"home", false, "1", "Home country, as an index into /country"},
            {"kind", false, "1", "Organisation kind, as an index into /org_kind"},
            {"sector", false, "1", "Sector index: 0 agri_food, 1 manufacturing, 2 services, 3 platform_logistics, 4 education"},
            {"employees", false, "persons", "Employees at home"},
            {"destinations", false, "1", "Foreign markets served by export"},
            {"productivity", true, "1", "Productivity draw (Pareto)"},
            {"revenue", true, "USD", "Revenue in the step"},
            {"export_revenue", true, "USD", "Export revenue in the step"},
            {"cash", true, "USD", "Cash at the end of the step"},
        };
        for (const Col& c : cols) {
            Extendible e(w.snapshots, c.name, c.real ? H5T_IEEE_F64LE : H5T_STD_I64LE,
                         c.real ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64, {}, 0);
            describe(e.id(), c.units, c.name, c.desc);
            attach(e.id(), {w.record_scale.id()});
            w.snap.emplace(c.name, std::move(e));
        }
    }
    check(H5Fflush(w.file, H5F_SCOPE_GLOBAL), path + ": cannot flush");
    fs::rename(creating, path, ec);
    if (ec) throw OutputError(path + ": cannot rename '" + creating + "' to it: " + ec.message());
}

RunWriter::~RunWriter() = default;

const std::string& RunWriter::path() const noexcept { return impl_->path; }

void RunWriter::write_step(const model::Model& model) {
    Impl& w = *impl_;
    const model::StepRecord& r = model.record();
    const std::int64_t step = model.steps_done();
    w.step_scale.append(&step, 1);
    for (std::size_t v = 0; v < std::size(series_table); ++v) {
        const Series& series = series_table[v];
        switch (series.kind) {
            case Kind::count: w.series[v].append((r.*series.integers).data(), 1); break;
            case Kind::money: w.series[v].append(to_usd(r.*series.integers).data(), 1); break;
            case Kind::real: w.series[v].append((r.*series.reals).data(), 1); break;
        }
    }
    w.household_money.append(to_usd(r.household_money).data(), 1);
    w.government_money.append(to_usd(r.government_money).data(), 1);
    write_flows(model);
    w.ledger_flows.append(to_usd(r.ledger_flows).data(), 1);

    if (w.snapshot_interval > 0 && step % w.snapshot_interval == 0) {
        const model::Organisations& o = model.organisations();
        const std::size_t n = o.size();
        std::vector<std::int64_t> iv(n);
        std::vector<double> dv(n);
        auto put_i = [&](const char* name, auto get) {
            for (std::size_t i = 0; i < n; ++i) iv[i] = static_cast<std::int64_t>(get(i));
            w.snap.at(name).append(iv.data(), n);
        };
        auto put_d = [&](const char* name, auto get) {
            for (std::size_t i = 0; i < n; ++i) dv[i] = get(i);
            w.snap.at(name).append(dv.data(), n);
        };
        put_i("step", [&](std::size_t) { return step; });
        put_i("id", [&](std::size_t i) { return o.id[i]; });
        put_i("home", [&](std::size_t i) { return o.home[i]; });
        put_i("kind", [&](std::size_t i) { return static_cast<int>(o.kind[i]); });
        put_i("sector", [&](std::size_t i) { return static_cast<int>(o.sector[i]); });
        put_i("employees", [&](std::size_t i) { return o.employees[i]; });
        put_i("destinations", [&](std::size_t i) {
            std::int64_t markets = 0;
            for (std::uint32_t k = o.link_begin[i]; k < o.link_begin[i + 1]; ++k) markets += model.links().mode[k] == model::Mode::exports;
            return markets;
        });
        put_d("productivity", [&](std::size_t i) { return o.productivity[i]; });
        put_d("revenue", [&](std::size_t i) { return money_to_usd(o.revenue[i]); });
        put_d("export_revenue", [&](std::size_t i) { return money_to_usd(o.export_revenue[i]); });
        put_d("cash", [&](std::size_t i) { return money_to_usd(model.ledger().agent_balance(i)); });
        for (std::size_t i = 0; i < n; ++i) iv[i] = w.records + static_cast<std::int64_t>(i);
        w.record_scale.append(iv.data(), n);
        w.records += static_cast<std::int64_t>(n);
    }
    w.steps = step;
    // First the step's data, then the marks that say it is complete.
    check(H5Fflush(w.file, H5F_SCOPE_GLOBAL), w.path + ": cannot flush step " + std::to_string(step));
    // Rows beyond these counts may exist in a killed run's file (extended, not yet written).
    h5::set_attribute(w.flow_records, "rows_completed", w.flow_rows);
    if (w.snapshot_interval > 0) h5::set_attribute(w.snapshots, "rows_completed", w.records);
    h5::set_attribute(w.file, "steps_completed", w.steps);
    check(H5Fflush(w.file, H5F_SCOPE_GLOBAL), w.path + ": cannot flush after step " + std::to_string(step));
}

void RunWriter::write_flows(const model::Model& model) {
    Impl& w = *impl_;
    const model::StepRecord& r = model.record();
    const std::size_t nc = model.scenario().world.size();
    const std::int64_t step = model.steps_done();
    std::vector<double> value(model::flow_count * nc * nc, 0.0);
    std::vector<std::int64_t> count(value.size(), 0);
    const std::size_t rows = r.flows.size();
    std::vector<std::vector<std::int64_t>> ints(std::size(flow_columns), std::vector<std::int64_t>(rows));
    std::vector<double> row_value(rows);
    for (std::size_t j = 0; j < rows; ++j) {
        const auto& cell = r.flows[j];
        const model::FlowKey k = model::FlowKey::unpack(cell.key);
        const double v = model::flow_info[k.flow].money ? money_to_usd(cell.value)
                                                        : static_cast<double>(cell.value) * model::knowledge_unit;
        const std::size_t at = (k.flow * nc + k.origin) * nc + k.destination;
        value[at] += v;
        count[at] += cell.count;
        const std::int64_t fields[] = {step, k.flow, k.origin, k.destination, k.source_end, k.destination_end, 0, cell.count};
        for (std::size_t c = 0; c < std::size(flow_columns); ++c) ints[c][j] = fields[c];
        row_value[j] = v;
    }
    w.flow_value.append(value.data(), 1);
    w.flow_count.append(count.data(), 1);
    for (std::size_t c = 0; c < std::size(flow_columns); ++c)
        w.flow_cols[c].append(flow_columns[c].real ? static_cast<const void*>(row_value.data()) : ints[c].data(), rows);
    for (std::size_t j = 0; j < rows; ++j) ints[0][j] = w.flow_rows + static_cast<std::int64_t>(j);
    w.flow_row_scale.append(ints[0].data(), rows);
    w.flow_rows += static_cast<std::int64_t>(rows);
}

void RunWriter::interrupt() { close_with_status("interrupted"); }

void RunWriter::finish() { close_with_status("complete"); }

void RunWriter::close_with_status(const std::string& status) {
    Impl& w = *impl_;
    h5::set_attribute(w.file, "status", status);
    check(H5Fflush(w.file, H5F_SCOPE_GLOBAL), w.path + ": cannot flush");
    w.file.reset();
}

}  // namespace ssesim::io
