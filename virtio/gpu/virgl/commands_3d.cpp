#include "virtio/gpu/virgl/commands_3d.h"

#include "virtio/gpu/commands.h"

namespace rota::gpu {

namespace {

ControlHeader context_header(CommandType type, ContextId context)
{
    ControlHeader header = make_header(type);
    header.ctx_id = context.value;
    return header;
}

} // namespace

CtxCreate make_ctx_create(ContextId context, StringView debug_name)
{
    CtxCreate create {};
    create.header = context_header(CommandType::CtxCreate, context);
    size_t length = debug_name.size() < sizeof create.debug_name ? debug_name.size()
                                                                 : sizeof create.debug_name;
    for (size_t i = 0; i < length; ++i)
        create.debug_name[i] = debug_name[i];
    create.nlen = uint32_t(length);
    return create;
}

CtxResource make_ctx_attach_resource(ContextId context, ResourceId resource)
{
    return {context_header(CommandType::CtxAttachResource, context), resource.value, 0};
}

ResourceCreate3d make_resource_create_3d(ResourceId resource, const Resource3dDesc& desc)
{
    ResourceCreate3d create {};
    create.header = make_header(CommandType::ResourceCreate3d);
    create.resource_id = resource.value;
    create.target = uint32_t(desc.target);
    create.format = uint32_t(desc.format);
    create.bind = desc.bind;
    create.width = desc.width;
    create.height = desc.height;
    create.depth = 1;
    create.array_size = 1;
    create.last_level = 0;
    create.nr_samples = 0;
    create.flags = desc.flags;
    return create;
}

Transfer3d make_transfer_3d(
    CommandType type, ContextId context, ResourceId resource, Rect rect, uint32_t stride)
{
    Transfer3d transfer {};
    transfer.header = context_header(type, context);
    transfer.box
        = {uint32_t(rect.x), uint32_t(rect.y), 0, uint32_t(rect.width), uint32_t(rect.height), 1};
    transfer.offset = uint64_t(rect.y) * stride + uint64_t(rect.x) * 4;
    transfer.resource_id = resource.value;
    transfer.level = 0;
    transfer.stride = stride;
    transfer.layer_stride = 0;
    return transfer;
}

Submit3d make_submit_3d(ContextId context, uint32_t bytes)
{
    return {context_header(CommandType::Submit3d, context), bytes, 0};
}

} // namespace rota::gpu
