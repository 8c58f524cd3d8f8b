#pragma once

#include <string_view>

// rota uses std::string_view, which is header-only. Only its non-throwing members
// may be used in kernel code (no at(), no substr(): use remove_prefix/suffix and
// the helpers below); the link step rejects any undefined symbol, so a stray
// throwing call fails the build rather than the boot.

namespace rota {

using StringView = std::string_view;

// [begin, begin + count) clamped to the view: never throws.
constexpr StringView slice(StringView text, size_t begin, size_t count = StringView::npos)
{
    if (begin > text.size())
        return {};
    size_t available = text.size() - begin;
    return StringView(text.data() + begin, count < available ? count : available);
}

// The index of the first `wanted` in `text`, or StringView::npos. (StringView's
// own find would call memchr, which the kernel does not provide.)
constexpr size_t find_char(StringView text, char wanted)
{
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == wanted)
            return i;
    }
    return StringView::npos;
}

constexpr StringView trim(StringView text)
{
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

} // namespace rota
