// A growing array of plain values in a Buffer (mmap'd, so aligned for any of
// them): the profile's rules and the program under construction, whose sizes
// only the profile knows.
#pragma once

#include <cstddef>
#include <span>
#include <type_traits>

#include "base/buffer.h"

namespace nskit::seccomp {

template <class T>
class Array {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    [[nodiscard]] bool push(const T& item)
    {
        if (bytes_.spare().size() < sizeof item && !bytes_.reserve_more(sizeof item))
            return false;
        __builtin_memcpy(bytes_.spare().data(), &item, sizeof item);
        bytes_.commit(sizeof item);
        ++count_;
        return true;
    }
    std::size_t size() const { return count_; }
    bool empty() const { return count_ == 0; }
    T* data() { return reinterpret_cast<T*>(bytes_.data()); }
    const T* data() const { return reinterpret_cast<const T*>(bytes_.data()); }
    T& operator[](std::size_t i) { return data()[i]; }
    const T& operator[](std::size_t i) const { return data()[i]; }
    std::span<const T> view() const { return {data(), count_}; }
    void clear()
    {
        bytes_.clear();
        count_ = 0;
    }
    // The bytes, for handing the finished program on.
    Buffer take_bytes()
    {
        count_ = 0;
        return static_cast<Buffer&&>(bytes_);
    }

private:
    Buffer bytes_;
    std::size_t count_ = 0;
};

// Sorts `items` by `less` in place (heapsort: no scratch memory, n log n
// for the largest profile).
template <class T, class Less>
void sort(T* items, std::size_t count, Less less)
{
    auto sift_down = [&](std::size_t root, std::size_t end) {
        for (std::size_t child; (child = 2 * root + 1) < end; root = child) {
            if (child + 1 < end && less(items[child], items[child + 1]))
                ++child;
            if (!less(items[root], items[child]))
                return;
            T swap = items[root];
            items[root] = items[child];
            items[child] = swap;
        }
    };
    for (std::size_t start = count / 2; start-- > 0;)
        sift_down(start, count);
    for (std::size_t end = count; end-- > 1;) {
        T swap = items[0];
        items[0] = items[end];
        items[end] = swap;
        sift_down(0, end);
    }
}

}  // namespace nskit::seccomp
