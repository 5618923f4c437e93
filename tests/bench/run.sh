#!/bin/sh
# husk beside runc and crun: the same bundle (busybox fixture rootfs, the
# config of `runc spec` with terminal false and args ["/bin/true"]), started
# with `RUNTIME run`, interleaved husk, runc, crun, husk, runc, crun, ... for
# BENCH_N rounds after one warm-up round that is not counted.  Each run gets
# its own absolute cgroupsPath (/husk-bench/<runtime>-<n>) and each runtime its
# own --root under a temporary directory.  tests/bench/measure.c measures wall
# time, CPU time (user+sys of the runtime and every process it reaped) and
# peak RSS.  Reports medians, binary sizes and the ratios husk/runc and
# husk/crun; writes the table to tests/bench/out/results.txt as well.
#
# Usage: sh tests/bench/run.sh      (as root; `make bench` builds husk first)
# Env:   BENCH_N=30  HUSK=<repo>/husk  RUNC=runc  CRUN=crun  CC=cc
#        BENCH_SECCOMP=profile.json  puts this linux.seccomp in every config
#        (e.g. tests/fixtures/seccomp/default.json, a docker-like profile)
#
# Nothing on the host is changed: crun 1.8 refuses hybrid hosts whose cgroup2
# mount has controllers; then it is skipped with its error.  Everything made
# here (containers, cgroups /sys/fs/cgroup/*/husk-bench*, the temporary
# directory) is removed at the end, also on failure or ^C.
set -u

repo=$(cd "$(dirname "$0")/../.." && pwd)
N=${BENCH_N:-30}
HUSK=${HUSK:-$repo/husk}
RUNC=${RUNC:-$(command -v runc || true)}
CRUN=${CRUN:-$(command -v crun || true)}
CC=${CC:-cc}
outdir=$repo/tests/bench/out
tmp=
runtimes=

die() {
	echo "bench: $*" >&2
	exit 1
}

case $N in
'' | *[!0-9]*) die "BENCH_N must be a positive number (got '$N')" ;;
esac
[ "$N" -gt 0 ] || die "BENCH_N must be a positive number (got '$N')"
[ "$(id -u)" = 0 ] || die "run me as root (containers with new namespaces and cgroups)"
[ -x "$HUSK" ] || die "$HUSK not found: run 'make husk' first"
command -v jq >/dev/null || die "jq not found (apt-get install jq)"
if [ -z "$RUNC" ] || [ ! -x "$RUNC" ]; then
	die "runc not found: it writes the config and is the reference"
fi

# ---- clean-up, whatever happens ---------------------------------------------

cleanup_cgroups() {
	# Only what this script's runs made: husk-bench* below each hierarchy.
	for top in /sys/fs/cgroup/husk-bench* /sys/fs/cgroup/*/husk-bench*; do
		[ -d "$top" ] || continue
		find "$top" -depth -type d -exec rmdir {} \; 2>/dev/null
		[ -d "$top" ] && echo "bench: could not remove cgroup $top" >&2
	done
}

cleanup() {
	trap - EXIT INT TERM
	if [ -n "$tmp" ] && [ -d "$tmp" ]; then
		for rt in husk runc crun; do
			root=$tmp/root-$rt
			[ -d "$root" ] || continue
			bin=$(bin_of "$rt")
			for dir in "$root"/*; do
				[ -d "$dir" ] || continue
				"$bin" --root "$root" delete -f "$(basename "$dir")" >/dev/null 2>&1
			done
		done
	fi
	cleanup_cgroups
	[ -n "$tmp" ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bin_of() {
	case $1 in
	husk) echo "$HUSK" ;;
	runc) echo "$RUNC" ;;
	crun) echo "$CRUN" ;;
	esac
}

# ---- the bundle ---------------------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/husk-bench.XXXXXX") || die "mktemp failed"
cleanup_cgroups # leftovers of an earlier run that was killed

"$CC" -O2 -Wall -o "$tmp/measure" "$repo/tests/bench/measure.c" || die "cannot build tests/bench/measure.c"
sh "$repo/tests/rootfs.sh" "$tmp/rootfs" >/dev/null || die "tests/rootfs.sh failed"
mkdir -p "$tmp/spec" || die "mkdir failed"
"$RUNC" spec -b "$tmp/spec" || die "runc spec failed"

# One config per run, differing only in cgroupsPath; all share the rootfs.
# Made before any timing so the runs do nothing but start containers.
# runc 1.1's spec asks for ambient capabilities that are not inheritable: runc
# ignores the failure to raise them, husk refuses it; runc 1.2's spec
# (and husk's) has no ambient set, so drop it here.
runtimes="husk runc"
[ -n "$CRUN" ] && [ -x "$CRUN" ] && runtimes="husk runc crun"
seccomp=null
if [ -n "${BENCH_SECCOMP:-}" ]; then
	seccomp=$(cat "$BENCH_SECCOMP") || die "cannot read BENCH_SECCOMP '$BENCH_SECCOMP'"
fi
jq --arg root "$tmp/rootfs" --argjson seccomp "$seccomp" \
	'.process.terminal = false | .process.args = ["/bin/true"]
	 | del(.process.capabilities.ambient)
	 | .root.path = $root | .linux.cgroupsPath = "@CGROUP@"
	 | if $seccomp == null then del(.linux.seccomp) else .linux.seccomp = $seccomp end' \
	"$tmp/spec/config.json" >"$tmp/spec/template.json" || die "jq failed"
i=0
while [ "$i" -le "$N" ]; do
	for rt in $runtimes; do
		b=$tmp/b/$rt-$i
		mkdir -p "$b"
		sed "s|@CGROUP@|/husk-bench/$rt-$i|" "$tmp/spec/template.json" >"$b/config.json" || die "sed failed"
	done
	i=$((i + 1))
done

# ---- the runs -------------------------------------------------------------------

# run_one RUNTIME ROUND: appends "wall_ns cpu_ns rss_kib" to $tmp/res-RUNTIME.
# Returns 1 when the runtime failed; its output is in $tmp/log-RUNTIME.
run_one() {
	rt=$1 n=$2
	bin=$(bin_of "$rt")
	log=$tmp/log-$rt
	: >"$log"
	line=$("$tmp/measure" "$log" "$bin" --root "$tmp/root-$rt" run -b "$tmp/b/$rt-$n" "bench-$rt-$n") ||
		die "measure failed for $rt"
	status=${line##* }
	if [ "$status" != 0 ]; then
		echo "exit status $status" >>"$log"
		return 1
	fi
	[ "$n" = 0 ] || echo "${line% *}" >>"$tmp/res-$rt"
	return 0
}

# The last line a runtime wrote, for the report.
last_line() {
	grep -v '^[[:space:]]*$' "$1" | grep -v '^exit status' | tail -n 1
}

skipped_crun=
echo "bench: $N rounds (+1 warm-up) of husk, runc${CRUN:+, crun} run /bin/true, interleaved" >&2
i=0
while [ "$i" -le "$N" ]; do
	for rt in $runtimes; do
		if ! run_one "$rt" "$i"; then
			if [ "$rt" = crun ] && [ "$i" = 0 ]; then
				skipped_crun=$(last_line "$tmp/log-crun")
				runtimes="husk runc"
				continue
			fi
			echo "bench: $rt failed in round $i:" >&2
			sed 's/^/  /' "$tmp/log-$rt" >&2
			exit 1
		fi
	done
	[ $((i % 10)) = 0 ] && [ "$i" != 0 ] && echo "bench: $i/$N" >&2
	i=$((i + 1))
done

# ---- the report ------------------------------------------------------------------

# median FILE COLUMN
median() {
	cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

size_kib() {
	echo $(($(wc -c <"$1") / 1024))
}

nlibs() {
	if ldd "$1" >/dev/null 2>&1; then ldd "$1" | grep -c '=>'; else echo 0; fi
}

version_of() {
	"$1" --version 2>/dev/null | head -n 1
}

report() {
	wall_husk='' cpu_husk=''
	echo "husk bench: $N runs each of 'RUNTIME run' of /bin/true (runc spec config, terminal false${BENCH_SECCOMP:+, linux.seccomp of $BENCH_SECCOMP}),"
	echo "interleaved, after 1 warm-up round; medians.  $(uname -r), $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "cpu = user+sys of the runtime and every process it reaped; rss = peak of the largest one;"
	echo "size = the binary (ls -L); libs = shared libraries it loads (ldd)."
	echo
	printf '%-6s %10s %10s %10s %10s %5s  %s\n' runtime "wall ms" "cpu ms" "rss KiB" "size KiB" libs version
	for rt in $runtimes; do
		bin=$(bin_of "$rt")
		w=$(median "$tmp/res-$rt" 1)
		c=$(median "$tmp/res-$rt" 2)
		r=$(median "$tmp/res-$rt" 3)
		eval "wall_$rt=$w cpu_$rt=$c"
		printf '%-6s %10.2f %10.2f %10d %10d %5d  %s\n' "$rt" \
			"$(echo "$w" | awk '{ print $1 / 1e6 }')" "$(echo "$c" | awk '{ print $1 / 1e6 }')" \
			"$r" "$(size_kib "$bin")" "$(nlibs "$bin")" "$(version_of "$bin")"
	done
	if [ -n "$skipped_crun" ]; then
		if [ -d /sys/fs/cgroup/unified ]; then
			echo "crun: skipped (refuses this hybrid host: $skipped_crun)"
		else
			echo "crun: skipped (failed on the first run: $skipped_crun)"
		fi
	fi
	echo
	for rt in $runtimes; do
		[ "$rt" = husk ] && continue
		eval "w=\$wall_$rt c=\$cpu_$rt"
		awk -v hw="$wall_husk" -v hc="$cpu_husk" -v w="$w" -v c="$c" -v rt="$rt" 'BEGIN {
			printf "husk/%s: wall %.2f, cpu %.2f\n", rt, hw / w, hc / c }'
	done
}

mkdir -p "$outdir"
report | tee "$outdir/results.txt"
