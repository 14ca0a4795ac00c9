#pragma once
// The variables every ssesim file records per step, declared once: the single-run
// file (RunWriter) writes them as [step, ...] series, the sweep file
// (SweepWriter) as [run, step, ...]. Each variable is a block of 8-byte elements
// (int64 or float64) over named axes; `StepLayout::fill` writes the model's
// latest step into one row of all of them, so both writers record exactly the
// same numbers.
#include "ssesim/io/h5.hpp"
#include "ssesim/model/model.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ssesim::io {

/// Axes after `step` (and `run`): each is a dimension scale of the file.
enum class Axis { country, org_kind, flow, origin, destination, end_kind, policy };

struct Variable {
    const char* name;
    bool real;                 ///< float64 when true, int64 otherwise
    const char* units;
    const char* long_name;
    const char* description;
    std::vector<Axis> axes;
    std::size_t elements = 0;  ///< product of the axes' lengths
    std::size_t offset = 0;    ///< element offset of this variable in a row
};

class StepLayout {
public:
    /// The variables of a run of `s`; those over the policy axis only when it has policies.
    explicit StepLayout(const scenario::Scenario& s);

    const std::vector<Variable>& variables() const noexcept { return variables_; }
    /// Elements (8 bytes each) of one step of every variable.
    std::size_t row_elements() const noexcept { return row_elements_; }
    std::size_t axis_length(Axis a) const noexcept;
    /// The model's latest step into `row` (row_elements() slots): int64 variables
    /// as std::int64_t, real ones as double, each at its variable's offset.
    void fill(const model::Model& model, std::span<std::uint64_t> row) const;

private:
    std::size_t countries_, policies_;
    std::vector<Variable> variables_;
    std::size_t row_elements_ = 0;
};

/// The coordinate datasets of a file: one dimension scale per Axis, plus
/// `flow_channel` (attached to `flow`); with policies, the `policy` scale and the
/// type, country, direction, flow and level of each (attached to it).
class Coordinates {
public:
    Coordinates(hid_t file, const scenario::Scenario& s);
    hid_t scale(Axis a) const noexcept;

private:
    h5::Handle country_, org_kind_, flow_, origin_, destination_, end_kind_, channel_, policy_;
    std::vector<h5::Handle> policy_labels_;
};

/// units, long_name and description attributes (CF conventions).
void describe(hid_t ds, const std::string& units, const std::string& long_name, const std::string& description);
void make_scale(hid_t ds, const std::string& dim);
void attach(hid_t ds, const std::vector<hid_t>& scales);
/// Static per-country variables (population, wage, GDP) over the country scale.
void write_country_variables(hid_t file, const model::World& world, const Coordinates& coords);
/// Root attributes shared by run and sweep files: conventions, version, commit,
/// compiler, libraries, references, creation time.
void write_common_provenance(hid_t file);
/// File access and creation property lists that keep a killed writer's file
/// readable (see run_writer.cpp): no metadata eviction between flushes, no reuse
/// of freed space, wide chunk indexes.
h5::Handle crash_safe_access();
h5::Handle crash_safe_creation();
/// Creates the directories of `path` and the file `path`.creating with the crash-safe
/// property lists. A file is built under that name and renamed once its structure is
/// on disk (publish_output): a file under the final name always opens, and an
/// existing file given with --overwrite is replaced only then. Errors name `path`.
h5::Handle create_output(const std::string& path);
/// Flushes the file built by create_output and renames it to `path`.
void publish_output(hid_t file, const std::string& path);
/// `message`, prefixed with `path` unless it starts with it.
std::string with_path(const std::string& path, const std::string& message);

}  // namespace ssesim::io
