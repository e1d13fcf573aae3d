// Classic BPF written with labels: conditional jumps reach at most 255
// instructions ahead, so finish() lays the code out and turns each jump that
// reaches further into a short one over two unconditional jumps (which reach
// 2^32), repeating until every jump fits.
#pragma once

#include <cstdint>

#include "base/result.h"
#include "context/seccomp/array.h"
#include "context/seccomp/compile.h"

namespace nskit::seccomp {

// BPF opcodes (linux/filter.h, linux/bpf_common.h).
inline constexpr std::uint16_t bpf_load_word = 0x20;  // BPF_LD | BPF_W | BPF_ABS
inline constexpr std::uint16_t bpf_and = 0x54;        // BPF_ALU | BPF_AND | BPF_K
inline constexpr std::uint16_t bpf_jump = 0x05;       // BPF_JMP | BPF_JA
inline constexpr std::uint16_t bpf_jeq = 0x15;        // BPF_JMP | BPF_JEQ | BPF_K
inline constexpr std::uint16_t bpf_jgt = 0x25;        // BPF_JMP | BPF_JGT | BPF_K
inline constexpr std::uint16_t bpf_jge = 0x35;        // BPF_JMP | BPF_JGE | BPF_K
inline constexpr std::uint16_t bpf_jset = 0x45;       // BPF_JMP | BPF_JSET | BPF_K
inline constexpr std::uint16_t bpf_return = 0x06;     // BPF_RET | BPF_K

class Assembler {
public:
    using Label = std::uint32_t;
    static constexpr Label next = ~Label(0);  // the instruction that follows

    Label label();
    void bind(Label label);  // here: the next instruction emitted
    void load(std::uint32_t offset);
    void and_mask(std::uint32_t mask);
    void jump_if(std::uint16_t code, std::uint32_t k, Label if_true, Label if_false);
    void jump(Label to);
    void ret(std::uint32_t value);

    // The program, or why there is none (too long, out of memory).
    Result<void> finish(Program& program);

private:
    struct Symbolic {
        std::uint16_t code;
        std::uint32_t k;
        Label jt, jf;  // conditional jumps; `jump` keeps its label in jt
    };
    void emit(const Symbolic& instruction);
    std::uint32_t target(std::uint32_t at, Label label) const;

    Array<Symbolic> code_;
    Array<std::uint32_t> labels_;  // the symbolic index each label is bound to
    bool out_of_memory_ = false;
};

}  // namespace nskit::seccomp
