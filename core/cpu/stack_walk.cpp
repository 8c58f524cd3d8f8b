#include "core/cpu/stack_walk.h"

namespace rota {

int walk_frame_pointers(uint64_t rbp, StackBounds bounds, uint64_t* return_addresses, int capacity)
{
    int count = 0;
    uint64_t previous = 0;
    if (bounds.top < bounds.bottom + 16)
        return 0; // no stack known (or an empty one): no trace
    while (count < capacity) {
        // A frame is [saved rbp][return address]: both words must be on the stack.
        if (rbp % 8 != 0 || rbp < bounds.bottom || rbp > bounds.top - 16 || rbp <= previous)
            break;
        auto* frame = reinterpret_cast<const uint64_t*>(rbp);
        if (frame[1] == 0)
            break;
        return_addresses[count++] = frame[1];
        previous = rbp;
        rbp = frame[0];
    }
    return count;
}

} // namespace rota
