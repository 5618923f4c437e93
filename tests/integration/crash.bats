#!/usr/bin/env bats
# Crash consistency: husk killed (SIGKILL, by strace's fault injection) at each
# call that makes or changes something (every mkdir, mount, write, rename,
# unlink and clone) along create, start, run, exec and delete.  After each
# kill, `husk delete --force` must exit 0 and leave nothing (no state dir, no
# cgroup in any hierarchy, no mount, no process), and the next container of
# the same id and cgroup parent must run.
#
# The kill points are counted on the spot (a traced run of the same command),
# so they follow the code.  Two kinds: husk's own process (strace without -f:
# the n-th call of a kind kills husk there), and the processes it clones (the
# init, hooks; strace -f, counted past the calls husk itself makes of that
# kind, so that only a child reaches the n-th).  CRASH_STRIDE=k tries every
# k-th point only (default 1: all).
#
# shellcheck disable=SC2154 # output, status are set by bats' run

load helpers

# Each test tries a hundred or more kill points.
BATS_TEST_TIMEOUT=600
CRASH_SET=mkdir,mkdirat,mknodat,symlinkat,mount,umount2,fsmount,fsconfig,open_tree,move_mount,mount_setattr,pivot_root,write,clone,clone3,rename,renameat,renameat2,unlink,unlinkat,rmdir
CRASH_STRIDE=${CRASH_STRIDE:-1}

setup() {
	requires_strace_inject
	setup_bundle sleep 1000
	# The container that must run after each kill: same id and cgroup, args true.
	NEXT=$BATS_TEST_TMPDIR/next
	mkdir -p "$NEXT"
	jq '.process.args = ["true"] | .root.path = $r' --arg r "$ROOTFS" config.json >"$NEXT/config.json"
}

teardown() {
	teardown_bundle
}

requires_strace_inject() {
	command -v strace >/dev/null || skip "strace is not installed"
	strace -o /dev/null -e inject=getpid:error=EPERM true 2>/dev/null || skip "this strace cannot inject faults"
}

# count_points FILE : from `strace -f -o FILE` output, the kill points, one
# "own SYSCALL N" or "child SYSCALL N" a line.  The first line's pid is husk's.
count_points() {
	awk -v stride="$CRASH_STRIDE" '
		NR == 1 { main = $1 }
		{
			sc = $2; sub(/\(.*/, "", sc)
			if (sc ~ /^[a-z0-9_]+$/ && sc !~ /^(exit|exit_group)$/) {
				n[$1 " " sc]++
				if ($1 != main && n[$1 " " sc] > child[sc]) child[sc] = n[$1 " " sc]
				if ($1 == main) own[sc] = n[$1 " " sc]
			}
		}
		END {
			k = 0
			for (sc in own) for (i = 1; i <= own[sc]; i++) if (k++ % stride == 0) print "own", sc, i
			for (sc in child) for (i = own[sc] + 1; i <= child[sc]; i++) if (k++ % stride == 0) print "child", sc, i
		}' "$1" | sort -k2,2 -k3,3n
}

# traced_husk OUT FOLLOW INJECT ARGS... : `husk ARGS` under strace in the
# background ($TRACED_PID), writing the trace to OUT (or /dev/null).
traced_husk() {
	local out=$1 follow=$2 inject=$3
	shift 3
	local opts=(-o "$out" -e "trace=$CRASH_SET")
	# start makes little: every step of its path (open, lock, read, the fifo) is a point.
	[ "$VERB" = start ] && opts=(-o "$out" -e "trace=$CRASH_SET,openat,flock,read,pidfd_open,close")
	[ "$follow" = 1 ] && opts+=(-f)
	[ -n "$inject" ] && opts+=(-e "inject=$inject")
	strace "${opts[@]}" "$HUSK" --root "$HUSK_ROOT" "$@" </dev/null >/dev/null 2>>"$BATS_TEST_TMPDIR/husk.err" 3>&- &
	TRACED_PID=$!
	track_pid "$TRACED_PID"
}

# settle : waits for $TRACED_PID; a create traced with -f keeps strace until
# its waiting init is gone, so a container that reached "created" ends it.
settle() {
	local i
	for ((i = 0; i < 300; i++)); do
		kill -0 "$TRACED_PID" 2>/dev/null || break
		if [ "$VERB" = create ] && [ "$("$HUSK" --root "$HUSK_ROOT" state "$ID" 2>/dev/null | jq -r .status)" = created ]; then
			break
		fi
		sleep 0.05
	done
}

# prepare : what the verb under test needs before it runs ($VERB).
prepare() {
	case $VERB in
	start) husk_raw create "$ID" ;;
	exec) husk_raw run -d "$ID" </dev/null >/dev/null 2>&1 ;;
	delete) husk_raw create "$ID" ;;
	*) true ;;
	esac
}

verb_args() {
	case $VERB in
	create) echo "create $ID" ;;
	start) echo "start $ID" ;;
	run) echo "run -b $NEXT $ID" ;;
	exec) echo "exec $ID true" ;;
	delete) echo "delete $ID" ;;
	esac
}

# crash_test VERB : every kill point of VERB, each followed by the checks.
crash_test() {
	VERB=$1
	local trace=$BATS_TEST_TMPDIR/trace args who sc n tried=0
	read -ra args <<<"$(verb_args)"

	# The kill points, counted on an untouched run.
	prepare
	traced_husk "$trace" 1 "" "${args[@]}"
	settle
	husk_raw delete --force "$ID"
	wait "$TRACED_PID" || true
	mapfile -t points < <(count_points "$trace")
	[ "${#points[@]}" -gt 0 ] || {
		echo "only ${#points[@]} kill points counted for $VERB" >&2
		return 1
	}

	for p in "${points[@]}"; do
		read -r who sc n <<<"$p"
		prepare
		traced_husk /dev/null "$([ "$who" = child ] && echo 1 || echo 0)" "$sc:signal=KILL:when=$n" "${args[@]}"
		settle
		run husk delete --force "$ID"
		if [ "$status" -ne 0 ]; then
			echo "killed at $who $sc #$n of $VERB: delete --force failed: $output" >&2
			return 1
		fi
		wait "$TRACED_PID" 2>/dev/null || true
		if ! assert_no_leftovers; then
			echo "killed at $who $sc #$n of $VERB: delete --force left the above" >&2
			return 1
		fi
		run husk run -b "$NEXT" "$ID"
		if [ "$status" -ne 0 ] || [ -e "$HUSK_ROOT/$ID" ]; then
			echo "killed at $who $sc #$n of $VERB: the next container failed: $output" >&2
			return 1
		fi
		tried=$((tried + 1))
	done
	echo "# $VERB: $tried kill points, each cleaned up by delete --force" >&3
}

@test "create killed at any of its calls: delete --force removes everything, the id runs again" {
	crash_test create
}

@test "start killed at any of its calls: delete --force removes everything, the id runs again" {
	crash_test start
}

@test "run killed at any of its calls: delete --force removes everything, the id runs again" {
	crash_test run
}

@test "exec killed at any of its calls: delete --force removes everything, the id runs again" {
	crash_test exec
}

@test "delete killed at any of its calls: delete --force removes everything, the id runs again" {
	crash_test delete
}
