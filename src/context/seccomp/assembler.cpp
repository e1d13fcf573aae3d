#include "context/seccomp/assembler.h"

#include <errno.h>

namespace nskit::seccomp {

namespace {
constexpr std::uint32_t unbound = ~std::uint32_t(0);
bool conditional(std::uint16_t code) { return code == bpf_jeq || code == bpf_jgt || code == bpf_jge || code == bpf_jset; }
}  // namespace

Assembler::Label Assembler::label()
{
    if (!labels_.push(unbound))
        out_of_memory_ = true;
    return static_cast<Label>(labels_.size() - 1);
}

void Assembler::bind(Label label)
{
    if (label < labels_.size())
        labels_[label] = static_cast<std::uint32_t>(code_.size());
}

void Assembler::emit(const Symbolic& instruction)
{
    if (!code_.push(instruction))
        out_of_memory_ = true;
}

void Assembler::load(std::uint32_t offset) { emit({bpf_load_word, offset, next, next}); }
void Assembler::and_mask(std::uint32_t mask) { emit({bpf_and, mask, next, next}); }
void Assembler::jump_if(std::uint16_t code, std::uint32_t k, Label if_true, Label if_false) { emit({code, k, if_true, if_false}); }
void Assembler::jump(Label to) { emit({bpf_jump, 0, to, next}); }
void Assembler::ret(std::uint32_t value) { emit({bpf_return, value, next, next}); }

// The symbolic index a jump from `at` to `label` lands on.
std::uint32_t Assembler::target(std::uint32_t at, Label label) const
{
    if (label == next)
        return at + 1;
    return label < labels_.size() ? labels_[label] : unbound;
}

Result<void> Assembler::finish(Program& program)
{
    if (out_of_memory_)
        return Error::from_errno(ENOMEM, "cannot compile the seccomp profile");
    std::size_t count = code_.size();
    for (std::uint32_t at = 0; at < count; ++at) {
        const Symbolic& s = code_[at];
        bool jumps = conditional(s.code) || s.code == bpf_jump;
        // Only forward jumps exist in classic BPF, and none past the end.
        if (jumps && (target(at, s.jt) <= at || target(at, s.jt) >= count))
            return Error::because("a jump out of the program (a bug in nskit)", "cannot compile the seccomp profile");
        if (conditional(s.code) && (target(at, s.jf) <= at || target(at, s.jf) >= count))
            return Error::because("a jump out of the program (a bug in nskit)", "cannot compile the seccomp profile");
    }
    // Where each symbolic instruction lands: 1 instruction, or 3 for a far conditional jump.
    Array<std::uint32_t> position;
    Array<std::uint8_t> far;
    for (std::size_t at = 0; at <= count; ++at)
        if (!position.push(static_cast<std::uint32_t>(at)) || !far.push(0))
            return Error::from_errno(ENOMEM, "cannot compile the seccomp profile");
    for (bool changed = true; changed;) {
        changed = false;
        for (std::uint32_t at = 0; at < count; ++at) {
            const Symbolic& s = code_[at];
            if (far[at] || !conditional(s.code))
                continue;
            std::uint32_t from = position[at] + 1;
            if (position[target(at, s.jt)] - from > 255 || position[target(at, s.jf)] - from > 255) {
                far[at] = 1;
                changed = true;
            }
        }
        for (std::uint32_t at = 0, place = 0; at <= count; ++at) {
            position[at] = place;
            place += at < count && far[at] ? 3 : 1;
        }
    }
    std::size_t total = position[count];
    if (total > max_instructions)
        return Error::because("over the kernel's limit of 4096 (BPF_MAXINSNS)",
                              "the seccomp profile compiles to ", total, " instructions");
    Array<Instruction> out;
    for (std::uint32_t at = 0; at < count; ++at) {
        const Symbolic& s = code_[at];
        std::uint32_t from = position[at] + 1;
        bool fits = true;
        if (s.code == bpf_jump) {
            fits = out.push({bpf_jump, 0, 0, position[target(at, s.jt)] - from});
        } else if (conditional(s.code) && far[at]) {
            // jX k, 0, 1; ja true; ja false
            fits = out.push({s.code, 0, 1, s.k}) && out.push({bpf_jump, 0, 0, position[target(at, s.jt)] - from - 1}) &&
                   out.push({bpf_jump, 0, 0, position[target(at, s.jf)] - from - 2});
        } else if (conditional(s.code)) {
            fits = out.push({s.code, static_cast<std::uint8_t>(position[target(at, s.jt)] - from),
                             static_cast<std::uint8_t>(position[target(at, s.jf)] - from), s.k});
        } else {
            fits = out.push({s.code, 0, 0, s.k});
        }
        if (!fits)
            return Error::from_errno(ENOMEM, "cannot compile the seccomp profile");
    }
    program.count = out.size();
    program.code = out.take_bytes();
    return {};
}

}  // namespace nskit::seccomp
