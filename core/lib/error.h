#pragma once

// The small set of failures that rota's fallible functions report. Each caller
// decides what a failure means for it; the log line says what happened.

namespace rota {

enum class Error {
    InvalidArgument, // the caller passed something malformed
    OutOfMemory, // no pages, no heap, no ring slots
    NotFound, // a table, device or key that is not there
    Unsupported, // the hardware or firmware lacks a feature we need
    Corrupt, // bad checksum, bad magic, inconsistent lengths
    DeviceError, // the device reported an error or broke a rule
    Timeout, // the device did not answer in time
    Busy, // try again later
    ReadOnly, // a write to something that cannot be written
};

constexpr const char* error_name(Error e)
{
    switch (e) {
    case Error::InvalidArgument:
        return "invalid-argument";
    case Error::OutOfMemory:
        return "out-of-memory";
    case Error::NotFound:
        return "not-found";
    case Error::Unsupported:
        return "unsupported";
    case Error::Corrupt:
        return "corrupt";
    case Error::DeviceError:
        return "device-error";
    case Error::Timeout:
        return "timeout";
    case Error::Busy:
        return "busy";
    case Error::ReadOnly:
        return "read-only";
    }
    return "unknown";
}

} // namespace rota
