#include "core/mem/memory_attributes.h"

namespace rota {

namespace {

Expected<MemoryAttributesHeader> read_header(const uint8_t* table)
{
    if (table == nullptr)
        return make_error(Error::InvalidArgument);
    MemoryAttributesHeader header;
    __builtin_memcpy(&header, table, sizeof header);
    if (header.version != 1 && header.version != 2)
        return make_error(Error::Corrupt);
    if (header.descriptor_size < sizeof(EfiMemoryDescriptor) || header.descriptor_size > 4096)
        return make_error(Error::Corrupt);
    if (header.number_of_entries > max_memory_attribute_entries)
        return make_error(Error::Corrupt);
    return header;
}

} // namespace

Expected<size_t> memory_attributes_size(const uint8_t* table)
{
    MemoryAttributesHeader header = TRY(read_header(table));
    return sizeof header + size_t(header.number_of_entries) * header.descriptor_size;
}

Expected<RawMemoryMap> memory_attributes_entries(const uint8_t* table, size_t available)
{
    if (available < sizeof(MemoryAttributesHeader))
        return make_error(Error::InvalidArgument);
    MemoryAttributesHeader header = TRY(read_header(table));
    size_t entries = size_t(header.number_of_entries) * header.descriptor_size;
    if (available - sizeof header < entries)
        return make_error(Error::InvalidArgument);
    return RawMemoryMap {table + sizeof header, entries, header.descriptor_size};
}

} // namespace rota
