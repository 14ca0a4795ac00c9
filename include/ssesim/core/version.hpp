#pragma once
#include <string>

namespace ssesim {

/// Program version ("0.1.0").
std::string version();
/// Git commit of the source tree the binary was built from ("unknown" outside git).
std::string git_commit();
/// Compiler name and version the binary was built with.
std::string compiler();
/// Versions of the libraries linked in: "HDF5 1.10.8; oneTBB 2021.8; ...".
std::string library_versions();

}  // namespace ssesim
