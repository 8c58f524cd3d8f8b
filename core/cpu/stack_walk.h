#pragma once

#include <cstdint>

// Stack traces by frame pointers: the kernel is built with
// -fno-omit-frame-pointer, so every frame starts with [saved rbp][return address].

namespace rota {

struct StackBounds {
    uint64_t bottom;
    uint64_t top;
};

// Follows the saved-rbp chain from `rbp` within `bounds`, writing at most
// `capacity` return addresses; stops at anything that is not a well-formed
// frame (misaligned, outside the stack, not strictly ascending). Pure logic.
int walk_frame_pointers(uint64_t rbp, StackBounds bounds, uint64_t* return_addresses, int capacity);

} // namespace rota
