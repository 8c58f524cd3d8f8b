#pragma once

#include <cstdint>
#include <span>

#include "journal/block_device.h"
#include "journal/journal_format.h"

// Reading a journal's record area back: every slot decoded and checked, in
// slot order, through a visitor (the journal keeps counts and the newest
// records; the host tool collects them all and sorts them by sequence number).

namespace rota {

class RecordVisitor {
public:
    // `check` is Valid (then `record` is filled), Empty, or why the slot is corrupt.
    virtual void visit(uint32_t slot, RecordCheck check, const SpinRecord& record) = 0;

protected:
    ~RecordVisitor() = default;
};

// Reads the area in pieces as large as `scratch` (at least one record slot),
// so the caller decides the memory. Fails only if the disk cannot be read.
Expected<void> scan_records(BlockDevice& disk, const JournalGeometry& geometry,
    std::span<uint8_t> scratch, RecordVisitor& visitor);

} // namespace rota
