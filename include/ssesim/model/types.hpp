#pragma once
// The closed vocabularies of the model: organisation kinds and sectors.
// Names are the ones scenario files and the HDF5 output use.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ssesim::model {

enum class OrgKind : std::uint8_t {
    worker_coop,
    producer_coop,
    federation,
    association,
    social_enterprise,
    for_profit,
};
inline constexpr std::size_t org_kind_count = 6;
inline constexpr std::array<std::string_view, org_kind_count> org_kind_names{
    "worker_coop", "producer_coop", "federation", "association", "social_enterprise", "for_profit"};

enum class Sector : std::uint8_t {
    agri_food,
    manufacturing,
    services,
    platform_logistics,
    education,
};
inline constexpr std::size_t sector_count = 5;
inline constexpr std::array<std::string_view, sector_count> sector_names{
    "agri_food", "manufacturing", "services", "platform_logistics", "education"};

/// How an organisation is committed in a foreign country (Uppsala: commitment
/// grows with experiential knowledge; HMY 2004: the mode sorts by productivity).
enum class Mode : std::uint8_t {
    exports,        ///< sells there from home, paying trade costs and the market's fixed cost
    subsidiary,     ///< owns an affiliate there (FDI) that produces and sells locally
    licence,        ///< licenses a new local organisation (social licensing, franchise) for a fee
    node,           ///< a federation's new member co-operative there, paying the federation fee
    open_transfer,  ///< gives its technology to local SSE organisations, no licence fee
    sourcing,       ///< buys its inputs from an independent supplier there (imports; fair trade)
    offshore,       ///< owns an affiliate there that makes its inputs (vertical FDI)
    alliance,       ///< sells there through an alliance with an existing local organisation, which
                    ///< bears a share of the market's fixed cost and delivers that share of the
                    ///< sales and tenders (joint venture; Hennart 1988, Contractor & Lorange 1988)
    contact,        ///< ties only (an invitation, an event): no commitment yet
};
inline constexpr std::size_t mode_count = 9;
inline constexpr std::array<std::string_view, mode_count> mode_names{
    "export", "subsidiary", "licence", "node", "open_transfer", "sourcing", "offshore", "alliance", "contact"};
/// Modes whose partner there is an organisation the committing one founded.
constexpr bool founds_partner(Mode m) {
    return m == Mode::subsidiary || m == Mode::licence || m == Mode::node || m == Mode::offshore;
}
/// Modes through which it sells in the destination's market from home (CES offers there).
constexpr bool sells_through(Mode m) { return m == Mode::exports || m == Mode::alliance; }
/// Modes through which the organisation buys its inputs.
constexpr bool supplies_inputs(Mode m) { return m == Mode::sourcing || m == Mode::offshore; }

/// How an organisation is bound to its parent organisation, if it has one.
enum class Relation : std::uint8_t {
    none,       ///< independent
    owned,      ///< a subsidiary: repatriates its profit
    licensee,   ///< pays a licence fee, receives the management model and brand
    member,     ///< a federation member: pays the fee, receives technology and brand
};

template <class Enum, std::size_t N>
std::optional<Enum> parse_enum(const std::array<std::string_view, N>& names, std::string_view s) {
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == s) return static_cast<Enum>(i);
    return std::nullopt;
}

}  // namespace ssesim::model
