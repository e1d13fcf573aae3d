#!/usr/bin/env python3
"""tests/tools/seccomp-compare.py A B: runs two classic BPF seccomp programs
(each a file of "code jt jf k" lines: tests/tools/seccomp-dump's for a
process's filter, `seccomp-load --dump`'s for nskit's) on the same system
calls, as the kernel would on a little-endian machine, and prints every call
they answer differently. Calls: numbers 0 to 1099, the same with x32's bit,
and the edges (2^31-1, 2^31, 2^32-1), on x86_64, x86, aarch64 and arm, each
with argument values drawn from a fixed set (0, 1, 2, 3, 7, 9, MNT_FORCE's
neighbours, 32-bit edges, values over 32 bits). Exits 0 when they agree."""
import random
import sys

ARCHES = {"x86_64": 0xc000003e, "x86": 0x40000003, "aarch64": 0xc00000b7, "arm": 0x40000028}
NUMBERS = list(range(1100)) + [0x40000000 + n for n in range(1100)] + [0x7fffffff, 0x80000000, 0xffffffff]
VALUES = [0, 1, 2, 3, 5, 7, 8, 9, 0x12, 0x1012, 1000, 0xffffffff, 1 << 32, (1 << 32) + 1, 4294968296,
          0xffffffff00001000, 0x1200000000000300, 0xffffffffffffffff]


def load(path):
    with open(path) as f:
        return [tuple(int(word) for word in line.split()) for line in f if line.strip()]


def run(program, nr, arch, args):
    data = nr.to_bytes(4, "little") + arch.to_bytes(4, "little") + bytes(8)
    data += b"".join(a.to_bytes(8, "little") for a in args)
    a, pc = 0, 0
    while True:
        code, jt, jf, k = program[pc]
        if code == 0x20:
            a = int.from_bytes(data[k:k + 4], "little")
        elif code == 0x54:
            a &= k
        elif code == 0x05:
            pc += k
        elif code in (0x15, 0x25, 0x35, 0x45):
            taken = {0x15: a == k, 0x25: a > k, 0x35: a >= k, 0x45: a & k != 0}[code]
            pc += jt if taken else jf
        elif code == 0x06:
            return k
        else:
            raise SystemExit(f"seccomp-compare: instruction {code:#x} not known here")
        pc += 1


def main():
    first, second = load(sys.argv[1]), load(sys.argv[2])
    random.seed(25)
    calls = differ = 0
    for name, arch in ARCHES.items():
        for nr in NUMBERS:
            argument_sets = [[0] * 6, [0, 1, 0, 0, 0, 0], [1000, 3, 9, 0, 0, 0]]
            argument_sets += [[random.choice(VALUES) for _ in range(6)] for _ in range(5)]
            for args in argument_sets:
                calls += 1
                one, other = run(first, nr, arch, args), run(second, nr, arch, args)
                if one != other:
                    differ += 1
                    if differ <= 10:
                        print(f"{name} call {nr:#x} args {[hex(a) for a in args]}: {one:#x} and {other:#x}")
    print(f"{calls} calls, {differ} answered differently")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
