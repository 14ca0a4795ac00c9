#include "ssesim/io/checksums.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/io/h5.hpp"
#include "ssesim/io/sweep_writer.hpp"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace ssesim::io {
namespace {

using h5::check;
using h5::Handle;

std::uint32_t crc_update(std::uint32_t crc, const void* data, std::size_t n) {
    return static_cast<std::uint32_t>(crc32_z(crc, static_cast<const Bytef*>(data), n));
}

/// Every dataset below the root, by path.
std::vector<std::string> dataset_paths(hid_t file) {
    std::vector<std::string> out;
    H5Ovisit(
        file, H5_INDEX_NAME, H5_ITER_INC,
        [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
            if (info->type == H5O_TYPE_DATASET) static_cast<std::vector<std::string>*>(data)->emplace_back(name);
            return 0;
        },
        &out);
    return out;
}

/// The run's slab [run, ...] of a sweep variable, as 8-byte words.
std::vector<std::uint64_t> read_run(hid_t ds, hsize_t run) {
    Handle space(check(H5Dget_space(ds), "H5Dget_space"));
    const int rank = H5Sget_simple_extent_ndims(space);
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space, dims.data(), nullptr);
    std::vector<hsize_t> start(dims.size(), 0), count = dims;
    start[0] = run;
    count[0] = 1;
    hsize_t n = 1;
    for (std::size_t a = 1; a < dims.size(); ++a) n *= dims[a];
    check(H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), "H5Sselect_hyperslab");
    Handle mem(check(H5Screate_simple(rank, count.data(), nullptr), "H5Screate_simple"));
    Handle type(check(H5Dget_type(ds), "H5Dget_type"));
    const bool real = H5Tget_class(type) == H5T_FLOAT;
    std::vector<std::uint64_t> out(n);
    check(H5Dread(ds, real ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64, mem, space, H5P_DEFAULT, out.data()), "H5Dread");
    return out;
}

std::string checksum_text(std::uint32_t crc) {
    char text[16];
    std::snprintf(text, sizeof text, "crc32:%08x", crc);
    return text;
}

}  // namespace

std::uint32_t dataset_checksum(hid_t ds) {
    Handle file_type(check(H5Dget_type(ds), "H5Dget_type"));
    Handle space(check(H5Dget_space(ds), "H5Dget_space"));
    const hssize_t n = H5Sget_simple_extent_npoints(space);
    std::uint32_t crc = static_cast<std::uint32_t>(crc32_z(0, nullptr, 0));
    if (n <= 0) return crc;
    if (H5Tget_class(file_type) == H5T_STRING && H5Tis_variable_str(file_type) > 0) {
        Handle type(check(H5Tcopy(H5T_C_S1), "H5Tcopy"));
        check(H5Tset_size(type, H5T_VARIABLE), "H5Tset_size");
        check(H5Tset_cset(type, H5T_CSET_UTF8), "H5Tset_cset");
        std::vector<char*> strings(static_cast<std::size_t>(n), nullptr);
        check(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, strings.data()), "cannot read strings");
        for (char* s : strings) crc = crc_update(crc, s ? s : "", (s ? std::strlen(s) : 0) + 1);
        H5Dvlen_reclaim(type, space, H5P_DEFAULT, strings.data());
        return crc;
    }
    Handle native(check(H5Tget_native_type(file_type, H5T_DIR_ASCEND), "H5Tget_native_type"));
    const std::size_t size = H5Tget_size(native);
    std::vector<unsigned char> data(static_cast<std::size_t>(n) * size);
    check(H5Dread(ds, native, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "cannot read dataset");
    return crc_update(crc, data.data(), data.size());
}

void stamp_checksums(hid_t file, const std::vector<std::string>& skip) {
    for (const std::string& path : dataset_paths(file)) {
        if (std::find(skip.begin(), skip.end(), path) != skip.end()) continue;
        Handle ds(check(H5Dopen2(file, path.c_str(), H5P_DEFAULT), "H5Dopen2 " + path));
        h5::set_attribute(ds, "checksum", checksum_text(dataset_checksum(ds)));
    }
}

std::uint32_t run_checksum(const std::vector<std::span<const std::uint64_t>>& variables) {
    std::uint32_t crc = static_cast<std::uint32_t>(crc32_z(0, nullptr, 0));
    for (const auto& v : variables) crc = crc_update(crc, v.data(), v.size_bytes());
    return crc;
}

VerifyReport verify_file(const std::string& path) {
    h5::silence_hdf5_errors();
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) throw OutputError(path + ": cannot open as an HDF5 file");
    Handle file(f);
    if (!h5::string_attribute(file, "ssesim_version"))
        throw OutputError(path + ": not ssesim output (no ssesim_version attribute)");
    VerifyReport report;
    report.sweep = H5Lexists(file, "runs", H5P_DEFAULT) > 0 && h5::string_attribute(file, "experiment_digest").has_value();
    const std::string status = h5::string_attribute(file, "status").value_or("?");

    // A sweep's per-run variables are checked run by run, against runs/checksum, in the
    // order the writer lists them (StepLayout's); every other dataset by its attribute.
    std::vector<std::string> per_run;
    if (report.sweep) {
        Handle runs(check(H5Gopen2(file, "runs", H5P_DEFAULT), "runs"));
        const std::string order = h5::string_attribute(runs, "checksum_variables").value_or("");
        for (std::size_t b = 0; b <= order.size();) {
            const std::size_t e = std::min(order.find(' ', b), order.size());
            if (e > b) per_run.push_back(order.substr(b, e - b));
            b = e + 1;
        }
        if (per_run.empty()) report.problems.push_back("runs: no checksum_variables attribute: the runs cannot be checked");
    }
    std::int64_t unstamped = 0;
    const std::vector<std::string> names = dataset_paths(file);
    if (names.empty())   // every ssesim file holds data: none readable means its metadata never reached the disk
        report.problems.push_back("no dataset can be found (a file whose writer never closed it, or damaged)" +
                                  std::string(status == "running" ? ": status 'running'" : ""));
    for (const std::string& name : names) {
        if (std::find(per_run.begin(), per_run.end(), name) != per_run.end()) continue;
        if (report.sweep && (name == "runs/status" || name == "runs/checksum")) continue;  // rewritten as runs complete
        Handle ds(check(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "H5Dopen2 " + name));
        const std::optional<std::string> stored = h5::string_attribute(ds, "checksum");
        if (!stored) {
            ++unstamped;
            continue;
        }
        std::string found;
        try {
            found = checksum_text(dataset_checksum(ds));
        } catch (const OutputError&) {
            report.problems.push_back(name + ": cannot be read (damaged data)");
            continue;
        }
        ++report.datasets;
        if (found != *stored) report.problems.push_back(name + ": checksum " + found + ", recorded " + *stored);
    }
    if (unstamped > 0)
        report.problems.push_back(std::to_string(unstamped) + " datasets carry no checksum" +
                                  (status == "running" ? " (the writer never closed the file: status 'running')" : ""));

    if (report.sweep) {
        Handle runs(check(H5Gopen2(file, "runs", H5P_DEFAULT), "runs"));
        Handle status_ds(check(H5Dopen2(runs, "status", H5P_DEFAULT), "runs/status"));
        Handle sum_ds(check(H5Dopen2(runs, "checksum", H5P_DEFAULT), "runs/checksum"));
        const std::vector<bool> complete = runs_complete(status_ds);
        const std::size_t n = complete.size();
        std::vector<std::int64_t> sums(n);
        check(H5Dread(sum_ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, sums.data()), "runs/checksum");
        std::vector<Handle> vars;
        for (const std::string& name : per_run) vars.emplace_back(check(H5Dopen2(file, name.c_str(), H5P_DEFAULT), "H5Dopen2 " + name));
        for (std::size_t r = 0; r < n; ++r) {
            if (!complete[r]) continue;
            std::uint32_t crc = static_cast<std::uint32_t>(crc32_z(0, nullptr, 0));
            std::string damaged;
            for (std::size_t v = 0; v < vars.size() && damaged.empty(); ++v) {
                try {
                    const std::vector<std::uint64_t> data = read_run(vars[v], r);
                    crc = crc_update(crc, data.data(), data.size() * 8);
                } catch (const OutputError&) {
                    damaged = per_run[v];
                }
            }
            ++report.runs;
            if (!damaged.empty())
                report.problems.push_back("run " + std::to_string(r) + ": " + damaged + " cannot be read (damaged chunk)");
            else if (static_cast<std::int64_t>(crc) != sums[r])
                report.problems.push_back("run " + std::to_string(r) + ": checksum " + checksum_text(crc) + ", recorded " +
                                          checksum_text(static_cast<std::uint32_t>(sums[r])));
        }
    }
    return report;
}

}  // namespace ssesim::io
