# Shared by the bad-input tests (sourced; POSIX sh).
# expect NAME FRAGMENT COMMAND...: the command must fail with a status
# below 124 (no crash, no timeout) and print between 1 and MAX_LINES lines
# on stderr, one of them containing FRAGMENT.  Counts into pass/fail.
pass=0
fail=0
MAX_LINES=${MAX_LINES:-1000}

expect() {
    name=$1 frag=$2
    shift 2
    out=$(timeout 20 "$@" 2>&1 >/dev/null </dev/null)
    rc=$?
    lines=$(printf '%s\n' "$out" | grep -c .)
    if [ $rc -ne 0 ] && [ $rc -lt 124 ] && [ "$lines" -ge 1 ] && [ "$lines" -le "$MAX_LINES" ] &&
        printf '%s' "$out" | grep -q -- "$frag"; then
        pass=$((pass + 1))
        echo "PASS $name"
    else
        fail=$((fail + 1))
        echo "FAIL $name (status $rc): $out"
    fi
}
