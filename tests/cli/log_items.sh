#!/bin/sh
# -d in_asm,out_asm with -baseline check (every block compiled on its first
# run, not once warm): the first block logged is the ELF entry point (as
# binutils' readelf reads it), the baseline tier's shared entry stub comes
# before it and starts with push rbx (whose encoding test_x64_asm checks
# against objdump) and its exit stub ends in ret, the first block's code
# leaves through a jmp, and arena offsets grow block after block.
# Usage: log_items.sh SCION STATIC_ARM_BINARY
set -u
SCION=$1
PROG=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "log_items: $*" >&2; exit 1; }

"$SCION" run -baseline check -d in_asm,out_asm -D "$T/log" "$PROG" >/dev/null || fail "scion exited with status $?"
entry=$(readelf -h "$PROG" | awk '/Entry point address/ { print $NF }')
entry=$(printf '0x%08x' $((entry & ~1)))
first_in=$(awk '/^IN:/ { getline; print $1; exit }' "$T/log" | tr -d :)
[ "$first_in" = "$entry" ] || fail "first IN block at $first_in, ELF entry $entry"
first_out=$(awk '/^OUT for/ { print $3; exit }' "$T/log" | tr -d :)
[ "$first_out" = "$entry" ] || fail "first OUT block at $first_out, ELF entry $entry"
awk '/^OUT shared/ { getline; getline; print; exit }' "$T/log" | grep -q 'push rbx$' ||
    fail "no shared entry stub starting with push rbx before the first block"
awk '/^OUT shared/ { s = 1; next } s && /^0x/ { last = $0 } s && /^$/ { print last; exit }' "$T/log" |
    grep -q ':  ret $' || fail "the shared stubs do not end in ret"
awk '/^OUT for/ { s = 1; next } s && /:  jmp / { j = 1 } s && /^$/ { exit } END { exit !j }' "$T/log" ||
    fail "the first block's host code has no jmp (to a successor or the exit stub)"
awk '/^OUT for/ { off = strtonum_hex($NF) } function strtonum_hex(s,  i, c, v) {
        sub(/\]$/, "", s); s = tolower(substr(s, 3)); v = 0
        for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)) - 1; v = v * 16 + c }
        return v
    }
    /^OUT for/ { if (n++ && off <= last) bad = 1; last = off }
    END { exit bad || n < 10 }' "$T/log" || fail "arena offsets do not grow from block to block (or fewer than 10 blocks)"
echo "log items OK"
