#pragma once

#include <cstdint>
#include <span>

// CRC-32 as IEEE 802.3, zlib and PNG compute it: reflected polynomial
// 0xEDB88320, initial value and final XOR 0xFFFFFFFF. crc32("123456789") is
// 0xCBF43926. Pure and table-driven (the table is built at compile time).

namespace rota {

uint32_t crc32(std::span<const uint8_t> bytes);

// Continues a CRC over more bytes: crc32_update(crc32(a), b) == crc32(a + b).
uint32_t crc32_update(uint32_t crc, std::span<const uint8_t> bytes);

} // namespace rota
