#pragma once

#include <cstdint>

namespace rota {

// `debug=` switches, for tests that must provoke what a healthy boot never does.
enum DebugFlag : uint32_t {
    DebugFaultPageFault = 1u << 0,
    DebugFaultInvalidOpcode = 1u << 1,
    DebugFaultGeneralProtection = 1u << 2,
    DebugFaultDivide = 1u << 3,
    DebugSmpSelftest = 1u << 4,
    DebugBlkSelftest = 1u << 5,
    DebugDumpAcpi = 1u << 6, // hex-dump every ACPI table (to capture test fixtures)
    DebugDumpPci = 1u << 7, // hex-dump every PCI function's configuration space
    DebugGpuCopy
    = 1u << 8, // virtio-gpu: draw into a private buffer and copy the damage (for comparison)
    DebugTestScene = 1u << 9, // show the display test scene instead of the roulette
    DebugFullPresent = 1u << 10, // present the whole screen every frame (benchmark baseline)
    DebugFrameTimes = 1u << 11, // a "[frametime] n= ms=" line per frame (benchmark plots)
    DebugGpuFault = 1u << 13, // virtio-gpu: send a bad command at frame 30 (tests the fail-over)
    DebugPresentOnly
    = 1u << 14, // after the first frame, present the same damage without drawing (device ceiling)
    DebugGpuFaultSetup = 1u << 15, // virtio-gpu: fail the display setup after SET_SCANOUT
    DebugJournalTest = 1u << 12, // append a few made-up spins to the journal at boot (tests)
    DebugFaultStackOverflow = 1u << 24, // recurse without bound: the stack's guard page faults
    DebugFaultNull = 1u << 25, // read through a null pointer (page 0 is not mapped)
    DebugFaultWriteText = 1u << 26, // write to the kernel's own code (read-only)
    DebugFaultExecData = 1u << 27, // jump into the kernel's data (no-execute)
    DebugFaultOnAp = 1u << 28, // run the fault-* keys on the last CPU started, not the boot CPU
    DebugDumpMemoryMap = 1u << 29, // hex-dump the UEFI memory map and memory attributes table
    DebugVirglFault = 1u << 20, // virgl: send a shader the host rejects at frame 30 (fail-over)
    DebugDumpCapset = 1u << 21, // hex-dump the virgl capset the device returns (test fixtures)
    DebugVirglNoFlush = 1u << 22, // virgl: no RESOURCE_FLUSH, so no display copy (measurements)
    DebugStrayIrq = 1u << 23, // a self-IPI on a vector with no handler, then a nap (tests)
};

} // namespace rota
