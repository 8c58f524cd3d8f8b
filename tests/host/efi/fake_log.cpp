#include "fake_log.h"

#include <cstdarg>

#include "core/lib/format.h"
#include "core/log/log.h"

namespace rota_test {

std::vector<std::string>& logged_lines()
{
    static std::vector<std::string> lines;
    return lines;
}

} // namespace rota_test

namespace rota {

void vklog(const char* format_string, va_list args)
{
    char line[256];
    vformat(line, sizeof line, format_string, args);
    rota_test::logged_lines().emplace_back(line);
}

void klog(const char* format_string, ...)
{
    va_list args;
    va_start(args, format_string);
    vklog(format_string, args);
    va_end(args);
}

} // namespace rota
