#!/bin/sh
# Set up, build and run every test, then the sanitizer build (ASan + UBSan)
# on the unit, command-line, guest-program, bare-metal system and GBA tests.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
SCION_SYSROOT=$(scripts/fetch-debian-armhf.sh | tail -n 1)
export SCION_SYSROOT
meson test -C build --print-errorlogs --num-processes 2

# Guest faults reach scion as host SIGSEGV: ASan must leave that signal alone.
export ASAN_OPTIONS=handle_segv=0:allow_user_segv_handler=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export GUEST_CHECK_PASSENV="ASAN_OPTIONS UBSAN_OPTIONS"
# meson sets a random MALLOC_PERTURB_ when there is none.  ASan's allocator
# ignores it, but glibc's own malloc, which the dynamic loader uses for the
# dynamic TLS vector, then fills freed slots with it, and LeakSanitizer,
# which scans every thread's dynamic TLS, crashed on such a slot after
# dlopen of the LLVM module ("DTLS 6 at 0x000000000549-0x00300000164b",
# "Tracer caught signal 11"): for most values, in jit-code-cache.
export MALLOC_PERTURB_=0
[ -f build-sanitize/build.ninja ] ||
    meson setup build-sanitize -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
ninja -C build-sanitize >&2
meson test -C build-sanitize --print-errorlogs --num-processes 2 --timeout-multiplier 3 --suite unit --suite cli
meson test -C build-sanitize --print-errorlogs --num-processes 2 --timeout-multiplier 3 guest-interp guest-jit-on guest-translation-cache jit-code-cache translation-cache jit-warm-cache virt-roms-interp virt-roms-jit-on virt-linux-jit-on snapshot-monitor \
    gba-cpu_arm-jit-off gba-cpu_thumb-jit-on gba-irq_timer_dma-jit-on gba-bios_calls-jit-off gba-demo-jit-on \
    gba-sound-jit-off

# libFuzzer targets for the untrusted inputs (ELF, kernel/DTB/initrd, user
# DTBs, virtio queues, snapshot streams, GBA ROMs and saves, translation cache
# files): known crashers replayed, then a
# short fuzzing run.
tests/fuzz/run.sh 30
