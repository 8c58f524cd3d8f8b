#pragma once

// One virtio-pci device for a driver under test: the fake common
// configuration, notification and device-configuration structures of
// virtio_fake_registers.h behind the real PciTransport, with the DMA allocator
// and the sink the driver is given. The structures sit where QEMU puts them
// in a modern function's BAR (the captures in tests/fixtures/virtio/): common
// configuration at 0, device configuration at 0x2000, notifications at 0x3000
// with a multiplier of 4.

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/recording_sink.h"
#include "virtio/device/features.h"
#include "virtio/transport/pci_transport.h"
#include "virtio_fake_registers.h"
#include "virtio_host_support.h"

namespace virtio_test {

inline rota::virtio::VirtioPciLayout rig_layout()
{
    rota::virtio::VirtioPciLayout l;
    l.common = {rota::PhysAddr(0xfe000000), 0x1000};
    l.device = {rota::PhysAddr(0xfe002000), 0x1000};
    l.notify = {rota::PhysAddr(0xfe003000), 0x1000};
    l.notify_off_multiplier = 4;
    return l;
}

struct VirtioPciRig {
    VirtioPciRig()
        : notify(common)
        , config(common, std::vector<uint8_t>(0x1000, 0))
        , transport(rig_layout(), common, notify, nullptr, &config)
    {
    }

    template<class T>
    void put_config(uint32_t offset, T value)
    {
        std::memcpy(config.bytes.data() + offset, &value, sizeof value);
    }

    // No ring may be freed while its queue is enabled: until a reset
    // completes the device may read and write it (virtio 1.2, 4.1.4.3.2).
    void require_reset_before_free()
    {
        allocator.on_free = [this](const rota::DmaBuffer& buffer) {
            uint64_t start = buffer.phys.get();
            for (const FakeQueueRegs& q : common.queues) {
                for (uint64_t area : {q.desc, q.driver, q.device}) {
                    bool inside = area >= start && area < start + buffer.bytes;
                    EXPECT_FALSE(q.enable != 0 && inside)
                        << "ring at 0x" << std::hex << area << " freed while its queue is enabled";
                }
            }
        };
    }

    std::vector<std::string> register_violations() const
    {
        std::vector<std::string> all = common.violations;
        all.insert(all.end(), notify.violations.begin(), notify.violations.end());
        return all;
    }

    HostDmaAllocator allocator; // first: outlives every device built on the rig
    FakeCommonConfig common;
    FakeNotifyRegion notify;
    FakeDeviceConfig config;
    rota::virtio::PciTransport transport;
    rota_test::RecordingSink sink;
};

} // namespace virtio_test
