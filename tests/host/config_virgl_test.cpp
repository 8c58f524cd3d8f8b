#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/config/config.h"
#include "support/recording_sink.h"

// The configuration the virgl display adds: video=virgl, and the debug keys
// virgl-fault and dump-capset.

TEST(ConfigVirgl, VideoVirglParsesAndIsDescribed)
{
    rota::Config config;
    rota_test::RecordingSink sink;
    rota::apply_config_file(
        config, "video=virgl\ndebug=virgl-fault,dump-capset,virgl-no-flush\n", sink);
    EXPECT_TRUE(sink.lines.empty());
    EXPECT_EQ(config.video, rota::VideoChoice::Virgl);
    EXPECT_EQ(config.debug,
        uint32_t(rota::DebugVirglFault | rota::DebugDumpCapset | rota::DebugVirglNoFlush));
    char text[256];
    rota::describe_config(config, text, sizeof text);
    EXPECT_NE(std::string(text).find("video=virgl "), std::string::npos) << text;
    EXPECT_NE(std::string(text).find("virgl-fault"), std::string::npos) << text;
}

TEST(ConfigVirgl, AMisspeltBackendKeepsAuto)
{
    rota::Config config;
    rota_test::RecordingSink sink;
    rota::apply_config_file(config, "video=virgil\n", sink);
    EXPECT_EQ(config.video, rota::VideoChoice::Auto);
    ASSERT_EQ(sink.lines.size(), 1u);
}
