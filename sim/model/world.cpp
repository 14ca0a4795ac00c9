#include "ssesim/model/world.hpp"

namespace ssesim::model {

int World::index_of(const std::string& iso3) const {
    for (std::size_t i = 0; i < countries.size(); ++i)
        if (countries[i].iso3 == iso3) return static_cast<int>(i);
    return -1;
}

}  // namespace ssesim::model
