#!/usr/bin/env bats
# podman (with conmon) driving husk through `--runtime`: run --rm, run -d +
# exec + stop + rm, run -t, pause/unpause, memory and pids limits.  Each test
# checks what happened inside the container, what podman reports, and that
# nothing of the container is left: no state dir in the runtime's root
# (podman passes no --root: the runtime's default, $ENGINE_RUNTIME_ROOT), no
# cgroup under the cgroup parent, no process.

# shellcheck disable=SC2016,SC2154 # single-quoted eval strings; bats sets output, stderr

load helpers
load engines-helpers

IMAGE=localhost/husk-fixture:latest

# podman_ ARGS... : podman with this file's private storage, state and
# runtime; cgroupfs (no systemd here), events in a file.
podman_() {
	engine_cmd podman --root "$ENGINES_TMP/podman/root" --runroot "$ENGINES_TMP/podman/run" \
		--tmpdir "$ENGINES_TMP/podman/tmp" --storage-driver overlay \
		--cgroup-manager=cgroupfs --events-backend=file \
		--network-config-dir "$ENGINES_TMP/containers/net.d" \
		--runtime "$ENGINE_RT" "$@"
}

# podman_run ARGS... : `podman run` with what every test needs: no network
# (no bridge plugin here), rlimits below this machine's hard limits (podman
# asks for nofile 1048576 otherwise, which fails without CAP_SYS_RESOURCE),
# the file's cgroup parent and its marker in the environment.  podman's
# default seccomp profile applies (husk has seccomp).
podman_run() {
	local sub=$1
	shift
	podman_ "$sub" --network none --cgroup-parent "$ENGINE_CG/podman" \
		--ulimit "nofile=$ENGINE_NOFILE:$ENGINE_NOFILE" --ulimit "nproc=$ENGINE_NPROC:$ENGINE_NPROC" \
		-e "HUSK_TEST_ID=$ENGINE_MARK" "$@"
}

setup_file() {
	engines_setup_file || return 0
	engines_needs podman conmon || return 0
	mkdir -p "$ENGINES_TMP/podman"
	# podman's default pids_limit (2048) puts linux.resources.pids in every
	# container; husk refuses resources until issue 4.  Until then podman is
	# told to send none (pids_limit = 0 leaves the section out).
	if ! husk_has resources; then
		sed -i 's/^\[containers\]$/[containers]\npids_limit = 0/' "$CONTAINERS_CONF"
	fi
	if ! podman_ import "$ENGINE_TAR" "$IMAGE" >"$ENGINES_TMP/podman-import.log" 2>&1; then
		engines_skip_all "podman cannot import an image here: $(tail -n 1 "$ENGINES_TMP/podman-import.log")"
		return 0
	fi
}

teardown_file() {
	if [ -n "${ENGINES_TMP:-}" ] && [ -d "$ENGINES_TMP/podman" ]; then
		podman_ rm -a -f -t 0 >/dev/null 2>&1 || true
		podman_ rmi -a -f >/dev/null 2>&1 || true
	fi
	engines_teardown_file
}

setup() {
	engines_setup
	root_snapshot "$ENGINE_RUNTIME_ROOT"
}

teardown() {
	[ -z "${ENGINE_SKIP:-}" ] || return 0
	# A failed test may leave its container: podman removes it, then
	# whatever is still running of it is killed.
	podman_ rm -a -f -t 0 >/dev/null 2>&1 || true
	kill_marked
}

# podman_gone ID : podman no longer lists ID, and the runtime left nothing.
podman_gone() {
	run podman_ ps -a -q --no-trunc
	[ "$status" -eq 0 ]
	if grep -q "$1" <<<"$output"; then
		echo "podman still lists $1" >&2
		return 1
	fi
	no_container_left "$ENGINE_RUNTIME_ROOT" "$1"
	no_cgroups_left podman conmon
	root_unchanged "$ENGINE_RUNTIME_ROOT"
}

# podman_status NAME : the container's State.Status as podman inspect reports it.
podman_status() {
	podman_ inspect --format '{{.State.Status}}' "$1"
}

@test "podman run --rm passes output and exit status 3 through, hostname set" {
	run --separate-stderr podman_run run --rm --hostname husk-pod --name rm-test "$IMAGE" \
		sh -c 'hostname; echo "pid $$"; echo to-stderr >&2; exit 3'
	echo "$output" "$stderr"
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = husk-pod ]
	# A pid namespace of its own: the workload is its init.
	[ "${lines[1]}" = "pid 1" ]
	[[ "$stderr" == *to-stderr* ]]
	run podman_ ps -a --filter name=rm-test -q
	[ -z "$output" ]
	no_container_left "$ENGINE_RUNTIME_ROOT" rm-test
	no_cgroups_left podman conmon
	root_unchanged "$ENGINE_RUNTIME_ROOT"
}

@test "podman run applies podman's default seccomp profile" {
	# containers-common's profile: kexec_load (246) fails with EPERM, add_key (248) is not
	# listed and fails with its defaultErrnoRet, ENOSYS.
	run podman_run run --rm "$IMAGE" sh -c 'grep "^Seccomp:" /proc/self/status; payload syscall 246; payload syscall 248'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'Seccomp:\t2' ]
	[ "${lines[1]}" = "errno 1" ]
	[ "${lines[2]}" = "errno 38" ]
}

@test "podman run --rm exits 0 and prints the workload's stdout" {
	run podman_run run --rm "$IMAGE" payload echo hello-from-husk
	[ "$status" -eq 0 ]
	[ "$output" = hello-from-husk ]
	no_cgroups_left podman conmon
	root_unchanged "$ENGINE_RUNTIME_ROOT"
}

@test "podman run -d, stop delivers SIGTERM to the workload, rm removes it" {
	run podman_run run -d "$IMAGE" payload trap TERM 42
	[ "$status" -eq 0 ]
	id=${lines[-1]}
	[[ "$id" =~ ^[0-9a-f]{64}$ ]]
	wait_for eval '[ "$(podman_status "$id")" = running ]'
	run podman_ ps -q --no-trunc
	[[ "$output" == *"$id"* ]]
	# The workload prints "ready" once its handler is in place.
	wait_for eval 'podman_ logs "$id" | grep -qx ready'
	run podman_ stop -t 10 "$id"
	[ "$status" -eq 0 ]
	run podman_ inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$id"
	[ "$output" = "exited 42" ]
	run podman_ logs "$id"
	[[ "$output" == *"got TERM"* ]]
	run podman_ rm "$id"
	[ "$status" -eq 0 ]
	podman_gone "$id"
}

@test "podman exec runs in the running container, with its exit status" {
	husk_has exec || skip "needs exec in husk (issue 7)"
	run podman_run run -d "$IMAGE" payload sleep 300
	[ "$status" -eq 0 ]
	id=${lines[-1]}
	wait_for eval '[ "$(podman_status "$id")" = running ]'
	run podman_ exec "$id" sh -c 'echo exec-out; cat /proc/1/cmdline | tr "\0" " "; echo; exit 4'
	[ "$status" -eq 4 ]
	[ "${lines[0]}" = exec-out ]
	[ "${lines[1]}" = "payload sleep 300 " ]
	run podman_ exec -e FOO=bar -w /tmp "$id" sh -c 'echo "$FOO $(pwd)"'
	[ "$status" -eq 0 ]
	[ "$output" = "bar /tmp" ]
	run podman_ rm -f -t 0 "$id"
	[ "$status" -eq 0 ]
	podman_gone "$id"
}

@test "podman run -t gives the workload a terminal" {
	run podman_run run --rm -t "$IMAGE" sh -c 'tty; test -t 0 && test -t 1 && echo both-tty' </dev/null
	[ "$status" -eq 0 ]
	output=${output//$'\r'/}
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *both-tty* ]]
	no_cgroups_left podman conmon
	root_unchanged "$ENGINE_RUNTIME_ROOT"
}

@test "podman pause freezes the container, unpause thaws it" {
	husk_has pause || skip "needs pause/resume in husk (issue 4)"
	out=$ENGINES_TMP/pause-out
	mkdir -p "$out"
	run podman_run run -d -v "$out:/out" "$IMAGE" \
		sh -c 'i=0; while :; do i=$((i+1)); echo $i > /out/count; sleep 0.1; done'
	[ "$status" -eq 0 ]
	id=${lines[-1]}
	wait_for eval '[ "$(podman_status "$id")" = running ]'
	run podman_ pause "$id"
	[ "$status" -eq 0 ]
	[ "$(podman_status "$id")" = paused ]
	f=$(engine_cgroup_file "$id" freezer.state)
	[ -z "$f" ] || [ "$(cat "$f")" = FROZEN ]
	# A frozen container counts no further.
	c1=$(cat "$out/count")
	sleep 0.5
	c2=$(cat "$out/count")
	[ "$c1" = "$c2" ]
	run podman_ unpause "$id"
	[ "$status" -eq 0 ]
	[ "$(podman_status "$id")" = running ]
	[ -z "$f" ] || [ "$(cat "$f")" = THAWED ]
	sleep 0.5
	c3=$(cat "$out/count")
	[ "$c3" != "$c2" ]
	run podman_ rm -f -t 0 "$id"
	[ "$status" -eq 0 ]
	podman_gone "$id"
}

@test "podman --memory and --pids-limit are applied and seen inside the container" {
	husk_has resources || skip "needs linux.resources (memory, pids) in husk (issue 4)"
	# Inside: the container's own cgroup files (v1: per controller; v2: one dir).
	run podman_run run --rm --memory 64m --pids-limit 40 "$IMAGE" sh -c '
		cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max
		cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 67108864 ]
	[ "${lines[1]}" = 40 ]
	# Enforced: with 40 tasks at most, the 60 background sleeps cannot all start.
	run podman_run run --rm --pids-limit 40 "$IMAGE" sh -c '
		i=0; while [ $i -lt 60 ]; do sleep 2 & i=$((i+1)); done; wait'
	[[ "$output" == *"can't fork"* ]] || [[ "$output" == *"Resource temporarily unavailable"* ]]
	no_cgroups_left podman conmon
	root_unchanged "$ENGINE_RUNTIME_ROOT"
}

@test "podman run of a missing command exits 127 with the runtime's reason, leaves nothing" {
	run -127 podman_run run --rm --name missing-test "$IMAGE" /no/such/command
	# podman passes the runtime's error (its stderr) on and maps "no such
	# file or directory" to 127.
	[[ "$output" == *"/no/such/command"* ]]
	run podman_ ps -a --filter name=missing-test -q
	[ -z "$output" ]
	no_container_left "$ENGINE_RUNTIME_ROOT" missing-test
	no_cgroups_left podman conmon
	root_unchanged "$ENGINE_RUNTIME_ROOT"
}

@test "podman run --read-only: / is read-only, /tmp a writable tmpfs filled from the image (tmpcopyup)" {
	run --separate-stderr podman_run run --rm --read-only "$IMAGE" \
		sh -c 'payload write /x y; echo "root $?"; payload write /tmp/x y && echo "tmp $?"; grep " /tmp " /proc/self/mountinfo'
	echo "$output" "$stderr"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "root 1" ]
	[[ "$stderr" == *"Read-only file system"* ]]
	[ "${lines[1]}" = "tmp 0" ]
	[[ "${lines[2]}" == *" /tmp rw,"*" - tmpfs "* ]]
	no_cgroups_left podman conmon
	root_unchanged "$ENGINE_RUNTIME_ROOT"
}
