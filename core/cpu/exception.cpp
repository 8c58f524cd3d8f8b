#include "core/cpu/exception.h"

#include "core/cpu/cpu_local.h"
#include "core/cpu/page_fault.h"
#include "core/cpu/panic_stop.h"
#include "core/cpu/x86.h"
#include "core/lib/format.h"
#include "core/log/log.h"

namespace rota {

namespace {

constinit KernelImageLayout g_image {};

constexpr uint64_t vector_double_fault = 8;
constexpr uint64_t vector_page_fault = 14;

const char* exception_name(uint64_t vector)
{
    static constexpr const char* names[32] = {"#DE divide-error", "#DB debug", "NMI",
        "#BP breakpoint", "#OF overflow", "#BR bound-range", "#UD invalid-opcode",
        "#NM device-not-available", "#DF double-fault", "coprocessor-segment-overrun",
        "#TS invalid-tss", "#NP segment-not-present", "#SS stack-fault", "#GP general-protection",
        "#PF page-fault", "reserved-15", "#MF x87-fpu-error", "#AC alignment-check",
        "#MC machine-check", "#XM simd-exception", "#VE virtualization", "#CP control-protection",
        "reserved-22", "reserved-23", "reserved-24", "reserved-25", "reserved-26", "reserved-27",
        "#HV hypervisor-injection", "#VC vmm-communication", "#SX security", "reserved-31"};
    return vector < 32 ? names[vector] : "interrupt";
}

uint64_t image_offset(uint64_t address)
{
    return address >= g_image.base ? address - g_image.base : 0;
}

// This CPU's stacks, from its per-CPU block (nothing before there is one).
FaultContext fault_context()
{
    FaultContext context {};
    context.cpu = current_cpu_index();
    context.image = g_image;
    if (!g_per_cpu_ready)
        return context;
    StackBounds stack = current_cpu_stack();
    context.kernel_stack = {stack.bottom, stack.top};
    for (uint32_t i = 0; i < ist::count; ++i) {
        uint32_t offset = cpu_local_offset::ist_stacks + i * cpu_local_offset::ist_stack_stride;
        context.ist_stacks[i] = {cpu_local_read64(offset), cpu_local_read64(offset + 8)};
    }
    return context;
}

// A page fault says what it was in words first. So does a double fault whose
// CR2 is a stack guard: the CPU could not push the page fault's frame.
void describe_fault(const InterruptFrame& f)
{
    if (f.vector != vector_page_fault && f.vector != vector_double_fault)
        return;
    uint64_t address = x86::read_cr2();
    FaultContext context = fault_context();
    PageFaultError error = PageFaultError::decode(f.error_code);
    PageFaultReport report = classify_page_fault(address, error, context);
    if (f.vector == vector_double_fault && report.kind != PageFaultKind::StackOverflow)
        return;
    char line[200];
    describe_page_fault(report, address, error, f.rip, f.rsp, context, line, sizeof line);
    panic_log("[panic] %s", line);
}

} // namespace

void exception_set_context(const KernelImageLayout& image)
{
    g_image = image;
}

void handle_exception(const InterruptFrame& f)
{
    x86::cli();
    switch (panic_begin(current_cpu_index())) {
    case PanicRole::Report:
        break;
    case PanicRole::Stopped:
        // Another CPU is reporting (its NMI brought this one here): halt.
        x86::halt_forever();
    case PanicRole::Nested:
        // A fault while reporting a fault: say so in one line and stop, rather
        // than recursing until the stack is gone.
        panic_log("[panic] nested cpu exception vector=%lu rip=0x%016lx while reporting", f.vector,
            f.rip);
        panic_log("[panic] halted");
        x86::halt_forever();
    }

    describe_fault(f);
    panic_log("[panic] cpu exception vector=%lu (%s) error=0x%lx cpu=%u", f.vector,
        exception_name(f.vector), f.error_code, current_cpu_index());
    panic_log("[panic] rip=0x%016lx (rota+0x%lx) cs=0x%lx rflags=0x%016lx rsp=0x%016lx ss=0x%lx",
        f.rip, image_offset(f.rip), f.cs, f.rflags, f.rsp, f.ss);
    panic_log("[panic] cr0=0x%016lx cr2=0x%016lx cr3=0x%016lx cr4=0x%016lx", x86::read_cr0(),
        x86::read_cr2(), x86::read_cr3(), x86::read_cr4());
    panic_log(
        "[panic] rax=0x%016lx rbx=0x%016lx rcx=0x%016lx rdx=0x%016lx", f.rax, f.rbx, f.rcx, f.rdx);
    panic_log(
        "[panic] rsi=0x%016lx rdi=0x%016lx rbp=0x%016lx r8=0x%016lx", f.rsi, f.rdi, f.rbp, f.r8);
    panic_log(
        "[panic] r9=0x%016lx r10=0x%016lx r11=0x%016lx r12=0x%016lx", f.r9, f.r10, f.r11, f.r12);
    panic_log("[panic] r13=0x%016lx r14=0x%016lx r15=0x%016lx", f.r13, f.r14, f.r15);

    // The trace starts at the faulting instruction, then the return addresses;
    // a few per line so no line outgrows the log's line length.
    uint64_t addresses[17];
    addresses[0] = f.rip;
    int count = 1 + walk_frame_pointers(f.rbp, current_cpu_stack(), addresses + 1, 16);
    for (int first = 0; first < count; first += 4) {
        char line[200];
        size_t length = format(line, sizeof line, "[panic] stack:");
        for (int i = first; i < count && i < first + 4; ++i) {
            length += format(line + length, sizeof line - length, " #%d 0x%lx(rota+0x%lx)", i,
                addresses[i], image_offset(addresses[i]));
        }
        panic_log("%s", line);
    }
    panic_log("[panic] halted");
    x86::halt_forever();
}

} // namespace rota
