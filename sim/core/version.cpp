#include "ssesim/core/version.hpp"

#include <Eigen/Core>
#include <boost/version.hpp>
#include <hdf5.h>
#include <oneapi/tbb/version.h>
#include <toml++/toml.h>

namespace ssesim::detail {
extern const char* const version_string;
extern const char* const git_commit;
}  // namespace ssesim::detail

namespace ssesim {

std::string version() { return detail::version_string; }

std::string git_commit() { return detail::git_commit; }

std::string compiler() {
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown";
#endif
}

std::string library_versions() {
    unsigned maj = 0, min = 0, rel = 0;
    H5get_libversion(&maj, &min, &rel);
    return "HDF5 " + std::to_string(maj) + "." + std::to_string(min) + "." + std::to_string(rel) +
           "; oneTBB " + std::string(TBB_runtime_version()) + "; Boost " +
           std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) +
           "; Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
           std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION) +
           "; toml++ " + std::to_string(TOML_LIB_MAJOR) + "." + std::to_string(TOML_LIB_MINOR) +
           "." + std::to_string(TOML_LIB_PATCH) + "; Random123 1.14";
}

}  // namespace ssesim
