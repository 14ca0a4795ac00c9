#pragma once
// The one seam through which the kernel runs anything in parallel. Release and
// debug builds use oneTBB; the TSan build (SSESIM_STD_THREAD_POOL) runs the same
// chunks on plain std::threads, because Debian's libtbb is not instrumented and
// TSan over it proves nothing (TOOLCHAIN.md). Bodies write only to slots they
// own, so any chunking gives the same result.
#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

namespace ssesim::kernel {

class Executor {
public:
    /// threads >= 1: the most threads any parallel loop may use.
    explicit Executor(int threads);
    ~Executor();
    Executor(const Executor&) = delete;
    Executor& operator=(const Executor&) = delete;

    int threads() const noexcept { return threads_; }

    /// Calls body(begin, end) on disjoint ranges covering [0, n), each at most
    /// `grain` long, in parallel. Exceptions thrown by a body are rethrown here.
    template <class Body>
    void for_range(std::size_t n, std::size_t grain, Body&& body) {
        auto thunk = [](void* ctx, std::size_t b, std::size_t e) {
            (*static_cast<std::remove_reference_t<Body>*>(ctx))(b, e);
        };
        run(n, grain, thunk, const_cast<void*>(static_cast<const void*>(std::addressof(body))));
    }

private:
    using Thunk = void (*)(void*, std::size_t, std::size_t);
    void run(std::size_t n, std::size_t grain, Thunk thunk, void* ctx);

    int threads_;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ssesim::kernel
