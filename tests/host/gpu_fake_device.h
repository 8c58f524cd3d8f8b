#pragma once

// The device side of virtio-gpu's control queue (virtio 1.2, 5.7.6) for the
// fake queue device of virtio_fake_device.h: it parses each command as QEMU's
// hw/display/virtio-gpu.c does, checks it against what a driver must send,
// keeps 2D resources with their backing and copies pixels on
// TRANSFER_TO_HOST_2D, and answers with the response QEMU would give (an
// unknown resource is ERR_INVALID_RESOURCE_ID). Problems in requests go to
// `errors`; the test's knobs (a forced answer type, a short answer) make it
// misbehave.

#include <atomic>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "virtio/gpu/protocol.h"
#include "virtio/gpu/virgl/commands_3d.h"
#include "virtio_fake_device.h"

namespace gpu_test {

using rota::gpu::CommandType;

class FakeGpu {
public:
    struct Scanout {
        uint32_t width, height;
        bool enabled;
    };
    struct Capset {
        uint32_t id, max_version, max_size;
    };
    struct Resource {
        uint32_t width {0}, height {0};
        uint64_t backing {0};
        uint32_t backing_bytes {0};
        std::vector<uint32_t> pixels; // the host side, as QEMU's pixman image
    };

    virtio_test::FakeHandler handler()
    {
        return [this](virtio_test::FakeRequest& request) { return handle(request); };
    }

    std::vector<std::string> errors()
    {
        std::lock_guard lock(m_mutex);
        return m_errors;
    }
    // Read by the test only while nothing is in flight.
    std::optional<Resource> resource(uint32_t id)
    {
        std::lock_guard lock(m_mutex);
        auto it = m_resources.find(id);
        if (it == m_resources.end())
            return std::nullopt;
        return it->second;
    }
    int count(CommandType type)
    {
        std::lock_guard lock(m_mutex);
        return m_counts[type];
    }
    std::vector<uint64_t> fences()
    {
        std::lock_guard lock(m_mutex);
        return m_fences;
    }
    // The command streams SUBMIT_3D brought, in order.
    std::vector<std::vector<uint8_t>> submissions()
    {
        std::lock_guard lock(m_mutex);
        return m_submissions;
    }

    // The device, set before it starts answering.
    std::vector<Scanout> scanouts {{1280, 800, true}};
    std::vector<uint8_t> edid;
    std::vector<Capset> capsets {{1, 1, 308}, {2, 2, 1060}};
    std::map<uint32_t, std::vector<uint8_t>> capset_data; // GET_CAPSET's answer, by id
    std::map<CommandType, CommandType> answer_with; // this answer type for that command
    std::map<CommandType, uint32_t> answer_length; // write only this many bytes

private:
    void error(std::string text)
    {
        std::lock_guard lock(m_mutex);
        if (m_errors.size() < 20)
            m_errors.push_back(std::move(text));
    }

    template<class T>
    bool parse(const virtio_test::FakeRequest& request, T& out)
    {
        if (request.readable.size() != sizeof(T)) {
            error("request of " + std::to_string(request.readable.size()) + " bytes, expected "
                + std::to_string(sizeof(T)));
            return false;
        }
        std::memcpy(&out, request.readable.data(), sizeof(T));
        return true;
    }

    // The answer, written across the writable segments; returns its length.
    uint32_t reply(virtio_test::FakeRequest& request, const rota::gpu::ControlHeader& command,
        const void* response, uint32_t length)
    {
        auto* bytes = static_cast<const uint8_t*>(response);
        rota::gpu::ControlHeader header;
        std::memcpy(&header, bytes, sizeof header);
        // 5.7.6.7: a fenced command's response carries the fence back.
        if (command.flags & rota::gpu::flag_fence) {
            header.flags |= rota::gpu::flag_fence;
            header.fence_id = command.fence_id;
        }
        std::vector<uint8_t> out(bytes, bytes + length);
        std::memcpy(out.data(), &header, sizeof header);
        if (auto it = answer_length.find(command.type); it != answer_length.end())
            out.resize(std::min<size_t>(out.size(), it->second));
        if (out.size() > request.writable_bytes) {
            error("response of " + std::to_string(out.size()) + " bytes, room for "
                + std::to_string(request.writable_bytes));
            return 0;
        }
        size_t done = 0;
        for (auto& [p, n] : request.writable) {
            size_t chunk = std::min<size_t>(n, out.size() - done);
            std::memcpy(p, out.data() + done, chunk);
            done += chunk;
        }
        return uint32_t(out.size());
    }

    uint32_t nodata(virtio_test::FakeRequest& request, const rota::gpu::ControlHeader& command,
        CommandType type = CommandType::OkNodata)
    {
        rota::gpu::ControlHeader header {};
        header.type = type;
        return reply(request, command, &header, sizeof header);
    }

    uint32_t handle(virtio_test::FakeRequest& request)
    {
        using namespace rota::gpu;
        if (request.readable.size() < sizeof(ControlHeader) || request.writable.empty()) {
            error("command without a header or room for a response");
            return 0;
        }
        ControlHeader command;
        std::memcpy(&command, request.readable.data(), sizeof command);
        {
            std::lock_guard lock(m_mutex);
            ++m_counts[command.type];
        }
        if (auto it = answer_with.find(command.type); it != answer_with.end())
            return nodata(request, command, it->second);

        switch (command.type) {
        case CommandType::GetDisplayInfo: {
            ResponseDisplayInfo info {};
            info.header.type = CommandType::OkDisplayInfo;
            for (size_t i = 0; i < scanouts.size() && i < max_scanouts; ++i)
                info.pmodes[i] = {{0, 0, scanouts[i].width, scanouts[i].height},
                    scanouts[i].enabled ? 1u : 0u, 0};
            return reply(request, command, &info, sizeof info);
        }
        case CommandType::GetEdid: {
            GetEdid get;
            if (!parse(request, get))
                return nodata(request, command, CommandType::ErrUnspec);
            if (get.scanout >= scanouts.size())
                return nodata(request, command, CommandType::ErrInvalidParameter);
            ResponseEdid answer {};
            answer.header.type = CommandType::OkEdid;
            answer.size = uint32_t(edid.size());
            std::memcpy(answer.edid, edid.data(), std::min(edid.size(), sizeof answer.edid));
            return reply(request, command, &answer, sizeof answer);
        }
        case CommandType::GetCapsetInfo: {
            GetCapsetInfo get;
            if (!parse(request, get))
                return nodata(request, command, CommandType::ErrUnspec);
            if (get.capset_index >= capsets.size())
                return nodata(request, command, CommandType::ErrInvalidParameter);
            ResponseCapsetInfo answer {};
            answer.header.type = CommandType::OkCapsetInfo;
            answer.capset_id = capsets[get.capset_index].id;
            answer.capset_max_version = capsets[get.capset_index].max_version;
            answer.capset_max_size = capsets[get.capset_index].max_size;
            return reply(request, command, &answer, sizeof answer);
        }
        case CommandType::GetCapset: {
            GetCapset get;
            if (!parse(request, get))
                return nodata(request, command, CommandType::ErrUnspec);
            auto it = capset_data.find(get.capset_id);
            if (it == capset_data.end())
                return nodata(request, command, CommandType::ErrInvalidParameter);
            // 5.7.6.8: the header, then the capset's bytes.
            std::vector<uint8_t> answer(sizeof(ControlHeader) + it->second.size());
            ControlHeader header {};
            header.type = CommandType::OkCapset;
            std::memcpy(answer.data(), &header, sizeof header);
            std::memcpy(answer.data() + sizeof header, it->second.data(), it->second.size());
            return reply(request, command, answer.data(), uint32_t(answer.size()));
        }
        case CommandType::Submit3d: {
            // 5.7.6.10: the command, then `size` bytes of command stream.
            Submit3d submit;
            if (request.readable.size() < sizeof submit) {
                error("SUBMIT_3D shorter than its header");
                return nodata(request, command, CommandType::ErrUnspec);
            }
            std::memcpy(&submit, request.readable.data(), sizeof submit);
            std::vector<uint8_t> stream(
                request.readable.begin() + sizeof submit, request.readable.end());
            if (stream.size() != submit.size)
                error("SUBMIT_3D says " + std::to_string(submit.size) + " bytes, brought "
                    + std::to_string(stream.size()));
            std::lock_guard lock(m_mutex);
            m_submissions.push_back(std::move(stream));
            return nodata(request, command);
        }
        case CommandType::ResourceCreate2d: {
            ResourceCreate2d create;
            if (!parse(request, create))
                return nodata(request, command, CommandType::ErrUnspec);
            std::lock_guard lock(m_mutex);
            if (create.resource_id == 0 || m_resources.count(create.resource_id))
                return nodata(request, command, CommandType::ErrInvalidResourceId);
            Resource& r = m_resources[create.resource_id];
            r.width = create.width;
            r.height = create.height;
            r.pixels.assign(size_t(create.width) * create.height, 0);
            return nodata(request, command);
        }
        case CommandType::ResourceAttachBacking: {
            AttachBackingOne attach;
            if (!parse(request, attach))
                return nodata(request, command, CommandType::ErrUnspec);
            std::lock_guard lock(m_mutex);
            auto it = m_resources.find(attach.attach.resource_id);
            if (it == m_resources.end())
                return nodata(request, command, CommandType::ErrInvalidResourceId);
            if (attach.attach.nr_entries != 1)
                error(
                    "ATTACH_BACKING with " + std::to_string(attach.attach.nr_entries) + " entries");
            it->second.backing = attach.entry.address;
            it->second.backing_bytes = attach.entry.length;
            return nodata(request, command);
        }
        case CommandType::SetScanout: {
            SetScanout set;
            if (!parse(request, set))
                return nodata(request, command, CommandType::ErrUnspec);
            if (set.scanout_id >= scanouts.size())
                return nodata(request, command, CommandType::ErrInvalidScanoutId);
            std::lock_guard lock(m_mutex);
            if (set.resource_id != 0 && !m_resources.count(set.resource_id))
                return nodata(request, command, CommandType::ErrInvalidResourceId);
            return nodata(request, command);
        }
        case CommandType::TransferToHost2d: {
            TransferToHost2d t;
            if (!parse(request, t))
                return nodata(request, command, CommandType::ErrUnspec);
            std::lock_guard lock(m_mutex);
            auto it = m_resources.find(t.resource_id);
            if (it == m_resources.end() || it->second.backing == 0)
                return nodata(request, command, CommandType::ErrInvalidResourceId);
            Resource& r = it->second;
            if (t.r.x + t.r.width > r.width || t.r.y + t.r.height > r.height)
                return nodata(request, command, CommandType::ErrInvalidParameter);
            // As QEMU: row h comes from offset + stride × h in the backing.
            uint64_t stride = uint64_t(r.width) * 4;
            for (uint32_t h = 0; h < t.r.height; ++h) {
                uint64_t from = t.offset + stride * h;
                if (from + t.r.width * 4 > r.backing_bytes) {
                    error("transfer beyond the backing");
                    break;
                }
                std::memcpy(&r.pixels[size_t(t.r.y + h) * r.width + t.r.x],
                    reinterpret_cast<const uint8_t*>(r.backing) + from, t.r.width * 4);
            }
            return nodata(request, command);
        }
        case CommandType::ResourceFlush: {
            ResourceFlush flush;
            if (!parse(request, flush))
                return nodata(request, command, CommandType::ErrUnspec);
            std::lock_guard lock(m_mutex);
            if (!m_resources.count(flush.resource_id))
                return nodata(request, command, CommandType::ErrInvalidResourceId);
            if (command.flags & flag_fence)
                m_fences.push_back(command.fence_id);
            return nodata(request, command);
        }
        default:
            return nodata(request, command, CommandType::ErrUnspec);
        }
    }

    std::mutex m_mutex;
    std::vector<std::string> m_errors; // Protected by m_mutex.
    std::map<uint32_t, Resource> m_resources; // Protected by m_mutex.
    std::map<CommandType, int> m_counts; // Protected by m_mutex.
    std::vector<uint64_t> m_fences; // Protected by m_mutex.
    std::vector<std::vector<uint8_t>> m_submissions; // Protected by m_mutex.
};

} // namespace gpu_test
