#pragma once
// A thin RAII layer over the HDF5 C API (after HighFive's bits/h5*_wrapper):
// every call goes through check(), which throws OutputError carrying HDF5's
// error stack; handles close in their destructor and never throw. HDF5's own
// error printing is switched off once, by silence_hdf5_errors().
#include <hdf5.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ssesim::io::h5 {

/// Turns off HDF5's automatic error printing (errors are thrown instead).
void silence_hdf5_errors();

/// Throws OutputError("<what>: <HDF5 error stack>") if `status` < 0; returns it.
hid_t check(hid_t status, const std::string& what);

class Handle {
public:
    Handle() = default;
    explicit Handle(hid_t id) noexcept : id_(id) {}
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    Handle(Handle&& o) noexcept : id_(o.id_) { o.id_ = H5I_INVALID_HID; }
    Handle& operator=(Handle&& o) noexcept {
        if (this != &o) {
            reset();
            id_ = o.id_;
            o.id_ = H5I_INVALID_HID;
        }
        return *this;
    }
    ~Handle() { reset(); }
    hid_t get() const noexcept { return id_; }
    operator hid_t() const noexcept { return id_; }  // NOLINT: handles pass straight to the C API
    void reset() noexcept;

private:
    hid_t id_ = H5I_INVALID_HID;
};

/// Writes a scalar attribute (variable-length UTF-8 string, int64 or double) on `obj`,
/// replacing it if it exists.
void set_attribute(hid_t obj, const std::string& name, const std::string& value);
void set_attribute(hid_t obj, const std::string& name, std::int64_t value);
void set_attribute(hid_t obj, const std::string& name, double value);

/// A 1-D array attribute of variable-length UTF-8 strings.
void set_attribute(hid_t obj, const std::string& name, const std::vector<std::string>& values);
/// A scalar variable-length string attribute, or nothing if absent or of another type.
std::optional<std::string> string_attribute(hid_t obj, const std::string& name);

/// A 1-D dataset of variable-length UTF-8 strings.
Handle write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values);

}  // namespace ssesim::io::h5
