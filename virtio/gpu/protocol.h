#pragma once

#include <cstddef>
#include <cstdint>

// The virtio-gpu 2D wire format, virtio 1.2 section 5.7.6 ("Device
// Operation: Request header" onwards). Little-endian, as on x86; every struct
// is static_asserted to the size the spec's C layout gives.

namespace rota::gpu {

// 5.7.3 Feature bits.
inline constexpr unsigned feature_virgl = 0;
inline constexpr unsigned feature_edid = 1;

// 5.7.4 Device configuration layout.
struct DeviceConfig {
    uint32_t events_read;
    uint32_t events_clear;
    uint32_t num_scanouts;
    uint32_t num_capsets;
};
static_assert(sizeof(DeviceConfig) == 16);

// 5.7.6.7 enum virtio_gpu_ctrl_type.
enum class CommandType : uint32_t {
    GetDisplayInfo = 0x0100,
    ResourceCreate2d = 0x0101,
    ResourceUnref = 0x0102,
    SetScanout = 0x0103,
    ResourceFlush = 0x0104,
    TransferToHost2d = 0x0105,
    ResourceAttachBacking = 0x0106,
    ResourceDetachBacking = 0x0107,
    GetCapsetInfo = 0x0108,
    GetCapset = 0x0109,
    GetEdid = 0x010a,

    // 3D commands (5.7.6.10, VIRTIO_GPU_F_VIRGL): virtio/gpu/virgl/commands_3d.h.
    CtxCreate = 0x0200,
    CtxDestroy = 0x0201,
    CtxAttachResource = 0x0202,
    CtxDetachResource = 0x0203,
    ResourceCreate3d = 0x0204,
    TransferToHost3d = 0x0205,
    TransferFromHost3d = 0x0206,
    Submit3d = 0x0207,

    OkNodata = 0x1100,
    OkDisplayInfo = 0x1101,
    OkCapsetInfo = 0x1102,
    OkCapset = 0x1103,
    OkEdid = 0x1104,

    ErrUnspec = 0x1200,
    ErrOutOfMemory = 0x1201,
    ErrInvalidScanoutId = 0x1202,
    ErrInvalidResourceId = 0x1203,
    ErrInvalidContextId = 0x1204,
    ErrInvalidParameter = 0x1205,
};

const char* command_name(CommandType type);

inline constexpr uint32_t flag_fence = 1u << 0;

// 5.7.6.8 enum virtio_gpu_formats: B8G8R8X8 is rota's pixel layout (gfx/canvas/color.h).
enum class Format : uint32_t {
    B8G8R8A8Unorm = 1,
    B8G8R8X8Unorm = 2,
    A8R8G8B8Unorm = 3,
    X8R8G8B8Unorm = 4,
    R8G8B8A8Unorm = 67,
    X8B8G8R8Unorm = 68,
    A8B8G8R8Unorm = 121,
    R8G8B8X8Unorm = 134,
};

// 5.7.6.7 struct virtio_gpu_ctrl_hdr.
struct ControlHeader {
    CommandType type;
    uint32_t flags;
    uint64_t fence_id;
    uint32_t ctx_id;
    uint8_t ring_idx;
    uint8_t padding[3];
};
static_assert(sizeof(ControlHeader) == 24);

struct WireRect {
    uint32_t x, y, width, height;
};
static_assert(sizeof(WireRect) == 16);

inline constexpr uint32_t max_scanouts = 16;

struct ResponseDisplayInfo {
    ControlHeader header;
    struct Mode {
        WireRect r;
        uint32_t enabled;
        uint32_t flags;
    } pmodes[max_scanouts];
};
static_assert(sizeof(ResponseDisplayInfo) == 24 + 16 * 24);

struct GetEdid {
    ControlHeader header;
    uint32_t scanout;
    uint32_t padding;
};
static_assert(sizeof(GetEdid) == 32);

struct ResponseEdid {
    ControlHeader header;
    uint32_t size;
    uint32_t padding;
    uint8_t edid[1024];
};
static_assert(sizeof(ResponseEdid) == 32 + 1024);

struct ResourceCreate2d {
    ControlHeader header;
    uint32_t resource_id;
    Format format;
    uint32_t width;
    uint32_t height;
};
static_assert(sizeof(ResourceCreate2d) == 40);

struct ResourceUnref {
    ControlHeader header;
    uint32_t resource_id;
    uint32_t padding;
};
static_assert(sizeof(ResourceUnref) == 32);

struct SetScanout {
    ControlHeader header;
    WireRect r;
    uint32_t scanout_id;
    uint32_t resource_id;
};
static_assert(sizeof(SetScanout) == 48);

struct ResourceFlush {
    ControlHeader header;
    WireRect r;
    uint32_t resource_id;
    uint32_t padding;
};
static_assert(sizeof(ResourceFlush) == 48);

struct TransferToHost2d {
    ControlHeader header;
    WireRect r;
    uint64_t offset; // byte offset of the rectangle's first pixel in the backing
    uint32_t resource_id;
    uint32_t padding;
};
static_assert(sizeof(TransferToHost2d) == 56);

struct MemoryEntry {
    uint64_t address;
    uint32_t length;
    uint32_t padding;
};
static_assert(sizeof(MemoryEntry) == 16);

// Followed on the wire by nr_entries MemoryEntry structs (rota always sends one:
// its backings are physically contiguous).
struct ResourceAttachBacking {
    ControlHeader header;
    uint32_t resource_id;
    uint32_t nr_entries;
};
static_assert(sizeof(ResourceAttachBacking) == 32);

struct AttachBackingOne {
    ResourceAttachBacking attach;
    MemoryEntry entry;
};
static_assert(sizeof(AttachBackingOne) == 48);

struct ResourceDetachBacking {
    ControlHeader header;
    uint32_t resource_id;
    uint32_t padding;
};
static_assert(sizeof(ResourceDetachBacking) == 32);

struct GetCapsetInfo {
    ControlHeader header;
    uint32_t capset_index;
    uint32_t padding;
};
static_assert(sizeof(GetCapsetInfo) == 32);

struct GetCapset {
    ControlHeader header;
    uint32_t capset_id;
    uint32_t capset_version;
};
static_assert(sizeof(GetCapset) == 32);

struct ResponseCapsetInfo {
    ControlHeader header;
    uint32_t capset_id;
    uint32_t capset_max_version;
    uint32_t capset_max_size;
    uint32_t padding;
};
static_assert(sizeof(ResponseCapsetInfo) == 40);

// Strong ids: a resource id and a scanout id are both small integers that the
// protocol puts side by side (SET_SCANOUT), so they must not be swappable.
struct ResourceId {
    uint32_t value;
    constexpr bool operator==(const ResourceId&) const = default;
};
struct ScanoutId {
    uint32_t value;
    constexpr bool operator==(const ScanoutId&) const = default;
};

} // namespace rota::gpu
