#pragma once

// The Wheel of Fate's wedges (docs/roulette.md): twelve, numbered 0 to 11
// clockwise from the top, the even ones coloured and the odd ones blank. The
// wheel draws them (gfx/roulette), the rules land a fate on one of them, and a
// journal record keeps which one a spin stopped on (journal/): all of them
// count the wedges here.

namespace rota {

inline constexpr int wedge_count = 12;

constexpr bool wedge_is_coloured(int wedge)
{
    return wedge % 2 == 0;
}

} // namespace rota
