#include "ssesim/core/error.hpp"
#include "ssesim/kernel/executor.hpp"
#include "ssesim/kernel/ledger.hpp"

#include <catch2/catch.hpp>

#include <vector>

using ssesim::InvariantError;
using ssesim::Money;
using ssesim::kernel::Executor;
using ssesim::kernel::Ledger;
using ssesim::kernel::Party;

namespace {
Ledger make_ledger(std::size_t agents) {
    Ledger l({"households A", "households B"}, {"sales", "wages"});
    l.append_agents(agents);
    return l;
}
const std::vector<std::uint64_t> ids{10, 11, 12, 13};
}  // namespace

TEST_CASE("a payment moves money from payer to payee and nowhere else", "[kernel][ledger]") {
    Ledger l = make_ledger(4);
    l.endow(Party::sector(0), 1000);
    l.endow(Party::agent(2), 50);
    l.begin_step();
    l.pay(Party::sector(0), Party::agent(2), 300, 0);
    l.pay(Party::agent(2), Party::sector(1), 100, 1);
    l.commit();
    CHECK(l.sector_balance(0) == 700);
    CHECK(l.sector_balance(1) == 100);
    CHECK(l.agent_balance(2) == 250);
    CHECK(l.total_money() == 1050);
    CHECK(l.step_flow_totals() == std::vector<Money>{300, 100});
    REQUIRE_NOTHROW(l.check(1, ids));
}

TEST_CASE("sector balances change only at commit, after the phase", "[kernel][ledger]") {
    Ledger l = make_ledger(1);
    l.endow(Party::sector(0), 100);
    l.begin_step();
    l.pay(Party::sector(0), Party::agent(0), 40, 0);
    CHECK(l.agent_balance(0) == 40);   // agents: at once
    CHECK(l.sector_balance(0) == 100); // sectors: at commit
    l.commit();
    CHECK(l.sector_balance(0) == 60);
}

TEST_CASE("concurrent payments from many threads add up exactly", "[kernel][ledger]") {
    Ledger l = make_ledger(1000);
    l.endow(Party::sector(0), 1'000'000'000);
    l.begin_step();
    Executor ex(4);
    ex.for_range(1000, 16, [&](std::size_t b, std::size_t e) {
        for (std::size_t i = b; i < e; ++i) {
            l.pay(Party::sector(0), Party::agent(i), static_cast<Money>(i + 1), 0);
            l.pay(Party::agent(i), Party::sector(1), 1, 1);
        }
    });
    l.commit();
    CHECK(l.sector_balance(0) == 1'000'000'000 - 500'500);
    CHECK(l.sector_balance(1) == 1000);
    CHECK(l.agent_balance(999) == 999);
    CHECK(l.total_money() == 1'000'000'000);
    REQUIRE_NOTHROW(l.check(1, std::vector<std::uint64_t>(1000, 0)));
}

TEST_CASE("a negative payment is refused and changes nothing", "[kernel][ledger]") {
    Ledger l = make_ledger(1);
    l.endow(Party::agent(0), 10);
    l.begin_step();
    REQUIRE_THROWS_WITH(l.pay(Party::agent(0), Party::sector(0), -5, 1),
                        "ledger: negative payment of -5 cents in flow 'wages'");
    l.commit();
    CHECK(l.agent_balance(0) == 10);
    CHECK(l.sector_balance(0) == 0);
}

TEST_CASE("money changed without a counter-entry fails the identity check loudly", "[kernel][ledger]") {
    Ledger l = make_ledger(4);
    l.endow(Party::sector(0), 1000);
    l.begin_step();
    l.pay(Party::sector(0), Party::agent(1), 200, 0);
    l.inject_unbalanced_for_test(Party::agent(3), 500);
    l.commit();
#ifdef SSESIM_CHECKS
    REQUIRE_THROWS_WITH(l.check(7, ids),
                        "stock-flow identity violated at step 7: agent 13: balance changed by 500 cents "
                        "but its postings net 0 (unbalanced amount 500 cents)");
#else
    REQUIRE_THROWS_WITH(l.check(7, ids), Catch::StartsWith("stock-flow identity violated at step 7: total "
                                                           "money changed by 500 cents"));
#endif
}

TEST_CASE("an unbalanced sector account is caught too", "[kernel][ledger]") {
    Ledger l = make_ledger(1);
    l.begin_step();
    l.inject_unbalanced_for_test(Party::sector(1), -30);
    REQUIRE_THROWS_AS(l.check(2, ids), InvariantError);
}

TEST_CASE("endowing after the first step is refused", "[kernel][ledger]") {
    Ledger l = make_ledger(1);
    l.begin_step();
    REQUIRE_THROWS_AS(l.endow(Party::agent(0), 1), InvariantError);
}

TEST_CASE("an agent may only leave with a zero balance", "[kernel][ledger]") {
    Ledger l = make_ledger(3);
    l.endow(Party::agent(1), 99);
    l.begin_step();
    const std::vector<std::uint32_t> keep{0, 2};
    REQUIRE_THROWS_WITH(l.compact_agents(keep, ids),
                        "ledger: agent 11 removed with a balance of 99 cents; it must be paid out before the "
                        "agent exits");
    l.pay(Party::agent(1), Party::sector(0), 99, 0);
    l.commit();
    l.compact_agents(keep, ids);
    CHECK(l.agent_count() == 2);
    CHECK(l.total_money() == 99);
    REQUIRE_NOTHROW(l.check(1, std::vector<std::uint64_t>{10, 12}));
}
