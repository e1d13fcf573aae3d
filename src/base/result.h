// Errors are values: every fallible step returns Result<T>, holding either
// its value or the Error, and only an applet's entry turns an Error into a
// message. An Error carries what failed (a short text with the path or
// value, copied in: no allocation) and why (errno, or a static reason when
// no system call failed).
#pragma once

#include <new>
#include <string_view>
#include <utility>

#include "base/text.h"

namespace nskit {

struct Error {
    Text<200> what;                // "cannot open /proc/42/ns/net"
    int code = 0;                  // errno value, 0 when `reason` explains
    const char* reason = nullptr;  // static text for failures without errno

    template <class... Parts>
    static Error from_errno(int code, const Parts&... what)
    {
        Error e;
        e.code = code;
        e.what.append(what...);
        return e;
    }

    template <class... Parts>
    static Error because(const char* reason, const Parts&... what)
    {
        Error e;
        e.reason = reason;
        e.what.append(what...);
        return e;
    }

    // Replaces the text of what failed, keeping why.
    template <class... Parts>
    Error& describe(const Parts&... what)
    {
        this->what.clear();
        this->what.append(what...);
        return *this;
    }

    // Text for the part after "what: ", errno text or the reason.
    const char* why() const;
};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : ok_(true) { new (&value_) T(std::move(value)); }
    Result(const Error& error) : ok_(false) { new (&error_) Error(error); }
    Result(Result&& other) : ok_(other.ok_)
    {
        if (ok_)
            new (&value_) T(std::move(other.value_));
        else
            new (&error_) Error(std::move(other.error_));
    }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    ~Result()
    {
        if (ok_)
            value_.~T();
        else
            error_.~Error();
    }

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    T& value() { return value_; }
    const T& value() const { return value_; }
    T take_value() { return std::move(value_); }
    const Error& error() const { return error_; }
    Error take_error() { return std::move(error_); }

    // On failure, replace the text of what failed, keeping why.
    template <class... Parts>
    Result describe(const Parts&... what) &&
    {
        if (!ok_)
            error_.describe(what...);
        return std::move(*this);
    }

private:
    bool ok_;
    union {
        T value_;
        Error error_;
    };
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(const Error& error) : ok_(false), error_(error) {}

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    void take_value() {}
    const Error& error() const { return error_; }
    Error take_error() { return std::move(error_); }

    template <class... Parts>
    Result describe(const Parts&... what) &&
    {
        if (!ok_)
            error_.describe(what...);
        return std::move(*this);
    }

private:
    bool ok_ = true;
    Error error_;
};

// TRY(expr): evaluate a Result; on failure return its Error from the
// enclosing function (which returns a Result too), else yield its value
// (GNU statement expression, as GCC and Clang both have).
#define TRY(expr)                                   \
    ({                                              \
        auto try_result_ = (expr);                  \
        if (!try_result_.ok())                      \
            return try_result_.error();             \
        try_result_.take_value();                   \
    })

}  // namespace nskit
