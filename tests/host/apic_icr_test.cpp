#include "core/cpu/apic_icr.h"

#include <gtest/gtest.h>

using namespace rota;

// Values checked against the SDM's field layout (vol. 3, figure 11-12) and
// against what Linux writes for the same IPIs.
TEST(ApicIcr, InitAssertLevelTriggered)
{
    Ipi init {IpiDelivery::Init, 0, 3, true, true};
    EXPECT_EQ(icr_low(init), 0x0000c500u);
    EXPECT_EQ(icr_high_xapic(init), 0x03000000u);
    EXPECT_EQ(icr_x2apic(init), 0x000000030000c500ull);
}

TEST(ApicIcr, InitDeassert)
{
    Ipi deassert {IpiDelivery::Init, 0, 3, false, true};
    EXPECT_EQ(icr_low(deassert), 0x00008500u);
}

TEST(ApicIcr, StartupCarriesThePageNumber)
{
    Ipi sipi {IpiDelivery::Startup, 0x9f, 1};
    EXPECT_EQ(icr_low(sipi), 0x0000469fu);
    EXPECT_EQ(icr_high_xapic(sipi), 0x01000000u);
}

TEST(ApicIcr, FixedBroadcastExcludingSelf)
{
    Ipi wake {IpiDelivery::Fixed, 0xf0, 0, true, false, IpiShorthand::AllExcludingSelf};
    EXPECT_EQ(icr_low(wake), 0x000c40f0u);
}

TEST(ApicIcr, X2ApicTakesAThirtyTwoBitDestination)
{
    Ipi far {IpiDelivery::Fixed, 0x40, 0x12345, true};
    EXPECT_EQ(icr_x2apic(far), 0x0001234500004040ull);
    // The xAPIC keeps only eight bits: callers must not start such CPUs in xAPIC mode.
    EXPECT_EQ(icr_high_xapic(far), 0x45000000u);
}
