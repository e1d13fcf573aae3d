// Bytes whose size is only known at run time (a process environment, an HTTP
// reply, a file to install): one mmap'd block that grows. A block given back
// is kept for the next Buffer when it is small (buffer.cpp says why);
// everything smaller than a block lives on the stack in a Text<N>.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "base/fd.h"
#include "base/result.h"

namespace nskit {

class Buffer {
public:
    Buffer() = default;
    Buffer(Buffer&& other);
    Buffer& operator=(Buffer&& other);
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    ~Buffer();

    char* data() { return data_; }
    const char* data() const { return data_; }
    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::string_view view() const { return {data_, size_}; }

    // Makes room for at least `more` bytes past size(); false when out of memory.
    [[nodiscard]] bool reserve_more(std::size_t more);
    [[nodiscard]] bool append(std::string_view bytes);
    // The free space after size(), to read into; commit() what was written
    // (only what is committed may have been written: see written_).
    std::span<char> spare() { return {data_ + size_, capacity_ - size_}; }
    void commit(std::size_t n)
    {
        size_ += n;
        written_ = size_ > written_ ? size_ : written_;
    }
    void clear() { size_ = 0; }
    void truncate(std::size_t n) { size_ = n < size_ ? n : size_; }

private:
    char* data_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
    std::size_t written_ = 0;  // the most that size() has been: what a kept block must clear
};

// Reads `fd` to its end, refusing to grow past `limit` bytes.
Result<void> read_all(int fd, Buffer& into, std::size_t limit);

// Opens a file (relative to `dir`, or AT_FDCWD) to read, as read_file does:
// without waiting, and only when it is a regular file.
Result<Fd> open_regular(int dir, const char* path);

// Reads a whole file (relative to `dir`, or AT_FDCWD) up to `limit` bytes.
// Only a regular file, opened without waiting: a FIFO, socket or device is
// refused ("not a regular file") before anything is read.
Result<Buffer> read_file(int dir, const char* path, std::size_t limit);

// Reads a small file into `into`, on the same terms; returns the bytes read (possibly cut).
Result<std::string_view> read_small_file(int dir, const char* path, std::span<char> into);

// A file the person running us named (--env-file): read as cat would read
// it, a pipe (<(...)) or a terminal included.
Result<Buffer> read_operator_file(const char* path, std::size_t limit);

}  // namespace nskit
