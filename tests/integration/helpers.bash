#!/bin/bash
# Shared helpers for the integration tests (load them with `load helpers`).
#
# A test file usually reads (the tests run in $BUNDLE, husk's default -b):
#
#   load helpers
#   setup()    { setup_bundle payload id; }
#   teardown() { teardown_bundle; }
#   @test "..." { update_config '.process.cwd = "/tmp"'; run husk run "$ID"; ... }
#
# Per test: $ID (a unique container id), $BUNDLE, $ROOTFS (= $BUNDLE/rootfs),
# $HUSK_ROOT (the --root state dir, never /run/husk), $CGROUP_PATH (the
# config's linux.cgroupsPath, "/husk-test/$ID").  Everything lives under
# $BATS_TEST_TMPDIR; the fixture rootfs is built once per run in
# $BATS_RUN_TMPDIR.  HUSK=/path/to/binary picks the runtime under test.
#
# shellcheck disable=SC2016 # jq filters are single-quoted on purpose
# shellcheck disable=SC2154 # output, status, stderr are set by bats' run

bats_require_minimum_version 1.5.0

INTEGRATION_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$INTEGRATION_DIR/../.." && pwd)
HUSK=${HUSK:-$REPO_DIR/husk}
# A hung runtime must not hang the suite: each husk call gets this many
# seconds (then SIGTERM, then SIGKILL 5 s later), each test at most twice that.
HUSK_TIMEOUT=${HUSK_TIMEOUT:-20}
BATS_TEST_TIMEOUT=${BATS_TEST_TIMEOUT:-$((HUSK_TIMEOUT * 2))}
# The host's cgroup mounts: each v1 hierarchy plus the unified one.
CGROUP_MOUNTS=$(awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts)

HUSK_TEST_PIDS=()
HUSK_TEST_DEFERRED=()

# husk ARGS... : runs $HUSK with this test's --root.  Made for bats' `run`
# (`run husk run "$ID"`, `run --separate-stderr husk ...`): stdout and stderr
# are passed on (in the order written when merged), and the command,
# its status and its output are written to the test's log, which bats prints
# only when the test fails.  stdin is the caller's.
husk() {
	local out err rc=0
	out=$(mktemp "${BATS_TEST_TMPDIR:-/tmp}/husk-out.XXXXXX")
	err=$(mktemp "${BATS_TEST_TMPDIR:-/tmp}/husk-err.XXXXXX")
	if [ "$(readlink "/proc/$BASHPID/fd/1")" = "$(readlink "/proc/$BASHPID/fd/2")" ]; then
		# Merged (plain `run`): keep the order of stdout and stderr writes.
		timeout -k 5 "$HUSK_TIMEOUT" "$HUSK" --root "$HUSK_ROOT" "$@" >"$out" 2>&1 3>&- || rc=$?
	else
		timeout -k 5 "$HUSK_TIMEOUT" "$HUSK" --root "$HUSK_ROOT" "$@" >"$out" 2>"$err" 3>&- || rc=$?
	fi
	cat "$out"
	cat "$err" >&2
	if [ -n "${HUSK_TRACE_FD:-}" ]; then
		{
			printf '$ husk %s  (status %d%s)\n' "$*" "$rc" \
				"$([ "$rc" = 124 ] && echo ", timed out after ${HUSK_TIMEOUT}s")"
			sed 's/^/  stdout: /' "$out"
			sed 's/^/  stderr: /' "$err"
		} >&"$HUSK_TRACE_FD"
	fi
	rm -f "$out" "$err"
	return "$rc"
}

# husk_raw ARGS... : $HUSK with this test's --root, without `run`'s capture
# (for -d, whose container must not hold `run`'s pipe).  bats' fd 3 is
# closed so nothing the runtime leaves running holds up the test's end.
husk_raw() {
	"$HUSK" --root "$HUSK_ROOT" "$@" 3>&-
}

# husk_exec ARGS... : execs $HUSK with this test's --root; only in a subshell
# or in the background: `husk_exec run ... &` makes $! husk's own pid.
husk_exec() {
	exec "$HUSK" --root "$HUSK_ROOT" "$@" 3>&-
}

# husk_bg ARGS... : starts `husk ARGS` in the background with stdin from
# /dev/null and stdout/stderr into $BG_OUT/$BG_ERR; sets $BG_PID and has
# teardown kill it if still there.
husk_bg() {
	BG_OUT=$BATS_TEST_TMPDIR/bg.out
	BG_ERR=$BATS_TEST_TMPDIR/bg.err
	husk_exec "$@" </dev/null >"$BG_OUT" 2>"$BG_ERR" &
	BG_PID=$!
	track_pid "$BG_PID"
}

# track_pid PID : teardown kills PID (only pids a test started are killed).
track_pid() {
	HUSK_TEST_PIDS+=("$1")
}

# defer COMMAND [ARGS...] : teardown runs COMMAND (after the container is
# gone), ignoring its failure: `defer ip netns delete "$name"`.
defer() {
	local q
	printf -v q '%q ' "$@"
	HUSK_TEST_DEFERRED+=("$q")
}

# wait_bg [SECONDS] : waits for $BG_PID and sets $status; kills it (status 124)
# after SECONDS (default $HUSK_TIMEOUT).
wait_bg() {
	local i limit=$((${1:-$HUSK_TIMEOUT} * 10))
	for ((i = 0; i < limit; i++)); do
		kill -0 "$BG_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$BG_PID" 2>/dev/null; then
		kill -9 "$BG_PID" 2>/dev/null
		wait "$BG_PID" 2>/dev/null
		status=124
	else
		status=0
		wait "$BG_PID" || status=$?
	fi
	echo "background husk exited with status $status" >&2
	sed 's/^/  stdout: /' "$BG_OUT" >&2
	sed 's/^/  stderr: /' "$BG_ERR" >&2
}

# wait_for COMMAND... : retries COMMAND every 50 ms for up to 10 s.
wait_for() {
	local i
	for ((i = 0; i < 200; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	echo "timed out waiting for: $*" >&2
	return 1
}

# file_has FILE TEXT : FILE exists and contains the line TEXT.
file_has() {
	[ -e "$1" ] && grep -qxF -- "$2" "$1"
}

# file_nonempty FILE : FILE exists and is not empty.
file_nonempty() {
	[ -s "$1" ]
}

# requires FEATURE... : skips the test unless the host has each FEATURE.
requires() {
	local f
	for f in "$@"; do
		case $f in
		root)
			[ "$(id -u)" = 0 ] || skip "needs root"
			;;
		userns)
			[ -e /proc/self/ns/user ] || skip "no user namespaces"
			[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 0)" -gt 0 ] ||
				skip "user namespaces disabled (user.max_user_namespaces = 0)"
			;;
		timens)
			[ -e /proc/self/ns/time ] || skip "no time namespaces (kernel < 5.6)"
			;;
		cgroupns)
			[ -e /proc/self/ns/cgroup ] || skip "no cgroup namespaces"
			;;
		cgroup1)
			awk '$3 == "cgroup" { f = 1 } END { exit !f }' /proc/self/mounts ||
				skip "no cgroup v1 hierarchy"
			;;
		cgroup2)
			[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip "not a pure cgroup v2 host"
			;;
		ip)
			command -v ip >/dev/null || skip "no ip(8) (iproute2)"
			;;
		unshare)
			command -v unshare >/dev/null || skip "no unshare(1) (util-linux)"
			;;
		*)
			skip "unknown requirement '$f'"
			;;
		esac
	done
}

# fixture_rootfs : the fixture rootfs of this run, built once (under a lock,
# for bats --jobs); HUSK_FIXTURE_ROOTFS names a ready-made one instead (the
# VM of tests/vm brings its own; it must be on the file system of
# $BATS_TEST_TMPDIR, for setup_bundle's hard links).
fixture_rootfs() {
	local dir=$BATS_RUN_TMPDIR/fixture-rootfs
	if [ -n "${HUSK_FIXTURE_ROOTFS:-}" ] && [ -e "$HUSK_FIXTURE_ROOTFS/.done" ]; then
		echo "$HUSK_FIXTURE_ROOTFS"
		return 0
	fi
	if [ ! -e "$dir/.done" ]; then
		(
			flock 9
			if [ ! -e "$dir/.done" ]; then
				sh "$REPO_DIR/tests/rootfs.sh" "$dir" >&2 && touch "$dir/.done"
			fi
		) 9>"$BATS_RUN_TMPDIR/fixture-rootfs.lock" || return 1
	fi
	echo "$dir"
}

# husk_init : the per-test variables and the log fd, without a bundle.
husk_init() {
	local base=${BATS_TEST_FILENAME##*/}
	ID=${base%.bats}-$BATS_TEST_NUMBER-$$
	HUSK_ROOT=$BATS_TEST_TMPDIR/state
	BUNDLE=$BATS_TEST_TMPDIR/bundle
	ROOTFS=$BUNDLE/rootfs
	CGROUP_PATH=/husk-test/$ID
	# Writes here land in the test's log, even from inside `run`.
	exec {HUSK_TRACE_FD}>&2
	mkdir -p "$HUSK_ROOT"
	# A user namespace's root must be able to walk down to the bundle.
	chmod 0711 "$BATS_RUN_TMPDIR" "$BATS_RUN_TMPDIR/test" "$BATS_TEST_TMPDIR" 2>/dev/null || true
}

# setup_bundle [ARGS...] : a fresh bundle for this test: the fixture rootfs
# and `husk spec`'s config.json adjusted with: terminal false, the given args
# (default: payload pid), cgroupsPath "/husk-test/$ID", root writable and
# HUSK_TEST_ID=$ID in the environment (to find leftover processes).
# The rootfs's directories and /etc are the test's own; bin/busybox and
# bin/payload are hard links into the shared fixture: call private_rootfs
# before changing their contents, owner or mode.
setup_bundle() {
	local fixture
	husk_init
	fixture=$(fixture_rootfs) || return 1
	mkdir -p "$BUNDLE"
	chmod 0755 "$BUNDLE"
	cp -al "$fixture" "$ROOTFS"
	rm -f "$ROOTFS/.done"
	# Break the links of the small files a test may well change.
	cp -a --remove-destination "$fixture/etc/." "$ROOTFS/etc/"
	"$HUSK" spec -b "$BUNDLE" || return 1
	[ $# -gt 0 ] || set -- payload pid
	update_config '.process.terminal = false
		| .process.args = $args
		| .linux.cgroupsPath = $cg
		| .root.readonly = false
		| .process.env += ["HUSK_TEST_ID=" + $id]' \
		--arg cg "$CGROUP_PATH" --arg id "$ID" --argjson args "$(json_array "$@")" || return 1
	# As runc's tests: husk's default bundle is the current directory.
	cd "$BUNDLE" || return 1
}

# private_rootfs : replaces the bundle's rootfs by a full copy of the fixture,
# sharing nothing with it (for chown -R and the like).
private_rootfs() {
	local fixture
	fixture=$(fixture_rootfs) || return 1
	rm -rf --one-file-system "$ROOTFS"
	cp -a "$fixture" "$ROOTFS"
	rm -f "$ROOTFS/.done"
}

# update_config FILTER [JQ ARGS...] : applies a jq filter to the bundle's config.json.
update_config() {
	local tmp=$BUNDLE/config.json.tmp
	jq "$1" "$BUNDLE/config.json" "${@:2}" >"$tmp" && [ -s "$tmp" ] && mv "$tmp" "$BUNDLE/config.json"
}

# json_array STRING... : the strings as a JSON array (jq's --args would take
# "-c" for its own option; jq itself is slow to start, so plain strings are
# quoted here).
json_array() {
	local a sep="" json="["
	for a in "$@"; do
		if [[ "$a" == *[$'\001'-$'\037']* ]]; then
			a=$(printf '%s' "$a" | jq -Rs .)
		else
			a=${a//\\/\\\\}
			a=\"${a//\"/\\\"}\"
		fi
		json+=$sep$a
		sep=,
	done
	echo "$json]"
}

# set_args ARG... : the process's args.
set_args() {
	update_config '.process.args = $a' --argjson a "$(json_array "$@")"
}

# add_ns KIND [PATH] / remove_ns KIND : edits linux.namespaces.
add_ns() {
	update_config '.linux.namespaces = [(.linux.namespaces // [])[] | select(.type != $t)]
		+ [{type: $t} + (if $p == "" then {} else {path: $p} end)]' --arg t "$1" --arg p "${2:-}"
}
remove_ns() {
	update_config '.linux.namespaces |= map(select(.type != $t))' --arg t "$1"
}

# testcontainer ID STATUS : `husk state ID` reports STATUS.
testcontainer() {
	run husk state "$1"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = "$2" ]
}

# cgroup_dirs ID : the cgroup directories a container ID may have left, in
# every hierarchy: $CGROUP_PATH and ID under the calling shell's own cgroup
# (for configs without an absolute cgroupsPath).
cgroup_dirs() {
	local d
	# shellcheck disable=SC2013 # paths without blanks, one a line
	for d in $(awk -v id="$1" -v self="/proc/$BASHPID/cgroup" '
		BEGIN {
			while ((getline line < self) > 0) {
				split(line, f, ":")
				if (f[2] == "") { v2 = f[3]; continue }
				n = split(f[2], c, ",")
				for (i = 1; i <= n; i++) own[c[i]] = f[3]
			}
		}
		function under(mnt, path) { sub("/$", "", path); print mnt path "/" id }
		$3 == "cgroup2" { print $2 "/husk-test/" id; under($2, v2) }
		$3 == "cgroup" {
			print $2 "/husk-test/" id
			n = split($4, o, ",")
			for (i = 1; i <= n; i++) if (o[i] in own) { under($2, own[o[i]]); break }
		}' /proc/self/mounts | sort -u); do
		[ -d "$d" ] && echo "$d"
	done
	return 0
}

# enter_guard_cgroup : moves the calling (sub)shell into $CGROUP_PATH.guard
# in every hierarchy, so a config without an absolute cgroupsPath (whose
# cgroup goes under the runtime's own) cannot create cgroups in ones that
# are not ours.  Use it in a subshell; leave_guard_cgroup afterwards.
enter_guard_cgroup() {
	local mnt
	for mnt in $CGROUP_MOUNTS; do
		make_cgroup "$mnt" "$mnt/husk-test" "$mnt$CGROUP_PATH.guard" || return 1
		echo "$BASHPID" >"$mnt$CGROUP_PATH.guard/cgroup.procs" || return 1
	done
}

# make_cgroup MOUNT DIR... : mkdir -p of each DIR (parents first) in the
# hierarchy mounted at MOUNT, as something else than husk would make them.
# A new v1 cpuset is empty and takes no process: its cpus and mems are copied
# from the parent (a cgroup2 cpuset inherits them).
make_cgroup() {
	local mnt=$1 dir f
	shift
	for dir in "$@"; do
		mkdir -p "$dir" || return 1
		[ "$(stat -f -c %T "$mnt")" = cgroup2fs ] && continue
		for f in cpuset.cpus cpuset.mems; do
			if [ -e "$dir/$f" ] && [ -z "$(cat "$dir/$f")" ]; then
				cat "$(dirname "$dir")/$f" >"$dir/$f" || return 1
			fi
		done
	done
}

# leave_guard_cgroup : removes the guard cgroups (once the subshell is gone);
# fails if anything was left inside them.
leave_guard_cgroup() {
	local mnt dir rc=0
	for mnt in $CGROUP_MOUNTS; do
		dir=$mnt$CGROUP_PATH.guard
		[ -d "$dir" ] || continue
		if [ -n "$(find "$dir" -mindepth 1 -type d)" ]; then
			echo "leftover cgroups in $dir: $(find "$dir" -mindepth 1 -type d | tr '\n' ' ')" >&2
			rc=1
		fi
		find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || rc=1
	done
	return $rc
}

# container_pids ID : processes of container ID still alive: by the
# HUSK_TEST_ID=ID variable setup_bundle puts in the environment, and by cgroup.
container_pids() {
	local f
	grep -lzx "HUSK_TEST_ID=$1" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3
	for f in $(cgroup_dirs "$1"); do
		cat "$f/cgroup.procs" 2>/dev/null
	done
	return 0
}

# bundle_mounts : mount points at or under $BUNDLE, deepest first.
bundle_mounts() {
	[ -n "${BUNDLE:-}" ] || return 0
	awk -v b="$BUNDLE" '$5 == b || index($5, b "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

# assert_no_leftovers [ID] : nothing of container ID is left: no state dir,
# no cgroup in any hierarchy, no mount under the bundle, no process.
assert_no_leftovers() {
	local id=${1:-$ID} found="" x
	[ -e "$HUSK_ROOT/$id" ] && found+="state dir $HUSK_ROOT/$id; "
	for x in $(cgroup_dirs "$id"); do found+="cgroup $x; "; done
	for x in $(bundle_mounts); do found+="mount $x; "; done
	for x in $(container_pids "$id"); do found+="process $x; "; done
	if [ -n "$found" ]; then
		echo "leftovers of '$id': $found" >&2
		return 1
	fi
}

# teardown_bundle : removes whatever the test left: the container (husk
# delete -f), the pids the test started, processes and cgroups of the
# container, mounts under the bundle, what it deferred, the bundle.  Fails
# when `husk delete -f` left something behind.
teardown_bundle() {
	local pid d m i mnt found=""
	[ -n "${ID:-}" ] || return 0
	if [ -x "$HUSK" ] && [ -d "$HUSK_ROOT/$ID" ]; then
		timeout -k 5 "$HUSK_TIMEOUT" "$HUSK" --root "$HUSK_ROOT" delete -f "$ID" >/dev/null 2>&1 </dev/null 3>&- || true
	fi
	for pid in "${HUSK_TEST_PIDS[@]}"; do
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	for ((i = 0; i < 3; i++)); do
		pid=$(container_pids "$ID" | sort -u | tr '\n' ' ')
		[ -n "$pid" ] || break
		[ $i = 0 ] && found+="process $pid; "
		# shellcheck disable=SC2086
		kill -9 $pid 2>/dev/null || true
		sleep 0.1
	done
	# A guard cgroup whose test was cut short (see enter_guard_cgroup).
	for mnt in $CGROUP_MOUNTS; do
		d=$mnt$CGROUP_PATH.guard
		[ -d "$d" ] || continue
		# shellcheck disable=SC2046
		kill -9 $(find "$d" -name cgroup.procs -exec cat {} +) 2>/dev/null || true
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	for d in $(cgroup_dirs "$ID"); do
		found+="cgroup $d; "
		# Nested cgroups first.
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	for m in $(bundle_mounts); do
		found+="mount $m; "
		umount -l "$m" 2>/dev/null || true
	done
	[ -e "$HUSK_ROOT/$ID" ] && found+="state dir $HUSK_ROOT/$ID; "
	for d in "${HUSK_TEST_DEFERRED[@]}"; do
		eval "$d" >/dev/null 2>&1 </dev/null 3>&- || true
	done
	# The shared parent goes when empty (not when another test uses it).
	# shellcheck disable=SC2046,SC2086
	rmdir $(printf '%s/husk-test ' $CGROUP_MOUNTS) 2>/dev/null || true
	rm -rf --one-file-system "$BUNDLE" "$HUSK_ROOT"
	if [ -n "$found" ]; then
		echo "teardown: left behind by the test and 'husk delete -f': $found" >&2
		return 1
	fi
}

# host_ns KIND : the host's (this shell's) namespace link of KIND.
host_ns() {
	readlink "/proc/self/ns/$1"
}
