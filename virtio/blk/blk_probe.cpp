#include "virtio/blk/blk_probe.h"

#include "core/lib/format.h"
#include "core/log/log.h"
#include "core/pci/pci.h"
#include "virtio/device/kernel_environment.h"
#include "virtio/transport/virtio_irq.h"
#include "virtio/transport/virtio_pci_device.h"

namespace rota::blk {

namespace {

bool is_virtio_blk(const PciFunction& fn)
{
    return fn.vendor_id == pci_vendor_virtio
        && (fn.device_id == pci_device_modern || fn.device_id == pci_device_transitional);
}

// The serial number as one log token: printable ASCII except blanks and
// '=', anything else as '_'; "none" when empty.
void id_token(const char (&id)[id_bytes + 1], char (&out)[id_bytes + 1])
{
    size_t n = 0;
    for (; n < id_bytes && id[n] != 0; ++n) {
        char c = id[n];
        out[n] = c > ' ' && c < 0x7f && c != '=' ? c : '_';
    }
    out[n] = 0;
    if (n == 0)
        format(out, sizeof out, "none");
}

struct LimitText {
    char text[16];
};

// A limit the device may leave out: its value, or "none".
LimitText limit_text(uint32_t value)
{
    LimitText t;
    if (value != 0)
        format(t.text, sizeof t.text, "%u", value);
    else
        format(t.text, sizeof t.text, "none");
    return t;
}

// The first request: GET_ID, or a read of sector 0 where the device does not
// implement GET_ID (5.2.6: it answers UNSUPP).
Expected<void> first_request(BlkDevice& disk, char (&id)[id_bytes + 1])
{
    auto got = disk.get_id(id);
    if (got.has_value() || got.error() != Error::Unsupported)
        return got;
    // One device block: a device may refuse less (QEMU does, with logical_block_size).
    uint32_t block = disk.info().config.block_bytes;
    auto* buffer = new uint8_t[block];
    auto read = disk.read(0, std::span(buffer, block));
    delete[] buffer;
    return read;
}

BlkDevice* open_disk(const PciFunction& fn)
{
    auto pci = virtio::VirtioPciDevice::open(fn);
    if (pci.is_error())
        return nullptr; // open() logged why
    virtio::DeviceEnvironment env = virtio::kernel_device_environment();
    virtio::attach_virtio_irq(fn, pci.value()->transport(), 1, "virtio-blk", env.interrupts);
    auto created = BlkDevice::create(
        pci.value()->transport(), env.dma, env.clock, env.sink, pci.value()->name());
    if (created.is_error())
        return nullptr; // create() logged why
    auto* disk = new BlkDevice(created.release_value());
    char id[id_bytes + 1] = {};
    if (auto first = first_request(*disk, id); first.is_error()) {
        klog("[blk] %s first request failed (%s): disk not used", disk->name(),
            error_name(first.error()));
        delete disk;
        return nullptr;
    }
    char token[id_bytes + 1];
    id_token(id, token);
    const BlkInfo& info = disk->info();
    LimitText size_max = limit_text(info.config.size_max);
    LimitText seg_max = limit_text(info.config.seg_max);
    klog("[blk] %s capacity_sectors=%lu ro=%s flush=%s blk_size=%u%s seg_max=%s size_max=%s "
         "queue=%u slots=%u max_request_kib=%u event_idx=%s id=%s",
        disk->name(), info.config.capacity_sectors, info.config.read_only ? "yes" : "no",
        info.config.flush ? "yes" : "no", info.config.block_bytes,
        info.config.blk_size_ignored ? "(ignored)" : "", seg_max.text, size_max.text,
        info.queue_size, info.slots, info.max_request_sectors / 2, info.event_idx ? "yes" : "no",
        token);
    return disk;
}

} // namespace

DiagnosticSink& blk_log_sink()
{
    return virtio::kernel_device_environment().sink;
}

BlkDevice* blk_probe(const char*& why)
{
    bool found = false;
    for (const PciFunction& fn : pci_functions()) {
        if (!is_virtio_blk(fn))
            continue;
        found = true;
        if (BlkDevice* disk = open_disk(fn))
            return disk;
    }
    why = found ? "no usable virtio-blk disk" : "no virtio-blk disk";
    return nullptr;
}

} // namespace rota::blk
