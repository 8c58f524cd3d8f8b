#pragma once

#include <cstddef>
#include <cstdint>

#include "core/cpu/io_space.h"

// The common configuration structure of the modern virtio-pci transport
// (virtio 1.2, 4.1.4.3), as typed registers. All fields are little-endian, as
// x86 is. 64-bit fields are accessed as two 32-bit halves, low half first,
// which 4.1.3.1 allows and which every device must accept.

namespace rota::virtio {

// struct virtio_pci_common_cfg (4.1.4.3), only to check the offsets below.
struct [[gnu::packed]] VirtioPciCommonCfg {
    uint32_t device_feature_select;
    uint32_t device_feature;
    uint32_t driver_feature_select;
    uint32_t driver_feature;
    uint16_t config_msix_vector;
    uint16_t num_queues;
    uint8_t device_status;
    uint8_t config_generation;
    uint16_t queue_select;
    uint16_t queue_size;
    uint16_t queue_msix_vector;
    uint16_t queue_enable;
    uint16_t queue_notify_off;
    uint64_t queue_desc;
    uint64_t queue_driver;
    uint64_t queue_device;
};
static_assert(sizeof(VirtioPciCommonCfg) == 0x38);

struct SplitRegister64 {
    Register<uint32_t> low;
    Register<uint32_t> high;
};

namespace common_cfg {

inline constexpr Register<uint32_t> device_feature_select {0x00};
inline constexpr Register<uint32_t> device_feature {0x04};
inline constexpr Register<uint32_t> driver_feature_select {0x08};
inline constexpr Register<uint32_t> driver_feature {0x0c};
inline constexpr Register<uint16_t> config_msix_vector {0x10};
inline constexpr Register<uint16_t> num_queues {0x12};
inline constexpr Register<uint8_t> device_status {0x14};
inline constexpr Register<uint8_t> config_generation {0x15};
inline constexpr Register<uint16_t> queue_select {0x16};
inline constexpr Register<uint16_t> queue_size {0x18};
inline constexpr Register<uint16_t> queue_msix_vector {0x1a};
inline constexpr Register<uint16_t> queue_enable {0x1c};
inline constexpr Register<uint16_t> queue_notify_off {0x1e};

static_assert(offsetof(VirtioPciCommonCfg, device_feature_select) == device_feature_select.offset);
static_assert(offsetof(VirtioPciCommonCfg, device_feature) == device_feature.offset);
static_assert(offsetof(VirtioPciCommonCfg, driver_feature_select) == driver_feature_select.offset);
static_assert(offsetof(VirtioPciCommonCfg, driver_feature) == driver_feature.offset);
static_assert(offsetof(VirtioPciCommonCfg, config_msix_vector) == config_msix_vector.offset);
static_assert(offsetof(VirtioPciCommonCfg, num_queues) == num_queues.offset);
static_assert(offsetof(VirtioPciCommonCfg, device_status) == device_status.offset);
static_assert(offsetof(VirtioPciCommonCfg, config_generation) == config_generation.offset);
static_assert(offsetof(VirtioPciCommonCfg, queue_select) == queue_select.offset);
static_assert(offsetof(VirtioPciCommonCfg, queue_size) == queue_size.offset);
static_assert(offsetof(VirtioPciCommonCfg, queue_msix_vector) == queue_msix_vector.offset);
static_assert(offsetof(VirtioPciCommonCfg, queue_enable) == queue_enable.offset);
static_assert(offsetof(VirtioPciCommonCfg, queue_notify_off) == queue_notify_off.offset);

inline constexpr SplitRegister64 queue_desc {{0x20}, {0x24}};
inline constexpr SplitRegister64 queue_driver {{0x28}, {0x2c}};
inline constexpr SplitRegister64 queue_device {{0x30}, {0x34}};
static_assert(offsetof(VirtioPciCommonCfg, queue_desc) == 0x20);
static_assert(offsetof(VirtioPciCommonCfg, queue_driver) == 0x28);
static_assert(offsetof(VirtioPciCommonCfg, queue_device) == 0x30);

// 4.1.5.1.2: the MSI-X "no vector" value. rota polls and asks for no interrupts.
inline constexpr uint16_t no_msix_vector = 0xffff;

} // namespace common_cfg

} // namespace rota::virtio
