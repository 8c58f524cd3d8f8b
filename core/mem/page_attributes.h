#pragma once

#include <cstdint>

// What a mapping allows and how it is cached, in rota's words; the page-table
// bits are core/mem/page_table_entry.h's business.

namespace rota {

// There is no writable-and-executable value for rota's own memory: W^X holds by
// construction. ReadWriteExecute exists only for firmware runtime code that the
// firmware does not describe any finer (a runtime driver's code and data share
// one region when there is no memory attributes table: docs/memory.md).
enum class Access : uint8_t {
    ReadOnly,
    ReadWrite,
    ReadExecute,
    ReadWriteExecute,
};

constexpr bool is_writable(Access access)
{
    return access == Access::ReadWrite || access == Access::ReadWriteExecute;
}
constexpr bool is_executable(Access access)
{
    return access == Access::ReadExecute || access == Access::ReadWriteExecute;
}
constexpr Access access_of(bool writable, bool executable)
{
    if (writable)
        return executable ? Access::ReadWriteExecute : Access::ReadWrite;
    return executable ? Access::ReadExecute : Access::ReadOnly;
}

// The memory types of Intel SDM vol. 3A, 11.3 (AMD APM vol. 2, 7.4), as the PAT
// selects them (core/mem/pat.h).
enum class MemoryType : uint8_t {
    WriteBack, // ordinary RAM
    WriteThrough,
    WriteCombining, // framebuffers: writes are buffered and burst, reads uncached
    WriteProtected,
    UncachedMinus, // uncached unless an MTRR says write-combining
    Uncached, // device registers: every access goes to the device, in order
};

struct PageAttributes {
    Access access {Access::ReadOnly};
    MemoryType type {MemoryType::WriteBack};

    constexpr bool operator==(const PageAttributes&) const = default;
};

constexpr const char* access_name(Access access)
{
    switch (access) {
    case Access::ReadOnly:
        return "r--";
    case Access::ReadWrite:
        return "rw-";
    case Access::ReadExecute:
        return "r-x";
    case Access::ReadWriteExecute:
        return "rwx";
    }
    return "???";
}

constexpr const char* memory_type_name(MemoryType type)
{
    switch (type) {
    case MemoryType::WriteBack:
        return "wb";
    case MemoryType::WriteThrough:
        return "wt";
    case MemoryType::WriteCombining:
        return "wc";
    case MemoryType::WriteProtected:
        return "wp";
    case MemoryType::UncachedMinus:
        return "uc-";
    case MemoryType::Uncached:
        return "uc";
    }
    return "?";
}

} // namespace rota
