#!/bin/sh
# meson's custom target for roms/gba: build every ROM into OUTDIR, then
# touch the stamp file.
#   tests/gba/build_roms.sh BUILD_SH OUTDIR STAMP
set -eu
sh "$1" "$2"
touch "$3"
