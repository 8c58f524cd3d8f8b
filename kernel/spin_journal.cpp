#include "kernel/spin_journal.h"

#include "core/cpu/x86.h"
#include "core/lib/format.h"
#include "core/log/log.h"
#include "core/mem/kernel_memory.h"
#include "core/time/clock.h"
#include "gfx/roulette/fate.h"
#include "journal/block_device.h"
#include "journal/journal.h"
#include "kernel/blk_selftest.h"
#include "virtio/blk/blk_probe.h"

namespace rota {

namespace {

constexpr size_t scratch_bytes = 64 * 1024; // the record area in 16 reads
constexpr size_t records_listed = 16; // at boot, the newest records on serial

// The journal's view of the virtio-blk driver.
class BlkDisk final : public BlockDevice {
public:
    explicit BlkDisk(blk::BlkDevice& device)
        : m_device(device)
    {
    }
    uint64_t sector_count() const override { return m_device.capacity_sectors(); }
    uint32_t block_bytes() const override { return m_device.info().config.block_bytes; }
    uint32_t physical_block_bytes() const override
    {
        return m_device.info().config.physical_block_bytes;
    }
    uint32_t physical_offset_bytes() const override
    {
        return m_device.info().config.alignment_offset_bytes;
    }
    bool read_only() const override { return m_device.read_only(); }
    Expected<void> read(uint64_t sector, std::span<uint8_t> out) override
    {
        return m_device.read(sector, out);
    }
    Expected<void> write(uint64_t sector, std::span<const uint8_t> data) override
    {
        return m_device.write(sector, data);
    }
    Expected<void> flush() override { return m_device.flush(); }

private:
    blk::BlkDevice& m_device;
};

constinit Journal* g_journal = nullptr;

void list_records()
{
    SpinRecord newest[records_listed];
    size_t count = g_journal->recent(newest);
    for (size_t i = count; i-- > 0;) {
        char fields[160];
        format_record_fields(newest[i], fields, sizeof fields);
        klog("[journal] record %s", fields);
    }
}

Journal* open_journal(blk::BlkDevice& device)
{
    auto scratch = allocate_pages(scratch_bytes / page_size);
    if (scratch.is_error()) {
        klog("[journal] off: no memory for the journal's buffer");
        return nullptr;
    }
    auto* disk = new BlkDisk(device);
    auto* journal = new Journal(*disk, blk::blk_log_sink(),
        std::span(reinterpret_cast<uint8_t*>(scratch.value().get()), scratch_bytes));
    journal->open();
    return journal;
}

// Made-up spins for the tests until the roulette appends real ones: the
// fates the roulette draws from the same seed, each on the wedge the rules
// give it (gfx/roulette/fate.h, docs/roulette.md).
void append_test_records(const Config& config)
{
    FateGenerator fates(config.seed.has_value() ? *config.seed : x86::rdtsc());
    for (uint32_t i = 0; i < journal_test_records; ++i) {
        SpinRecord record;
        record.fate = fates.next_fate();
        record.result = fate_wins(record.fate) ? SpinResult::Win : SpinResult::Lose;
        record.wedge = uint8_t(target_wedge(record.fate));
        record.frames = 432;
        record.fps_x10 = 600;
        record.p50_us = 16'667;
        record.p99_us = 17'000 + i;
        (void)journal_append(record); // a refusal is logged there
    }
}

} // namespace

void journal_init(const Config& config)
{
    const char* why = nullptr;
    blk::BlkDevice* device = blk::blk_probe(why);
    if (device == nullptr)
        klog("[journal] off: %s", why);
    else if (!config.journal)
        klog("[journal] off: journal=off in the configuration");
    else if ((g_journal = open_journal(*device)) != nullptr)
        list_records();

    if (config.debug & DebugBlkSelftest) {
        if (device != nullptr)
            blk::blk_selftest(*device);
        else
            klog("[blk] selftest no virtio-blk disk result=skip");
    }
    if (config.debug & DebugJournalTest)
        append_test_records(config);
}

Expected<uint64_t> journal_append(const SpinRecord& record)
{
    if (g_journal == nullptr)
        return make_error(Error::NotFound);
    uint64_t start = clock_now_ns();
    auto appended = g_journal->append(record);
    if (appended.is_error()) {
        // A disk error was reported by the journal itself; say why nothing was written.
        if (appended.error() != Error::NotFound)
            klog("[journal] append refused: %s", error_name(appended.error()));
        return make_error(appended.error());
    }
    uint64_t sequence = appended.value();
    uint64_t elapsed_us = (clock_now_ns() - start) / 1000;
    SpinRecord written = record;
    written.sequence = sequence;
    char fields[160];
    format_record_fields(written, fields, sizeof fields);
    klog("[journal] append %s slot=%u write_us=%lu", fields,
        g_journal->geometry().slot_of(sequence), elapsed_us);
    return sequence;
}

size_t journal_recent(std::span<SpinRecord> out)
{
    return g_journal != nullptr ? g_journal->recent(out) : 0;
}

bool journal_enabled()
{
    return g_journal != nullptr && g_journal->mode() != JournalMode::Off;
}

bool journal_writable()
{
    return g_journal != nullptr && g_journal->mode() == JournalMode::ReadWrite;
}

const char* journal_state()
{
    return journal_mode_name(g_journal != nullptr ? g_journal->mode() : JournalMode::Off);
}

} // namespace rota
