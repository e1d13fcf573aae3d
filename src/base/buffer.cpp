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
// Buffers come straight from mmap and grow with mremap: no heap allocator
// between us and the kernel. A block given back is kept for the next Buffer
// (a few, none large): compiling a seccomp profile makes and drops dozens of
// arrays of the same sizes, one round per ABI, and every page the kernel
// hands out fresh is a page fault, where a kept block's pages are there.
// None over 64 KiB: a kept block counts in our resident memory until it is
// used again or dropped, and docker-enter, keeping the 128 KiB ones too,
// peaked at 552 KiB (against 424 without any kept); at 64 KiB it peaks at
// 424 and makes as few page faults as with all of them kept.
struct Block {
    char* data;
    std::size_t capacity;
};
constexpr std::size_t kept_blocks = 16;
constexpr std::size_t largest_kept = 64 * 1024;
Block kept[kept_blocks];
std::size_t kept_count = 0;

void release(char* data, std::size_t capacity)
{
    if (!data)
        return;
    if (kept_count < kept_blocks && capacity <= largest_kept) {
        kept[kept_count++] = {data, capacity};
        return;
    }
    ::munmap(data, capacity);
}

// The smallest kept block of at least `wanted` bytes, taken out of the kept ones.
Block take_kept(std::size_t wanted)
{
    std::size_t best = kept_count;
    for (std::size_t i = 0; i < kept_count; ++i)
        if (kept[i].capacity >= wanted && (best == kept_count || kept[i].capacity < kept[best].capacity))
            best = i;
    if (best == kept_count)
        return {nullptr, 0};
    Block block = kept[best];
    kept[best] = kept[--kept_count];
    return block;
}
}  // namespace

void Buffer::drop_kept()
{
    while (kept_count > 0) {
        --kept_count;
        ::munmap(kept[kept_count].data, kept[kept_count].capacity);
    }
}

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
    if (Block block = take_kept(wanted); block.data) {
        if (size_)
            ::memcpy(block.data, data_, size_);
        release(data_, capacity_);
        data_ = block.data;
        capacity_ = block.capacity;
        return true;
    }
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
