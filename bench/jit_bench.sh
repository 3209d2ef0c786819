#!/bin/bash
# Side-by-side benchmark of scion against qemu-arm (Debian's qemu-user 7.2)
# and the native amd64 build of the same Debian package, on the same inputs:
# compressors, a Lua interpreter, SQLite and 7-Zip's own benchmark, then cold
# start and the persistent JIT code cache.  See bench/README.md.
#
# Usage: bench/jit_bench.sh [RUNS]        (RUNS defaults to 3)
# Environment:
#   SCION       scion executable (default build/scion)
#   SCION_OPTS  extra scion options for the main table; default
#               "-jit-cache off" when the build has -jit-cache, so the table
#               measures the JIT rather than what earlier runs left cached
#
# Exit status is 1 if any runner failed or any output differed.
# shellcheck disable=SC2059  # printf formats below are fixed table layouts
set -euo pipefail
export LC_ALL=C  # EPOCHREALTIME and awk with a decimal point
cd "$(dirname "$0")/.."
RUNS=${1:-3}
SCION=${SCION:-build/scion}
BENCH=$PWD/bench
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
PROBLEMS=()     # one line per failure or output mismatch, repeated at the end

say() { printf '%s\n' "$*"; }
problem() { PROBLEMS+=("$*"); say "!!! $*"; }

# ------------------------------------------------------------------ peers
# Missing pieces get a message that says how to get them, not a stack of
# "command not found" lines halfway through a run.
[[ -x /usr/bin/time ]] || { say "jit_bench: /usr/bin/time missing: apt-get install -y time"; exit 1; }
[[ -x $SCION ]] || { say "jit_bench: $SCION not found: build scion (scripts/build.sh) or set SCION=path"; exit 1; }
for t in awk bzip2 xz sha256sum; do
    command -v "$t" >/dev/null || { say "jit_bench: $t missing (needed to make inputs): apt-get install -y bzip2 xz-utils"; exit 1; }
done
HAVE_QEMU=1
command -v qemu-arm >/dev/null || { HAVE_QEMU=0; say "jit_bench: qemu-arm missing (apt-get install -y qemu-user); its column is n/a"; }

SYSROOT=$(scripts/fetch-debian-armhf.sh | tail -n 1)
ARM=$SYSROOT/usr/bin

# native program for each armhf one, and the Debian package that ships both
declare -A PKG=([bzip2]=bzip2 [xz]=xz-utils [lua5.4]=lua5.4 [sqlite3]=sqlite3 [7zz]=7zip)
declare -A NATIVE=()
for p in "${!PKG[@]}"; do
    [[ -x $ARM/$p ]] || { say "jit_bench: $ARM/$p missing: the sysroot lacks ${PKG[$p]}:armhf (its SEED is in scripts/fetch-debian-armhf.sh; SCION_FETCH_REFRESH=1 rebuilds)"; exit 1; }
    if command -v "$p" >/dev/null; then
        NATIVE[$p]=$(command -v "$p")
        # "same Debian package version": say so when they differ
        nv=$(dpkg-query -W -f='${Version}' "${PKG[$p]}:amd64" 2>/dev/null || true)
        av=$(awk -v p="${PKG[$p]}" '$1 == p { print $2 }' "$SYSROOT/../stamp" 2>/dev/null || true)
        [[ -z $nv || -z $av || $nv == "$av" ]] || say "note: ${PKG[$p]} amd64 $nv vs armhf $av (apt-get install ${PKG[$p]}=$av for the same version)"
    else
        say "jit_bench: native $p missing: apt-get install -y ${PKG[$p]}; its native column is n/a"
    fi
done

# Does this scion build know -jit-cache?  An unknown option makes scion exit
# non-zero before running anything, so a probe on busybox true is cheap.
JIT_CACHE_OK=0
if "$SCION" run -jit-cache "$W/probe-cache" -L "$SYSROOT" "$SYSROOT/bin/busybox" true >/dev/null 2>"$W/probe.err"; then
    JIT_CACHE_OK=1
fi
if [[ -z ${SCION_OPTS+x} ]]; then
    SCION_OPTS=""
    ((JIT_CACHE_OK)) && SCION_OPTS="-jit-cache off"
fi
read -r -a SCION_OPTV <<<"$SCION_OPTS"

# ------------------------------------------------------------------ inputs
# Text-like, compressible (about 4.5:1 under bzip2) and deterministic: words
# and numbers picked by the high bits of an LCG.  The multiplier is small so
# that x * a stays below 2^53 and awk's doubles compute it exactly (with
# 1103515245 they round and the sequence falls into a short cycle, giving a
# trivially compressible file).
gen_text() {
    awk -v kb="$1" 'BEGIN {
        n = split("alpha beta gamma delta scion arm thumb vfp block cache the of and to " \
                  "in is that for it as with was on be by at this from or had not are but which", w, " ")
        x = 12345; len = 0; limit = kb * 1024
        while (len < limit) {
            x = (x * 69069 + 1) % 4294967296; r = int(x / 65536)
            s = (r % 13 == 0) ? (r % 1000) "" : w[r % n + 1]
            s = s ((r % 11 == 0) ? "\n" : " ")
            printf "%s", s; len += length(s)
        }
    }'
}
# Sizes chosen so that each workload takes about 1-3 s under qemu-arm.
gen_text 16384 >"$W/text16"
head -c $((8 << 20)) "$W/text16" >"$W/text8"
head -c $((1 << 20)) "$W/text16" >"$W/text1"
head -c $((12 << 20)) "$W/text16" | bzip2 -9 >"$W/text12.bz2"
xz -2 -T1 -c "$W/text16" >"$W/text16.xz"   # -2: decoding speed barely depends on the preset

# ------------------------------------------------------------------ workloads
# workload NAME: sets PROG (armhf/native program name), ARGS and STDIN
WORKLOADS=("bzip2 -9" "bzip2 -d" "xz -9" "xz -d" "lua5.4" "sqlite3" "7z b")
workload() {
    STDIN=/dev/null
    case $1 in
    "bzip2 -9") PROG=bzip2;   ARGS=(-9 -c "$W/text8") ;;
    "bzip2 -d") PROG=bzip2;   ARGS=(-d -c "$W/text12.bz2") ;;
    "xz -9")    PROG=xz;      ARGS=(-9 -T1 -c "$W/text1") ;;
    "xz -d")    PROG=xz;      ARGS=(-d -T1 -c "$W/text16.xz") ;;
    "lua5.4")   PROG=lua5.4;  ARGS=("$BENCH/cpu.lua" 1) ;;
    "sqlite3")  PROG=sqlite3; ARGS=(:memory:); STDIN=$BENCH/query.sql ;;
    # 7-Zip's LZMA benchmark: one thread (scion has no guest threads; with
    # -mmt1 7zz makes no clone at all), 64 KiB dictionary, short passes.
    # It runs for a roughly fixed time and reports a rating, so its row
    # compares ratings (MIPS), not seconds.
    "7z b")     PROG=7zz;     ARGS=(b 20 -mmt1 -md16 -mtic=1) ;;
    esac
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# run_once TAG CMD...: one run of CMD (stdin $STDIN, stdout kept in
# $W/TAG.out); its "seconds max_rss_kib" go to $W/TAG.runs, or the error
# is shown and $W/TAG.runs gets "fail".  The seconds are wall time to a
# tenth of a millisecond (bash's EPOCHREALTIME around /usr/bin/time, whose
# own %e has 10 ms steps: a tenth of native lua5.4's and sqlite3's time).
run_once() {
    local tag=$1 t0 t1
    shift
    [[ $(tail -n 1 "$W/$tag.runs" 2>/dev/null) == fail ]] && return
    t0=$EPOCHREALTIME
    if /usr/bin/time -f "%M" -o "$W/time" "$@" <"$STDIN" >"$W/$tag.out" 2>"$W/$tag.err"; then
        t1=$EPOCHREALTIME
        echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }') $(cat "$W/time")" >>"$W/$tag.runs"
    else
        say "!!! $tag failed: $*" >&2
        say "!!! $(tail -n 3 "$W/$tag.err" | grep -v '^Command exited' || true)" >&2
        echo fail >>"$W/$tag.runs"
    fi
}

# summary TAG: "median_seconds max_rss_kib" of TAG's runs, or "fail 0";
# forgets them.
summary() {
    local f=$W/$1.runs
    if grep -q '^fail' "$f"; then
        echo "fail 0"
    else
        echo "$(cut -d' ' -f1 "$f" | median) $(cut -d' ' -f2 "$f" | sort -n | tail -n 1)"
    fi
    rm -f "$f"
}

# measure TAG N CMD...: run CMD N times; prints summary TAG.
measure() {
    local tag=$1 n=$2 i
    shift 2
    for ((i = 0; i < n; i++)); do run_once "$tag" "$@"; done
    summary "$tag"
}

# 7z b's figure of merit: the total rating (MIPS), last field of "Tot:".
rating_7z() { awk '/^Tot:/ { r = $NF } END { print (r == "" ? "fail" : r) }' "$1"; }

# Three decimals: the geometric mean of two-decimal ratios could round a
# 0.506 to 0.50.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else print "n/a" }'; }

# ------------------------------------------------------------------ main table
say "jit_bench: RUNS=$RUNS  scion=$SCION ${SCION_OPTS:+(options: $SCION_OPTS)}  sysroot=$SYSROOT"
say "qemu: $( ((HAVE_QEMU)) && qemu-arm --version | head -n 1 || echo n/a)"
say ""
fmt='%-10s %9s %9s %9s %10s %10s %10s %10s  %s\n'
printf "$fmt" workload native_s qemu_s scion_s scion/qemu scion/nat qemu_rssK scion_rssK output
declare -a RQ=() RN=()   # ratios for the geometric means
for name in "${WORKLOADS[@]}"; do
    workload "$name"
    nat=n/a; qemu=n/a; sc=n/a; qrss=n/a; srss=n/a; _r=
    # The runners take turns, so load that comes and goes on the host
    # (this is a shared VM) falls on all of them alike.
    for ((i = 0; i < RUNS; i++)); do
        [[ -n ${NATIVE[$PROG]:-} ]] && run_once native "${NATIVE[$PROG]}" "${ARGS[@]}"
        ((HAVE_QEMU)) && run_once qemu qemu-arm -L "$SYSROOT" "$ARM/$PROG" "${ARGS[@]}"
        run_once scion "$SCION" run "${SCION_OPTV[@]}" -L "$SYSROOT" "$ARM/$PROG" "${ARGS[@]}"
    done
    [[ -n ${NATIVE[$PROG]:-} ]] && read -r nat _r <<<"$(summary native)"
    ((HAVE_QEMU)) && read -r qemu qrss <<<"$(summary qemu)"
    read -r sc srss <<<"$(summary scion)"

    # Output check.  Deterministic workloads: stdout must be byte-identical
    # across runners.  7z b prints timings, so there it must finish with a
    # rating and no error (it verifies its own CRCs).
    check=ok
    if [[ $name == "7z b" ]]; then
        for who in native qemu scion; do
            [[ -s $W/$who.out ]] || continue
            if grep -qi error "$W/$who.out" || [[ $(rating_7z "$W/$who.out") == fail ]]; then
                check=FAIL; problem "$name: $who output has no rating or reports an error"
            fi
        done
        # ratings instead of seconds; the slowdown is rating_peer / rating_scion
        [[ $nat != fail && $nat != n/a ]] && nat=$(rating_7z "$W/native.out")
        [[ $qemu != fail && $qemu != n/a ]] && qemu=$(rating_7z "$W/qemu.out")
        [[ $sc != fail ]] && sc=$(rating_7z "$W/scion.out")
        rq=$(ratio "$qemu" "$sc"); rn=$(ratio "$nat" "$sc")
        name="7z b MIPS"
    else
        ref=""
        for who in native qemu scion; do
            [[ -f $W/$who.out ]] || continue
            h=$(sha256sum <"$W/$who.out" | cut -c1-16)
            if [[ -z $ref ]]; then ref=$h; refwho=$who
            elif [[ $h != "$ref" ]]; then check=MISMATCH; problem "$name: $who stdout $h differs from $refwho stdout $ref"; fi
        done
        rq=$(ratio "$sc" "$qemu"); rn=$(ratio "$sc" "$nat")
    fi
    for v in "$nat" "$qemu" "$sc"; do [[ $v == fail ]] && { check=FAIL; problem "$name: a runner failed (see above)"; break; }; done
    [[ $rq != n/a ]] && RQ+=("$rq")
    [[ $rn != n/a ]] && RN+=("$rn")
    printf "$fmt" "$name" "$nat" "$qemu" "$sc" "$rq" "$rn" "$qrss" "$srss" "$check"
    rm -f "$W"/native.out "$W"/qemu.out "$W"/scion.out
done

geomean() { (($#)) && printf '%s\n' "$@" | awk '{ s += log($1) } END { printf "%.3f (%d workloads)", exp(s / NR), NR }' || echo n/a; }
say ""
say "geometric mean scion/qemu:   $(geomean "${RQ[@]}")"
say "geometric mean scion/native: $(geomean "${RN[@]}")"
say "(7z b: ratio of ratings, peer/scion, so > 1 still means scion is slower)"

# ------------------------------------------------------------------ cold start
# Short runs where start-up dominates: a static binary, one that prints a
# page, and a dynamic one that goes through ld.so and the sysroot's libs.
# scion_s runs with no persistent cache at all (-jit-cache off); first_s is
# a run with an empty translation cache (it translates and writes the
# file), warm_s one whose cache a previous run of the command filled.
# Eleven runs, as a 30 ms run's noise is a larger share than a second's,
# and 0.1 ms resolution (a cold start differs from qemu-arm's by 1-3 ms).
COLD_RUNS=11
say ""
say "cold start (median of $COLD_RUNS runs)"
cfmt='%-16s %9s %9s %10s %9s %10s %9s %10s %10s %10s\n'
printf "$cfmt" command qemu_s scion_s scion/qemu first_s first/qemu warm_s warm/qemu qemu_rssK scion_rssK
STDIN=/dev/null
for c in "busybox true" "busybox --help" "ls -l /"; do
    case $c in
    busybox*) prog=$SYSROOT/bin/busybox ;;
    ls*)      prog=$ARM/ls ;;
    esac
    read -r -a cargs <<<"${c#* }"
    q=n/a; qr=n/a; f=n/a; wm=n/a
    if ((JIT_CACHE_OK)); then
        rm -rf "$W/tc-warm"
        "$SCION" run -jit-cache "$W/tc-warm" -L "$SYSROOT" "$prog" "${cargs[@]}" >/dev/null 2>&1 </dev/null || true
    fi
    for ((i = 0; i < COLD_RUNS; i++)); do # taking turns, as above
        ((HAVE_QEMU)) && run_once qemu qemu-arm -L "$SYSROOT" "$prog" "${cargs[@]}"
        run_once scion "$SCION" run "${SCION_OPTV[@]}" -L "$SYSROOT" "$prog" "${cargs[@]}"
        if ((JIT_CACHE_OK)); then
            rm -rf "$W/tc-first"
            mkdir "$W/tc-first"
            run_once first "$SCION" run -jit-cache "$W/tc-first" -L "$SYSROOT" "$prog" "${cargs[@]}"
            run_once warm "$SCION" run -jit-cache "$W/tc-warm" -L "$SYSROOT" "$prog" "${cargs[@]}"
        fi
    done
    ((HAVE_QEMU)) && read -r q qr <<<"$(summary qemu)"
    read -r s sr <<<"$(summary scion)"
    if ((JIT_CACHE_OK)); then
        read -r f _r <<<"$(summary first)"
        read -r wm _r <<<"$(summary warm)"
        cmp -s "$W/warm.out" "$W/scion.out" || problem "cold start $c: output with the warm cache differs"
    fi
    [[ $q == fail || $s == fail || $f == fail || $wm == fail ]] && problem "cold start $c: a runner failed"
    printf "$cfmt" "$c" "$q" "$s" "$(ratio "$s" "$q")" "$f" "$(ratio "$f" "$q")" "$wm" "$(ratio "$wm" "$q")" "$qr" "$sr"
done

# ------------------------------------------------------------------ warm cache
# The persistent JIT code cache: bzip2 -9 twice with a fresh cache directory,
# with the LLVM tier on (-jit on; the default runs the baseline tier alone).
# The first run compiles and stores, the second should load instead of
# compiling.  --stats lines about the cache and compilation are shown.
say ""
if ((!JIT_CACHE_OK)); then
    if grep -qiE 'unknown|unrecognized|invalid|incomplete' "$W/probe.err"; then
        say "warm-cache: -jit-cache not supported by this build"
    else
        problem "warm-cache: scion failed with -jit-cache: $(head -n 3 "$W/probe.err")"
    fi
else
    workload "bzip2 -9"
    say "warm cache: bzip2 -9, scion -jit on -jit-cache <fresh dir> --stats, run 1 then run 2"
    rm -rf "$W/jc"
    for run in 1 2; do
        read -r t r <<<"$(measure scion 1 "$SCION" run -jit on -jit-cache "$W/jc" --stats -L "$SYSROOT" "$ARM/$PROG" "${ARGS[@]}")"
        cp "$W/scion.out" "$W/warm$run.out" 2>/dev/null || true
        say "run $run: ${t} s, ${r} KiB"
        grep -iE 'cache|compiled' "$W/scion.err" | sed 's/^/    /' || say "    (no stats lines mention cache or compiled)"
        [[ $t == fail ]] && problem "warm cache run $run failed"
    done
    cmp -s "$W/warm1.out" "$W/warm2.out" || problem "warm cache: run 2 output differs from run 1"
    say "cache dir: $(du -sk "$W/jc" 2>/dev/null | cut -f1) KiB, $(find "$W/jc" -type f 2>/dev/null | wc -l) files"
fi

# ------------------------------------------------------------------ verdict
say ""
if ((${#PROBLEMS[@]})); then
    say "!!!!!!!! ${#PROBLEMS[@]} PROBLEM(S): failures or output mismatches !!!!!!!!"
    printf '!!! %s\n' "${PROBLEMS[@]}"
    exit 1
fi
say "all outputs matched"
