#!/bin/sh
# roms/gba/sound_test.gba, headless with -audio-dump: the WAV must hold, in
# the windows where the ROM plays them (see its header comment),
#  - a channel-1 square at 131072 / (2048 - 1750) = 439.83 Hz,
#  - silence,
#  - a DirectSound FIFO A sine at 16777216 / 1024 / 32 = 512 Hz,
# each tone within 2% (rising crossings of the mean-removed signal, with
# hysteresis, over about 0.8 s) and clearly not silent.  The expected
# values come from GBATEK's formulas, not from running an emulator.
#   tests/gba/sound_check.sh SCION ROM JIT_MODE
set -u
scion=$1 rom=$2 mode=$3
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "FAIL: sound_test under -jit $mode: $*" >&2
    exit 1
}

out=$(timeout 300 "$scion" gba -display none -jit "$mode" -jit-cache off -frames 160 -result \
    -audio-dump "$tmp/sound.wav" "$rom" 2>&1) || fail "scion exited with $? ($out)"
printf '%s\n' "$out"
[ -s "$tmp/sound.wav" ] || fail "no WAV written"

# The header scion writes: RIFF, WAVE, PCM, 2 channels, 32768 Hz, 16 bits.
header=$(od -An -v -t x1 -N 44 "$tmp/sound.wav" | tr -d ' \n')
case $header in
52494646????????57415645666d7420100000000100020000800000000002000400100064617461*) ;;
*) fail "not a 16-bit stereo 32768 Hz PCM WAV: $header" ;;
esac

# Samples as "L R" lines (awk uses L + R); awk measures each window, in
# GBA frames (280896 cycles = 548.625 samples at 32768 Hz) from the onset
# of the first tone, as the ROM counts its timeline from the end of its
# set-up.
tail -c +45 "$tmp/sound.wav" | od -An -v -t d2 -w4 | awk '
function window(name, f0, f1, want,    a, b, i, sum, mean, lo, hi, h, state, n, first, last, freq, err) {
    a = onset + int(f0 * 548.625); b = onset + int(f1 * 548.625)
    if (b > count) { printf "%s: the WAV ends at sample %d, before %d\n", name, count, b; bad = 1; return }
    sum = 0; lo = 1e9; hi = -1e9
    for (i = a; i < b; i++) { sum += s[i]; if (s[i] < lo) lo = s[i]; if (s[i] > hi) hi = s[i] }
    mean = sum / (b - a)
    if (want == 0) {
        printf "%-8s samples %d-%d: peak-to-peak %d (want < 256)\n", name, a, b, hi - lo
        if (hi - lo >= 256) bad = 1
        return
    }
    h = (hi - lo) / 10; state = 0; n = 0
    for (i = a; i < b; i++) {
        if (state == 1 && s[i] < mean - h) state = 0
        else if (state == 0 && s[i] > mean + h) {
            state = 1; n++
            if (n == 1) first = i
            last = i
        }
    }
    freq = n > 1 ? (n - 1) * 32768 / (last - first) : 0
    err = (freq - want) / want * 100
    printf "%-8s samples %d-%d: peak-to-peak %d, %d rising edges, %.2f Hz (want %.2f, %+.2f%%)\n", \
        name, a, b, hi - lo, n, freq, want, err
    if (hi - lo < 2000 || err > 2 || err < -2) bad = 1
}
{ s[count++] = $1 + $2 }
END {
    for (onset = 0; onset < count && (s[onset] < 1000 && s[onset] > -1000); onset++)
        ;
    printf "onset    sample %d (frame %.1f)\n", onset, onset / 548.625
    if (onset < 5 * 548.625 || onset > 30 * 548.625) { print "no tone starts in frames 5-30"; exit 1 }
    window("square", 5, 55, 131072 / (2048 - 1750))
    window("gap", 63, 68, 0)
    window("fifo", 75, 125, 16777216 / (65536 - 64512) / 32)
    exit bad
}' || fail "the sound does not match (above)"
echo "sound OK under -jit $mode"
