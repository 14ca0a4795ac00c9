#pragma once
// The country network: attributes per country and pairwise matrices (Eigen).
// Built by the scenario loader from scenarios/world/*.csv, frozen afterwards.
#include <Eigen/Core>

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
};

struct World {
    std::vector<Country> countries;
    Eigen::MatrixXd distance_km;        ///< population-weighted distance (CEPII distw)
    Eigen::MatrixXd psychic_distance;   ///< composite index in [0, 1], 0 on the diagonal
    Eigen::MatrixXd common_language;    ///< 1 if an official language is shared

    std::size_t size() const noexcept { return countries.size(); }
    /// Index of an ISO3 code, or -1.
    int index_of(const std::string& iso3) const;
};

}  // namespace ssesim::model
