#pragma once

#include "core/log/diagnostic_sink.h"

// The kernel's DiagnosticSink: every line a pure module reports goes to the
// serial log as it is (klog).

namespace rota {

DiagnosticSink& klog_sink();

} // namespace rota
