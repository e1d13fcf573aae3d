// Errors are values: every fallible step returns Result<T>, and only an
// applet's entry turns an Error into a message. An Error carries what failed
// (a short text with the path or value, copied in: no allocation) and why
// (errno, or a static reason when no syscall failed).
#pragma once

#include <new>
#include <string_view>
#include <utility>

#include "base/text.h"

namespace nskit {

struct Error {
    Text<200> what;              // "cannot open /proc/42/ns/net"
    int code = 0;                // errno value, 0 when `reason` explains
    const char* reason = nullptr;  // static text for failures without errno

    template <class... Parts>
    static Error from_errno(int code, const Parts&... what)
    {
        Error e;
        e.what.append(what...);
        e.code = code;
        return e;
    }

    template <class... Parts>
    static Error because(const char* reason, const Parts&... what)
    {
        Error e;
        e.what.append(what...);
        e.reason = reason;
        return e;
    }

    // Text for the part after "what: ", errno text or the reason.
    const char* why() const;
};

// Where the error being reported lives. nskit is single-threaded and an
// error travels straight up to the applet's entry, so one slot holds it and
// a failed Result is only a flag: no 200-byte copy at every TRY (this took
// 13% off the binary). The rule that comes with it: a failure after a
// failure replaces the first one in the slot, so code that cleans up after
// an error and then reports it copies it first:
//     Error saved = result.take_error();  cleanup();  return saved;
Error& error_slot();
void stash_error(const Error& e);

// Returned by TRY: "failed, and the error is already in the slot".
struct Failure {};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : ok_(true) { new (&value_) T(std::move(value)); }
    Result(const Error& error) : ok_(false) { stash_error(error); }
    Result(Failure) : ok_(false) {}
    Result(Result&& other) : ok_(other.ok_)
    {
        if (ok_)
            new (&value_) T(std::move(other.value_));
    }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    ~Result()
    {
        if (ok_)
            value_.~T();
    }

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    T& value() { return value_; }
    const T& value() const { return value_; }
    T take_value() { return std::move(value_); }
    const Error& error() const { return error_slot(); }
    Error take_error() { return error_slot(); }

    template <class... Parts>
    Result describe(const Parts&... what) &&
    {
        if (!ok_) {
            error_slot().what.clear();
            error_slot().what.append(what...);
        }
        return std::move(*this);
    }

private:
    bool ok_;
    union {
        T value_;
    };
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() : ok_(true) {}
    Result(const Error& error) : ok_(false) { stash_error(error); }
    Result(Failure) : ok_(false) {}

    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    void take_value() {}
    const Error& error() const { return error_slot(); }
    Error take_error() { return error_slot(); }

    template <class... Parts>
    Result describe(const Parts&... what) &&
    {
        if (!ok_) {
            error_slot().what.clear();
            error_slot().what.append(what...);
        }
        return std::move(*this);
    }

private:
    bool ok_;
};

// TRY(expr): evaluate a Result, return its failure from the enclosing
// function, or yield its value (GNU statement expression, as GCC and Clang
// both have).
#define TRY(expr)                                   \
    ({                                              \
        auto try_result_ = (expr);                  \
        if (!try_result_.ok())                      \
            return ::nskit::Failure{};              \
        try_result_.take_value();                   \
    })

}  // namespace nskit
