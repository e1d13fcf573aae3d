#include "base/buffer.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <utility>

#include "base/sys.h"

namespace nskit {

Buffer::Buffer(Buffer&& other)
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0))
{
}

namespace {
// Buffers are few and page-sized or larger, so they come straight from mmap
// and grow with mremap (in place when it can): no heap allocator between us
// and the kernel, and every page goes back when its Buffer does.
void release(char* data, std::size_t capacity)
{
    if (data)
        ::munmap(data, capacity);
}
}  // namespace

Buffer& Buffer::operator=(Buffer&& other)
{
    if (this != &other) {
        release(data_, capacity_);
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
}

Buffer::~Buffer() { release(data_, capacity_); }

bool Buffer::reserve_more(std::size_t more)
{
    if (capacity_ - size_ >= more)
        return true;
    std::size_t wanted = capacity_ ? capacity_ * 2 : 4096;
    while (wanted - size_ < more)
        wanted *= 2;
    void* grown = data_ ? ::mremap(data_, capacity_, wanted, MREMAP_MAYMOVE)
                        : ::mmap(nullptr, wanted, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (grown == MAP_FAILED)
        return false;
    data_ = static_cast<char*>(grown);
    capacity_ = wanted;
    return true;
}

bool Buffer::append(std::string_view bytes)
{
    if (bytes.empty())
        return true;  // nothing to copy, and an empty Buffer has no memory to copy into
    if (!reserve_more(bytes.size()))
        return false;
    ::memcpy(data_ + size_, bytes.data(), bytes.size());
    size_ += bytes.size();
    return true;
}

Result<void> read_all(int fd, Buffer& into, std::size_t limit)
{
    for (;;) {
        if (into.size() >= limit)
            return Error::because("the file is larger than expected", "read failed");
        if (!into.reserve_more(4096))
            return Error::from_errno(ENOMEM, "read failed");
        auto spare = into.spare();
        std::size_t want = spare.size() < limit - into.size() ? spare.size() : limit - into.size();
        std::size_t n = TRY(sys::read(fd, spare.data(), want));
        if (n == 0)
            return {};
        into.commit(n);
    }
}

// A file nskit reads for itself (state, records, /proc, a container's
// files): opening it must not wait (a FIFO's open waits for a writer) and
// must not make it our terminal, and only a regular file is read (procfs and
// sysfs files are regular too), so a FIFO, socket or device where a file
// belongs is refused before a byte is read. Reads are bounded by the caller's limit.
Result<Fd> open_regular(int dir, const char* path)
{
    Fd fd = TRY(sys::openat(dir, path, O_RDONLY | O_NONBLOCK | O_NOCTTY));
    if (!S_ISREG(TRY(sys::fstat(fd.get()).describe("cannot read ", path)).st_mode))
        return Error::because("not a regular file", "cannot read ", path);
    return fd;
}

Result<Buffer> read_file(int dir, const char* path, std::size_t limit)
{
    Fd fd = TRY(open_regular(dir, path));
    Buffer buffer;
    TRY(read_all(fd.get(), buffer, limit).describe("cannot read ", path));
    return buffer;
}

Result<Buffer> read_operator_file(const char* path, std::size_t limit)
{
    Fd fd = TRY(sys::open(path, O_RDONLY | O_NOCTTY));
    Buffer buffer;
    TRY(read_all(fd.get(), buffer, limit).describe("cannot read ", path));
    return buffer;
}

Result<std::string_view> read_small_file(int dir, const char* path, std::span<char> into)
{
    Fd fd = TRY(open_regular(dir, path));
    std::size_t total = 0;
    while (total < into.size()) {
        std::size_t n = TRY(sys::read(fd.get(), into.data() + total, into.size() - total).describe("cannot read ", path));
        if (n == 0)
            break;
        total += n;
    }
    return std::string_view(into.data(), total);
}

}  // namespace nskit
