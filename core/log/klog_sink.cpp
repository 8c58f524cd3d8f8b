#include "core/log/klog_sink.h"

#include "core/log/log.h"

namespace rota {

namespace {

class KlogSink final : public DiagnosticSink {
public:
    void report(const char* line) override { klog("%s", line); }
};

constinit KlogSink g_klog_sink;

} // namespace

DiagnosticSink& klog_sink()
{
    return g_klog_sink;
}

} // namespace rota
