#!/bin/sh
# Adds up the TAP files in DIR (unit, integration, vm) and prints one line:
# "N passed, M failed, K skipped".  Exits 1 when anything failed.
set -eu
dir=${1:-tests/results}
pass=0 fail=0 skip=0
for f in "$dir"/*.tap; do
	[ -e "$f" ] || continue
	p=$(grep -cE '^ok ' "$f" || true)
	s=$(grep -ciE '^ok .*# skip' "$f" || true)
	# cmocka writes a skipped test as "not ok N # SKIP": a skip in TAP, not a failure.
	ns=$(grep -ciE '^not ok .*# skip' "$f" || true)
	n=$(grep -cE '^not ok ' "$f" || true)
	pass=$((pass + p - s))
	skip=$((skip + s + ns))
	fail=$((fail + n - ns))
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
