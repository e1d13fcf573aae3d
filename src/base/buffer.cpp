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
      capacity_(std::exchange(other.capacity_, 0)),
      written_(std::exchange(other.written_, 0))
{
}

namespace {

// Buffers come straight from mmap: no heap allocator between us and the
// kernel. Where nskit runs, a mapping is dear: each mmap, mremap and munmap,
// and each first touch of a page, costs microseconds to tens of them in a
// virtual machine that traps them, and a process makes many Buffers one
// after another (each file read, the seccomp compiler's arrays). So:
//   - a new Buffer maps room to grow into (only the pages it touches cost
//     memory), and grows with mremap only past it;
//   - a Buffer given back is kept, its written bytes cleared, for the next
//     one, unless that would keep too much: a few blocks, and a bounded
//     amount of touched memory, so what it adds to the peak is bounded too.
constexpr std::size_t room_to_grow = 256 * 1024;
constexpr std::size_t kept_written_max = 96 * 1024;

struct Block {
    char* data = nullptr;
    std::size_t capacity = 0;
    std::size_t written = 0;  // the bytes that may be other than zero (pages touched)
};

class KeptBlocks {
public:
    // Keeps `block`, cleared, or unmaps it.
    void give_back(Block block)
    {
        if (!block.data)
            return;
        if (count_ < slots && written_ + block.written <= kept_written_max) {
            ::memset(block.data, 0, block.written);
            blocks_[count_++] = block;
            written_ += block.written;
            return;
        }
        ::munmap(block.data, block.capacity);
    }
    // A kept block of at least `wanted` bytes, all zero, the one with the
    // most pages touched; none when no block is that large.
    Block take(std::size_t wanted)
    {
        std::size_t best = count_;
        for (std::size_t i = 0; i < count_; ++i)
            if (blocks_[i].capacity >= wanted && (best == count_ || blocks_[i].written > blocks_[best].written))
                best = i;
        if (best == count_)
            return {};
        Block block = blocks_[best];
        blocks_[best] = blocks_[--count_];
        written_ -= block.written;
        return block;
    }

private:
    static constexpr std::size_t slots = 8;
    Block blocks_[slots];
    std::size_t count_ = 0, written_ = 0;
};

KeptBlocks kept;

}  // namespace

Buffer& Buffer::operator=(Buffer&& other)
{
    if (this != &other) {
        kept.give_back({data_, capacity_, written_});
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
        capacity_ = std::exchange(other.capacity_, 0);
        written_ = std::exchange(other.written_, 0);
    }
    return *this;
}

Buffer::~Buffer() { kept.give_back({data_, capacity_, written_}); }

bool Buffer::reserve_more(std::size_t more)
{
    if (capacity_ - size_ >= more)
        return true;
    std::size_t wanted = capacity_ ? capacity_ * 2 : room_to_grow;
    while (wanted - size_ < more)
        wanted *= 2;
    if (Block reused = kept.take(wanted); reused.data) {
        if (size_)
            ::memcpy(reused.data, data_, size_);
        kept.give_back({data_, capacity_, written_});
        data_ = reused.data;
        capacity_ = reused.capacity;
        written_ = size_;
        return true;
    }
    void* grown = data_ ? ::mremap(data_, capacity_, wanted, MREMAP_MAYMOVE)
                        : ::mmap(nullptr, wanted, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                                 -1, 0);
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
    commit(bytes.size());
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
