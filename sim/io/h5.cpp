#include "ssesim/io/h5.hpp"

#include "ssesim/core/error.hpp"

#include <optional>

namespace ssesim::io {
void skip_hdf5_exit_handler() { H5dont_atexit(); }
}  // namespace ssesim::io

namespace ssesim::io::h5 {

void silence_hdf5_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

namespace {
herr_t collect(unsigned n, const H5E_error2_t* e, void* out) {
    auto& text = *static_cast<std::string*>(out);
    if (n < 3 && e->desc && *e->desc) {  // the innermost few entries say what went wrong
        std::string desc = e->desc;
        // A failed system call: HDF5's entry holds a time stamp (with a newline), the
        // buffer address and sizes; the operating system's own words say it all.
        if (const auto at = desc.find("error message = '"); at != std::string::npos) {
            const auto begin = at + 17, end = desc.find('\'', begin);
            desc = desc.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
        }
        for (char& c : desc)
            if (c == '\n' || c == '\r') c = ' ';
        if (text.find(desc) == std::string::npos) text += (text.empty() ? "" : "; ") + desc;
    }
    return 0;
}
}  // namespace

hid_t check(hid_t status, const std::string& what) {
    if (status >= 0) return status;
    std::string stack;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, collect, &stack);
    H5Eclear2(H5E_DEFAULT);
    throw OutputError(what + (stack.empty() ? std::string() : ": " + stack));
}

void Handle::reset() noexcept {
    if (id_ < 0) return;
    switch (H5Iget_type(id_)) {
        case H5I_FILE: H5Fclose(id_); break;
        case H5I_GROUP: H5Gclose(id_); break;
        case H5I_DATASET: H5Dclose(id_); break;
        case H5I_DATASPACE: H5Sclose(id_); break;
        case H5I_DATATYPE: H5Tclose(id_); break;
        case H5I_ATTR: H5Aclose(id_); break;
        case H5I_GENPROP_LST: H5Pclose(id_); break;
        default: break;
    }
    id_ = H5I_INVALID_HID;
}

namespace {
Handle utf8_string_type() {
    Handle t(check(H5Tcopy(H5T_C_S1), "H5Tcopy"));
    check(H5Tset_size(t, H5T_VARIABLE), "H5Tset_size");
    check(H5Tset_cset(t, H5T_CSET_UTF8), "H5Tset_cset");
    return t;
}

template <class Write>
void replace_attribute(hid_t obj, const std::string& name, hid_t type, Write&& write) {
    if (check(H5Aexists(obj, name.c_str()), "H5Aexists " + name) > 0)
        check(H5Adelete(obj, name.c_str()), "H5Adelete " + name);
    Handle space(check(H5Screate(H5S_SCALAR), "H5Screate"));
    Handle attr(check(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT),
                      "cannot create attribute '" + name + "'"));
    write(attr.get());
}
}  // namespace

void set_attribute(hid_t obj, const std::string& name, const std::string& value) {
    Handle type = utf8_string_type();
    if (check(H5Aexists(obj, name.c_str()), "H5Aexists " + name) > 0) {
        // Rewrite in place (a variable-length string: the attribute keeps its size),
        // so updating `status` never restructures the object's attribute storage.
        Handle a(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "H5Aopen " + name));
        const char* p = value.c_str();
        check(H5Awrite(a, type, &p), "cannot write attribute '" + name + "'");
        return;
    }
    replace_attribute(obj, name, type, [&](hid_t a) {
        const char* p = value.c_str();
        check(H5Awrite(a, type, &p), "cannot write attribute '" + name + "'");
    });
}

void set_attribute(hid_t obj, const std::string& name, std::int64_t value) {
    if (check(H5Aexists(obj, name.c_str()), "H5Aexists " + name) > 0) {
        // Rewrite in place: cheap, and what the per-step steps_completed update needs.
        Handle a(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "H5Aopen " + name));
        check(H5Awrite(a, H5T_NATIVE_INT64, &value), "cannot write attribute '" + name + "'");
        return;
    }
    replace_attribute(obj, name, H5T_STD_I64LE, [&](hid_t a) {
        check(H5Awrite(a, H5T_NATIVE_INT64, &value), "cannot write attribute '" + name + "'");
    });
}

void set_attribute(hid_t obj, const std::string& name, double value) {
    replace_attribute(obj, name, H5T_IEEE_F64LE, [&](hid_t a) {
        check(H5Awrite(a, H5T_NATIVE_DOUBLE, &value), "cannot write attribute '" + name + "'");
    });
}

void set_attribute(hid_t obj, const std::string& name, const std::vector<std::string>& values) {
    Handle type = utf8_string_type();
    if (check(H5Aexists(obj, name.c_str()), "H5Aexists " + name) > 0) check(H5Adelete(obj, name.c_str()), "H5Adelete " + name);
    const hsize_t n = values.size();
    Handle space(check(H5Screate_simple(1, &n, nullptr), "H5Screate_simple"));
    Handle attr(check(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), "cannot create attribute '" + name + "'"));
    std::vector<const char*> ptrs;
    for (const std::string& v : values) ptrs.push_back(v.c_str());
    check(H5Awrite(attr, type, ptrs.data()), "cannot write attribute '" + name + "'");
}

std::optional<std::string> string_attribute(hid_t obj, const std::string& name) {
    if (H5Aexists(obj, name.c_str()) <= 0) return std::nullopt;
    Handle a(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "H5Aopen " + name));
    Handle file_type(check(H5Aget_type(a), "H5Aget_type " + name));
    if (H5Tget_class(file_type) != H5T_STRING || H5Tis_variable_str(file_type) <= 0) return std::nullopt;
    Handle type = utf8_string_type();
    char* p = nullptr;
    check(H5Aread(a, type, &p), "cannot read attribute '" + name + "'");
    std::string out = p ? p : "";
    H5free_memory(p);
    return out;
}

Handle write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values) {
    Handle type = utf8_string_type();
    const hsize_t n = values.size();
    Handle space(check(H5Screate_simple(1, &n, nullptr), "H5Screate_simple"));
    Handle ds(check(H5Dcreate2(parent, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    "cannot create dataset '" + name + "'"));
    std::vector<const char*> ptrs;
    for (const std::string& v : values) ptrs.push_back(v.c_str());
    check(H5Dwrite(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "cannot write dataset '" + name + "'");
    return ds;
}

}  // namespace ssesim::io::h5
