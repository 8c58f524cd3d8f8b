// The C memory and string primitives the compiler and the header-only parts
// of the C++ library may emit calls to. rota links no libc, so
// the kernel provides them; `rep movsb`/`rep stosb` are fast on every CPU with
// ERMSB and never recurse into themselves (a C loop could be turned back into a
// call to memcpy by the optimiser).

#include <cstddef>
#include <cstdint>

extern "C" {

// Eight bytes a step, then the tail: under TCG every iteration of a rep
// string instruction is emulated separately, so movsq is eight times faster
// than movsb there (and no slower on hardware).
__attribute__((visibility("default"))) void* memcpy(
    void* destination, const void* source, size_t count)
{
    void* result = destination;
    size_t words = count / 8;
    size_t tail = count % 8;
    asm volatile("rep movsq" : "+D"(destination), "+S"(source), "+c"(words) : : "memory");
    asm volatile("rep movsb" : "+D"(destination), "+S"(source), "+c"(tail) : : "memory");
    return result;
}

__attribute__((visibility("default"))) void* memset(void* destination, int value, size_t count)
{
    void* result = destination;
    uint64_t pattern = 0x0101010101010101ull * static_cast<unsigned char>(value);
    size_t words = count / 8;
    size_t tail = count % 8;
    asm volatile("rep stosq" : "+D"(destination), "+c"(words) : "a"(pattern) : "memory");
    asm volatile("rep stosb" : "+D"(destination), "+c"(tail) : "a"(pattern) : "memory");
    return result;
}

__attribute__((visibility("default"))) void* memmove(
    void* destination, const void* source, size_t count)
{
    auto* d = static_cast<unsigned char*>(destination);
    auto* s = static_cast<const unsigned char*>(source);
    if (d <= s || d >= s + count)
        return memcpy(destination, source, count);
    // Overlapping with the destination above the source: copy backwards.
    d += count - 1;
    s += count - 1;
    asm volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(count) : : "memory");
    return destination;
}

__attribute__((visibility("default"))) int memcmp(const void* a, const void* b, size_t count)
{
    auto* x = static_cast<const unsigned char*>(a);
    auto* y = static_cast<const unsigned char*>(b);
    for (size_t i = 0; i < count; ++i) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

// std::string_view's find() and constructor from a C string use these.
__attribute__((visibility("default"))) const void* memchr(
    const void* memory, int value, size_t count)
{
    auto* bytes = static_cast<const unsigned char*>(memory);
    for (size_t i = 0; i < count; ++i) {
        if (bytes[i] == static_cast<unsigned char>(value))
            return bytes + i;
    }
    return nullptr;
}

__attribute__((visibility("default"))) size_t strlen(const char* text)
{
    size_t length = 0;
    while (text[length] != '\0')
        ++length;
    return length;
}

} // extern "C"
