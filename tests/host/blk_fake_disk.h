#pragma once

// The device side of virtio-blk (virtio 1.2, 5.2.6) for the fake queue device
// of virtio_fake_device.h: it parses each request's bytes as QEMU would,
// checks them against what a driver must send, and answers from a disk in
// memory. Problems in requests go to `errors`; the test's own knobs (failing
// sectors, an unsupported flush, a nonsense status) make it misbehave.

#include <atomic>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "virtio/blk/protocol.h"
#include "virtio_fake_device.h"

namespace blk_test {

class FakeBlkDisk {
public:
    explicit FakeBlkDisk(uint64_t sectors)
        : bytes(sectors * 512, 0)
    {
        for (size_t i = 0; i < bytes.size(); ++i)
            bytes[i] = uint8_t(i * 131 + (i >> 9));
    }

    virtio_test::FakeHandler handler()
    {
        return [this](virtio_test::FakeRequest& request) { return handle(request); };
    }

    std::vector<std::string> errors()
    {
        std::lock_guard lock(m_mutex);
        return m_errors;
    }

    // The disk, answering from the device thread; read by the test only while
    // no request is in flight.
    std::vector<uint8_t> bytes;
    std::string serial {"rota-test-disk"};
    std::set<uint64_t> ioerr_sectors; // a request touching one fails with IOERR
    bool flush_unsupported {false};
    bool get_id_unsupported {false};
    int nonsense_status {-1}; // >= 0: answer every request with this status byte
    uint32_t max_data_bytes {0}; // > 0: a request with more data is an error

    std::atomic<int> reads {0}, writes {0}, flushes {0}, get_ids {0};
    std::atomic<uint64_t> largest_request {0};

private:
    void error(std::string text)
    {
        std::lock_guard lock(m_mutex);
        if (m_errors.size() < 20)
            m_errors.push_back(std::move(text));
    }

    uint32_t handle(virtio_test::FakeRequest& request)
    {
        using namespace rota::blk;
        if (request.readable.size() < sizeof(RequestHeader) || request.writable.empty()) {
            error("request without a header or a status byte");
            return 0;
        }
        RequestHeader header;
        std::memcpy(&header, request.readable.data(), sizeof header);
        // rota's layout: the status byte is a writable segment of its own.
        auto [status_byte, status_length] = request.writable.back();
        if (status_length != 1)
            error("status segment of " + std::to_string(status_length) + " bytes");
        uint8_t* status = status_byte + status_length - 1;
        std::vector<std::pair<uint8_t*, uint32_t>> data(
            request.writable.begin(), request.writable.end() - 1);
        uint64_t data_in = 0;
        for (auto& [p, n] : data)
            data_in += n;
        uint64_t data_out = request.readable.size() - sizeof header;
        if (header.reserved != 0)
            error("reserved header field is not zero");
        uint64_t data_bytes = data_in + data_out;
        if (max_data_bytes != 0 && data_bytes > max_data_bytes)
            error("request of " + std::to_string(data_bytes) + " bytes over the limit");
        uint64_t largest = largest_request.load();
        while (
            data_bytes > largest && !largest_request.compare_exchange_weak(largest, data_bytes)) { }

        uint8_t answer = status_ok;
        switch (RequestType(header.type)) {
        case RequestType::In:
        case RequestType::Out: {
            bool in = RequestType(header.type) == RequestType::In;
            (in ? reads : writes)++;
            if ((in ? data_out : data_in) != 0 || data_bytes == 0 || data_bytes % 512 != 0) {
                error("malformed " + std::string(in ? "read" : "write"));
                answer = status_ioerr;
                break;
            }
            uint64_t first = header.sector, count = data_bytes / 512;
            if (first + count > bytes.size() / 512) {
                error("request beyond the capacity");
                answer = status_ioerr;
                break;
            }
            for (uint64_t s = first; s < first + count; ++s) {
                if (ioerr_sectors.count(s))
                    answer = status_ioerr;
            }
            if (answer != status_ok)
                break;
            uint8_t* disk = bytes.data() + first * 512;
            if (in) {
                for (auto& [p, n] : data) {
                    std::memcpy(p, disk, n);
                    disk += n;
                }
            } else {
                std::memcpy(disk, request.readable.data() + sizeof header, data_out);
            }
            break;
        }
        case RequestType::Flush:
            flushes++;
            if (data_bytes != 0 || header.sector != 0)
                error("flush with data or a sector");
            answer = flush_unsupported ? status_unsupp : status_ok;
            break;
        case RequestType::GetId:
            get_ids++;
            if (data_in != id_bytes || data.size() != 1)
                error("GET_ID buffer is not one 20-byte segment");
            if (get_id_unsupported) {
                answer = status_unsupp;
                break;
            }
            std::memset(data[0].first, 0, data[0].second);
            std::memcpy(
                data[0].first, serial.data(), std::min<size_t>(serial.size(), data[0].second));
            break;
        default:
            answer = status_unsupp;
        }
        *status = nonsense_status >= 0 ? uint8_t(nonsense_status) : answer;
        return uint32_t(data_in + 1);
    }

    std::mutex m_mutex;
    std::vector<std::string> m_errors; // Protected by m_mutex.
};

} // namespace blk_test
