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

    // Both build the error where it is reported from (error_slot(), below)
    // and return it, so handing it to a Result copies nothing.
    template <class... Parts>
    [[gnu::always_inline]] static const Error& from_errno(int code, const Parts&... what)
    {
        return start(code, nullptr, message_part(what)...);
    }

    template <class... Parts>
    [[gnu::always_inline]] static const Error& because(const char* reason, const Parts&... what)
    {
        return start(0, reason, message_part(what)...);
    }

    // Text for the part after "what: ", errno text or the reason.
    const char* why() const;

private:
    static Error& begin(int code, const char* reason);
    template <class... Parts>  // normalised parts (text.h's message_part)
    static const Error& start(int code, const char* reason, Parts... what)
    {
        Error& e = begin(code, reason);
        e.what.append(what...);
        return e;
    }
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

// Replaces the text of what failed in the slot, keeping why.
template <class... Parts>
void redescribe_error_parts(Parts... what)
{
    error_slot().what.clear();
    error_slot().what.append(what...);
}
template <class... Parts>
[[gnu::always_inline]] inline void redescribe_error(const Parts&... what)
{
    redescribe_error_parts(message_part(what)...);
}

// Returned by TRY: "failed, and the error is already in the slot".
struct Failure {};

// What every Result has: the flag, the error in the slot, describe().
template <class Self>
class ResultBase {
public:
    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { return error_slot(); }
    Error take_error() { return error_slot(); }

    // On failure, replace the text of what failed, keeping why.
    template <class... Parts>
    [[gnu::always_inline]] Self describe(const Parts&... what) &&
    {
        if (!ok_)
            redescribe_error(what...);
        return std::move(static_cast<Self&>(*this));
    }

protected:
    explicit ResultBase(bool ok) : ok_(ok) {}
    bool ok_;
};

template <class T>
class [[nodiscard]] Result : public ResultBase<Result<T>> {
    using Base = ResultBase<Result<T>>;

public:
    Result(T value) : Base(true) { new (&value_) T(std::move(value)); }
    Result(const Error& error) : Base(false) { stash_error(error); }
    Result(Failure) : Base(false) {}
    Result(Result&& other) : Base(other.ok_)
    {
        if (this->ok_)
            new (&value_) T(std::move(other.value_));
    }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    ~Result()
    {
        if (this->ok_)
            value_.~T();
    }

    T& value() { return value_; }
    const T& value() const { return value_; }
    T take_value() { return std::move(value_); }

private:
    union {
        T value_;
    };
};

template <>
class [[nodiscard]] Result<void> : public ResultBase<Result<void>> {
public:
    Result() : ResultBase(true) {}
    Result(const Error& error) : ResultBase(false) { stash_error(error); }
    Result(Failure) : ResultBase(false) {}

    void take_value() {}
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
