#include "core/lib/assert.h"

#include <gtest/gtest.h>

// An assertion names the file it is in relative to the repository
// (-fmacro-prefix-map in CMakeLists.txt), never the build machine's path:
// "at tests/host/..." would not follow "at " if the path were absolute.
TEST(AssertDeathTest, NamesTheSourceRelativeToTheRepository)
{
    EXPECT_DEATH(ROTA_ASSERT(1 + 1 == 3),
        "ASSERTION FAILED: 1 \\+ 1 == 3 at tests/host/assert_test\\.cpp:[0-9]+\n");
}
