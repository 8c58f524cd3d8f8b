// The benchmark's Linux anchor, block path (image/bench_linux.py): the same
// virtio-blk disk rota's debug=blk-selftest reads, read with O_DIRECT over the
// same sectors in requests of the same size: sequentially with one request in
// flight and with sixteen (Linux native AIO, io_submit), and 4 KiB reads at
// scattered places, one at a time. The page cache is bypassed, so each read is
// one trip through the block layer and virtio-blk to QEMU.
//
//     blk_read DEVICE FIRST_SECTOR SECTORS REQUEST_BYTES
//
// Prints one line: "[linux] blk request_kib=... seq_read_mbps_qd1=...
// seq_read_mbps_qd16=... read4k_p50_us=... read4k_p99_us=...". Built static by
// the benchmark (gcc -static) with the kernel UAPI headers of linux-libc-dev.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "anchor_common.h"

#define DEPTH 16
#define LATENCY_SAMPLES 1000

static void die(const char* what)
{
    perror(what);
    printf("[linux] blk failed: %s\n", what);
    exit(1);
}

static double mbps(uint64_t bytes, uint64_t ns)
{
    return ns == 0 ? 0.0 : bytes * 1000.0 / ns;
}

static uint64_t sequential_qd1(int fd, uint8_t* buffer, uint64_t first, uint64_t bytes, size_t req)
{
    uint64_t start = now_ns();
    for (uint64_t done = 0; done < bytes; done += req) {
        if (pread(fd, buffer, req, (off_t)(first + done)) != (ssize_t)req)
            die("pread");
    }
    return now_ns() - start;
}

static uint64_t sequential_qd16(
    int fd, uint8_t* buffers, uint64_t first, uint64_t bytes, size_t req)
{
    aio_context_t ctx = 0;
    if (syscall(SYS_io_setup, DEPTH, &ctx) != 0)
        die("io_setup");
    struct iocb cbs[DEPTH];
    struct iocb* list[DEPTH];
    uint64_t next = 0, completed = 0;
    uint64_t start = now_ns();
    unsigned inflight = 0;
    for (unsigned i = 0; i < DEPTH && next < bytes; ++i, next += req) {
        memset(&cbs[i], 0, sizeof cbs[i]);
        cbs[i].aio_fildes = fd;
        cbs[i].aio_lio_opcode = IOCB_CMD_PREAD;
        cbs[i].aio_buf = (uintptr_t)(buffers + (size_t)i * req);
        cbs[i].aio_nbytes = req;
        cbs[i].aio_offset = (int64_t)(first + next);
        cbs[i].aio_data = i;
        list[inflight++] = &cbs[i];
    }
    if (syscall(SYS_io_submit, ctx, (long)inflight, list) != (long)inflight)
        die("io_submit");
    while (completed < bytes) {
        struct io_event events[DEPTH];
        long got = syscall(SYS_io_getevents, ctx, 1L, (long)DEPTH, events, NULL);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            die("io_getevents");
        }
        unsigned again = 0;
        for (long e = 0; e < got; ++e) {
            if (events[e].res != (int64_t)req)
                die("short aio read");
            completed += req;
            if (next < bytes) {
                struct iocb* cb = &cbs[events[e].data];
                cb->aio_offset = (int64_t)(first + next);
                next += req;
                list[again++] = cb;
            }
        }
        if (again > 0 && syscall(SYS_io_submit, ctx, (long)again, list) != (long)again)
            die("io_submit");
    }
    uint64_t ns = now_ns() - start;
    syscall(SYS_io_destroy, ctx);
    return ns;
}

// 4 KiB reads at 4 KiB-aligned places drawn by xorshift, as rota's self-test.
static void latency_4k(
    int fd, uint8_t* buffer, uint64_t first, uint64_t bytes, uint64_t* p50, uint64_t* p99)
{
    static uint64_t samples[LATENCY_SAMPLES];
    uint64_t state = 0x2545f4914f6cdd1dull;
    for (int i = 0; i < LATENCY_SAMPLES; ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        uint64_t offset = first + state % (bytes / 4096) * 4096;
        uint64_t start = now_ns();
        if (pread(fd, buffer, 4096, (off_t)offset) != 4096)
            die("pread 4k");
        samples[i] = now_ns() - start;
    }
    qsort(samples, LATENCY_SAMPLES, sizeof samples[0], by_value);
    *p50 = samples[LATENCY_SAMPLES / 2];
    *p99 = samples[LATENCY_SAMPLES * 99 / 100];
}

int main(int argc, char** argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: blk_read DEVICE FIRST_SECTOR SECTORS REQUEST_BYTES\n");
        return 2;
    }
    uint64_t first = strtoull(argv[2], 0, 10) * 512, bytes = strtoull(argv[3], 0, 10) * 512;
    size_t req = strtoull(argv[4], 0, 10);
    if (req == 0 || req % 4096 != 0 || bytes % req != 0) {
        printf("[linux] blk failed: the request size must divide the area in 4 KiB steps\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY | O_DIRECT);
    if (fd < 0)
        die("open");
    uint8_t* buffers;
    if (posix_memalign((void**)&buffers, 4096, req * DEPTH) != 0)
        die("posix_memalign");
    // Once over the area first, so no run pays for QEMU's first touch of it.
    sequential_qd1(fd, buffers, first, bytes, req);
    uint64_t qd1 = sequential_qd1(fd, buffers, first, bytes, req);
    uint64_t qd16 = sequential_qd16(fd, buffers, first, bytes, req);
    uint64_t p50, p99;
    latency_4k(fd, buffers, first, bytes, &p50, &p99);
    printf("[linux] blk request_kib=%zu seq_read_mbps_qd1=%.1f seq_read_mbps_qd16=%.1f "
           "read4k_p50_us=%lu read4k_p99_us=%lu\n",
        req / 1024, mbps(bytes, qd1), mbps(bytes, qd16), (unsigned long)(p50 / 1000),
        (unsigned long)(p99 / 1000));
    return 0;
}
