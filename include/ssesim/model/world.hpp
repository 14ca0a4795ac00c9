#pragma once
// The country network: attributes per country and pairwise matrices (Eigen).
// Built by the scenario loader from scenarios/world/*.csv, frozen afterwards.
#include "ssesim/model/types.hpp"

#include <Eigen/Core>

#include <array>

#include <string>
#include <vector>

namespace ssesim::model {

struct Country {
    std::string iso3;
    std::string name;
    double population = 0;          ///< persons (World Bank SP.POP.TOTL)
    double gdp_usd = 0;             ///< current US$ (World Bank NY.GDP.MKTP.CD)
    double wage_usd = 0;            ///< labour compensation per worker per year, US$
    double informality = -1;        ///< share of informal employment, -1 where no data
    double governance = 0;          ///< mean of the six WGI estimates (about -2.5..2.5)
    double government_share = 0;    ///< government consumption share of GDP (PWT csh_g)
    std::array<double, sector_count> demand{};  ///< share of final demand by sector, sums to 1 (assumption, SOURCES.md)
    double sse_maturity = 0;        ///< SSE ecosystem index in [0, 1] (assumption from legal facts, SOURCES.md)
    double coop_recognition = 0;    ///< legal recognition of co-operative forms in [0, 1] (assumption, SOURCES.md)
};

struct World {
    std::vector<Country> countries;
    Eigen::MatrixXd distance_km;        ///< population-weighted distance (CEPII distw)
    Eigen::MatrixXd psychic_distance;   ///< composite index in [0, 1], 0 on the diagonal
    Eigen::MatrixXd common_language;    ///< 1 if an official language is shared
    Eigen::MatrixXd legal_compat;       ///< legal compatibility for co-operatives in [0, 1]

    std::size_t size() const noexcept { return countries.size(); }
    /// Index of an ISO3 code, or -1.
    int index_of(const std::string& iso3) const;
};

}  // namespace ssesim::model
