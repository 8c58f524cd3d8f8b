#include "core/cpu/idt.h"

#include <atomic>

#include "core/cpu/exception.h"
#include "core/cpu/gdt.h"
#include "core/cpu/local_apic.h"
#include "core/lib/assert.h"
#include "core/log/log.h"

extern "C" char isr_stubs[];
extern "C" char isr_stubs_end[];

namespace rota {

namespace {

// A 64-bit interrupt gate (Intel SDM vol. 3, figure 6-8).
struct [[gnu::packed]] IdtGate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attributes;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};
static_assert(sizeof(IdtGate) == 16);

struct [[gnu::packed]] IdtPointer {
    uint16_t limit;
    uint64_t base;
};

constexpr size_t stub_size = 16;
constexpr uint8_t present_interrupt_gate = 0x8e; // P=1, DPL=0, type 0xE

alignas(16) constinit IdtGate g_idt[256] {};
constinit std::atomic<InterruptHandler> g_handlers[256] {};
constinit std::atomic<uint64_t> g_unexpected {0};
constexpr uint64_t unexpected_lines = 8; // then only the count grows

IdtGate make_gate(uint64_t target, uint8_t ist_slot)
{
    return IdtGate {
        .offset_low = static_cast<uint16_t>(target),
        .selector = selector::kernel_code,
        .ist = ist_slot,
        .type_attributes = present_interrupt_gate,
        .offset_mid = static_cast<uint16_t>(target >> 16),
        .offset_high = static_cast<uint32_t>(target >> 32),
        .reserved = 0,
    };
}

} // namespace

void idt_init()
{
    ROTA_ASSERT(isr_stubs_end - isr_stubs == 256 * stub_size);
    for (int vector = 0; vector < 256; ++vector) {
        uint8_t ist_slot = 0;
        if (vector == 2)
            ist_slot = ist::nmi;
        else if (vector == 8)
            ist_slot = ist::double_fault;
        else if (vector == 18)
            ist_slot = ist::machine_check;
        else if (vector == 14)
            ist_slot = ist::page_fault;
        g_idt[vector]
            = make_gate(reinterpret_cast<uint64_t>(isr_stubs + vector * stub_size), ist_slot);
    }
    idt_load();
}

void idt_load()
{
    IdtPointer pointer {sizeof(g_idt) - 1, reinterpret_cast<uint64_t>(g_idt)};
    asm volatile("lidt %0" : : "m"(pointer));
}

bool idt_set_handler(uint8_t vector, InterruptHandler handler)
{
    ROTA_ASSERT(vector >= 32);
    InterruptHandler expected = nullptr;
    return g_handlers[vector].compare_exchange_strong(expected, handler);
}

extern "C" void interrupt_dispatch(InterruptFrame* frame)
{
    if (frame->vector < 32)
        handle_exception(*frame); // does not return
    uint8_t vector = uint8_t(frame->vector);
    InterruptHandler handler = g_handlers[vector].load(std::memory_order_acquire);
    if (handler != nullptr)
        handler(*frame);
    else
        idt_count_unexpected(*frame);
    // The one EOI, for every vector, after its handler: a handler acknowledges
    // its device (if it must) and leaves the local APIC to this. Only what the
    // APIC has in service gets the EOI: an EOI clears the highest ISR bit
    // whatever it is, and an interrupt the APIC did not deliver as fixed (the
    // spurious vector, an 8259's) sets none (SDM vol. 3, 11.8.5 and 11.9). An
    // ISR bit left set would mask its priority class and every lower one
    // (11.8.3), the timer's among them.
    if (local_apic_in_service(vector))
        local_apic_eoi();
}

void idt_count_unexpected(const InterruptFrame& frame)
{
    uint64_t count = g_unexpected.fetch_add(1, std::memory_order_relaxed) + 1;
    if (count <= unexpected_lines)
        klog("[cpu] unexpected interrupt vector=0x%lx rip=0x%lx eoi=%s unexpected_interrupts=%lu",
            frame.vector, frame.rip, local_apic_in_service(uint8_t(frame.vector)) ? "yes" : "no",
            count);
}

uint64_t idt_unexpected_interrupts()
{
    return g_unexpected.load(std::memory_order_relaxed);
}

} // namespace rota
