#include "ssesim/io/sweep_writer.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/io/h5.hpp"
#include "ssesim/io/checksums.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>


namespace ssesim::io {
namespace {

namespace fs = std::filesystem;
using h5::check;
using h5::Handle;

constexpr std::size_t status_size = 12;  // fixed-length status strings: rewritten in place, no heap

/// HDF5's shuffle filter for 8-byte elements: byte j of element i goes to j * n + i.
std::vector<unsigned char> shuffle8(std::span<const std::uint64_t> data) {
    const std::size_t n = data.size();
    std::vector<unsigned char> out(n * 8);
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < 8; ++j) out[j * n + i] = in[i * 8 + j];
    return out;
}

Handle status_type() {
    Handle type(check(H5Tcopy(H5T_C_S1), "H5Tcopy"));
    check(H5Tset_size(type, status_size), "H5Tset_size");
    return type;
}

/// Writes one element (run `run`) of a 1-D runs-table column.
void write_element(hid_t ds, std::int64_t run, hid_t mem_type, const void* value, const std::string& what) {
    Handle file_space(check(H5Dget_space(ds), "H5Dget_space"));
    const hsize_t start = static_cast<hsize_t>(run), count = 1;
    check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &start, nullptr, &count, nullptr), "H5Sselect_hyperslab");
    Handle mem_space(check(H5Screate_simple(1, &count, nullptr), "H5Screate_simple"));
    check(H5Dwrite(ds, mem_type, mem_space, file_space, H5P_DEFAULT, value), "cannot write the " + what + " of run " + std::to_string(run));
}

template <class T>
Handle column(hid_t group, const char* name, hid_t file_type, hid_t mem_type, const std::vector<T>& values,
              hid_t run_scale, const std::string& units, const std::string& description) {
    const hsize_t n = values.size();
    Handle space(check(H5Screate_simple(1, &n, nullptr), "H5Screate_simple"));
    Handle ds(check(H5Dcreate2(group, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    std::string("cannot create runs/") + name));
    check(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), std::string("cannot write runs/") + name);
    describe(ds, units, name, description);
    attach(ds, {run_scale});
    return ds;
}

Handle string_column(hid_t group, const char* name, const std::vector<std::string>& values, hid_t run_scale,
                     const std::string& description) {
    Handle ds = h5::write_strings(group, name, values);
    describe(ds, "1", name, description);
    attach(ds, {run_scale});
    return ds;
}

}  // namespace

std::vector<bool> runs_complete(hid_t status) {
    Handle space(check(H5Dget_space(status), "H5Dget_space"));
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
    std::vector<char> text(n * status_size);
    check(H5Dread(status, status_type(), H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()), "cannot read runs/status");
    std::vector<bool> done(n);
    for (std::size_t r = 0; r < n; ++r) done[r] = std::strncmp(text.data() + r * status_size, "complete", status_size) == 0;
    return done;
}

// ---- EncodedRun ----

std::vector<unsigned char> EncodedRun::serialize() const {
    std::vector<std::uint64_t> head{static_cast<std::uint64_t>(run), checksum, chunks.size()};
    for (const auto& c : chunks) head.push_back(c.size());
    std::vector<unsigned char> out(head.size() * 8);
    std::memcpy(out.data(), head.data(), out.size());
    for (const auto& c : chunks) out.insert(out.end(), c.begin(), c.end());
    return out;
}

EncodedRun EncodedRun::deserialize(std::span<const unsigned char> bytes, std::size_t variables) {
    auto word = [&](std::size_t i) {
        std::uint64_t v;
        if ((i + 1) * 8 > bytes.size()) throw Error("internal error: truncated run message");
        std::memcpy(&v, bytes.data() + i * 8, 8);
        return v;
    };
    EncodedRun r;
    r.run = static_cast<std::int64_t>(word(0));
    r.checksum = static_cast<std::uint32_t>(word(1));
    if (word(2) != variables) throw Error("internal error: run message with " + std::to_string(word(2)) + " variables");
    std::size_t at = (3 + variables) * 8;
    for (std::size_t v = 0; v < variables; ++v) {
        const std::uint64_t size = word(3 + v);
        if (at + size > bytes.size()) throw Error("internal error: truncated run message");
        r.chunks.emplace_back(bytes.begin() + static_cast<std::ptrdiff_t>(at), bytes.begin() + static_cast<std::ptrdiff_t>(at + size));
        at += size;
    }
    return r;
}

// ---- RunRecorder ----

RunRecorder::RunRecorder(const StepLayout& layout, std::int64_t steps)
    : layout_(layout), steps_(steps), row_(layout.row_elements()) {
    for (const Variable& v : layout.variables()) data_.emplace_back(static_cast<std::size_t>(steps) * v.elements);
}

void RunRecorder::record(const model::Model& model) {
    if (recorded_ >= steps_) throw Error("internal error: more steps recorded than planned");
    layout_.fill(model, row_);
    const auto& vars = layout_.variables();
    for (std::size_t v = 0; v < vars.size(); ++v)
        std::copy_n(row_.begin() + static_cast<std::ptrdiff_t>(vars[v].offset), vars[v].elements,
                    data_[v].begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(recorded_) * vars[v].elements));
    ++recorded_;
}

std::span<const std::uint64_t> RunRecorder::raw(std::size_t v) const { return data_[v]; }

EncodedRun RunRecorder::encode(std::int64_t run) const {
    if (recorded_ != steps_) throw Error("internal error: run " + std::to_string(run) + " encoded before its last step");
    EncodedRun out;
    out.run = run;
    out.checksum = run_checksum(std::vector<std::span<const std::uint64_t>>(data_.begin(), data_.end()));
    for (const auto& block : data_) {
        const std::vector<unsigned char> shuffled = shuffle8(block);
        uLongf size = compressBound(static_cast<uLong>(shuffled.size()));
        std::vector<unsigned char> chunk(size);
        if (compress2(chunk.data(), &size, shuffled.data(), static_cast<uLong>(shuffled.size()), sweep_deflate_level) != Z_OK)
            throw Error("zlib could not compress run " + std::to_string(run));
        chunk.resize(size);
        out.chunks.push_back(std::move(chunk));
    }
    return out;
}

// ---- SweepWriter ----

struct SweepWriter::Impl {
    std::string path;
    Handle file, runs_group, status, checksum;
    std::vector<Handle> vars;
    std::vector<bool> complete;
    std::int64_t completed = 0;
    bool resumed = false;
    std::size_t ndims_after_run = 0;
};

SweepWriter::SweepWriter(const std::string& path, const sweep::Experiment& e, const StepLayout& layout, bool overwrite)
    : impl_(std::make_unique<Impl>()) {
    h5::silence_hdf5_errors();
    Impl& w = *impl_;
    w.path = path;
    const std::string digest = e.digest();
    const auto runs = static_cast<hsize_t>(e.runs.size());
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw OutputError(path + ": is a directory, expected an output file name");

    if (fs::exists(path, ec) && !overwrite) {
        // Resume: the file must hold this very experiment, computed by this very program.
        const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, crash_safe_access());
        if (f < 0) throw OutputError(path + ": exists and is not an HDF5 file this program can open; pass --overwrite to replace it");
        w.file = Handle(f);
        const std::optional<std::string> found = h5::string_attribute(w.file, "experiment_digest");
        if (!found)
            throw OutputError(path + ": exists and is not an ssesim sweep file; pass --overwrite to replace it");
        if (*found != digest)
            throw OutputError(path + ": holds another experiment, or one computed by another build of ssesim (digest " + *found +
                              ", this sweep " + digest + "); pass --overwrite to replace it, or -o to write elsewhere");
        w.resumed = true;
        // A kill in the middle of a run's flush can leave that run's chunk index entries on
        // disk while the file's end of allocation (EOA) is still the older one: chunks
        // allocated now would then land on the killed run's chunks, and rewriting that run
        // (same compressed size: in place) would overwrite them. Only the chunks of the run
        // being written when killed can lie past the EOA, so moving the EOA past the
        // physical end by more than one run's data keeps every new allocation clear of them
        // (found by the 20-kill resume test under TSan's timing).
        std::uint64_t run_bytes = 0;
        for (const Variable& v : layout.variables()) run_bytes += 8 * v.elements * static_cast<std::uint64_t>(e.base.steps);
        check(H5Fincrement_filesize(w.file, 2 * run_bytes + (std::uint64_t{1} << 20)), path + ": cannot extend the file's allocation");
        w.runs_group = Handle(check(H5Gopen2(w.file, "runs", H5P_DEFAULT), path + ": no runs table"));
        w.status = Handle(check(H5Dopen2(w.runs_group, "status", H5P_DEFAULT), path + ": no runs/status"));
        w.checksum = Handle(check(H5Dopen2(w.runs_group, "checksum", H5P_DEFAULT), path + ": no runs/checksum"));
        w.complete = runs_complete(w.status);
        if (w.complete.size() != runs) throw OutputError(path + ": runs/status does not hold one status per run");
        w.completed = std::count(w.complete.begin(), w.complete.end(), true);
        for (const Variable& v : layout.variables())
            w.vars.emplace_back(check(H5Dopen2(w.file, v.name, H5P_DEFAULT), path + ": no dataset '" + std::string(v.name) + "'"));
        h5::set_attribute(w.file, "status", std::string("running"));
        check(H5Fflush(w.file, H5F_SCOPE_GLOBAL), path + ": cannot flush");
        return;
    }

    w.file = create_output(path);
    try {
        w.complete.assign(runs, false);
        const scenario::Scenario& s = e.base;
        const auto steps = static_cast<hsize_t>(s.steps);

        // ---- provenance ----
        write_common_provenance(w.file);
        h5::set_attribute(w.file, "title", "ssesim sweep of experiment '" + e.name + "'");
        h5::set_attribute(w.file, "experiment", e.resolved_toml);
        h5::set_attribute(w.file, "experiment_file", e.source_path);
        h5::set_attribute(w.file, "experiment_digest", digest);
        h5::set_attribute(w.file, "design", std::string(sweep::design_names[static_cast<int>(e.design)]));
        h5::set_attribute(w.file, "scenario", s.resolved_toml);
        h5::set_attribute(w.file, "scenario_file", s.source_path);
        h5::set_attribute(w.file, "seed", static_cast<std::int64_t>(e.seed));
        h5::set_attribute(w.file, "steps_planned", s.steps);
        h5::set_attribute(w.file, "steps_completed", s.steps);  // of every complete run; see runs/status
        h5::set_attribute(w.file, "steps_per_year", s.steps_per_year);
        h5::set_attribute(w.file, "runs_planned", static_cast<std::int64_t>(runs));
        h5::set_attribute(w.file, "runs_completed", std::int64_t{0});
        h5::set_attribute(w.file, "status", std::string("running"));

        // ---- coordinates ----
        const Coordinates coords(w.file, s);
        write_country_variables(w.file, s.world, coords);
        std::vector<std::int64_t> run_numbers(runs), step_numbers(steps);
        for (hsize_t r = 0; r < runs; ++r) run_numbers[r] = static_cast<std::int64_t>(r);
        for (hsize_t t = 0; t < steps; ++t) step_numbers[t] = static_cast<std::int64_t>(t + 1);
        auto scale = [&](const char* name, const std::vector<std::int64_t>& values, const char* units, const char* description) {
            const hsize_t n = values.size();
            Handle space(check(H5Screate_simple(1, &n, nullptr), "H5Screate_simple"));
            Handle ds(check(H5Dcreate2(w.file, name, H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name));
            check(H5Dwrite(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), name);
            describe(ds, units, name, description);
            make_scale(ds, name);
            return ds;
        };
        Handle run_scale = scale("run", run_numbers, "1", "Run number: a row of the runs table");
        Handle step_scale = scale("step", step_numbers, "steps",
                                  "Step number; a step is 1/steps_per_year of a year (root attribute), step 1 is the first simulated step");

        // ---- variables: [run, step, ...], one chunk per run ----
        for (const Variable& v : layout.variables()) {
            std::vector<hsize_t> dims{runs, steps}, chunk{1, steps};
            std::vector<hid_t> scales{run_scale, step_scale};
            for (Axis a : v.axes) {
                dims.push_back(layout.axis_length(a));
                chunk.push_back(layout.axis_length(a));
                scales.push_back(coords.scale(a));
            }
            Handle space(check(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "H5Screate_simple"));
            Handle dcpl(check(H5Pcreate(H5P_DATASET_CREATE), "H5Pcreate"));
            check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()), std::string("H5Pset_chunk ") + v.name);
            // The filters RunRecorder::encode applies, in this order.
            check(H5Pset_shuffle(dcpl), "H5Pset_shuffle");
            check(H5Pset_deflate(dcpl, sweep_deflate_level), "H5Pset_deflate");
            const double nan = std::numeric_limits<double>::quiet_NaN();
            const std::int64_t minus_one = -1;
            check(H5Pset_fill_value(dcpl, v.real ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64,
                                    v.real ? static_cast<const void*>(&nan) : &minus_one), "H5Pset_fill_value");
            Handle ds(check(H5Dcreate2(w.file, v.name, v.real ? H5T_IEEE_F64LE : H5T_STD_I64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                            std::string("cannot create dataset '") + v.name + "'"));
            describe(ds, v.units, v.long_name, std::string(v.description) + " (runs not complete read as the fill value: NaN or -1)");
            attach(ds, scales);
            w.vars.push_back(std::move(ds));
        }

        // ---- the runs table ----
        w.runs_group = Handle(check(H5Gcreate2(w.file, "runs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), "cannot create group 'runs'"));
        h5::set_attribute(w.runs_group, "description",
                          std::string("One row per run: its arm, replicate (the random streams it shares with the same replicate "
                                      "of every other arm and design point), seed, the value of every factor, and status"));
        h5::set_attribute(w.runs_group, "design", std::string(sweep::design_names[static_cast<int>(e.design)]));
        std::vector<std::string> factor_names;
        for (const sweep::Factor& fct : e.factors) factor_names.push_back(fct.path);
        if (e.design == sweep::Design::saltelli) {
            h5::set_attribute(w.runs_group, "N", e.samples);
            h5::set_attribute(w.runs_group, "k", static_cast<std::int64_t>(e.factors.size()));
        }
        if (!factor_names.empty()) h5::set_attribute(w.runs_group, "factors", factor_names);
        std::vector<std::int64_t> replicate, seed, sample;
        std::vector<std::string> arm, matrix;
        for (const sweep::RunSpec& r : e.runs) {
            replicate.push_back(r.replicate);
            seed.push_back(static_cast<std::int64_t>(e.seed));
            arm.push_back(e.arms[r.arm].name);
            matrix.push_back(r.matrix);
            sample.push_back(r.sample);
        }
        column(w.runs_group, "run", H5T_STD_I64LE, H5T_NATIVE_INT64, run_numbers, run_scale, "1", "Run number");
        string_column(w.runs_group, "arm", arm, run_scale, "Policy arm (a named set of parameter values) of the run");
        column(w.runs_group, "replicate", H5T_STD_I64LE, H5T_NATIVE_INT64, replicate, run_scale, "1",
               "Replicate: the second half of the random-stream key; equal replicates share their random numbers");
        column(w.runs_group, "seed", H5T_STD_I64LE, H5T_NATIVE_INT64, seed, run_scale, "1", "Seed: the first half of the random-stream key");
        for (std::size_t j = 0; j < e.factors.size(); ++j) {
            const sweep::Factor& fct = e.factors[j];
            const std::string description = "Value of the factor " + fct.path + " in the run";
            switch (fct.column) {
                case sweep::Factor::Column::integer: {
                    std::vector<std::int64_t> v;
                    for (const sweep::RunSpec& r : e.runs) v.push_back(std::get<std::int64_t>(r.values[j]));
                    column(w.runs_group, fct.path.c_str(), H5T_STD_I64LE, H5T_NATIVE_INT64, v, run_scale, "1", description);
                    break;
                }
                case sweep::Factor::Column::real: {
                    std::vector<double> v;
                    for (const sweep::RunSpec& r : e.runs) v.push_back(std::get<double>(r.values[j]));
                    column(w.runs_group, fct.path.c_str(), H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v, run_scale, "1", description);
                    break;
                }
                case sweep::Factor::Column::text: {
                    std::vector<std::string> v;
                    for (const sweep::RunSpec& r : e.runs) v.push_back(std::get<std::string>(r.values[j]));
                    string_column(w.runs_group, fct.path.c_str(), v, run_scale, description);
                    break;
                }
            }
        }
        if (e.design == sweep::Design::saltelli) {
            string_column(w.runs_group, "matrix", matrix, run_scale, "Saltelli matrix of the run: A, B, or AB_i (A with factor i from B)");
            column(w.runs_group, "sample", H5T_STD_I64LE, H5T_NATIVE_INT64, sample, run_scale, "1", "Row of the Saltelli base matrices");
        }
        {
            Handle type = status_type();
            std::vector<char> pending(runs * status_size, '\0');
            for (hsize_t r = 0; r < runs; ++r) std::memcpy(pending.data() + r * status_size, "pending", 7);
            Handle space(check(H5Screate_simple(1, &runs, nullptr), "H5Screate_simple"));
            w.status = Handle(check(H5Dcreate2(w.runs_group, "status", type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                                    "cannot create runs/status"));
            check(H5Dwrite(w.status, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, pending.data()), "cannot write runs/status");
            describe(w.status, "1", "status", "complete once every variable of the run is in the file; pending otherwise");
            attach(w.status, {run_scale});
        }
        {
            const std::vector<std::int64_t> none(runs, -1);
            w.checksum = column(w.runs_group, "checksum", H5T_STD_I64LE, H5T_NATIVE_INT64, none, run_scale, "1",
                                "CRC-32 of the run's variables (those runs/checksum_variables lists, in that order, as "
                                "little-endian 8-byte values), -1 until the run is complete; `ssesim verify` recomputes it");
            std::string names;
            for (const Variable& v : layout.variables()) names += (names.empty() ? "" : " ") + std::string(v.name);
            h5::set_attribute(w.runs_group, "checksum_variables", names);
        }
        // Everything written so far is final: stamp it (per-run data are checked against runs/checksum).
        std::vector<std::string> unstamped{"runs/status", "runs/checksum"};
        for (const Variable& v : layout.variables()) unstamped.emplace_back(v.name);
        stamp_checksums(w.file, unstamped);
        publish_output(w.file, path);
    } catch (const Error& err) {
        // A file that could not be built (a full disk, a file-size limit) is not left behind.
        impl_.reset();
        fs::remove(path + ".creating", ec);
        throw OutputError(with_path(path, err.what()));
    }
}

SweepWriter::~SweepWriter() = default;

const std::vector<bool>& SweepWriter::complete() const noexcept { return impl_->complete; }
bool SweepWriter::resumed() const noexcept { return impl_->resumed; }
const std::string& SweepWriter::path() const noexcept { return impl_->path; }

void SweepWriter::write(const EncodedRun& run) {
    Impl& w = *impl_;
    if (run.run < 0 || static_cast<std::size_t>(run.run) >= w.complete.size() || run.chunks.size() != w.vars.size())
        throw Error("internal error: a run result that does not fit the sweep file");
    for (std::size_t v = 0; v < w.vars.size(); ++v) {
        Handle space(check(H5Dget_space(w.vars[v]), "H5Dget_space"));
        std::vector<hsize_t> offset(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space)), 0);
        offset[0] = static_cast<hsize_t>(run.run);
        check(H5Dwrite_chunk(w.vars[v], H5P_DEFAULT, 0, offset.data(), run.chunks[v].size(), run.chunks[v].data()),
              w.path + ": cannot write run " + std::to_string(run.run));
    }
    // First the run's data, then the marks that say it is complete.
    check(H5Fflush(w.file, H5F_SCOPE_GLOBAL), w.path + ": cannot flush run " + std::to_string(run.run));
    const std::int64_t crc = run.checksum;
    write_element(w.checksum, run.run, H5T_NATIVE_INT64, &crc, "checksum");
    const char complete[status_size] = "complete";
    write_element(w.status, run.run, status_type(), complete, "status");
    if (!w.complete[static_cast<std::size_t>(run.run)]) ++w.completed;
    w.complete[static_cast<std::size_t>(run.run)] = true;
    h5::set_attribute(w.file, "runs_completed", w.completed);
    check(H5Fflush(w.file, H5F_SCOPE_GLOBAL), w.path + ": cannot flush after run " + std::to_string(run.run));
}

void SweepWriter::finish() {
    Impl& w = *impl_;
    const bool all = w.completed == static_cast<std::int64_t>(w.complete.size());
    h5::set_attribute(w.file, "status", std::string(all ? "complete" : "interrupted"));
    check(H5Fflush(w.file, H5F_SCOPE_GLOBAL), w.path + ": cannot flush");
    w.vars.clear();
    w.status.reset();
    w.checksum.reset();
    w.runs_group.reset();
    w.file.reset();
}

}  // namespace ssesim::io
