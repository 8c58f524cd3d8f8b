#include "core/cpu/page_fault.h"

#include <gtest/gtest.h>

#include <string>

#include "core/cpu/panic_stop.h"

using rota::FaultContext;
using rota::PageFaultError;
using rota::PageFaultKind;
using rota::StackRegion;

namespace {

// A CPU with its kernel stack at 0x200000-0x210000 (guard at 0x1ff000), IST
// stacks above it, and an image at 0x1000000 laid out as rota.lds does.
FaultContext context()
{
    FaultContext c;
    c.cpu = 2;
    c.kernel_stack = {0x200000, 0x210000};
    for (uint64_t i = 0; i < rota::ist::count; ++i)
        c.ist_stacks[i] = {0x300000 + i * 0x10000, 0x304000 + i * 0x10000};
    c.image
        = {0x1000000, 0x1060000, 0x1002000, 0x1030000, 0x1030000, 0x1040000, 0x1040000, 0x1058000};
    return c;
}

// Error codes as the CPU pushes them (Intel SDM vol. 3A, figure 4-12).
constexpr uint64_t not_present_read = 0x0;
constexpr uint64_t not_present_write = 0x2;
constexpr uint64_t protection_write = 0x3;
constexpr uint64_t protection_fetch = 0x11;
constexpr uint64_t reserved_read = 0x9;

std::string describe(uint64_t address, uint64_t code, uint64_t rip = 0x1010000, uint64_t rsp = 0)
{
    FaultContext c = context();
    PageFaultError error = PageFaultError::decode(code);
    auto report = rota::classify_page_fault(address, error, c);
    char line[200];
    rota::describe_page_fault(report, address, error, rip, rsp, c, line, sizeof line);
    return line;
}

PageFaultKind kind(uint64_t address, uint64_t code)
{
    return rota::classify_page_fault(address, PageFaultError::decode(code), context()).kind;
}

TEST(PageFault, DecodesTheErrorCode)
{
    auto e = PageFaultError::decode(0x1f);
    EXPECT_TRUE(e.present && e.write && e.user && e.reserved_bit && e.instruction_fetch);
    auto none = PageFaultError::decode(0);
    EXPECT_FALSE(
        none.present || none.write || none.user || none.reserved_bit || none.instruction_fetch);
    EXPECT_TRUE(PageFaultError::decode(0x10).instruction_fetch);
    EXPECT_FALSE(PageFaultError::decode(0x10).present);
}

TEST(PageFault, AGuardPageIsAStackOverflowWhateverTheAccess)
{
    EXPECT_EQ(kind(0x1ff000, not_present_write), PageFaultKind::StackOverflow);
    EXPECT_EQ(kind(0x1fffff, not_present_read), PageFaultKind::StackOverflow);
    EXPECT_EQ(kind(0x200000, not_present_write), PageFaultKind::NotMapped); // the stack itself
    EXPECT_EQ(kind(0x1fefff, not_present_write), PageFaultKind::NotMapped); // below the guard
    EXPECT_EQ(describe(0x1ffe80, not_present_write, 0x1010000, 0x1ffe80),
        "stack overflow on cpu 2: the kernel stack 0x200000-0x210000 ran into its guard page at "
        "0x1ff000 (rsp=0x1ffe80)");
    // The IST stacks have guards too, named by what they are for.
    EXPECT_EQ(describe(0x30f000 + 0x10, not_present_write, 0, 0x30f010),
        "stack overflow on cpu 2: the NMI stack 0x310000-0x314000 ran into its guard page at "
        "0x30f000 (rsp=0x30f010)");
    EXPECT_NE(describe(0x32f000, not_present_write).find("the page-fault stack 0x330000-0x334000"),
        std::string::npos);
}

TEST(PageFault, NamesNullPointersByTheirAccess)
{
    EXPECT_EQ(describe(0x8, not_present_read, 0x1010abc),
        "null pointer read on cpu 2: address=0x8 rip=0x1010abc (rota+0x10abc)");
    EXPECT_EQ(describe(0xff8, not_present_write).rfind("null pointer write on cpu 2", 0), 0u);
    EXPECT_EQ(describe(0x0, 0x10).rfind("null pointer call on cpu 2", 0), 0u);
    EXPECT_EQ(kind(0x1000, not_present_read), PageFaultKind::NotMapped);
}

TEST(PageFault, AWriteToTextAndAJumpIntoDataAreProtectionFaults)
{
    EXPECT_EQ(describe(0x1002040, protection_write, 0x1005000),
        "write to read-only kernel text on cpu 2: address=0x1002040 (rota+0x2040) rip=0x1005000 "
        "(rota+0x5000)");
    EXPECT_EQ(
        describe(0x1031000, protection_write).rfind("write to read-only kernel read-only data", 0),
        0u);
    EXPECT_EQ(describe(0x1041000, protection_fetch),
        "jump into no-execute kernel data on cpu 2: address=0x1041000 (rota+0x41000)");
    EXPECT_EQ(
        describe(0x208000, protection_fetch).rfind("jump into no-execute kernel stack", 0), 0u);
    EXPECT_EQ(describe(0x5000000, protection_fetch).rfind("jump into no-execute memory", 0), 0u);
}

TEST(PageFault, UnmappedAndReservedBitFaultsSayWhatHappened)
{
    EXPECT_EQ(describe(0xffff8000deadb000, not_present_write),
        "page fault on cpu 2: write of unmapped address 0xffff8000deadb000");
    EXPECT_EQ(describe(0x5000000, reserved_read),
        "page fault on cpu 2: a page-table entry for 0x5000000 sets a reserved bit");
    // A protection fault on a read: present but not readable cannot happen on
    // x86-64 in supervisor mode, so it is reported plainly.
    EXPECT_EQ(kind(0x5000000, 0x1), PageFaultKind::Other);
}

TEST(PageFault, BeforePerCpuDataThereAreNoStacksToBlame)
{
    FaultContext c {};
    c.image = context().image;
    auto report = rota::classify_page_fault(0xff000, PageFaultError::decode(2), c);
    EXPECT_EQ(report.kind, PageFaultKind::NotMapped);
}

} // namespace

namespace {

int g_stops = 0;

// One process-wide claim: the first panic reports (stopping the others once),
// the same CPU again is nested, any other CPU is stopped.
TEST(PanicStop, TheFirstCpuReportsAndStopsTheOthersOnce)
{
    rota::panic_set_stop_other_cpus([] { ++g_stops; });
    EXPECT_EQ(rota::panic_begin(3), rota::PanicRole::Report);
    EXPECT_EQ(g_stops, 1);
    EXPECT_EQ(rota::panic_begin(3), rota::PanicRole::Nested);
    EXPECT_EQ(rota::panic_begin(0), rota::PanicRole::Stopped);
    EXPECT_EQ(rota::panic_begin(1), rota::PanicRole::Stopped);
    EXPECT_EQ(g_stops, 1);
}

} // namespace
