#!/bin/bash
# The GBA machine's speed: scion headless in each JIT mode on the demo (a
# scripted game), the CPU test ROMs and two benchmark ROMs, and, where a
# like-for-like measure exists, side by side with Debian's mGBA (mgba-sdl
# 0.10) and scion's own window, both unthrottled.  Prints figures; it is
# not a test.  See bench/README.md.
#
# Usage: bench/gba_bench.sh [RUNS]        (RUNS defaults to 3: medians)
# Environment:
#   SCION        scion executable (default build/scion)
#   SCION_OPTS   extra options for every scion run (default "-jit-cache off",
#                so compiling is measured, not what earlier runs cached)
#   MGBA         mGBA's SDL front end (default /usr/games/mgba)
#   FRAMES       frames per headless run (default 3600: a minute of GBA time)
#   SECONDS_WIN  wall-clock seconds between the two grabs of a window run
#                (default 5)
#
# Windowed measure: mGBA has no headless benchmark mode, so the benchmark
# ROMs (roms/gba/bench_cpu.c, bench_wait.c) draw their own VBlank count as
# 24 black/white 8x8 squares.  Each emulator runs in a 240x160 window
# (scale 1) on a private Xvfb with pacing off (mGBA: videoSync=0 and
# audioSync=0; scion: Tab, fast-forward, held through xdotool); the root
# window is grabbed twice SECONDS_WIN apart and the count decoded, so
# frames/s = (count2 - count1) / (time2 - time1) and start-up cancels.
#
# Exit status is 1 if a run failed or a measure looks wrong (a throttled
# mGBA, an undecodable counter).
# shellcheck disable=SC2059  # printf formats below are fixed table layouts
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
SCION=${SCION:-build/scion}
MGBA=${MGBA:-/usr/games/mgba}
FRAMES=${FRAMES:-3600}
SECONDS_WIN=${SECONDS_WIN:-5}
read -r -a SCION_OPTV <<<"${SCION_OPTS--jit-cache off}"
GBA_HZ=59.7275          # 16777216 / 280896
MODES=(off on always)
PROBLEMS=()

W=$(mktemp -d)
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null || true; done
    for p in $PIDS; do wait "$p" 2>/dev/null || true; done
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { printf '%s\n' "$*"; }
problem() { PROBLEMS+=("$*"); say "!!! $*" >&2; }
# Results of headless and window: globals, not $(...), so that problems
# and the PIDs of started emulators stay in this shell.
RES_F=fail
RES_P=-
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR ? a[int((NR + 1) / 2)] : "n/a") }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }
xreal() { awk -v f="$1" -v hz="$GBA_HZ" 'BEGIN { if (f + 0 > 0) printf "%.1fx", f / hz; else print "n/a" }'; }
now() { date +%s.%N; }

# ------------------------------------------------------------------ tools
[[ -x $SCION ]] || { say "gba_bench: $SCION not found: ninja -C build, or set SCION=path"; exit 1; }
command -v arm-none-eabi-gcc >/dev/null || { say "gba_bench: apt-get install -y gcc-arm-none-eabi"; exit 1; }
command -v convert >/dev/null || { say "gba_bench: apt-get install -y imagemagick"; exit 1; }
HAVE_WIN=1
for t in "$MGBA" Xvfb xdotool import; do
    command -v "$t" >/dev/null || { HAVE_WIN=0; say "gba_bench: $t missing (apt-get install -y mgba-sdl xvfb xauth xdotool imagemagick): no windowed columns"; }
done

# The ROMs, built from this tree into the work directory (not meson's
# copy, so the script works in any checkout, and saves land there too).
ROMS="cpu_arm cpu_thumb irq_timer_dma bios_calls demo bench_cpu bench_wait"
GBA_ROMS=$ROMS roms/gba/build.sh "$W/roms" >"$W/build.log" 2>&1 ||
    { cat "$W/build.log"; say "gba_bench: roms/gba/build.sh failed"; exit 1; }

# ------------------------------------------------------------------ the picture
# A 24-bit number drawn by the bench ROMs in tile row ROW of a 240x160
# picture whose top-left corner is at X,Y of PNG: each 8x8 square is
# averaged to one grey pixel and read as a bit, most significant first.
decode() {
    local png=$1 x=$2 y=$3 row=$4
    convert "$png" -crop "192x8+$x+$((y + row * 8))" +repage -scale '24x1!' \
        -colorspace gray -depth 8 gray:- | od -An -tu1 -v |
        awk '{ for (i = 1; i <= NF; i++) { v = v * 2 + ($i > 127); n++ } } END { print (n == 24 ? v : "bad") }'
}
COUNT_ROW=2   # roms/gba/bench_cpu.c: VBlank count
ROUND_ROW=4   # rounds of work finished

# Does the demo's picture say GAME OVER (yellow text at tiles 10-18, row 11)?
game_over() {
    convert "$1" -crop 72x8+80+88 +repage -depth 8 rgb:- | od -An -tu1 -v |
        awk '{ for (i = 1; i <= NF; i++) p[n++] = $i }
             END { for (i = 0; i + 2 < n; i += 3) y += p[i] > 150 && p[i + 1] > 150 && p[i + 2] < 100; exit !(y > 20) }'
}

# ------------------------------------------------------------------ headless
# The demo's key script: START, then the paddle sweeping left and right
# with A tapped at each turn (serves a ball whenever one waits).  The
# paddle misses, so games end; the game is deterministic, and the START
# taps after the first are just after the frames where this script's
# games end (found by looking for GAME OVER every 100 frames), so the ball
# is in play, or about to be served, for most of the run.
demo_keys() {
    local k="30:START,31:" f s
    for ((f = 90; f < FRAMES; f += 45)); do
        if (((f / 45) % 2)); then s=LEFT; else s=RIGHT; fi
        k="$k,$f:A+$s,$((f + 1)):$s"
    done
    for f in 802 1202 1602 2102 2502 3102; do
        ((f < FRAMES)) && k="$k,$f:START,$((f + 1)):"
    done
    # scion wants the entries in frame order
    tr , '\n' <<<"$k" | sort -t: -k1,1n | paste -sd,
}

# headless ROM MODE: one run; RES_F = frames/s or fail, RES_P = for the
# bench ROMs rounds of work per frame from the last picture, else -.
headless() {
    local rom=$1 mode=$2 extra=()
    RES_F=fail RES_P=-
    case $rom in
    demo) extra=(-keys "$(demo_keys)") ;;
    cpu_* | irq_* | bios_*) extra=(-result) ;;
    esac
    if ! "$SCION" gba -display none "${SCION_OPTV[@]}" -jit "$mode" -frames "$FRAMES" --stats \
            -screenshot "$W/last.png" "${extra[@]}" "$W/roms/$rom.gba" >"$W/out" 2>"$W/err"; then
        problem "$rom -jit $mode: scion failed: $(cat "$W/out" "$W/err" | tail -n 2 | tr '\n' ' ')"
        return
    fi
    RES_F=$(sed -n 's/.* \([0-9.]*\) frames\/s.*/\1/p' "$W/err" | tail -n 1)
    RES_F=${RES_F:-fail}
    [[ $rom == demo ]] && game_over "$W/last.png" && problem "demo -jit $mode: GAME OVER at the last frame (demo changed? redo demo_keys' START frames)"
    if [[ $rom == bench_* ]]; then
        RES_P=$(awk -v r="$(decode "$W/last.png" 0 0 $ROUND_ROW)" -v f="$(decode "$W/last.png" 0 0 $COUNT_ROW)" \
            'BEGIN { if (f + 0 > 0) printf "%.3f", r / f; else print "bad" }')
    fi
}

# ------------------------------------------------------------------ windows
start_xvfb() {
    Xvfb -displayfd 5 -screen 0 320x240x24 -nolisten tcp 5>"$W/display" 2>"$W/xvfb.log" &
    PIDS="$PIDS $!"
    for _ in $(seq 50); do [[ -s $W/display ]] && break; sleep 0.1; done
    [[ -s $W/display ]] || { problem "Xvfb did not start"; HAVE_WIN=0; return; }
    DISPLAY=:$(cat "$W/display")
    export DISPLAY SDL_AUDIODRIVER=dummy
}

# grab X Y: "time count rounds" from one grab of the root window; the time
# is the middle of the grab.
grab() {
    local t0 t1
    t0=$(now)
    import -window root "$W/grab.png"
    t1=$(now)
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (a + b) / 2 }')" \
        "$(decode "$W/grab.png" "$1" "$2" $COUNT_ROW)" "$(decode "$W/grab.png" "$1" "$2" $ROUND_ROW)"
}

# window WHO ROM: runs mGBA or scion unthrottled in a 1x window; RES_F =
# frames/s over SECONDS_WIN seconds (or fail), RES_P = rounds per frame.
window() {
    # shellcheck disable=SC2034  # SCREEN and WINDOW: set by the eval below, kept local
    local who=$1 rom=$2 pid wid X Y WIDTH HEIGHT SCREEN WINDOW a b
    RES_F=fail RES_P=-
    if [[ $who == mgba ]]; then
        # fresh config each time: no saved window size or settings apply
        rm -rf "$W/cfg"
        XDG_CONFIG_HOME=$W/cfg "$MGBA" -1 -C videoSync=0 -C audioSync=0 "$W/roms/$rom.gba" >"$W/win.log" 2>&1 &
    else
        "$SCION" gba -scale 1 "${SCION_OPTV[@]}" "$W/roms/$rom.gba" >"$W/win.log" 2>&1 &
    fi
    pid=$!
    PIDS="$PIDS $pid"
    if [[ $who == mgba ]]; then
        wid=$(timeout 20 xdotool search --sync --onlyvisible --class mgba | head -n 1 || true)
    else
        wid=$(timeout 20 xdotool search --sync --onlyvisible --name '^scion' | head -n 1 || true)
    fi
    if [[ -z $wid ]]; then
        problem "$who $rom: no window ($(tail -n 2 "$W/win.log" | tr '\n' ' '))"
        stop "$pid"; return
    fi
    eval "$(xdotool getwindowgeometry --shell "$wid")"
    if [[ $WIDTH != 240 || $HEIGHT != 160 ]]; then
        problem "$who $rom: window is ${WIDTH}x$HEIGHT, not 240x160"
        stop "$pid"; return
    fi
    # scion's fast-forward: Tab held, the pointer over the window so that
    # the keyboard focus (PointerRoot, no window manager) is the window's.
    if [[ $who == scion ]]; then
        xdotool mousemove --window "$wid" 120 80 keydown Tab
    fi
    sleep 2   # start-up and the JIT's first compiles are not measured
    a=$(grab "$X" "$Y")
    sleep "$SECONDS_WIN"
    b=$(grab "$X" "$Y")
    if [[ $who == scion ]]; then
        xdotool getwindowname "$wid" | grep -q 'fast-forward' || problem "scion $rom: the window does not say fast-forward: Tab not seen"
        xdotool keyup Tab
    fi
    stop "$pid"
    read -r RES_F RES_P < <(awk -v a="$a" -v b="$b" 'BEGIN {
        split(a, p, " "); split(b, q, " ")
        if (p[2] == "bad" || q[2] == "bad" || q[2] <= p[2]) { print "fail -"; exit }
        printf "%.1f %.3f\n", (q[2] - p[2]) / (q[1] - p[1]), (q[3] - p[3]) / (q[2] - p[2])
    }')
    [[ $RES_F != fail ]] || problem "$who $rom: counter not readable or not moving: '$a' then '$b'"
}

stop() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    PIDS=${PIDS/ $1/}
}

# ------------------------------------------------------------------ measuring
# Each workload: per rep, the mGBA window, the scion window, then scion
# headless in each mode, so a burst of load from other work spreads over
# all columns instead of landing on one.
declare -A FPS=() RPF=()
add() { FPS[$1]+="$2 "; [[ $3 == - || $3 == bad ]] || RPF[$1]+="$3 "; }
med() { tr ' ' '\n' <<<"${FPS[$1]:-}" | grep -v '^$' | grep -v fail | median; }
medr() { tr ' ' '\n' <<<"${RPF[$1]:-}" | grep -v '^$' | median; }

say "gba_bench: RUNS=$RUNS FRAMES=$FRAMES SECONDS_WIN=$SECONDS_WIN scion=$SCION options: ${SCION_OPTV[*]:-none}"
say "mGBA: $( ((HAVE_WIN)) && "$MGBA" --version 2>&1 | head -n 1 || echo n/a)   host: $(nproc) cores, load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
((HAVE_WIN)) && start_xvfb
t_start=$(date +%s)
WORKLOADS="demo cpu_arm cpu_thumb irq_timer_dma bios_calls bench_cpu bench_wait"
for rom in $WORKLOADS; do
    printf '%s' "measuring $rom " >&2
    for ((r = 0; r < RUNS; r++)); do
        if [[ $rom == bench_* ]] && ((HAVE_WIN)); then
            for who in mgba scion; do
                window "$who" "$rom"
                add "$rom/win-$who" "$RES_F" "$RES_P"
            done
        fi
        for m in "${MODES[@]}"; do
            headless "$rom" "$m"
            add "$rom/$m" "$RES_F" "$RES_P"
            printf . >&2
        done
    done
    echo >&2
done

# ------------------------------------------------------------------ table
say ""
say "frames/s (median of $RUNS), and x real time (59.73 frames/s); headless $FRAMES frames a run;"
say "win = unthrottled 1x window under Xvfb, ${SECONDS_WIN} s between grabs (scion: default -jit on)"
fmt='%-14s %8s %8s %8s %7s %7s %7s %9s %9s %8s %8s\n'
printf "$fmt" workload off on always off_x on_x alw_x win_scion win_mgba on/mgba win/win
SLOW=()
for rom in $WORKLOADS; do
    declare -A v=()
    for m in "${MODES[@]}"; do
        v[$m]=$(med "$rom/$m")
        awk -v f="${v[$m]}" -v hz="$GBA_HZ" 'BEGIN { exit !(f + 0 < 20 * hz) }' && SLOW+=("$rom -jit $m: $(xreal "${v[$m]}")")
    done
    ws=n/a; wm=n/a
    if [[ $rom == bench_* ]]; then
        ws=$(med "$rom/win-scion"); wm=$(med "$rom/win-mgba")
        # pacing off must mean far above 60 frames/s, or mGBA was throttled
        awk -v f="$wm" 'BEGIN { exit !(f + 0 > 0 && f + 0 < 180) }' && problem "$rom: mGBA at $wm frames/s: still throttled?"
    fi
    printf "$fmt" "$rom" "${v[off]}" "${v[on]}" "${v[always]}" "$(xreal "${v[off]}")" "$(xreal "${v[on]}")" \
        "$(xreal "${v[always]}")" "$ws" "$wm" "$(ratio "${v[on]}" "$wm")" "$(ratio "$ws" "$wm")"
    unset v
done

say ""
say "work per frame (bench ROMs: rounds of work / frames; guest cycle timing differs between emulators)"
rfmt='%-14s %10s %10s %10s %10s %10s\n'
printf "$rfmt" workload scion_off scion_on scion_alw scion_win mgba_win
for rom in bench_cpu bench_wait; do
    printf "$rfmt" "$rom" "$(medr "$rom/off")" "$(medr "$rom/on")" "$(medr "$rom/always")" \
        "$(medr "$rom/win-scion")" "$(medr "$rom/win-mgba")"
done

say ""
say "below 20x real time (the issue's bar for the demo and the CPU test ROMs):"
if ((${#SLOW[@]})); then printf '  %s\n' "${SLOW[@]}"; else say "  none"; fi
say "elapsed $(($(date +%s) - t_start)) s, load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
cat <<'EOF'

Notes (like for like or not):
- on/mgba compares scion headless (default -jit on, no window, no
  presenting) with mGBA's window: scion does less there.  win/win is the
  like-for-like column: both in a 1x window on the same Xvfb, pacing off,
  counted by the ROM's own VBlank count.  scion's fast-forward presents at
  most 60 pictures a second; mGBA with videoSync=0 presents what its
  render thread can take (on Xvfb, through Mesa's software GL).
- mGBA runs the emulation and the GL rendering on different threads, so
  on 2 cores it may use more than one; scion's window is one thread plus
  its background compiler.
- The demo and the CPU test ROMs show no frame counter (the test ROMs
  idle in `b .` with IRQs masked), and mGBA takes no keys under a bare
  Xvfb, so they have no mGBA column.
- Frames are the same unit in both (280896 CPU cycles of GBA time), but
  each emulator charges its own cycles per instruction (wait states,
  prefetch), so a frame is not the same amount of guest work: the second
  table shows how much of bench_cpu's work fits in a frame in each.
- Wall-clock figures on a shared machine: other work's load moves them
  (see the load averages); runs alternate between emulators to spread it.
EOF

say ""
if ((${#PROBLEMS[@]})); then
    say "!!!!!!!! ${#PROBLEMS[@]} PROBLEM(S) !!!!!!!!"
    printf '!!! %s\n' "${PROBLEMS[@]}"
    exit 1
fi
