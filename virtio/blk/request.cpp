#include "virtio/blk/request.h"

namespace rota::blk {

RequestHeader make_request_header(RequestType type, uint64_t sector)
{
    bool has_sector = type == RequestType::In || type == RequestType::Out;
    return RequestHeader {static_cast<uint32_t>(type), 0, has_sector ? sector : 0};
}

Expected<void> check_status(uint8_t status)
{
    switch (status) {
    case status_ok:
        return {};
    case status_unsupp:
        return make_error(Error::Unsupported);
    default:
        return make_error(Error::DeviceError);
    }
}

bool status_is_protocol_violation(uint8_t status)
{
    return status != status_ok && status != status_ioerr && status != status_unsupp;
}

const char* status_name(uint8_t status)
{
    switch (status) {
    case status_ok:
        return "OK";
    case status_ioerr:
        return "IOERR";
    case status_unsupp:
        return "UNSUPP";
    case status_unwritten:
        return "unwritten";
    default:
        return "invalid";
    }
}

const char* request_type_name(RequestType type)
{
    switch (type) {
    case RequestType::In:
        return "read";
    case RequestType::Out:
        return "write";
    case RequestType::Flush:
        return "flush";
    case RequestType::GetId:
        return "get-id";
    }
    return "unknown";
}

} // namespace rota::blk
