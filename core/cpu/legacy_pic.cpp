#include "core/cpu/legacy_pic.h"

#include "core/cpu/x86.h"

namespace rota {

void mask_legacy_pic()
{
    // OCW1 to both interrupt mask registers: every line masked. Harmless on
    // machines without 8259s (the ports float).
    x86::outb(0x21, 0xff);
    x86::outb(0xa1, 0xff);
}

} // namespace rota
