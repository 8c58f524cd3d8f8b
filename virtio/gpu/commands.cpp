#include "virtio/gpu/commands.h"

#include <cstring>

namespace rota::gpu {

namespace {

WireRect wire(Rect rect)
{
    return {static_cast<uint32_t>(rect.x), static_cast<uint32_t>(rect.y),
        static_cast<uint32_t>(rect.width), static_cast<uint32_t>(rect.height)};
}

} // namespace

const char* command_name(CommandType type)
{
    switch (type) {
    case CommandType::GetDisplayInfo:
        return "GET_DISPLAY_INFO";
    case CommandType::ResourceCreate2d:
        return "RESOURCE_CREATE_2D";
    case CommandType::ResourceUnref:
        return "RESOURCE_UNREF";
    case CommandType::SetScanout:
        return "SET_SCANOUT";
    case CommandType::ResourceFlush:
        return "RESOURCE_FLUSH";
    case CommandType::TransferToHost2d:
        return "TRANSFER_TO_HOST_2D";
    case CommandType::ResourceAttachBacking:
        return "RESOURCE_ATTACH_BACKING";
    case CommandType::ResourceDetachBacking:
        return "RESOURCE_DETACH_BACKING";
    case CommandType::GetCapsetInfo:
        return "GET_CAPSET_INFO";
    case CommandType::GetCapset:
        return "GET_CAPSET";
    case CommandType::GetEdid:
        return "GET_EDID";
    case CommandType::CtxCreate:
        return "CTX_CREATE";
    case CommandType::CtxDestroy:
        return "CTX_DESTROY";
    case CommandType::CtxAttachResource:
        return "CTX_ATTACH_RESOURCE";
    case CommandType::CtxDetachResource:
        return "CTX_DETACH_RESOURCE";
    case CommandType::ResourceCreate3d:
        return "RESOURCE_CREATE_3D";
    case CommandType::TransferToHost3d:
        return "TRANSFER_TO_HOST_3D";
    case CommandType::TransferFromHost3d:
        return "TRANSFER_FROM_HOST_3D";
    case CommandType::Submit3d:
        return "SUBMIT_3D";
    case CommandType::OkNodata:
        return "OK_NODATA";
    case CommandType::OkDisplayInfo:
        return "OK_DISPLAY_INFO";
    case CommandType::OkCapsetInfo:
        return "OK_CAPSET_INFO";
    case CommandType::OkCapset:
        return "OK_CAPSET";
    case CommandType::OkEdid:
        return "OK_EDID";
    case CommandType::ErrUnspec:
        return "ERR_UNSPEC";
    case CommandType::ErrOutOfMemory:
        return "ERR_OUT_OF_MEMORY";
    case CommandType::ErrInvalidScanoutId:
        return "ERR_INVALID_SCANOUT_ID";
    case CommandType::ErrInvalidResourceId:
        return "ERR_INVALID_RESOURCE_ID";
    case CommandType::ErrInvalidContextId:
        return "ERR_INVALID_CONTEXT_ID";
    case CommandType::ErrInvalidParameter:
        return "ERR_INVALID_PARAMETER";
    }
    return "UNKNOWN";
}

ControlHeader make_header(CommandType type)
{
    ControlHeader header {};
    header.type = type;
    return header;
}

ControlHeader make_fenced_header(CommandType type, uint64_t fence_id)
{
    ControlHeader header = make_header(type);
    header.flags = flag_fence;
    header.fence_id = fence_id;
    return header;
}

ResourceCreate2d make_resource_create_2d(
    ResourceId id, Format format, uint32_t width, uint32_t height)
{
    return {make_header(CommandType::ResourceCreate2d), id.value, format, width, height};
}

AttachBackingOne make_attach_backing(ResourceId id, PhysAddr address, uint32_t length)
{
    return {
        {make_header(CommandType::ResourceAttachBacking), id.value, 1}, {address.get(), length, 0}};
}

ResourceDetachBacking make_detach_backing(ResourceId id)
{
    return {make_header(CommandType::ResourceDetachBacking), id.value, 0};
}

ResourceUnref make_resource_unref(ResourceId id)
{
    return {make_header(CommandType::ResourceUnref), id.value, 0};
}

SetScanout make_set_scanout(ScanoutId scanout, ResourceId id, Rect rect)
{
    return {make_header(CommandType::SetScanout), wire(rect), scanout.value, id.value};
}

TransferToHost2d make_transfer_to_host_2d(ResourceId id, Rect rect, uint32_t stride)
{
    uint64_t offset = static_cast<uint64_t>(rect.y) * stride + static_cast<uint64_t>(rect.x) * 4;
    return {make_header(CommandType::TransferToHost2d), wire(rect), offset, id.value, 0};
}

ResourceFlush make_resource_flush(ResourceId id, Rect rect)
{
    return {make_header(CommandType::ResourceFlush), wire(rect), id.value, 0};
}

GetEdid make_get_edid(ScanoutId scanout)
{
    return {make_header(CommandType::GetEdid), scanout.value, 0};
}

GetCapsetInfo make_get_capset_info(uint32_t index)
{
    return {make_header(CommandType::GetCapsetInfo), index, 0};
}

GetCapset make_get_capset(uint32_t capset_id, uint32_t version)
{
    return {make_header(CommandType::GetCapset), capset_id, version};
}

Expected<void> check_response(std::span<const uint8_t> response, size_t written,
    CommandType expected, size_t expected_size, CommandType* type)
{
    if (written < sizeof(ControlHeader) || response.size() < sizeof(ControlHeader))
        return make_error(Error::DeviceError);
    ControlHeader header;
    memcpy(&header, response.data(), sizeof header);
    if (type != nullptr)
        *type = header.type;
    if (header.type != expected || written < expected_size)
        return make_error(Error::DeviceError);
    return {};
}

size_t plan_transfers(std::span<const Rect> damage, uint32_t width, uint32_t height, ResourceId id,
    std::span<TransferToHost2d> out)
{
    uint32_t stride = width * 4;
    size_t count = 0;
    auto emit = [&](Rect rect) {
        if (!rect.empty() && count < out.size())
            out[count++] = make_transfer_to_host_2d(id, rect, stride);
    };
    for (const Rect& rect : damage) {
        bool whole_image_copy
            = rect.x == 0 && rect.y == 0 && static_cast<uint32_t>(rect.width) == width;
        if (whole_image_copy && static_cast<uint32_t>(rect.height) < height && width >= 2) {
            int32_t half = rect.width / 2;
            emit({0, 0, half, rect.height});
            emit({half, 0, rect.width - half, rect.height});
        } else {
            emit(rect);
        }
    }
    return count;
}

std::optional<ScanoutChoice> choose_scanout(
    const ResponseDisplayInfo& info, std::optional<DisplayMode> wanted)
{
    for (uint32_t i = 0; i < max_scanouts; ++i) {
        const auto& mode = info.pmodes[i];
        if (mode.enabled == 0)
            continue;
        if (wanted.has_value())
            return ScanoutChoice {{i}, *wanted};
        if (mode.r.width >= 16 && mode.r.height >= 16)
            return ScanoutChoice {{i}, {mode.r.width, mode.r.height}};
    }
    if (wanted.has_value())
        return ScanoutChoice {{0}, *wanted};
    return std::nullopt;
}

} // namespace rota::gpu
