#include "ssesim/io/run_writer.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/core/version.hpp"
#include "ssesim/io/h5.hpp"
#include "ssesim/io/layout.hpp"
#include "ssesim/io/checksums.hpp"

#include <hdf5_hl.h>

#include <filesystem>
#include <limits>
#include <map>


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
    StepLayout layout;
    std::vector<std::uint64_t> row;  // one step of every variable
    Extendible step_scale;
    std::vector<Extendible> vars;    // in layout order
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

    explicit Impl(const scenario::Scenario& s) : layout(s), row(layout.row_elements()) {}
};

RunWriter::RunWriter(const std::string& path, bool overwrite, const model::Model& model, int threads)
    : impl_(std::make_unique<Impl>(model.scenario())) {
    h5::silence_hdf5_errors();
    Impl& w = *impl_;
    w.path = path;
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw OutputError(path + ": is a directory, expected an output file name");
    if (fs::exists(path, ec) && !overwrite)
        throw OutputError(path + ": file exists; pass --overwrite to replace it");
    // Crash safety (see Extendible): metadata only in write_step's flushes, no reuse of freed space.
    w.file = create_output(path);
    try {
        const scenario::Scenario& s = model.scenario();
        const auto steps = static_cast<hsize_t>(s.steps);
        const model::World& world = s.world;
        // ---- provenance ----
        write_common_provenance(w.file);
        h5::set_attribute(w.file, "title", "ssesim run of scenario '" + s.name + "'");
        h5::set_attribute(w.file, "scenario", s.resolved_toml);
        h5::set_attribute(w.file, "scenario_file", s.source_path);
        h5::set_attribute(w.file, "seed", static_cast<std::int64_t>(s.seed));
        h5::set_attribute(w.file, "replicate", static_cast<std::int64_t>(s.replicate));
        h5::set_attribute(w.file, "threads", static_cast<std::int64_t>(threads));
        h5::set_attribute(w.file, "schedule", model.schedule().describe());
        h5::set_attribute(w.file, "steps_planned", s.steps);
        h5::set_attribute(w.file, "steps_per_year", s.steps_per_year);
        h5::set_attribute(w.file, "steps_completed", std::int64_t{0});
        h5::set_attribute(w.file, "status", std::string("running"));

        // ---- coordinates (dimension scales) and static country variables ----
        const Coordinates coords(w.file, s);
        write_country_variables(w.file, world, coords);
        w.step_scale = Extendible(w.file, "step", H5T_STD_I64LE, H5T_NATIVE_INT64, {}, steps);
        describe(w.step_scale.id(), "steps", "step",
                 "Step number; a step is 1/steps_per_year of a year (root attribute), step 1 is the first simulated step");
        make_scale(w.step_scale.id(), "step");

        // ---- time series ----
        for (const Variable& v : w.layout.variables()) {
            std::vector<hsize_t> dims;
            std::vector<hid_t> scales{w.step_scale.id()};
            for (Axis a : v.axes) {
                dims.push_back(w.layout.axis_length(a));
                scales.push_back(coords.scale(a));
            }
            Extendible e(w.file, v.name, v.real ? H5T_IEEE_F64LE : H5T_STD_I64LE, v.real ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64,
                         dims, steps);
            describe(e.id(), v.units, v.long_name, v.description);
            attach(e.id(), scales);
            w.vars.push_back(std::move(e));
        }
        // Every flow cell, with the kind of party at each end: a sparse table, one row per non-empty cell.
        w.flow_records = Handle(check(H5Gcreate2(w.file, "flow_records", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "cannot create group 'flow_records'"));
        h5::set_attribute(w.flow_records, "description",
                          "Every flow of every step by kind, origin and destination country, and kind of party at each end "
                          "(one row per non-empty combination; indices point into /flow, /country and /end_kind). "
                          "Only the first rows_completed rows are complete: those of steps up to steps_completed, and in a "
                          "run killed between its progress marks, of the step after it.");
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
        publish_output(w.file, path);
    } catch (const Error& e) {
        // A file that could not be built (a full disk, a file-size limit) is not left behind.
        impl_.reset();
        fs::remove(path + ".creating", ec);
        throw OutputError(with_path(path, e.what()));
    }
}

RunWriter::~RunWriter() = default;

const std::string& RunWriter::path() const noexcept { return impl_->path; }

void RunWriter::write_step(const model::Model& model) {
    try {
        append_step(model);
    } catch (const Error& e) {
        throw OutputError(with_path(impl_->path, e.what()));
    }
}

void RunWriter::append_step(const model::Model& model) {
    Impl& w = *impl_;
    const std::int64_t step = model.steps_done();
    w.step_scale.append(&step, 1);
    w.layout.fill(model, w.row);
    for (std::size_t v = 0; v < w.vars.size(); ++v) w.vars[v].append(w.row.data() + w.layout.variables()[v].offset, 1);
    write_flows(model);

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
    const std::int64_t step = model.steps_done();
    const std::size_t rows = r.flows.size();
    std::vector<std::vector<std::int64_t>> ints(std::size(flow_columns), std::vector<std::int64_t>(rows));
    std::vector<double> row_value(rows);
    for (std::size_t j = 0; j < rows; ++j) {
        const auto& cell = r.flows[j];
        const model::FlowKey k = model::FlowKey::unpack(cell.key);
        row_value[j] = model::flow_info[k.flow].money ? money_to_usd(cell.value)
                                                      : static_cast<double>(cell.value) * model::knowledge_unit;
        const std::int64_t fields[] = {step, k.flow, k.origin, k.destination, k.source_end, k.destination_end, 0, cell.count};
        for (std::size_t c = 0; c < std::size(flow_columns); ++c) ints[c][j] = fields[c];
    }
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
    try {
        // Every dataset's checksum, for `ssesim verify`, flushed on its own first; only then
        // the status that says the file is closed, in a second, small flush. A disk that
        // fills during the first flush (HDF5 writes metadata blocks in no set order) thus
        // leaves the status "running" on disk, never "complete" beside missing checksums.
        stamp_checksums(w.file);
        check(H5Fflush(w.file, H5F_SCOPE_GLOBAL), w.path + ": cannot flush the checksums");
        h5::set_attribute(w.file, "status", status);
        check(H5Fflush(w.file, H5F_SCOPE_GLOBAL), w.path + ": cannot flush");
    } catch (const Error& e) {
        throw OutputError(with_path(w.path, e.what()));
    }
    w.file.reset();
}

}  // namespace ssesim::io
