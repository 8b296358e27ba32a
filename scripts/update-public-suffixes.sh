#!/usr/bin/env bash
# Refreshes crates/hrefs/data/public_suffix_list.dat, the Public Suffix List embedded in the
# binary (see crates/hrefs/src/suffix.rs), from a copy of the official list:
#
#   scripts/update-public-suffixes.sh public_suffix_list.dat
#
# Get the list from https://publicsuffix.org/list/public_suffix_list.dat, or on Debian from
# the publicsuffix package (/usr/share/publicsuffix/public_suffix_list.dat). Comments and blank
# lines are dropped (they would only take room in the binary); the rules keep their order.
set -euo pipefail
cd "$(dirname "$0")/.."
src=${1:?usage: $0 PATH/TO/public_suffix_list.dat}
[[ -r $src ]] || { echo "update-public-suffixes: cannot read $src" >&2; exit 1; }
out=crates/hrefs/data/public_suffix_list.dat
rules=$(grep -v '^[[:space:]]*//' "$src" | grep -v '^[[:space:]]*$' | awk '{ print $1 }')
count=$(printf '%s\n' "$rules" | wc -l)
((count > 5000)) || { echo "update-public-suffixes: only $count rules in $src: not the list?" >&2; exit 1; }
{
    printf '// Public Suffix List rules (https://publicsuffix.org/list/), one per line.\n'
    printf '// This Source Code Form is subject to the terms of the Mozilla Public License, v. 2.0.\n'
    printf '// If a copy of the MPL was not distributed with this file, You can obtain one at\n'
    printf '// https://mozilla.org/MPL/2.0/.\n'
    printf '// Taken from %s on %s by scripts/update-public-suffixes.sh.\n' "$(basename "$src")" "$(date -u +%F)"
    printf '%s\n' "$rules"
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "update-public-suffixes: $count rules written to $out"
