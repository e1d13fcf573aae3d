// Built with nskit's own freestanding flags and link (make build/tests/stack-smash),
// this proves the stack protector works in that build, not only that the
// flag was given:
//   stack-smash canary   prints this run's stack canary (musl seeds it from AT_RANDOM)
//   stack-smash where    prints where its code was loaded (a static PIE: a new place each run)
//   stack-smash smash    looks for the canary's value in the few words above a
//                        buffer and changes that word alone: with the protector
//                        the function's epilogue sees it and the program dies
//                        (musl's __stack_chk_fail halts it, SIGSEGV); without
//                        it there is no such word, nothing is changed, and the
//                        program says so and exits 0.
#include <unistd.h>

#include <cstdint>
#include <cstring>

namespace {

void put(const char* text) { (void)!::write(1, text, std::strlen(text)); }

void put_hex(std::uint64_t value)
{
    char text[18];
    for (int i = 15; i >= 0; --i, value >>= 4)
        text[i] = "0123456789abcdef"[value & 15];
    text[16] = '\n';
    text[17] = '\0';
    put(text);
}

std::uint64_t canary()
{
    std::uint64_t value;
    asm volatile("mov %%fs:0x28, %0" : "=r"(value));  // where x86-64 keeps it (TLS)
    return value;
}

[[gnu::noinline]] bool overwrite_canary(std::size_t reach)
{
    char buffer[24];
    volatile std::uint64_t* words = reinterpret_cast<volatile std::uint64_t*>(buffer);  // the writes stay
    for (std::size_t i = 0; i < 3; ++i)
        words[i] = 0;
    for (std::size_t i = 3; i < reach; ++i)
        if (words[i] == canary()) {
            words[i] = words[i] ^ 1;
            return true;
        }
    return false;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc > 1 && std::strcmp(argv[1], "canary") == 0) {
        put_hex(canary());
        return 0;
    }
    if (argc > 1 && std::strcmp(argv[1], "where") == 0) {
        put_hex(reinterpret_cast<std::uintptr_t>(&put));
        return 0;
    }
    if (argc > 1 && std::strcmp(argv[1], "smash") == 0) {
        put(overwrite_canary(8 + static_cast<std::size_t>(argc - 2)) ? "returned: the stack protector did not stop it\n"
                                                                    : "returned: no canary on the stack\n");
        return 0;
    }
    put("usage: stack-smash canary|where|smash\n");
    return 2;
}
