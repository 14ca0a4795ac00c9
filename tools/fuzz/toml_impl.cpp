// toml++'s implementation, compiled with the fuzz build's instrumentation (see
// CMakeLists.txt here): TOML_HEADER_ONLY=0 comes from tomlplusplus::tomlplusplus,
// and TOML_IMPLEMENTATION makes this translation unit the one that defines it.
#define TOML_IMPLEMENTATION
#include <toml++/toml.h>
