#include <cstring>

#include "fuzz_target.h"
#include "support/fuzz_input.h"
#include "virtio/gpu/commands.h"

// Any answer a virtio-gpu device may write into a response buffer (virtio
// 1.2, 5.7.6.7), with the length it claims in the used element: the check
// accepts exactly a long-enough answer of the expected type.
//
// Input: the expected type (4 bytes), its size (2), the length the device
// claims (4), then the answer.
ROTA_FUZZ_TARGET(gpu_response)
{
    rota::fuzz::FuzzInput input(data);
    auto expected = static_cast<rota::gpu::CommandType>(input.take<uint32_t>());
    size_t expected_size = input.take<uint16_t>();
    size_t written = input.take<uint32_t>();
    auto response = input.rest();
    rota::gpu::CommandType said {};
    auto checked = rota::gpu::check_response(response, written, expected, expected_size, &said);
    if (checked.is_error())
        return;
    FUZZ_CHECK(response.size() >= sizeof(rota::gpu::ControlHeader));
    FUZZ_CHECK(written >= sizeof(rota::gpu::ControlHeader) && written >= expected_size);
    rota::gpu::ControlHeader header;
    std::memcpy(&header, response.data(), sizeof header);
    FUZZ_CHECK(header.type == expected && said == expected);
}
