// A non-owning reference to something callable: one out-of-line function
// serves every caller, where a template parameter would stamp out a copy of
// the whole walk per lambda (which, in a 64 KiB binary, counts).
#pragma once

#include <type_traits>

namespace nskit {

template <class Signature>
class FunctionRef;

template <class R, class... Args>
class FunctionRef<R(Args...)> {
public:
    template <class F>
        requires(!std::is_same_v<std::remove_cvref_t<F>, FunctionRef>)
    FunctionRef(F&& f)
        : object_(const_cast<void*>(static_cast<const void*>(&f))),
          call_([](void* object, Args... args) -> R { return (*static_cast<std::remove_reference_t<F>*>(object))(args...); })
    {
    }
    R operator()(Args... args) const { return call_(object_, args...); }

private:
    void* object_;
    R (*call_)(void*, Args...);
};

}  // namespace nskit
