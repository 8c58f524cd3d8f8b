#pragma once

#include <cstdint>

// Where a virtqueue rings its doorbell (an available buffer notification,
// virtio 1.2, 2.7.13 step 7). The PCI transport writes the queue's index to its
// notification address (4.1.5.2); host tests count the calls.

namespace rota::virtio {

struct Doorbell {
    uint16_t queue_index {0};
    uint32_t notify_offset {0}; // bytes into the notification structure
};

class Notifier {
public:
    virtual void notify(const Doorbell& doorbell) = 0;

protected:
    ~Notifier() = default;
};

} // namespace rota::virtio
