#!/bin/sh
# meson custom target: build the guest programs into DIR, then touch STAMP.
set -eu
"$(dirname "$0")/build.sh" "$1" >&2
touch "$2"
