#!/usr/bin/env bash
# The static binary is hardened, and stays so: a static PIE (its load
# address changes every run), full RELRO, code in a segment of its own, a
# stack protector that really stops a smashed frame in the freestanding
# build, and the whole binary within its 512 KiB ceiling.
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$TOP/tests/lib.sh"

SMASH=$TOP/build/tests/stack-smash
make -s -C "$TOP" build/tests/stack-smash >/dev/null || { fail "stack-smash" "make build/tests/stack-smash failed"; exit 0; }
need_cmd "ELF checks" readelf || exit 0

headers=$(readelf -hlW "$NSKIT")
dynamic=$(readelf -dW "$NSKIT")
same "a position-independent executable (ELF type DYN)" "$(awk '/^ *Type:/ {print $2}' <<<"$headers")" DYN
same "no program interpreter: static" "$(grep -c INTERP <<<"$headers")" 0
same "full RELRO: a GNU_RELRO segment" "$(grep -c GNU_RELRO <<<"$headers")" 1
same "full RELRO: bound now" "$(grep -c 'FLAGS.*NOW' <<<"$dynamic")" 2
same "no writable and executable segment" "$(awk '$1 == "LOAD" && $7 ~ /W/ && $7 ~ /E/' <<<"$headers")" ""
# Separate code: the only executable LOAD segment starts on a page of its own,
# after a read-only one (headers, relocations), and is followed by read-only data.
same "separate code: LOAD segments read-only, code, read-only, data" \
    "$(awk '$1 == "LOAD" { flags = ""; for (i = 7; i < NF; i++) flags = flags $i; printf "%s ", flags }' <<<"$headers")" \
    "R RE R RW "

a=$("$SMASH" where) b=$("$SMASH" where)
if [ -n "$a" ] && [ "$a" != "$b" ]; then pass "ASLR: the code is loaded somewhere else each run"
else fail "ASLR: the code is loaded somewhere else each run" "'$a' then '$b'"; fi
a=$("$SMASH" canary) b=$("$SMASH" canary)
if [ -n "$a" ] && [ "$a" != "$b" ] && [ "$a" != 0000000000000000 ]; then pass "the stack canary is random"
else fail "the stack canary is random" "'$a' then '$b'"; fi
expect "a smashed canary stops the program before it returns (SIGSEGV from __stack_chk_fail)" --rc 139 --out "" \
    -- bash -c '"$0" smash; exit $?' "$SMASH"
# And in nskit itself: functions with arrays load the canary (from %fs:0x28).
if need_cmd "canary checks in nskit" objdump; then
    n=$(objdump -d "$NSKIT" | grep -c '%fs:0x28')
    if [ "$n" -gt 20 ]; then pass "nskit's code checks the canary ($n places)"
    else fail "nskit's code checks the canary" "only $n places read %fs:0x28"; fi
fi

size=$(stat -c %s "$NSKIT")
# Its size is a figure (README), with one ceiling: 512 KiB.
if [ "$size" -le $((512 * 1024)) ]; then pass "the binary is within its 512 KiB ceiling ($size bytes)"
else fail "the binary is within its 512 KiB ceiling" "$size bytes"; fi
