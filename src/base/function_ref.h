// A non-owning reference to something callable: a walk (a directory's
// entries, the runtimes' state) lives in its own .cpp file, and each caller
// passes what to do at every step, without the walk moving into a header.
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
