#include "fuzz_support.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <system_error>
#include <unistd.h>

#ifndef SSESIM_FUZZ_WORLD_DIR
#error "SSESIM_FUZZ_WORLD_DIR (the project's scenarios/world) must be defined by the build"
#endif

namespace ssesim::fuzz {
namespace fs = std::filesystem;

namespace {

fs::path make_work_dir() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/ssesim-fuzz-XXXXXX";
    if (!mkdtemp(pattern.data())) {
        std::fprintf(stderr, "fuzz: cannot create %s: %s\n", pattern.c_str(), std::strerror(errno));
        std::abort();
    }
    const fs::path dir(pattern);
    const char* env_world = std::getenv("SSESIM_FUZZ_WORLD_DIR");
    const fs::path world = env_world && *env_world ? fs::path(env_world) : fs::path(SSESIM_FUZZ_WORLD_DIR);
    std::error_code ec;
    fs::create_directory_symlink(fs::absolute(world), dir / "world", ec);
    if (ec || !fs::exists(dir / "world" / "countries.csv")) {
        std::fprintf(stderr, "fuzz: cannot link %s/world to %s (set SSESIM_FUZZ_WORLD_DIR): %s\n",
                     dir.c_str(), world.c_str(), ec ? ec.message().c_str() : "no countries.csv there");
        fs::remove_all(dir, ec);
        std::abort();
    }
    return dir;
}

void remove_work_dir() {
    std::error_code ec;
    fs::remove_all(work_dir(), ec);  // removes the link, never what it points to
}

}  // namespace

const fs::path& work_dir() {
    static const fs::path dir = make_work_dir();
    static const bool cleanup = std::atexit(remove_work_dir) == 0;  // not run after a crash
    (void)cleanup;
    return dir;
}

void write_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        std::fprintf(stderr, "fuzz: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
        std::abort();
    }
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, data + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            std::fprintf(stderr, "fuzz: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
            std::abort();
        }
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
}

void finding(const std::string& what) {
    std::fprintf(stderr, "\n==ssesim-fuzz== FINDING: %s\n", what.c_str());
    std::fflush(stderr);
    std::abort();
}

void check_refusal(const ssesim::Error& e) {
    const std::string_view message = e.what();
    if (message.empty()) finding("ssesim::Error with an empty message");
    if (message.starts_with("internal error")) finding("internal error: " + std::string(message));
    // README: "Every error is one line"; tests/bad_input asserts it through the program.
    if (message.find_first_of("\n\r") != std::string_view::npos)
        finding("error message of more than one line: " + std::string(message));
}

}  // namespace ssesim::fuzz
