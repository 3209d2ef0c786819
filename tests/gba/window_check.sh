#!/bin/sh
# The GBA window under a private Xvfb, driven by real X key events (xdotool)
# on roms/gba/demo.gba (Breakout):
#  - F12 writes a 240x160 PNG; after Enter the score line appears and the
#    picture differs from the title, and holding Left puts the paddle
#    against the left wall (both compared with a headless run's pixels);
#  - P pauses: two window captures and two F12 shots while paused agree;
#  - N steps while paused: the picture changes within a few presses (the
#    star field scrolls one pixel every two frames) and stays paused;
#  - the window (resized to 800x600, so 3x with black borders) shows
#    exactly the machine's frame: its capture, cropped and scaled down,
#    equals the F12 PNG, and the F12 PNG scaled up onto black equals the
#    whole capture;
#  - Shift+F1 writes demo.ss1; Escape quits with status 0 and the window
#    goes away.
# Skipped (77) when Xvfb, xdotool, xwininfo or ImageMagick are missing.
#   tests/gba/window_check.sh SCION ROM
set -u
scion=$1 rom=$2

tmp="" xvfb_pid="" scion_pid="" step="setting up"
win_w=800 win_h=600

cleanup() {
    # scion first: it is Xvfb's client and must not outlive it.
    [ -n "$scion_pid" ] && kill "$scion_pid" 2>/dev/null && wait "$scion_pid" 2>/dev/null
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
    [ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# fail MESSAGE: name the step, keep the pictures and logs (the temporary
# directory goes with the trap) and stop.
fail() {
    keep=$(mktemp -d "${TMPDIR:-/tmp}/scion-window-check.XXXXXX") || keep="(could not create one)"
    [ -d "$keep" ] && cp "$tmp"/*.png "$tmp"/*.log "$keep"/ 2>/dev/null
    echo "FAIL: gba window, step '$step': $*" >&2
    echo "  screenshots and logs kept in $keep" >&2
    [ -s "$tmp/scion.log" ] && sed 's/^/  scion: /' "$tmp/scion.log" >&2
    exit 1
}

need_tools() {
    for t in Xvfb xdotool xwininfo import convert identify; do
        if ! command -v "$t" >/dev/null 2>&1; then
            echo "SKIP: $t is not installed (packages xvfb xdotool x11-utils imagemagick)"
            exit 77
        fi
    done
}

# wait_for SECONDS COMMAND...: poll COMMAND every 0.1 s until it succeeds,
# for SECONDS of the clock (the polls themselves take time on a busy
# machine, so counting tries would stretch the limit).
wait_for() {
    deadline=$(($(date +%s) + $1))
    shift
    until "$@"; do
        [ "$(date +%s)" -le "$deadline" ] || return 1
        sleep 0.1
    done
}

# Xvfb picks a free display itself (-displayfd) and writes its number only
# once it accepts connections, so parallel tests and stale locks cannot
# collide with ours.
start_xvfb() {
    step="starting Xvfb"
    Xvfb -displayfd 3 -screen 0 1024x768x24 -nolisten tcp 3>"$tmp/display" >"$tmp/xvfb.log" 2>&1 &
    xvfb_pid=$!
    wait_for 20 test -s "$tmp/display" || fail "Xvfb did not report a display within 20 s"
    DISPLAY=:$(cat "$tmp/display")
    export DISPLAY
    wait_for 10 x_answers || fail "Xvfb on $DISPLAY does not answer"
}

x_answers() {
    xwininfo -root >/dev/null 2>&1
}

# The user's key remapping must not apply, SDL must use X11 even when the
# environment asks for the dummy driver or Wayland, and an inherited
# SDL_RENDER_SCALE_QUALITY would override scion's "nearest" and blur the
# picture.
start_scion() {
    step="starting scion"
    unset SDL_RENDER_SCALE_QUALITY
    mkdir "$tmp/rom" "$tmp/config" || fail "cannot make directories in $tmp"
    cp "$rom" "$tmp/rom/demo.gba" || fail "cannot copy $rom"
    XDG_CONFIG_HOME="$tmp/config" SDL_VIDEODRIVER=x11 "$scion" gba -mute "$tmp/rom/demo.gba" \
        >"$tmp/scion.log" 2>&1 &
    scion_pid=$!
}

find_window() {
    step="waiting for the window"
    win=""
    wait_for 30 window_up || fail "no visible window named 'scion - demo' within 30 s"
    step="focusing the window"
    xdotool windowsize "$win" "$win_w" "$win_h"
    wait_for 10 has_size "$win_w" "$win_h" || fail "the window did not take the size ${win_w}x${win_h}"
    # No window manager: focus by hand, and keep the pointer inside in case
    # focus follows it.
    xdotool mousemove --window "$win" 10 10
    timeout 10 xdotool windowfocus --sync "$win" || fail "cannot focus window $win"
}

# Stops early, with its messages, when scion has died.
window_up() {
    gone "$scion_pid" && fail "scion exited before its window appeared"
    win=$(xdotool search --onlyvisible --name '^scion - demo' 2>/dev/null | head -n 1)
    [ -n "$win" ]
}

has_size() {
    geo=$(xwininfo -id "$win" 2>/dev/null) || return 1
    w=$(printf '%s\n' "$geo" | sed -n 's/^ *Width: *//p')
    h=$(printf '%s\n' "$geo" | sed -n 's/^ *Height: *//p')
    [ "$w" = "$1" ] && [ "$h" = "$2" ]
}

title_has() {
    case $(xdotool getwindowname "$win" 2>/dev/null) in *"$1"*) return 0 ;; esac
    return 1
}

# hold KEY SECONDS: key down, wait, key up, all from one xdotool so a busy
# machine cannot stretch the gap into an X autorepeat.  Game keys are held
# long enough for the running machine to see them in a frame.
hold() {
    xdotool keydown "$1" sleep "$2" keyup "$1"
}

tap() {
    hold "$1" 0.05
}

# shot NAME: F12, then move scion's PNG (written atomically, beside the
# ROM) to NAME.png.
shot() {
    tap F12
    wait_for 15 png_written || fail "F12 wrote no screenshot within 15 s"
    set -- "$1" "$tmp"/rom/demo-*.png
    [ $# -eq 2 ] || fail "F12 wrote $(($# - 1)) screenshots, not one"
    mv "$2" "$tmp/$1.png"
    size=$(identify -format '%wx%h' "$tmp/$1.png") || fail "$1.png is not a picture"
    [ "$size" = 240x160 ] || fail "$1.png is $size, not 240x160"
}

png_written() {
    for f in "$tmp"/rom/demo-*.png; do
        [ -e "$f" ] && return 0
    done
    return 1
}

capture() {
    import -window "$win" "$tmp/$1.png" 2>>"$tmp/import.log" || fail "import cannot capture window $win"
}

# pixels FILE: the raw 8-bit RGB of a picture, hashed; equal hashes mean
# equal pictures pixel for pixel.
pixels() {
    convert "$1" -depth 8 rgb:- | sha256sum | cut -d' ' -f1
}

same() {
    [ "$(pixels "$tmp/$1.png")" = "$(pixels "$tmp/$2.png")" ]
}

# The picture goes in a whole-number scale, centred: crop it out of the
# capture and sample it back to 240x160, and rebuild the whole capture
# from the F12 shot; both must match exactly.
window_shows() {
    capture_name=$1 f12=$2
    size=$(identify -format '%w %h' "$tmp/$capture_name.png") || fail "$capture_name.png is not a picture"
    set -- $size
    scale=$(($1 / 240 < $2 / 160 ? $1 / 240 : $2 / 160))
    [ "$scale" -ge 1 ] || fail "the window $1x$2 is smaller than 240x160"
    x=$((($1 - 240 * scale) / 2)) y=$((($2 - 160 * scale) / 2))
    convert "$tmp/$capture_name.png" -crop "$((240 * scale))x$((160 * scale))+$x+$y" +repage \
        -sample 240x160 "$tmp/$capture_name-down.png"
    same "$capture_name-down" "$f12" ||
        fail "the window picture, scaled down from ${scale}x, differs from the F12 PNG ($capture_name-down.png vs $f12.png)"
    convert -size "$1x$2" xc:black \( "$tmp/$f12.png" -sample "$((scale * 100))%" \) -geometry "+$x+$y" \
        -composite "$tmp/$f12-up.png"
    same "$capture_name" "$f12-up" ||
        fail "the window is not the F12 PNG at ${scale}x on black ($capture_name.png vs $f12-up.png)"
}

# crop_like NAME PART GEOMETRY: is that part of NAME.png the same as in the
# headless reference?  The reference supplies the pixels, so no colours or
# glyphs are written here.
crop_like() {
    convert "$tmp/$1.png" -crop "$3" +repage "$tmp/$1-$2.png" && same "$1-$2" "ref-$2"
}

# The "SCORE" label at the top left: only drawn in the game.
game_on() {
    shot "$1" && crop_like "$1" hud 48x8+0+0
}

# The paddle's body (sprite rows 2..5, columns 4..27) covers x 12..35,
# y 146..149 when it is against the left wall (x 8); sprite 0, it is
# drawn over the ball and the debris.
paddle_left() {
    shot "$1" && crop_like "$1" paddle 24x4+12+146
}

make_reference() {
    step="headless reference"
    timeout 120 "$scion" gba -display none -frames 150 -keys "30:START,31:,60:A,61:,70:LEFT,150:" \
        -screenshot "$tmp/ref.png" "$rom" >"$tmp/ref.log" 2>&1 || fail "headless scion exited with $?"
    convert "$tmp/ref.png" -crop 24x4+12+146 +repage "$tmp/ref-paddle.png" &&
        convert "$tmp/ref.png" -crop 48x8+0+0 +repage "$tmp/ref-hud.png" || fail "cannot crop ref.png"
}

play() {
    step="title screenshot"
    shot title
    capture title-window
    step="starting the game (Enter)"
    hold Return 0.5
    retry 10 game_on game || fail "no score line after Enter (game.png)"
    same title game && fail "the title and the game screenshots are the same"
    step="launching (X) and holding Left"
    hold x 0.5
    xdotool keydown Left
    # The paddle needs about 32 frames to reach the wall.
    retry 20 paddle_left left
    ok=$?
    xdotool keyup Left
    [ "$ok" -eq 0 ] || fail "the paddle did not reach the left wall (left.png)"
}

# retry TIMES COMMAND...: run COMMAND until it succeeds, 0.3 s apart.
retry() {
    tries_left=$1
    shift
    until "$@"; do
        tries_left=$((tries_left - 1))
        [ "$tries_left" -gt 0 ] || return 1
        sleep 0.3
    done
}

check_pause() {
    step="pausing"
    tap p
    wait_for 10 title_has '[paused]' || fail "no [paused] in the title after P"
    shot paused1
    capture paused-window1
    sleep 0.5
    shot paused2
    capture paused-window2
    same paused1 paused2 || fail "two F12 shots while paused differ (paused1.png, paused2.png)"
    same paused-window1 paused-window2 || fail "two window captures while paused differ"
    step="window against F12 (paused)"
    window_shows paused-window2 paused2
}

# The star field scrolls every second frame, so two single steps must
# change the picture; a few spare presses cover steps merged by a stall.
check_step() {
    step="frame advance (N)"
    n=0
    while :; do
        tap n
        n=$((n + 1))
        wait_for 1 changed_from paused-window2 && break
        [ "$n" -lt 4 ] || fail "$n presses of N did not change the picture"
    done
    sleep 0.5
    capture stepped-window1
    sleep 0.5
    capture stepped-window2
    same stepped-window1 stepped-window2 || fail "the machine ran on after N (no longer paused)"
    shot stepped
    step="window against F12 (after N)"
    window_shows stepped-window2 stepped
}

changed_from() {
    capture probe
    ! same probe "$1"
}

check_state() {
    step="saving state (Shift+F1)"
    xdotool keydown Shift_L keydown F1 sleep 0.05 keyup F1 keyup Shift_L
    wait_for 15 test -s "$tmp/rom/demo.ss1" || fail "no non-empty demo.ss1 within 15 s"
}

check_quit() {
    step="quitting (Escape)"
    tap Escape
    wait_for 20 gone "$scion_pid" || fail "scion still runs 20 s after Escape"
    wait "$scion_pid"
    status=$?
    scion_pid=""
    [ "$status" -eq 0 ] || fail "scion exited with status $status"
    wait_for 5 gone_window || fail "window $win still exists after scion exited"
}

gone() {
    ! kill -0 "$1" 2>/dev/null
}

gone_window() {
    ! xwininfo -id "$win" >/dev/null 2>&1
}

need_tools
tmp=$(mktemp -d) || exit 1
make_reference
start_xvfb
start_scion
find_window
play
check_pause
check_step
check_state
check_quit
echo "gba window OK"
