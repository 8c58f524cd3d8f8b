#include "kernel/blk_selftest.h"

#include "core/cpu/x86.h"
#include "core/lib/format.h"
#include "core/lib/percentile.h"
#include "core/log/log.h"
#include "core/mem/kernel_memory.h"
#include "core/time/clock.h"
#include "journal/disk_layout.h"
#include "journal/journal_format.h"
#include "virtio/blk/selftest_pattern.h"

namespace rota::blk {

namespace {

constexpr uint32_t chunk_sectors = 2048; // 1 MiB per read() or write() call
constexpr uint16_t deep_queue = 16;
constexpr size_t latency_samples = 1000;
constexpr size_t round_trip_samples = 200;

uint64_t g_latency_ns[latency_samples];

struct Fixed {
    char text[24];
};

// value / 10^digits with that many decimals: "123.4".
Fixed fixed(uint64_t value, unsigned digits)
{
    Fixed f;
    uint64_t scale = digits == 1 ? 10 : 100;
    format(f.text, sizeof f.text, digits == 1 ? "%lu.%01lu" : "%lu.%02lu", value / scale,
        value % scale);
    return f;
}

// MB/s (10^6 bytes) with one decimal, as tenths.
uint64_t mbps_x10(uint64_t bytes, uint64_t ns)
{
    return ns == 0 ? 0 : bytes * 10'000 / ns;
}

class SelfTest {
public:
    SelfTest(BlkDevice& disk, uint8_t* buffer)
        : m_disk(disk)
        , m_buffer(buffer, size_t(chunk_sectors) * sector_bytes)
    {
    }

    const char* check_ownership();
    Expected<void> check_scratch(const char*& why);
    Expected<void> write_pattern(uint64_t stamp);
    Expected<uint64_t> verify(uint64_t stamp);
    Expected<uint64_t> sequential_read_ns(uint16_t depth);
    Expected<void> latency_4k(uint64_t& p50_ns, uint64_t& p99_ns);

    std::span<uint8_t> buffer() { return m_buffer; }

private:
    template<class Each>
    Expected<void> for_each_chunk(Each&& each)
    {
        for (uint64_t done = 0; done < selftest_sectors; done += chunk_sectors)
            TRY(each(selftest_first_sector + done));
        return {};
    }

    BlkDevice& m_disk;
    std::span<uint8_t> m_buffer;
    uint64_t m_other_sector {0};
};

// The journal header proves the disk is rota's: nothing else is written to.
const char* SelfTest::check_ownership()
{
    if (m_disk.read_only())
        return "the device is read-only";
    if (m_disk.capacity_sectors() < selftest_first_sector + selftest_sectors)
        return "the disk is smaller than the scratch area";
    // One device block: QEMU refuses requests smaller than its logical blocks.
    auto sector = m_buffer.first(m_disk.info().config.block_bytes);
    if (m_disk.read(0, sector).is_error())
        return "sector 0 unreadable";
    if (decode_header(sector, m_disk.capacity_sectors()).check != HeaderCheck::Valid)
        return "no rota journal header in sector 0: the disk may hold someone's data";
    return nullptr;
}

Expected<void> SelfTest::check_scratch(const char*& why)
{
    why = nullptr;
    return for_each_chunk([&](uint64_t first) -> Expected<void> {
        TRY(m_disk.read(first, m_buffer, deep_queue));
        for (uint32_t i = 0; i < chunk_sectors && why == nullptr; ++i) {
            auto bytes = m_buffer.subspan(size_t(i) * sector_bytes, sector_bytes);
            if (classify_scratch_sector(first + i, bytes) == ScratchContent::Other) {
                m_other_sector = first + i;
                why = "scratch area holds data that is neither zeros nor the self-test's";
                klog("[blk] selftest disk=%s sector=%lu holds other data: left untouched",
                    m_disk.name(), m_other_sector);
            }
        }
        return {};
    });
}

Expected<void> SelfTest::write_pattern(uint64_t stamp)
{
    auto written = for_each_chunk([&](uint64_t first) -> Expected<void> {
        for (uint32_t i = 0; i < chunk_sectors; ++i)
            fill_selftest_sector(
                first + i, stamp, m_buffer.subspan(size_t(i) * sector_bytes, sector_bytes));
        return m_disk.write(first, m_buffer);
    });
    if (written.is_error())
        return written;
    return m_disk.flush();
}

Expected<uint64_t> SelfTest::verify(uint64_t stamp)
{
    uint64_t mismatches = 0;
    auto read = for_each_chunk([&](uint64_t first) -> Expected<void> {
        TRY(m_disk.read(first, m_buffer, deep_queue));
        for (uint32_t i = 0; i < chunk_sectors; ++i) {
            auto bytes = m_buffer.subspan(size_t(i) * sector_bytes, sector_bytes);
            if (selftest_sector_matches(first + i, stamp, bytes))
                continue;
            if (mismatches++ == 0)
                klog("[blk] selftest disk=%s first mismatch at sector=%lu", m_disk.name(),
                    first + i);
        }
        return {};
    });
    if (read.is_error())
        return make_error(read.error());
    return mismatches;
}

Expected<uint64_t> SelfTest::sequential_read_ns(uint16_t depth)
{
    uint64_t start = clock_now_ns();
    auto read = for_each_chunk([&](uint64_t first) { return m_disk.read(first, m_buffer, depth); });
    if (read.is_error())
        return make_error(read.error());
    return clock_now_ns() - start;
}

// 4 KiB reads, one at a time, at scattered 4 KiB-aligned places in the area.
Expected<void> SelfTest::latency_4k(uint64_t& p50_ns, uint64_t& p99_ns)
{
    uint64_t state = 0x2545f4914f6cdd1dull;
    uint32_t device_block = m_disk.info().config.block_bytes;
    auto block = m_buffer.first(device_block > 4096 ? device_block : 4096);
    uint64_t per_read = block.size() / sector_bytes;
    for (size_t i = 0; i < latency_samples; ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        uint64_t sector = selftest_first_sector + state % (selftest_sectors / per_read) * per_read;
        uint64_t start = clock_now_ns();
        TRY(m_disk.read(sector, block, 1));
        g_latency_ns[i] = clock_now_ns() - start;
    }
    Percentiles latency = median_and_p99(g_latency_ns);
    p50_ns = latency.p50;
    p99_ns = latency.p99;
    return {};
}

void finish(BlkDevice& disk, const char* result, const char* why)
{
    klog("[blk] selftest disk=%s %s result=%s", disk.name(), why, result);
}

void run(BlkDevice& disk, SelfTest& test)
{
    if (const char* why = test.check_ownership())
        return finish(disk, "skip", why);
    const char* why = nullptr;
    if (test.check_scratch(why).is_error())
        return finish(disk, "fail", "reading the scratch area failed");
    if (why != nullptr)
        return finish(disk, "skip", why);

    uint64_t stamp = x86::rdtsc();
    uint64_t write_start = clock_now_ns();
    if (test.write_pattern(stamp).is_error())
        return finish(disk, "fail", "writing the pattern failed");
    uint64_t write_ns = clock_now_ns() - write_start;
    auto mismatches = test.verify(stamp);
    if (mismatches.is_error())
        return finish(disk, "fail", "reading the pattern back failed");
    auto qd1 = test.sequential_read_ns(1);
    (void)disk.take_counters();
    uint64_t before = disk.requests_completed();
    auto qd16 = test.sequential_read_ns(deep_queue);
    virtio::QueueCounters deep = disk.take_counters();
    uint64_t deep_requests = disk.requests_completed() - before;
    uint64_t p50 = 0, p99 = 0;
    auto latency = test.latency_4k(p50, p99);
    if (qd1.is_error() || qd16.is_error() || latency.is_error())
        return finish(disk, "fail", "a timed read failed");

    // One request's round trip, and what the queue did for it.
    (void)disk.take_counters();
    uint64_t rtt_start = clock_now_ns();
    for (size_t i = 0; i < round_trip_samples; ++i) {
        auto one_block = test.buffer().first(disk.info().config.block_bytes);
        if (disk.read(selftest_first_sector, one_block, 1).is_error())
            return finish(disk, "fail", "a round-trip read failed");
    }
    uint64_t rtt_ns = (clock_now_ns() - rtt_start) / round_trip_samples;
    virtio::QueueCounters c = disk.take_counters();

    uint64_t bytes = selftest_sectors * sector_bytes;
    if (deep_requests > 0)
        klog("[blk] selftest disk=%s qd16_read requests=%lu fences_per_req=%s spins_per_req=%s "
             "notifies_per_req=%s",
            disk.name(), deep_requests, fixed(deep.fences * 100 / deep_requests, 2).text,
            fixed(deep.spins * 100 / deep_requests, 2).text,
            fixed(deep.notifies * 100 / deep_requests, 2).text);
    klog("[blk] selftest disk=%s one_request rtt_us=%s fences=%s spins=%s notifies=%s "
         "completions=%s",
        disk.name(), fixed(rtt_ns / 10, 2).text, fixed(c.fences * 100 / round_trip_samples, 2).text,
        fixed(c.spins * 100 / round_trip_samples, 2).text,
        fixed(c.notifies * 100 / round_trip_samples, 2).text,
        fixed(c.completions * 100 / round_trip_samples, 2).text);
    klog("[blk] selftest disk=%s sectors=%lu mismatches=%lu write_mbps=%s seq_read_mbps_qd1=%s "
         "seq_read_mbps_qd16=%s read4k_p50_us=%lu read4k_p99_us=%lu result=%s",
        disk.name(), selftest_sectors, mismatches.value(), fixed(mbps_x10(bytes, write_ns), 1).text,
        fixed(mbps_x10(bytes, qd1.value()), 1).text, fixed(mbps_x10(bytes, qd16.value()), 1).text,
        p50 / 1000, p99 / 1000, mismatches.value() == 0 ? "pass" : "fail");
}

} // namespace

void blk_selftest(BlkDevice& disk)
{
    size_t pages = size_t(chunk_sectors) * sector_bytes / page_size;
    auto buffer = allocate_pages(pages);
    if (buffer.is_error())
        return finish(disk, "fail", "no memory for the test buffer");
    SelfTest test(disk, reinterpret_cast<uint8_t*>(buffer.value().get()));
    run(disk, test);
    free_pages(buffer.value(), pages);
}

} // namespace rota::blk
