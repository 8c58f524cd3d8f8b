// The C memory and string primitives the compiler and the header-only parts
// of the C++ library may emit calls to. rota links no libc, so
// the kernel provides them; `rep movsb`/`rep stosb` are fast on every CPU with
// ERMSB and never recurse into themselves (a C loop could be turned back into a
// call to memcpy by the optimiser).

#include <cstddef>
#include <cstdint>

extern "C" {

// Large copies go 64 bytes a step through four SSE2 registers, then eight
// bytes a step, then the tail. Under TCG every iteration of a rep string
// instruction is emulated separately (a 64 KiB block read's bounce copy took
// longer than the device's own work), while one pass of this loop moves 64
// bytes; movsq is still eight times faster than movsb there, and neither is
// slower on hardware. Inline assembly, so the optimiser cannot turn the loop
// back into a call to memcpy. Interrupt handlers may copy too: their entry
// saves the SSE state (core/cpu/isr.S).
__attribute__((visibility("default"))) void* memcpy(
    void* destination, const void* source, size_t count)
{
    void* result = destination;
    if (count >= 64) {
        size_t blocks = count / 64;
        asm volatile("1:\n\t"
                     "movdqu (%1), %%xmm0\n\t"
                     "movdqu 16(%1), %%xmm1\n\t"
                     "movdqu 32(%1), %%xmm2\n\t"
                     "movdqu 48(%1), %%xmm3\n\t"
                     "movdqu %%xmm0, (%0)\n\t"
                     "movdqu %%xmm1, 16(%0)\n\t"
                     "movdqu %%xmm2, 32(%0)\n\t"
                     "movdqu %%xmm3, 48(%0)\n\t"
                     "add $64, %0\n\t"
                     "add $64, %1\n\t"
                     "dec %2\n\t"
                     "jnz 1b"
                     : "+r"(destination), "+r"(source), "+r"(blocks)
                     :
                     : "xmm0", "xmm1", "xmm2", "xmm3", "memory", "cc");
        count %= 64;
    }
    size_t words = count / 8;
    size_t tail = count % 8;
    asm volatile("rep movsq" : "+D"(destination), "+S"(source), "+c"(words) : : "memory");
    asm volatile("rep movsb" : "+D"(destination), "+S"(source), "+c"(tail) : : "memory");
    return result;
}

// As memcpy: 64 bytes a step for large areas, then rep stos.
__attribute__((visibility("default"))) void* memset(void* destination, int value, size_t count)
{
    void* result = destination;
    uint64_t pattern = 0x0101010101010101ull * static_cast<unsigned char>(value);
    if (count >= 64) {
        size_t blocks = count / 64;
        asm volatile("movq %2, %%xmm0\n\t"
                     "punpcklqdq %%xmm0, %%xmm0\n\t"
                     "1:\n\t"
                     "movdqu %%xmm0, (%0)\n\t"
                     "movdqu %%xmm0, 16(%0)\n\t"
                     "movdqu %%xmm0, 32(%0)\n\t"
                     "movdqu %%xmm0, 48(%0)\n\t"
                     "add $64, %0\n\t"
                     "dec %1\n\t"
                     "jnz 1b"
                     : "+r"(destination), "+r"(blocks)
                     : "r"(pattern)
                     : "xmm0", "memory", "cc");
        count %= 64;
    }
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
