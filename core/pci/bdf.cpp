#include "core/pci/bdf.h"

#include "core/lib/format.h"

namespace rota {

BdfText bdf_text(Bdf bdf)
{
    BdfText out {};
    if (bdf.segment != 0)
        format(out.text, sizeof out.text, "%04x:%02x:%02x.%x", bdf.segment, bdf.bus, bdf.device,
            bdf.function);
    else
        format(out.text, sizeof out.text, "%02x:%02x.%x", bdf.bus, bdf.device, bdf.function);
    return out;
}

} // namespace rota
