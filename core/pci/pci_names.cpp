#include "core/pci/pci_names.h"

#include "core/pci/virtio_ids.h"

namespace rota {

namespace {

constexpr uint16_t vendor_qemu_bochs = 0x1234;

struct VirtioName {
    uint8_t type; // virtio 1.2, 5 "Device Types"
    const char* modern;
    const char* transitional;
};

constexpr VirtioName virtio_names[] = {
    {1, "virtio-net", "virtio-net-transitional"},
    {2, "virtio-blk", "virtio-blk-transitional"},
    {3, "virtio-console", "virtio-console-transitional"},
    {4, "virtio-rng", "virtio-rng-transitional"},
    {5, "virtio-balloon", "virtio-balloon-transitional"},
    {8, "virtio-scsi", "virtio-scsi-transitional"},
    {9, "virtio-9p", "virtio-9p-transitional"},
    {16, "virtio-gpu", nullptr},
    {18, "virtio-input", nullptr},
    {19, "virtio-vsock", nullptr},
    {20, "virtio-crypto", nullptr},
    {23, "virtio-iommu", nullptr},
    {24, "virtio-mem", nullptr},
    {25, "virtio-sound", nullptr},
    {26, "virtio-fs", nullptr},
    {27, "virtio-pmem", nullptr},
};

// Transitional device IDs (virtio 1.2, 4.1.2.3, table "Transitional PCI Device
// IDs"): not 0x1000 + type.
struct TransitionalId {
    uint16_t device_id;
    uint8_t type;
};
constexpr TransitionalId transitional_ids[] = {
    {0x1000, 1},
    {0x1001, 2},
    {0x1002, 5},
    {0x1003, 3},
    {0x1004, 8},
    {0x1005, 4},
    {0x1009, 9},
};

const VirtioName* find_virtio(uint8_t type)
{
    for (const VirtioName& name : virtio_names) {
        if (name.type == type)
            return &name;
    }
    return nullptr;
}

const char* bridge_name(const PciFunction& fn)
{
    // A PCIe port is a PCI-PCI bridge by class; the PCIe capability says which.
    if (fn.capabilities.pcie) {
        switch (fn.capabilities.pcie->port_type) {
        case PciePortType::RootPort:
            return "pcie-root-port";
        case PciePortType::SwitchUpstream:
            return "pcie-switch-upstream";
        case PciePortType::SwitchDownstream:
            return "pcie-switch-downstream";
        case PciePortType::PcieToPciBridge:
            return "pcie-pci-bridge";
        default:
            break;
        }
    }
    return "pci-bridge";
}

} // namespace

const char* virtio_device_name(uint16_t vendor_id, uint16_t device_id)
{
    if (vendor_id != pci_vendor_virtio)
        return nullptr;
    if (device_id >= virtio_modern_device_base && device_id <= virtio_modern_device_last) {
        const VirtioName* name
            = find_virtio(static_cast<uint8_t>(device_id - virtio_modern_device_base));
        return name ? name->modern : "virtio";
    }
    if (device_id >= 0x1000 && device_id <= 0x103f) {
        for (const TransitionalId& id : transitional_ids) {
            if (id.device_id == device_id) {
                const VirtioName* name = find_virtio(id.type);
                if (name && name->transitional)
                    return name->transitional;
            }
        }
        return "virtio-transitional";
    }
    return nullptr;
}

const char* pci_class_name(uint8_t class_code, uint8_t subclass, uint8_t prog_if)
{
    switch (class_code) {
    case 0x00:
        return "unclassified";
    case 0x01:
        switch (subclass) {
        case 0x00:
            return "scsi";
        case 0x01:
            return "ide";
        case 0x06:
            return prog_if == 0x01 ? "ahci" : "sata";
        case 0x08:
            return prog_if == 0x02 ? "nvme" : "nvm";
        default:
            return "storage";
        }
    case 0x02:
        return subclass == 0x00 ? "ethernet" : "network";
    case 0x03:
        return subclass == 0x00 ? "vga" : "display";
    case 0x04:
        return subclass == 0x03 ? "hda" : "multimedia";
    case 0x05:
        return "memory-controller";
    case 0x06:
        switch (subclass) {
        case 0x00:
            return "host-bridge";
        case 0x01:
            return "isa-bridge";
        case 0x04:
            return "pci-bridge";
        case 0x07:
            return "cardbus-bridge";
        default:
            return "bridge";
        }
    case 0x07:
        return subclass == 0x00 ? "serial" : "communication";
    case 0x08:
        return "system-peripheral";
    case 0x09:
        return "input";
    case 0x0c:
        if (subclass == 0x03) {
            switch (prog_if) {
            case 0x00:
                return "uhci";
            case 0x10:
                return "ohci";
            case 0x20:
                return "ehci";
            case 0x30:
                return "xhci";
            default:
                return "usb";
            }
        }
        return subclass == 0x05 ? "smbus" : "serial-bus";
    case 0x0d:
        return "wireless";
    case 0x10:
        return "encryption";
    case 0x12:
        return "accelerator";
    default:
        return "other";
    }
}

const char* pci_function_name(const PciFunction& fn)
{
    if (const char* virtio = virtio_device_name(fn.vendor_id, fn.device_id))
        return virtio;
    // Bochs/QEMU's standard VGA; the same ID with class 0380 is bochs-display.
    if (fn.vendor_id == vendor_qemu_bochs && fn.device_id == 0x1111)
        return fn.subclass == 0x00 ? "vga-std" : "bochs-display";
    // PIIX4's power-management function, which holds pc's SMBus (class 0680).
    if (fn.vendor_id == 0x8086 && fn.device_id == 0x7113)
        return "piix4-pm-smbus";
    if (fn.class_code == 0x06 && fn.subclass == 0x04)
        return bridge_name(fn);
    return pci_class_name(fn.class_code, fn.subclass, fn.prog_if);
}

} // namespace rota
