#pragma once

#include <cstdint>

// SplitMix64 (Steele, Lea and Flood, "Fast Splittable Pseudorandom Number
// Generators", OOPSLA 2014): a 64-bit counter stepped by the golden gamma and
// scrambled by a mixing function. Small, fast and well mixed, and the same
// seed always gives the same sequence, which is what rota wants from it: the
// fates of a seeded run, the block self-test's sector patterns.

namespace rota {

inline constexpr uint64_t splitmix64_gamma = 0x9e3779b97f4a7c15ull;

// The mixing function alone: neighbouring inputs give unrelated outputs.
constexpr uint64_t splitmix64_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

class SplitMix64 {
public:
    constexpr explicit SplitMix64(uint64_t seed)
        : m_state(seed)
    {
    }

    constexpr uint64_t next()
    {
        m_state += splitmix64_gamma;
        return splitmix64_mix(m_state);
    }

private:
    uint64_t m_state;
};

} // namespace rota
