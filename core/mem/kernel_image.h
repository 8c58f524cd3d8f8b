#pragma once

#include "core/lib/addr.h"
#include "core/mem/kernel_address_space.h"

// Where the loaded kernel image's parts are, from the boundaries cmake/rota.lds
// marks with __rota_* symbols (their addresses are the loaded ones: the image
// is position-independent and was relocated by gnu-efi's crt0).

namespace rota {

// `base` and `size` are the loaded image's, from EFI_LOADED_IMAGE_PROTOCOL.
KernelImageLayout kernel_image_layout(PhysAddr base, uint64_t size);

} // namespace rota
