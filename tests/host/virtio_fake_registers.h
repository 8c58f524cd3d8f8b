#pragma once

// A fake modern virtio-pci device at the register level (virtio 1.2, 4.1.4):
// the common configuration structure with its select registers, reset and
// FEATURES_OK behaviour, per-queue registers, plus notification and
// device-configuration structures. Every access is logged so tests can assert
// the initialisation order (3.1.1, 4.1.5.1.3); breaches of the driver's rules
// are collected in `violations`.

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "virtio/device/features.h"
#include "virtio/transport/common_config.h"
#include "virtio/transport/register_space.h"

namespace virtio_test {

namespace vs = rota::virtio::status;

struct FakeQueueRegs {
    uint16_t max_size {0};
    uint16_t size {0};
    uint16_t msix {0};
    uint16_t enable {0};
    uint16_t notify_off {0};
    uint64_t desc {0}, driver {0}, device {0};
    unsigned halves_written {0}; // bit per 32-bit half of desc/driver/device
};

class FakeCommonConfig final : public rota::virtio::RegisterSpace {
public:
    // Device behaviour.
    uint64_t device_features {rota::virtio::feature::version_1};
    uint64_t acceptable_features {~uint64_t(0)}; // FEATURES_OK is refused for anything else
    int reset_reads_before_zero {0}; // -1: the reset never completes
    bool needs_reset_on_driver_ok {false};
    uint16_t num_queues {2};
    std::vector<FakeQueueRegs> queues {
        FakeQueueRegs {256, 256, 0, 0, 0}, FakeQueueRegs {16, 16, 0, 0, 1}};
    uint8_t generation {0};
    bool refuse_msix {false}; // answer NO_VECTOR to every MSI-X vector (4.1.5.1.2)
    uint16_t config_msix {0xffff};
    // Called on the driver's thread when it enables a queue and when a reset
    // completes (device_status reads 0 again): a fake device thread starts on
    // the rings it was given, and stops on reset, as a real device stops
    // using them (4.1.4.3.2).
    std::function<void(uint16_t index, const FakeQueueRegs& queue)> on_queue_enable;
    std::function<void()> on_reset;

    // What the driver did.
    std::vector<std::string> log;
    std::vector<std::string> violations;
    std::vector<uint8_t> status_writes;
    uint64_t driver_features {0};
    uint8_t status {0x7f}; // whatever the firmware left

    uint8_t read8(uint32_t offset) override
    {
        if (offset == rota::virtio::common_cfg::device_status.offset) {
            log.push_back("r status");
            if (m_pending_reset) {
                if (reset_reads_before_zero < 0)
                    return m_status_before_reset;
                if (reset_reads_before_zero > 0) { // counts down to 0, so later resets complete
                    --reset_reads_before_zero;
                    return m_status_before_reset;
                }
                m_pending_reset = false;
                if (on_reset)
                    on_reset();
            }
            return status;
        }
        if (offset == rota::virtio::common_cfg::config_generation.offset)
            return generation;
        return bad_access("read8", offset);
    }

    uint16_t read16(uint32_t offset) override
    {
        namespace cc = rota::virtio::common_cfg;
        if (offset == cc::num_queues.offset)
            return num_queues;
        if (offset == cc::queue_size.offset)
            return selected() ? selected()->size : 0;
        if (offset == cc::queue_enable.offset)
            return selected() ? selected()->enable : 0;
        if (offset == cc::queue_notify_off.offset)
            return selected() ? selected()->notify_off : 0;
        if (offset == cc::queue_msix_vector.offset)
            return selected() ? selected()->msix : 0;
        if (offset == cc::config_msix_vector.offset)
            return config_msix;
        return bad_access("read16", offset);
    }

    uint32_t read32(uint32_t offset) override
    {
        namespace cc = rota::virtio::common_cfg;
        if (offset == cc::device_feature.offset) {
            log.push_back("r device_feature " + std::to_string(m_device_select));
            return m_device_select < 2 ? uint32_t(device_features >> (32 * m_device_select)) : 0;
        }
        if (offset == cc::device_feature_select.offset)
            return m_device_select;
        return bad_access("read32", offset);
    }

    void write8(uint32_t offset, uint8_t value) override
    {
        if (offset != rota::virtio::common_cfg::device_status.offset) {
            bad_access("write8", offset);
            return;
        }
        log.push_back("w status " + std::to_string(value));
        status_writes.push_back(value);
        if (value == 0) {
            reset();
            return;
        }
        // 3.1.1: each step adds a bit; none is taken back short of a reset.
        if ((status & ~vs::device_needs_reset & ~value) != 0)
            violations.push_back("status write dropped bits");
        if ((value & vs::features_ok) && !(status & vs::features_ok)) {
            if ((driver_features & ~acceptable_features) != 0
                || (driver_features & ~device_features) != 0)
                value = uint8_t(value & ~vs::features_ok); // 3.1.1 step 6: refused
        }
        if ((value & vs::driver_ok) && needs_reset_on_driver_ok)
            value = uint8_t(value | vs::device_needs_reset);
        status = value;
    }

    void write16(uint32_t offset, uint16_t value) override
    {
        namespace cc = rota::virtio::common_cfg;
        if (offset == cc::queue_select.offset) {
            log.push_back("w queue_select " + std::to_string(value));
            m_queue_select = value;
            return;
        }
        if (offset == cc::config_msix_vector.offset) {
            log.push_back("w config_msix " + std::to_string(value));
            config_msix = refuse_msix ? 0xffff : value;
            return;
        }
        FakeQueueRegs* q = selected();
        if (q == nullptr) {
            violations.push_back("queue register write with no valid queue selected");
            return;
        }
        check_queue_write_allowed();
        if (offset == cc::queue_size.offset) {
            log.push_back("w queue_size " + std::to_string(value));
            if (value == 0 || (value & (value - 1)) != 0 || value > q->max_size)
                violations.push_back("bad queue_size " + std::to_string(value));
            q->size = value;
        } else if (offset == cc::queue_msix_vector.offset) {
            log.push_back("w queue_msix " + std::to_string(value));
            q->msix = refuse_msix ? 0xffff : value;
        } else if (offset == cc::queue_enable.offset) {
            log.push_back("w queue_enable " + std::to_string(value));
            if (value != 1)
                violations.push_back("queue_enable written with " + std::to_string(value));
            if (q->halves_written != 0x3f)
                violations.push_back("queue enabled before all addresses were written");
            q->enable = value;
            if (on_queue_enable)
                on_queue_enable(m_queue_select, *q);
        } else {
            bad_access("write16", offset);
        }
    }

    void write32(uint32_t offset, uint32_t value) override
    {
        namespace cc = rota::virtio::common_cfg;
        if (offset == cc::device_feature_select.offset) {
            m_device_select = value;
            log.push_back("w device_feature_select " + std::to_string(value));
            return;
        }
        if (offset == cc::driver_feature_select.offset) {
            m_driver_select = value;
            log.push_back("w driver_feature_select " + std::to_string(value));
            return;
        }
        if (offset == cc::driver_feature.offset) {
            log.push_back("w driver_feature " + std::to_string(m_driver_select));
            if (status & vs::features_ok)
                violations.push_back("driver_feature written after FEATURES_OK");
            if (m_driver_select < 2) {
                uint64_t mask = uint64_t(0xffffffff) << (32 * m_driver_select);
                driver_features
                    = (driver_features & ~mask) | (uint64_t(value) << (32 * m_driver_select));
            }
            return;
        }
        if (offset >= 0x20 && offset < 0x38) {
            FakeQueueRegs* q = selected();
            if (q == nullptr) {
                violations.push_back("queue address write with no valid queue selected");
                return;
            }
            check_queue_write_allowed();
            unsigned half = (offset - 0x20) / 4; // 0..5: desc lo/hi, driver lo/hi, device lo/hi
            if ((half & 1) && !(q->halves_written & (1u << (half - 1))))
                violations.push_back("high half written before the low half");
            q->halves_written |= 1u << half;
            uint64_t* field = half < 2 ? &q->desc : half < 4 ? &q->driver : &q->device;
            uint64_t mask = uint64_t(0xffffffff) << (32 * (half & 1));
            *field = (*field & ~mask) | (uint64_t(value) << (32 * (half & 1)));
            log.push_back("w queue_addr " + std::to_string(half));
            return;
        }
        bad_access("write32", offset);
    }

private:
    FakeQueueRegs* selected()
    {
        return m_queue_select < queues.size() ? &queues[m_queue_select] : nullptr;
    }

    void check_queue_write_allowed()
    {
        if (!(status & vs::features_ok) || (status & vs::driver_ok))
            violations.push_back("queue configured outside FEATURES_OK..DRIVER_OK");
    }

    uint8_t bad_access(const char* what, uint32_t offset)
    {
        violations.push_back(std::string(what) + " at unexpected offset " + std::to_string(offset));
        return 0;
    }

    void reset()
    {
        m_status_before_reset = status;
        m_pending_reset = true;
        status = 0;
        driver_features = 0;
        for (FakeQueueRegs& q : queues) {
            q.size = q.max_size;
            q.enable = 0;
            q.halves_written = 0;
        }
    }

    uint32_t m_device_select {0};
    uint32_t m_driver_select {0};
    uint16_t m_queue_select {0};
    bool m_pending_reset {false};
    uint8_t m_status_before_reset {0};
};

// The notification structure: records each doorbell write.
class FakeNotifyRegion final : public rota::virtio::RegisterSpace {
public:
    explicit FakeNotifyRegion(FakeCommonConfig& common)
        : m_common(common)
    {
    }
    struct Write {
        uint32_t offset;
        uint16_t value;
    };
    std::vector<Write> writes;
    std::vector<std::string> violations;

    uint8_t read8(uint32_t) override { return 0; }
    uint16_t read16(uint32_t) override { return 0; }
    uint32_t read32(uint32_t) override { return 0; }
    void write8(uint32_t, uint8_t) override { violations.push_back("8-bit doorbell"); }
    void write16(uint32_t offset, uint16_t value) override
    {
        if (!(m_common.status & vs::driver_ok))
            violations.push_back("notification before DRIVER_OK"); // 3.1.1
        writes.push_back({offset, value});
    }
    void write32(uint32_t, uint32_t) override { violations.push_back("32-bit doorbell"); }

private:
    FakeCommonConfig& m_common;
};

// Device-specific configuration bytes. Each read may bump config_generation,
// as a device changing its configuration under the driver would.
class FakeDeviceConfig final : public rota::virtio::RegisterSpace {
public:
    FakeDeviceConfig(FakeCommonConfig& common, std::vector<uint8_t> contents)
        : m_common(common)
        , bytes(std::move(contents))
    {
    }
    int generation_bumps {0}; // bump on this many reads (-1: every read)
    std::vector<std::string> accesses;

    uint8_t read8(uint32_t offset) override { return get<uint8_t>(offset); }
    uint16_t read16(uint32_t offset) override { return get<uint16_t>(offset); }
    uint32_t read32(uint32_t offset) override { return get<uint32_t>(offset); }
    void write8(uint32_t offset, uint8_t value) override { put(offset, value); }
    void write16(uint32_t offset, uint16_t value) override { put(offset, value); }
    void write32(uint32_t offset, uint32_t value) override { put(offset, value); }

private:
    // "w32 20": read or write, the width in bits, the offset. Appended piece
    // by piece: GCC 12 at -O3 reports a false -Wrestrict overlap inside
    // std::string when a literal is prepended to a temporary with operator+
    // (GCC bug 105329), which broke the Release build.
    static std::string access_text(char kind, size_t bits, uint32_t offset)
    {
        std::string text(1, kind);
        text += std::to_string(bits);
        text += ' ';
        text += std::to_string(offset);
        return text;
    }

    template<class T>
    T get(uint32_t offset)
    {
        accesses.push_back(access_text('r', 8 * sizeof(T), offset));
        if (generation_bumps != 0) {
            ++m_common.generation;
            if (generation_bumps > 0)
                --generation_bumps;
        }
        T value;
        std::memcpy(&value, bytes.data() + offset, sizeof(T));
        return value;
    }
    template<class T>
    void put(uint32_t offset, T value)
    {
        accesses.push_back(access_text('w', 8 * sizeof(T), offset));
        std::memcpy(bytes.data() + offset, &value, sizeof(T));
    }

    FakeCommonConfig& m_common;

public:
    std::vector<uint8_t> bytes;
};

} // namespace virtio_test
