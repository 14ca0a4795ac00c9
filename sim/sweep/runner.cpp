#include "ssesim/sweep/runner.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/io/sweep_writer.hpp"
#include "ssesim/model/model.hpp"

#include <mpi.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <fstream>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>

namespace ssesim::sweep {
namespace {

using Clock = std::chrono::steady_clock;

enum Tag : int { tag_request = 1, tag_assign = 2, tag_result = 3, tag_done = 4 };

/// A computed run, with where and how long it took (for the log).
struct Result {
    io::EncodedRun data;
    double seconds = 0;
    int rank = 0;
    int thread = 0;
};

/// The worker threads of one process: each asks `next` for a run (-1: none
/// left), computes it single-threaded, and queues the result for the caller.
class Workers {
public:
    Workers(const Experiment& e, const io::StepLayout& layout, int threads, int rank, std::function<std::int64_t()> next,
            std::atomic<bool>& stop)
        : e_(e), layout_(layout), rank_(rank), next_(std::move(next)), stop_(stop), running_(threads) {
        for (int t = 0; t < threads; ++t) pool_.emplace_back([this, t] { work(t); });
    }
    ~Workers() { join(); }

    void join() {
        for (auto& t : pool_)
            if (t.joinable()) t.join();
    }
    /// Waits up to `timeout` for a result or the end of the workers.
    std::optional<Result> take(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, timeout, [&] { return !results_.empty() || running_ == 0 || failure_; });
        if (results_.empty()) return std::nullopt;
        Result r = std::move(results_.front());
        results_.pop_front();
        return r;
    }
    bool finished() {
        std::lock_guard lock(mutex_);
        return running_ == 0 && results_.empty();
    }
    std::exception_ptr failure() {
        std::lock_guard lock(mutex_);
        return failure_;
    }
    /// Wakes `take` (another source of work changed).
    void notify() { cv_.notify_all(); }

private:
    void work(int thread) {
        try {
            for (std::int64_t run = next_(); run >= 0 && !stop_; run = next_()) {
                const auto t0 = Clock::now();
                std::optional<io::EncodedRun> data = compute(run);
                if (!data) break;  // stopped
                Result r{std::move(*data), std::chrono::duration<double>(Clock::now() - t0).count(), rank_, thread};
                std::lock_guard lock(mutex_);
                results_.push_back(std::move(r));
                cv_.notify_all();
            }
        } catch (...) {
            std::lock_guard lock(mutex_);
            if (!failure_) failure_ = std::current_exception();
        }
        std::lock_guard lock(mutex_);
        --running_;
        cv_.notify_all();
    }

    std::optional<io::EncodedRun> compute(std::int64_t run) {
        model::Model m(e_.scenario_for(e_.runs[static_cast<std::size_t>(run)]), 1);
        io::RunRecorder recorder(layout_, e_.base.steps);
        for (std::int64_t t = 0; t < e_.base.steps; ++t) {
            if (stop_) return std::nullopt;
            m.step();
            recorder.record(m);
        }
        return recorder.encode(run);
    }

    const Experiment& e_;
    const io::StepLayout& layout_;
    int rank_;
    std::function<std::int64_t()> next_;
    std::atomic<bool>& stop_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<Result> results_;
    std::exception_ptr failure_;
    int running_;
    std::vector<std::thread> pool_;
};

class MpiSession {
public:
    MpiSession() {
        if (!launched_by_mpi()) return;
        int provided = 0;
        MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
        active_ = true;
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &size_);
    }
    ~MpiSession() {
        if (active_) MPI_Finalize();
    }
    int rank() const { return rank_; }
    int size() const { return size_; }
    /// Prints the error as every ssesim error and ends every rank of the job.
    [[noreturn]] void abort(const std::string& message, int code) const {
        std::cerr << "ssesim: error: " << message << "\n" << std::flush;
        MPI_Abort(MPI_COMM_WORLD, code);
        std::_Exit(code);
    }

private:
    bool active_ = false;
    int rank_ = 0;
    int size_ = 1;
};

int exit_code_of(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const InvariantError&) {
        return 4;
    } catch (const OutputError&) {
        return 3;
    } catch (const Error&) {
        return 2;
    } catch (...) {
        return 1;
    }
}

std::string message_of(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        return x.what();
    } catch (...) {
        return "unknown error";
    }
}

std::vector<unsigned char> pack(const Result& r) {
    std::vector<unsigned char> out(24);
    const std::int64_t where[2] = {r.rank, r.thread};
    std::memcpy(out.data(), &r.seconds, 8);
    std::memcpy(out.data() + 8, where, 16);
    const std::vector<unsigned char> body = r.data.serialize();
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

Result unpack(const std::vector<unsigned char>& bytes, std::size_t variables) {
    if (bytes.size() < 24) throw Error("internal error: short result message");
    Result r;
    std::int64_t where[2];
    std::memcpy(&r.seconds, bytes.data(), 8);
    std::memcpy(where, bytes.data() + 8, 16);
    r.rank = static_cast<int>(where[0]);
    r.thread = static_cast<int>(where[1]);
    r.data = io::EncodedRun::deserialize(std::span(bytes).subspan(24), variables);
    return r;
}

/// Rank 0 (or the only process): hands out runs, writes results, reports progress.
SweepOutcome coordinate(const Experiment& e, const SweepOptions& o, const MpiSession& mpi, const io::StepLayout& layout,
                        std::atomic<bool>& stop) {
    SweepOutcome outcome;
    outcome.writer = true;
    outcome.runs = static_cast<std::int64_t>(e.runs.size());
    std::optional<io::SweepWriter> writer;
    std::vector<std::int64_t> todo;
    try {
        // Checked before anything is written: a refused value stops the sweep now, not hours in.
        e.check_scenarios(o.threads);
        writer.emplace(o.output, e, layout, o.overwrite);
        for (std::size_t r = 0; r < e.runs.size(); ++r)
            if (!writer->complete()[r]) todo.push_back(static_cast<std::int64_t>(r));
    } catch (const std::exception& x) {
        if (mpi.size() > 1) mpi.abort(x.what(), exit_code_of(std::current_exception()));
        throw;
    }
    outcome.skipped = outcome.runs - static_cast<std::int64_t>(todo.size());
    if (mpi.size() > 1) {
        std::int64_t go = 1;
        MPI_Bcast(&go, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
    }

    std::atomic<std::size_t> next{0};
    auto take = [&]() -> std::int64_t {
        if (stop) return -1;
        const std::size_t i = next.fetch_add(1);
        return i < todo.size() ? todo[i] : -1;
    };
    std::ofstream log;
    if (!o.log.empty()) {
        log.open(o.log, std::ios::app);
        if (!log) throw OutputError(o.log + ": cannot open the run log for appending");
    }
    const auto t0 = Clock::now();
    auto store = [&](const Result& r) {
        writer->write(r.data);
        ++outcome.computed;
        if (log) {
            const RunSpec& spec = e.runs[static_cast<std::size_t>(r.data.run)];
            log << "run " << r.data.run << " arm " << e.arms[spec.arm].name << " replicate " << spec.replicate << ": rank "
                << r.rank << " thread " << r.thread << ", " << r.seconds << " s\n"
                << std::flush;
        }
        if (o.progress) {
            const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
            const double rate = static_cast<double>(outcome.computed) / std::max(secs, 1e-9);
            const double left = static_cast<double>(static_cast<std::int64_t>(todo.size()) - outcome.computed);
            std::fprintf(stderr, "\rruns %lld/%lld  %.3g runs/s  ETA %.0f s   ",
                         static_cast<long long>(outcome.skipped + outcome.computed), static_cast<long long>(outcome.runs), rate,
                         left / std::max(rate, 1e-9));
        }
    };

    Workers workers(e, layout, o.threads, 0, take, stop);
    int ranks_done = 0;
    std::vector<unsigned char> buffer;
    const auto all_written = [&] { return outcome.computed == static_cast<std::int64_t>(todo.size()); };
    try {
        while (true) {
            if (std::exception_ptr f = workers.failure()) {
                if (mpi.size() > 1) mpi.abort(message_of(f), exit_code_of(f));
                stop = true;
                workers.join();
                writer->finish();
                std::rethrow_exception(f);
            }
            if (std::optional<Result> r = workers.take(std::chrono::milliseconds(mpi.size() > 1 ? 2 : 100))) {
                store(*r);
                continue;
            }
            if (mpi.size() > 1) {
                int flag = 0;
                MPI_Status st;
                MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st);
                if (flag) {
                    if (st.MPI_TAG == tag_request) {
                        std::int64_t none = 0;
                        MPI_Recv(&none, 1, MPI_INT64_T, st.MPI_SOURCE, tag_request, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                        const std::int64_t run = take();
                        MPI_Send(&run, 1, MPI_INT64_T, st.MPI_SOURCE, tag_assign, MPI_COMM_WORLD);
                    } else if (st.MPI_TAG == tag_result) {
                        int count = 0;
                        MPI_Get_count(&st, MPI_BYTE, &count);
                        buffer.resize(static_cast<std::size_t>(count));
                        MPI_Recv(buffer.data(), count, MPI_BYTE, st.MPI_SOURCE, tag_result, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                        store(unpack(buffer, layout.variables().size()));
                    } else if (st.MPI_TAG == tag_done) {
                        std::int64_t none = 0;
                        MPI_Recv(&none, 1, MPI_INT64_T, st.MPI_SOURCE, tag_done, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
                        ++ranks_done;
                    }
                    continue;
                }
            }
            if (stop && mpi.size() > 1) {
                // Other ranks may be mid-run: close the file with what is complete, then end the job.
                writer->finish();
                if (o.progress) std::fprintf(stderr, "\n");
                std::cerr << "ssesim: interrupted: " << outcome.skipped + outcome.computed << " of " << outcome.runs
                          << " runs complete in " << o.output << "; run the same command again to resume\n" << std::flush;
                MPI_Abort(MPI_COMM_WORLD, 130);
            }
            if ((all_written() || stop) && workers.finished() && ranks_done == mpi.size() - 1) break;
        }
    } catch (const std::exception& x) {
        // A write failed (a full disk, a removed directory): stop the workers, keep what is complete.
        if (mpi.size() > 1) mpi.abort(x.what(), exit_code_of(std::current_exception()));
        stop = true;
        workers.join();
        throw;
    }
    workers.join();
    writer->finish();
    if (o.progress) std::fprintf(stderr, "\n");
    outcome.interrupted = !all_written();
    return outcome;
}

/// Ranks other than 0: ask rank 0 for runs as workers fall idle, send results back.
SweepOutcome serve(const Experiment& e, const SweepOptions& o, const MpiSession& mpi, const io::StepLayout& layout,
                   std::atomic<bool>& stop) {
    std::int64_t go = 0;
    MPI_Bcast(&go, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
    std::mutex mutex;
    std::condition_variable cv;
    std::deque<std::int64_t> assigned;
    int waiting = 0, outstanding = 0;
    bool exhausted = false;
    auto take = [&]() -> std::int64_t {
        std::unique_lock lock(mutex);
        ++waiting;
        cv.wait(lock, [&] { return !assigned.empty() || exhausted || stop; });
        --waiting;
        if (assigned.empty()) return -1;
        const std::int64_t run = assigned.front();
        assigned.pop_front();
        return run;
    };
    Workers workers(e, layout, o.threads, mpi.rank(), take, stop);
    while (true) {
        if (std::exception_ptr f = workers.failure()) mpi.abort(message_of(f), exit_code_of(f));
        {
            std::lock_guard lock(mutex);
            while (!exhausted && waiting > outstanding + static_cast<int>(assigned.size())) {
                const std::int64_t none = 0;
                MPI_Send(&none, 1, MPI_INT64_T, 0, tag_request, MPI_COMM_WORLD);
                ++outstanding;
            }
        }
        int flag = 0;
        MPI_Iprobe(0, tag_assign, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
        if (flag) {
            std::int64_t run = -1;
            MPI_Recv(&run, 1, MPI_INT64_T, 0, tag_assign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            std::lock_guard lock(mutex);
            --outstanding;
            if (run < 0) exhausted = true;
            else assigned.push_back(run);
            cv.notify_all();
            continue;
        }
        if (std::optional<Result> r = workers.take(std::chrono::milliseconds(2))) {
            std::vector<unsigned char> bytes = pack(*r);
            MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, 0, tag_result, MPI_COMM_WORLD);
            continue;
        }
        if (stop) {
            std::lock_guard lock(mutex);
            cv.notify_all();
        }
        bool idle;
        {
            std::lock_guard lock(mutex);
            idle = outstanding == 0 && (exhausted || stop);
        }
        if (idle && workers.finished()) break;
    }
    workers.join();
    const std::int64_t none = 0;
    MPI_Send(&none, 1, MPI_INT64_T, 0, tag_done, MPI_COMM_WORLD);
    SweepOutcome outcome;
    outcome.runs = static_cast<std::int64_t>(e.runs.size());
    return outcome;
}

}  // namespace

bool launched_by_mpi() {
    for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
        if (std::getenv(v)) return true;
    return false;
}

SweepOutcome run_sweep(const Experiment& experiment, const SweepOptions& options, std::atomic<bool>& stop) {
    if (options.threads < 1) throw UsageError("--threads: expected an integer >= 1, got " + std::to_string(options.threads));
    const io::StepLayout layout(experiment.base);
    MpiSession mpi;
    if (mpi.rank() == 0) return coordinate(experiment, options, mpi, layout, stop);
    return serve(experiment, options, mpi, layout, stop);
}

}  // namespace ssesim::sweep
