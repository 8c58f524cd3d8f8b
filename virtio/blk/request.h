#pragma once

#include <cstdint>

#include "core/lib/expected.h"
#include "virtio/blk/protocol.h"

// Encoding a virtio-blk request and judging its completion (virtio 1.2,
// 5.2.6). Pure: the driver (virtio/blk/blk_device.h) puts these bytes on the
// queue; host tests compare them with the spec's layout.

namespace rota::blk {

// The device writes the status byte last (5.2.6.1); the driver primes it with
// this value, which is no virtio-blk status, so a completion that left it
// untouched is told apart from every answer the device can give.
inline constexpr uint8_t status_unwritten = 0xff;

// 5.2.6: `sector` is the 512-byte offset for reads and writes and 0 otherwise.
RequestHeader make_request_header(RequestType type, uint64_t sector);

// OK -> success; IOERR -> Error::DeviceError; UNSUPP -> Error::Unsupported;
// the primed value or anything else -> Error::DeviceError (the device broke
// the protocol: see status_is_protocol_violation).
Expected<void> check_status(uint8_t status);
// True for a status byte no conforming device writes (the request is
// unanswered, or the device is broken): the driver stops using the device.
bool status_is_protocol_violation(uint8_t status);

// "OK", "IOERR", "UNSUPP", "unwritten" or "invalid", for log lines.
const char* status_name(uint8_t status);
// "read", "write", "flush", "get-id", for log lines.
const char* request_type_name(RequestType type);

} // namespace rota::blk
