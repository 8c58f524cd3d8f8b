#include "core/log/diagnostic_sink.h"

#include <gtest/gtest.h>

#include <string>

#include "support/recording_sink.h"

TEST(DiagnosticSink, ReportfFormatsOneLine)
{
    rota_test::RecordingSink sink;
    sink.reportf("[journal] records=%u last_seq=%lu mode=%s", 12u, 12ul, "read-write");
    sink.reportf("[blk] %s flush=%s", "00:04.0", "yes");
    ASSERT_EQ(sink.lines.size(), 2u);
    EXPECT_EQ(sink.lines[0], "[journal] records=12 last_seq=12 mode=read-write");
    EXPECT_EQ(sink.lines[1], "[blk] 00:04.0 flush=yes");
}

TEST(DiagnosticSink, ALongLineIsCutToTheLimit)
{
    rota_test::RecordingSink sink;
    std::string long_text(1000, 'x');
    sink.reportf("[test] %s", long_text.c_str());
    ASSERT_EQ(sink.lines.size(), 1u);
    EXPECT_EQ(sink.lines[0].size(), rota::DiagnosticSink::max_line - 1);
    EXPECT_EQ(sink.lines[0].substr(0, 8), "[test] x");
}
