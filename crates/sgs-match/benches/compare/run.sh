#!/usr/bin/env bash
# Side-by-side check against the PyPI package `matching` 1.4.3 on an N-student market
# (default 10,000): exports the market and sgs-match's outputs with the benchmark binary, then
# runs compare_matching.py in a throwaway virtual environment under /tmp. Nothing third-party
# is kept in the repository.
set -euo pipefail
n="${1:-10000}"
here="$(cd "$(dirname "$0")" && pwd)"
venv=/tmp/sgs-matching-venv
dir="/tmp/sgs-match-compare-$n"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q matching==1.4.3
rm -rf "$dir"
cargo bench -q -p sgs-match --bench market -- --export "$dir" "$n"
"$venv/bin/python" "$here/compare_matching.py" "$dir"
