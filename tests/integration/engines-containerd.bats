#!/usr/bin/env bats
# containerd (its io.containerd.runc.v2 shim) driving husk through
# `ctr run --runc-binary`: run --rm, run -d + task ls/ps/exec/pause/kill/
# delete, errors passed back through --log, a second delete --force.  The
# shim passes the runtime --root /run/containerd/runc/NAMESPACE, --log
# BUNDLE/log.json and --log-format json; after every test that root holds
# nothing of the container, the cgroup given with --cgroup is gone and no
# process is left.
#
# containerd runs from setup_file with its own config: root, state, sockets
# under $ENGINES_TMP, the CRI and snapshotter plugins this needs not
# disabled.  Containers use --rootfs (a plain directory), so no image or
# snapshotter is involved.

# shellcheck disable=SC2016,SC2154 # single-quoted eval strings; bats sets output, stderr

load helpers
load engines-helpers

# ctr_ ARGS... : ctr on this file's containerd, in this file's namespace.
ctr_() {
	engine_cmd ctr --address "$CTRD_SOCK" --namespace "$CTRD_NS" "$@"
}

# ctr_run NAME ARGS... : `ctr run` of a container NAME from the fixture
# rootfs with husk as the runc binary, its cgroup under the file's parent,
# the file's marker and a PATH in its environment (ctr's --env replaces the
# default environment: without an image there is no PATH otherwise).  ARGS: more options, then the command.
ctr_run() {
	local name=$1 opts=()
	shift
	while [ $# -gt 0 ] && [[ "$1" == -* ]]; do
		opts+=("$1")
		shift
	done
	# shellcheck disable=SC2086 # CTR_RESOURCES holds whole options
	ctr_ run "${opts[@]}" $CTR_RESOURCES --runc-binary "$ENGINE_RT" --cgroup "$ENGINE_CG/ctr/$name" \
		--env "HUSK_TEST_ID=$ENGINE_MARK" --env PATH=/usr/sbin:/usr/bin:/sbin:/bin --rootfs "$ENGINE_ROOTFS" "$name" "$@"
}

setup_file() {
	engines_setup_file || return 0
	engines_needs containerd ctr containerd-shim-runc-v2 || return 0
	export CTRD_SOCK=$ENGINES_TMP/containerd/c.sock
	export CTRD_NS=husk-eng-$$
	# The runc v2 shim's default --root for the runtime: /run/containerd/runc/NS.
	export CTRD_RUNTIME_ROOT=/run/containerd/runc/$CTRD_NS
	mkdir -p "$ENGINES_TMP/containerd"
	# ctr puts linux.resources.cpu.shares = 1024 in every container; husk
	# refuses linux.resources.cpu until issue 4.  Until then ctr is told to
	# send no shares (0 leaves the field out), decided by probing husk.
	CTR_RESOURCES=""
	husk_has resources || CTR_RESOURCES="--cpu-shares 0"
	export CTR_RESOURCES
	cat >"$ENGINES_TMP/containerd/config.toml" <<-EOF
		version = 2
		root = "$ENGINES_TMP/containerd/root"
		state = "$ENGINES_TMP/containerd/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt",
			"io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
			"io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper",
			"io.containerd.tracing.processor.v1.otlp"]
		[grpc]
		  address = "$CTRD_SOCK"
		[ttrpc]
		  address = "$ENGINES_TMP/containerd/c.sock.ttrpc"
		[debug]
		  address = ""
		[metrics]
		  address = ""
	EOF
	if ! start_daemon containerd "ctr --address '$CTRD_SOCK' version" \
		containerd --config "$ENGINES_TMP/containerd/config.toml"; then
		engines_skip_all "containerd cannot start here: $(grep -m1 -i 'level=fatal\|level=error' "$ENGINES_TMP/containerd.log")"
		return 0
	fi
}

teardown_file() {
	if [ -n "${ENGINES_TMP:-}" ] && [ -e "$ENGINES_TMP/containerd.pid" ]; then
		ctr_cleanup
	fi
	# The shim made this for the namespace; remove it when empty.
	rmdir "/run/containerd/runc/${CTRD_NS:-none}" 2>/dev/null || true
	engines_teardown_file
}

setup() {
	engines_setup
}

teardown() {
	[ -z "${ENGINE_SKIP:-}" ] || return 0
	ctr_cleanup
}

# ctr_cleanup : kills and deletes every task and container of the namespace.
ctr_cleanup() {
	local c
	for c in $(ctr_ task ls -q 2>/dev/null); do
		ctr_ task kill -a -s SIGKILL "$c" >/dev/null 2>&1 || true
		ctr_ task delete -f "$c" >/dev/null 2>&1 || true
	done
	for c in $(ctr_ container ls -q 2>/dev/null); do
		ctr_ container delete "$c" >/dev/null 2>&1 || true
	done
	kill_marked
}

# task_status NAME : the STATUS column of `ctr task ls` for NAME.
task_status() {
	ctr_ task ls | awk -v n="$1" '$1 == n { print $3 }'
}

# ctr_gone NAME : containerd knows no task or container NAME, and the runtime
# left nothing of it.
ctr_gone() {
	run ctr_ task ls -q
	[ "$status" -eq 0 ]
	if grep -qx "$1" <<<"$output"; then
		echo "ctr still lists task $1" >&2
		return 1
	fi
	run ctr_ container ls -q
	if grep -qx "$1" <<<"$output"; then
		echo "ctr still lists container $1" >&2
		return 1
	fi
	no_container_left "$CTRD_RUNTIME_ROOT" "$1"
	no_cgroups_left ctr
}

@test "ctr run --rm passes output and exit status 3 through" {
	run --separate-stderr ctr_run rm-test --rm sh -c 'echo "pid $$"; hostname; echo to-stderr >&2; exit 3'
	echo "$output" "$stderr"
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = "pid 1" ]
	[[ "$stderr" == *to-stderr* ]]
	ctr_gone rm-test
}

@test "ctr run --seccomp applies containerd's default profile: unshare and keyctl fail with EPERM" {
	run ctr_run sc-test --rm --seccomp sh -c 'grep "^Seccomp:" /proc/self/status; payload syscall unshare 0; payload syscall keyctl 0'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'Seccomp:\t2' ]
	[ "${lines[1]}" = "errno 1" ]
	[ "${lines[2]}" = "errno 1" ]
	ctr_gone sc-test
}

@test "ctr run --rm --net-host exits 0 and shares the host's network namespace" {
	host_net=$(readlink /proc/self/ns/net)
	run ctr_run nethost-test --rm --net-host sh -c 'readlink /proc/self/ns/net'
	[ "$status" -eq 0 ]
	[ "$output" = "$host_net" ]
	run ctr_run netown-test --rm sh -c 'readlink /proc/self/ns/net'
	[ "$status" -eq 0 ]
	[ "$output" != "$host_net" ]
	ctr_gone nethost-test
	ctr_gone netown-test
}

@test "ctr run -d, task ls/ps/kill/delete follow the container" {
	run ctr_run detach-test -d payload trap TERM 42
	[ "$status" -eq 0 ]
	wait_for eval '[ "$(task_status detach-test)" = RUNNING ]'
	pid=$(ctr_ task ls | awk '$1 == "detach-test" { print $2 }')
	[ "$pid" -gt 1 ]
	grep -qzx "HUSK_TEST_ID=$ENGINE_MARK" "/proc/$pid/environ"
	# task ps asks the runtime: `ps --format json ID`.
	run ctr_ task ps detach-test
	[ "$status" -eq 0 ]
	[[ "$output" == *"$pid"* ]]
	run ctr_ task kill -s SIGTERM detach-test
	[ "$status" -eq 0 ]
	wait_for eval '[ "$(task_status detach-test)" = STOPPED ]'
	run ctr_ task delete detach-test
	[ "$status" -eq 0 ]
	# containerd prints the task's exit status on delete.
	[[ "$output" == *42* ]]
	run ctr_ container delete detach-test
	[ "$status" -eq 0 ]
	ctr_gone detach-test
}

@test "ctr task kill --all reaches every process of the container" {
	run ctr_run killall-test -d sh -c 'sleep 300 & sleep 300 & wait'
	[ "$status" -eq 0 ]
	wait_for eval '[ "$(task_status killall-test)" = RUNNING ]'
	wait_for eval '[ "$(ctr_ task ps killall-test | grep -c "^[0-9]")" -ge 3 ]'
	run ctr_ task kill -a -s SIGKILL killall-test
	[ "$status" -eq 0 ]
	wait_for eval '[ "$(task_status killall-test)" = STOPPED ]'
	[ -z "$(marked_pids)" ]
	run ctr_ task delete killall-test
	[ "$status" -eq 0 ]
	ctr_ container delete killall-test
	ctr_gone killall-test
}

@test "ctr task exec runs in the running container, with its exit status" {
	husk_has exec || skip "needs exec in husk (issue 7)"
	run ctr_run exec-test -d payload sleep 300
	[ "$status" -eq 0 ]
	wait_for eval '[ "$(task_status exec-test)" = RUNNING ]'
	run ctr_ task exec --exec-id e1 exec-test sh -c 'echo exec-out; cat /proc/1/cmdline | tr "\0" " "; echo; exit 5'
	[ "$status" -eq 5 ]
	[ "${lines[0]}" = exec-out ]
	[ "${lines[1]}" = "payload sleep 300 " ]
	run ctr_ task kill -s SIGKILL exec-test
	wait_for eval '[ "$(task_status exec-test)" = STOPPED ]'
	ctr_ task delete exec-test
	ctr_ container delete exec-test
	ctr_gone exec-test
}

@test "ctr task pause and resume freeze and thaw the container" {
	husk_has pause || skip "needs pause/resume in husk (issue 4)"
	run ctr_run pause-test -d payload sleep 300
	[ "$status" -eq 0 ]
	wait_for eval '[ "$(task_status pause-test)" = RUNNING ]'
	run ctr_ task pause pause-test
	[ "$status" -eq 0 ]
	[ "$(task_status pause-test)" = PAUSED ]
	f=$(engine_cgroup_file pause-test freezer.state)
	[ -z "$f" ] || [ "$(cat "$f")" = FROZEN ]
	run ctr_ task resume pause-test
	[ "$status" -eq 0 ]
	[ "$(task_status pause-test)" = RUNNING ]
	ctr_ task kill -s SIGKILL pause-test
	wait_for eval '[ "$(task_status pause-test)" = STOPPED ]'
	ctr_ task delete pause-test
	ctr_ container delete pause-test
	ctr_gone pause-test
}

@test "ctr run --memory-limit is applied to the container's cgroup" {
	husk_has resources || skip "needs linux.resources (memory) in husk (issue 4)"
	# ctr mounts no cgroupfs in the container: read the limit on the host.
	run ctr_run mem-test -d --memory-limit=67108864 payload sleep 300
	[ "$status" -eq 0 ]
	wait_for eval '[ "$(task_status mem-test)" = RUNNING ]'
	f=$(engine_cgroup_file mem-test memory.limit_in_bytes)
	[ -n "$f" ] || f=$(engine_cgroup_file mem-test memory.max)
	[ -n "$f" ]
	[ "$(cat "$f")" = 67108864 ]
	ctr_ task kill -s SIGKILL mem-test
	wait_for eval '[ "$(task_status mem-test)" = STOPPED ]'
	ctr_ task delete mem-test
	ctr_ container delete mem-test
	ctr_gone mem-test
}

@test "ctr run of a missing command fails with the runtime's reason and leaves nothing" {
	run ctr_run missing-test --rm /no/such/command
	[ "$status" -ne 0 ]
	# The shim reads the runtime's --log (json) and passes the error on.
	[[ "$output" == *"/no/such/command"*"no such file or directory"* ]]
	ctr_ container delete missing-test 2>/dev/null || true
	ctr_gone missing-test
}

@test "a second delete --force of a container already gone exits 0" {
	run ctr_run gone-test --rm true
	[ "$status" -eq 0 ]
	ctr_gone gone-test
	# What the shim does when it cleans up after a dead container: the
	# runtime is asked to delete what no longer exists, with the shim's root.
	run "$ENGINE_RUNTIME" --root "$CTRD_RUNTIME_ROOT" --log "$ENGINES_TMP/gone.log" \
		--log-format json delete --force gone-test
	echo "$output"
	cat "$ENGINES_TMP/gone.log" 2>/dev/null || true
	[ "$status" -eq 0 ]
	run "$ENGINE_RUNTIME" --root "$CTRD_RUNTIME_ROOT" delete --force gone-test
	[ "$status" -eq 0 ]
	no_container_left "$CTRD_RUNTIME_ROOT" gone-test
}

@test "ctr run -t gives the workload a terminal (console socket)" {
	command -v script >/dev/null || skip "needs script(1) for a terminal on ctr's side"
	# ctr -t needs a terminal of its own: script(1) provides one.
	run engine_cmd script -qec "ctr --address '$CTRD_SOCK' --namespace '$CTRD_NS' run --rm -t \
		--runc-binary '$ENGINE_RT' --cgroup '$ENGINE_CG/ctr/tty-test' --env HUSK_TEST_ID=$ENGINE_MARK \
		--env PATH=/usr/bin:/bin --rootfs '$ENGINE_ROOTFS' tty-test \
		sh -c 'tty; test -t 0 && test -t 1 && echo both-tty; exit 6'" /dev/null </dev/null
	output=${output//$'\r'/}
	echo "$output"
	[ "$status" -eq 6 ]
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *both-tty* ]]
	ctr_gone tty-test
}

@test "delete --force with containerd's flags exits 0 twice: running, then gone" {
	# The same calls the shim makes, on a container the runtime runs
	# itself (run -d), under the shim's --root with --log and json.
	local b=$ENGINES_TMP/gone-bundle rt=("$ENGINE_RUNTIME" --root "$CTRD_RUNTIME_ROOT"
		--log "$ENGINES_TMP/gone-direct.log" --log-format json)
	mkdir -p "$b"
	(cd "$b" && "$ENGINE_RUNTIME" spec)
	jq --arg rootfs "$ENGINE_ROOTFS" --arg cg "$ENGINE_CG/ctr/gone-direct" --arg mark "HUSK_TEST_ID=$ENGINE_MARK" '
		.process.terminal = false | .process.args = ["payload", "sleep", "300"]
		| .process.env += [$mark] | .root = {path: $rootfs, readonly: true}
		| .linux.cgroupsPath = $cg' "$b/config.json" >"$b/config.json.new"
	mv "$b/config.json.new" "$b/config.json"
	"${rt[@]}" run -d -b "$b" gone-direct </dev/null >/dev/null 2>&1 3>&-
	[ -n "$(marked_pids)" ]
	run "${rt[@]}" delete --force gone-direct
	[ "$status" -eq 0 ]
	[ -z "$(marked_pids)" ]
	run "${rt[@]}" delete --force gone-direct
	[ "$status" -eq 0 ]
	no_container_left "$CTRD_RUNTIME_ROOT" gone-direct
	no_cgroups_left ctr
}
