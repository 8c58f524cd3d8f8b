// rota-journal IMAGE: prints the spin journal held by a disk image file (the
// file QEMU's virtio-blk drive uses), one record per line, oldest first, with
// the same fields as the kernel's "[journal] record" lines:
//
//   journal version=1 slots=2040 record_bytes=512 area_start=8 region_sectors=2048
//   seq=1 fate=1234567 result=win wedge=6 frames=432 fps=60.0 p50_us=16667 p99_us=17000
//   corrupt slot=4 sector=12 reason=crc
//   records=12 last_seq=12 corrupt=1
//
// It only reads the file. Exit status: 0 a journal (corrupt records are
// listed, not fatal), 1 not a journal or unreadable, 2 usage.
// The format: docs/journal.md.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "journal/block_device.h"
#include "journal/disk_layout.h"
#include "journal/journal_format.h"
#include "journal/record_scan.h"

namespace rota {
[[noreturn]] void assertion_failed(const char* expression, const char* file, int line)
{
    std::fprintf(stderr, "rota-journal: assertion failed: %s at %s:%d\n", expression, file, line);
    std::abort();
}
} // namespace rota

namespace {

using namespace rota;

class FileDisk final : public BlockDevice {
public:
    FileDisk(std::FILE* file, uint64_t sectors)
        : m_file(file)
        , m_sectors(sectors)
    {
    }
    uint64_t sector_count() const override { return m_sectors; }
    uint32_t block_bytes() const override { return journal_sector_bytes; }
    bool read_only() const override { return true; }
    Expected<void> read(uint64_t sector, std::span<uint8_t> out) override
    {
        if (std::fseek(m_file, long(sector * journal_sector_bytes), SEEK_SET) != 0
            || std::fread(out.data(), 1, out.size(), m_file) != out.size())
            return make_error(Error::DeviceError);
        return {};
    }
    Expected<void> write(uint64_t, std::span<const uint8_t>) override
    {
        return make_error(Error::ReadOnly);
    }
    Expected<void> flush() override { return {}; }

private:
    std::FILE* m_file;
    uint64_t m_sectors;
};

struct Slot {
    uint32_t index;
    RecordCheck check;
    SpinRecord record;
};

class Collector final : public RecordVisitor {
public:
    void visit(uint32_t slot, RecordCheck check, const SpinRecord& record) override
    {
        if (check != RecordCheck::Empty)
            slots.push_back({slot, check, record});
    }
    std::vector<Slot> slots;
};

int dump(const char* path)
{
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> owner(std::fopen(path, "rb"), std::fclose);
    std::FILE* file = owner.get();
    if (file == nullptr) {
        std::perror(path);
        return 1;
    }
    std::fseek(file, 0, SEEK_END);
    uint64_t sectors = uint64_t(std::ftell(file)) / journal_sector_bytes;
    FileDisk disk(file, sectors);

    std::vector<uint8_t> sector(journal_sector_bytes);
    if (sectors == 0 || disk.read(0, sector).is_error()) {
        std::fprintf(stderr, "rota-journal: %s: cannot read sector 0\n", path);
        return 1;
    }
    DecodedHeader header = decode_header(sector, sectors);
    JournalGeometry geometry = header.geometry;
    switch (header.check) {
    case HeaderCheck::Valid:
        break;
    case HeaderCheck::BadCrc:
        // Like the kernel: the magic makes it a journal; read it with the
        // geometry rota formats with.
        if (!default_geometry(sectors, journal_sector_bytes, geometry)) {
            std::fprintf(stderr, "rota-journal: %s: damaged header on a disk too small\n", path);
            return 1;
        }
        std::printf("header damaged (crc mismatch): reading with the default geometry\n");
        break;
    case HeaderCheck::NoMagic: {
        std::vector<uint8_t> start(4096);
        bool readable = sectors >= 8 && disk.read(0, start).has_value();
        std::fprintf(stderr, "rota-journal: %s: not a rota journal (no magic in sector 0; %s)\n",
            path, readable ? describe_foreign_content(start) : "a very small file");
        return 1;
    }
    case HeaderCheck::BadVersion:
    case HeaderCheck::BadGeometry:
        std::fprintf(stderr, "rota-journal: %s: journal header unusable (%s, version %u)\n", path,
            header_check_name(header.check), header.version);
        return 1;
    }
    std::printf("journal version=%u slots=%u record_bytes=%u area_start=%llu region_sectors=%u\n",
        journal_version, geometry.record_count, geometry.record_bytes,
        static_cast<unsigned long long>(geometry.area_start), geometry.region_sectors);

    std::vector<uint8_t> scratch(64 * 1024);
    Collector collector;
    if (scan_records(disk, geometry, scratch, collector).is_error()) {
        std::fprintf(stderr, "rota-journal: %s: cannot read the record area\n", path);
        return 1;
    }

    // Sequence numbers decide the order, not the position (wrap-around).
    std::vector<Slot>& slots = collector.slots;
    std::stable_sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) {
        bool a_valid = a.check == RecordCheck::Valid, b_valid = b.check == RecordCheck::Valid;
        if (a_valid != b_valid)
            return a_valid;
        return a_valid ? a.record.sequence < b.record.sequence : a.index < b.index;
    });
    uint32_t records = 0, corrupt = 0;
    uint64_t last = 0;
    for (const Slot& slot : slots) {
        if (slot.check == RecordCheck::Valid) {
            char line[160];
            format_record_fields(slot.record, line, sizeof line);
            std::printf("%s\n", line);
            ++records;
            last = std::max(last, slot.record.sequence);
        } else {
            std::printf("corrupt slot=%u sector=%llu reason=%s\n", slot.index,
                static_cast<unsigned long long>(geometry.slot_sector(slot.index)),
                record_check_name(slot.check));
            ++corrupt;
        }
    }
    std::printf("records=%u last_seq=%llu corrupt=%u\n", records,
        static_cast<unsigned long long>(last), corrupt);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        std::fprintf(stderr,
            "usage: rota-journal IMAGE\n"
            "Prints the rota spin journal on a disk image, oldest record first.\n");
        return 2;
    }
    return dump(argv[1]);
}
