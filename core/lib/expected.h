#pragma once

#include <new>
#include <type_traits>
#include <utility>

#include "core/lib/assert.h"
#include "core/lib/error.h"

// Expected<T> holds either a value or an Error; Expected<void> only the error.
// No exceptions exist in rota: every fallible function returns one of these and
// callers propagate failures with TRY (a GNU statement expression, as in
// SerenityOS's AK).

namespace rota {

struct Unexpected {
    Error error;
};

constexpr Unexpected make_error(Error e)
{
    return Unexpected {e};
}

template<class T>
class [[nodiscard]] Expected {
public:
    Expected(const T& value)
        : m_has_value(true)
    {
        new (&m_storage.value) T(value);
    }
    Expected(T&& value)
        : m_has_value(true)
    {
        new (&m_storage.value) T(std::move(value));
    }
    Expected(Unexpected u)
        : m_has_value(false)
    {
        m_storage.error = u.error;
    }
    Expected(Expected&& other)
        : m_has_value(other.m_has_value)
    {
        if (m_has_value)
            new (&m_storage.value) T(std::move(other.m_storage.value));
        else
            m_storage.error = other.m_storage.error;
    }
    Expected(const Expected&) = delete;
    Expected& operator=(const Expected&) = delete;
    ~Expected()
    {
        if (m_has_value)
            m_storage.value.~T();
    }

    bool has_value() const { return m_has_value; }
    bool is_error() const { return !m_has_value; }
    explicit operator bool() const { return m_has_value; }

    T& value()
    {
        ROTA_ASSERT(m_has_value);
        return m_storage.value;
    }
    const T& value() const
    {
        ROTA_ASSERT(m_has_value);
        return m_storage.value;
    }
    T release_value()
    {
        ROTA_ASSERT(m_has_value);
        return std::move(m_storage.value);
    }
    T* operator->() { return &value(); }
    T& operator*() { return value(); }

    Error error() const
    {
        ROTA_ASSERT(!m_has_value);
        return m_storage.error;
    }
    T value_or(T fallback) const { return m_has_value ? m_storage.value : fallback; }

private:
    union Storage {
        Storage() { }
        ~Storage() { }
        T value;
        Error error;
    } m_storage;
    bool m_has_value;
};

template<>
class [[nodiscard]] Expected<void> {
public:
    Expected() = default;
    Expected(Unexpected u)
        : m_error(u.error)
        , m_has_error(true)
    {
    }

    bool has_value() const { return !m_has_error; }
    bool is_error() const { return m_has_error; }
    explicit operator bool() const { return !m_has_error; }
    void release_value() const { }
    Error error() const
    {
        ROTA_ASSERT(m_has_error);
        return m_error;
    }

private:
    Error m_error {};
    bool m_has_error {false};
};

} // namespace rota

// Evaluates an Expected; on error returns the error from the enclosing function,
// otherwise yields the value.
#define TRY(expression)                                                                            \
    ({                                                                                             \
        auto&& _rota_try = (expression);                                                           \
        if (_rota_try.is_error())                                                                  \
            return ::rota::make_error(_rota_try.error());                                          \
        _rota_try.release_value();                                                                 \
    })
