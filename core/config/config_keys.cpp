#include "core/config/key_syntax.h"

// The table of keys (docs/configuration.md lists them for users). Adding a key:
// a field in Config with its default, and one row below.

namespace rota {

namespace {

using namespace std::string_view_literals;

constexpr uint32_t max_fps = 1000;
constexpr uint32_t max_cpus = 1024;

constexpr NamedValue video_names[] = {
    {"auto"sv, uint32_t(VideoChoice::Auto)},
    {"virgl"sv, uint32_t(VideoChoice::Virgl)},
    {"virtio"sv, uint32_t(VideoChoice::Virtio)},
    {"gop"sv, uint32_t(VideoChoice::Gop)},
};

constexpr NamedValue spin_names[] = {
    {"fate"sv, uint32_t(SpinMode::Fate)},
    {"steady"sv, uint32_t(SpinMode::Steady)},
};

// In the order describe_config lists set flags.
constexpr NamedValue debug_names[] = {
    {"fault-pf"sv, DebugFaultPageFault},
    {"fault-ud"sv, DebugFaultInvalidOpcode},
    {"fault-gp"sv, DebugFaultGeneralProtection},
    {"fault-de"sv, DebugFaultDivide},
    {"smp-selftest"sv, DebugSmpSelftest},
    {"blk-selftest"sv, DebugBlkSelftest},
    {"dump-acpi"sv, DebugDumpAcpi},
    {"dump-pci"sv, DebugDumpPci},
    {"gpu-copy"sv, DebugGpuCopy},
    {"test-scene"sv, DebugTestScene},
    {"full-present"sv, DebugFullPresent},
    {"frame-times"sv, DebugFrameTimes},
    {"gpu-fault"sv, DebugGpuFault},
    {"gpu-fault-setup"sv, DebugGpuFaultSetup},
    {"present-only"sv, DebugPresentOnly},
    {"journal-test"sv, DebugJournalTest},
    {"virgl-fault"sv, DebugVirglFault},
    {"dump-capset"sv, DebugDumpCapset},
    {"virgl-no-flush"sv, DebugVirglNoFlush},
    {"stray-irq"sv, DebugStrayIrq},
    {"fault-stack-overflow"sv, DebugFaultStackOverflow},
    {"fault-null"sv, DebugFaultNull},
    {"fault-write-text"sv, DebugFaultWriteText},
    {"fault-exec-data"sv, DebugFaultExecData},
    {"fault-on-ap"sv, DebugFaultOnAp},
    {"dump-memory-map"sv, DebugDumpMemoryMap},
};

// Each flag its own bit: two names sharing one would switch each other on.
constexpr bool debug_bits_distinct()
{
    uint32_t seen = 0;
    for (const NamedValue& entry : debug_names) {
        if ((entry.value & seen) != 0 || entry.value == 0 || (entry.value & (entry.value - 1)) != 0)
            return false;
        seen |= entry.value;
    }
    return true;
}
static_assert(debug_bits_distinct(), "two debug flags share a bit");

// In the order describe_config prints them.
constexpr ConfigKey keys[] = {
    choice_key<&Config::video>("video"sv, video_names),
    mode_or_unset_key<&Config::mode>("mode"sv, "preferred"sv),
    number_key<&Config::frames>("frames"sv),
    on_off_key<&Config::gate>("gate"sv),
    number_or_unset_key<&Config::seed>("seed"sv, "tsc"sv, 0, UINT64_MAX, true),
    on_off_key<&Config::perframe>("perframe"sv),
    number_key<&Config::fps>("fps"sv, 0, max_fps),
    number_or_unset_key<&Config::cpus>("cpus"sv, "all"sv, 1, max_cpus),
    on_off_key<&Config::journal>("journal"sv),
    on_off_key<&Config::irq>("irq"sv),
    choice_key<&Config::spin>("spin"sv, spin_names),
    flags_key<&Config::debug>("debug"sv, debug_names),
};

} // namespace

std::span<const ConfigKey> config_keys()
{
    return keys;
}

const ConfigKey* find_config_key(StringView name)
{
    for (const ConfigKey& key : keys) {
        if (key.name == name)
            return &key;
    }
    return nullptr;
}

} // namespace rota
