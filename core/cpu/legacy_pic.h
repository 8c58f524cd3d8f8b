#pragma once

// The two 8259 interrupt controllers of the PC/AT. rota uses the local APIC
// only; the 8259s are masked so that none of their interrupts (the firmware
// programmed them) reaches a vector rota does not expect.

namespace rota {

void mask_legacy_pic();

} // namespace rota
