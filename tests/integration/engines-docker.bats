#!/usr/bin/env bats
# dockerd (Debian's docker.io 20.10, with the containerd it starts itself)
# driving husk as an extra runtime (`--add-runtime husk=PATH`, selected per
# container with `docker run --runtime=husk`): run --rm, run -d + exec + stop
# + rm.  After every test the runtime's root under dockerd's exec-root holds
# nothing of the container, no cgroup is left under --cgroup-parent and no
# process is left.
#
# dockerd runs from setup_file with its own data-root, exec-root, pidfile,
# socket and an empty daemon.json, no bridge and no iptables (this machine
# has neither the modules nor a network), cgroupfs.  The client is Debian's
# /usr/bin/docker (a newer one may sit in /usr/local/bin), with its own
# config dir.

# shellcheck disable=SC2016,SC2154 # single-quoted eval strings; bats sets output, stderr

load helpers
load engines-helpers

IMAGE=husk-fixture:latest
DOCKER=${DOCKER:-/usr/bin/docker}
DOCKERD=${DOCKERD:-/usr/sbin/dockerd}

# docker_ ARGS... : the client on this file's dockerd.
docker_() {
	engine_cmd "$DOCKER" --config "$ENGINES_TMP/docker-cli" -H "unix://$DOCKER_SOCK" "$@"
}

# docker_run SUBCMD ARGS... : `docker SUBCMD` (run or create) with husk as
# the runtime, no network, the file's marker; docker's default seccomp
# profile applies (husk has seccomp).
docker_run() {
	local sub=$1
	shift
	docker_ "$sub" --runtime=husk --network none -e "HUSK_TEST_ID=$ENGINE_MARK" \
		--ulimit "nofile=$ENGINE_NOFILE:$ENGINE_NOFILE" "$@"
}

setup_file() {
	engines_setup_file || return 0
	engines_needs "$DOCKERD" "$DOCKER" containerd || return 0
	export DOCKER_SOCK=$ENGINES_TMP/docker/d.sock
	export DOCKER_EXEC_ROOT=$ENGINES_TMP/docker/exec
	mkdir -p "$ENGINES_TMP/docker" "$ENGINES_TMP/docker-cli"
	echo '{}' >"$ENGINES_TMP/docker/daemon.json"
	if ! start_daemon dockerd "'$DOCKER' -H 'unix://$DOCKER_SOCK' version" \
		"$DOCKERD" --config-file "$ENGINES_TMP/docker/daemon.json" \
		--data-root "$ENGINES_TMP/docker/data" --exec-root "$DOCKER_EXEC_ROOT" \
		--pidfile "$ENGINES_TMP/docker/dockerd.pid" -H "unix://$DOCKER_SOCK" \
		--bridge=none --iptables=false --ip-masq=false --ip-forward=false --userland-proxy=false \
		--storage-driver overlay2 --exec-opt native.cgroupdriver=cgroupfs \
		--cgroup-parent "$ENGINE_CG/docker" --add-runtime "husk=$ENGINE_RT"; then
		engines_skip_all "dockerd cannot start here: $(grep -m1 -i 'level=fatal\|failed to start' "$ENGINES_TMP/dockerd.log")"
		return 0
	fi
	if ! docker_ import "$ENGINE_TAR" "$IMAGE" >"$ENGINES_TMP/docker-import.log" 2>&1; then
		engines_skip_all "docker cannot import an image here: $(tail -n 1 "$ENGINES_TMP/docker-import.log")"
		return 0
	fi
}

teardown_file() {
	if [ -n "${ENGINES_TMP:-}" ] && [ -e "$ENGINES_TMP/dockerd.pid" ]; then
		docker_cleanup
	fi
	engines_teardown_file
}

setup() {
	engines_setup
}

teardown() {
	[ -z "${ENGINE_SKIP:-}" ] || return 0
	docker_cleanup
}

# docker_cleanup : removes every container of this dockerd.
docker_cleanup() {
	local c
	c=$(docker_ ps -a -q 2>/dev/null) || true
	# shellcheck disable=SC2086
	[ -z "$c" ] || docker_ rm -f $c >/dev/null 2>&1 || true
	kill_marked
}

# docker_runtime_roots : the --root dockerd's containerd shim gives the
# runtime: dockerd 20.10 passes EXEC_ROOT/runtime-runc/moby to every
# runtime added with --add-runtime (newer ones runtime-NAME).
docker_runtime_roots() {
	echo "$DOCKER_EXEC_ROOT/runtime-runc/moby" "$DOCKER_EXEC_ROOT/runtime-husk/moby"
}

# docker_gone ID : docker no longer lists ID and the runtime left nothing.
docker_gone() {
	run docker_ ps -a -q --no-trunc
	[ "$status" -eq 0 ]
	if grep -q "$1" <<<"$output"; then
		echo "docker still lists $1" >&2
		return 1
	fi
	local root
	for root in $(docker_runtime_roots); do
		no_container_left "$root" "$1"
	done
	no_cgroups_left docker
}

@test "docker run --rm --runtime=husk passes output and exit status 3 through" {
	run --separate-stderr docker_run run --rm --name rm-test --hostname husk-dock "$IMAGE" \
		sh -c 'hostname; echo "pid $$"; echo to-stderr >&2; exit 3'
	echo "$output" "$stderr"
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = husk-dock ]
	[ "${lines[1]}" = "pid 1" ]
	[[ "$stderr" == *to-stderr* ]]
	run docker_ ps -a -q --filter name=rm-test
	[ -z "$output" ]
	no_cgroups_left docker
}

@test "docker run --runtime=husk applies docker's default seccomp profile: unshare and keyctl fail with EPERM" {
	run docker_run run --rm "$IMAGE" sh -c 'grep "^Seccomp:" /proc/self/status; payload syscall unshare 0; payload syscall keyctl 0'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'Seccomp:\t2' ]
	[ "${lines[1]}" = "errno 1" ]
	[ "${lines[2]}" = "errno 1" ]
}

@test "docker run -d --runtime=husk, stop delivers SIGTERM, rm removes it" {
	run docker_run run -d "$IMAGE" payload trap TERM 42
	[ "$status" -eq 0 ]
	id=${lines[-1]}
	[[ "$id" =~ ^[0-9a-f]{64}$ ]]
	wait_for eval '[ "$(docker_ inspect -f "{{.State.Status}}" "$id")" = running ]'
	run docker_ inspect -f '{{.HostConfig.Runtime}}' "$id"
	[ "$output" = husk ]
	wait_for eval 'docker_ logs "$id" | grep -qx ready'
	run docker_ stop -t 10 "$id"
	[ "$status" -eq 0 ]
	run docker_ inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$id"
	[ "$output" = "exited 42" ]
	run docker_ logs "$id"
	[[ "$output" == *"got TERM"* ]]
	run docker_ rm "$id"
	[ "$status" -eq 0 ]
	docker_gone "$id"
}

@test "docker exec runs in a husk container, with its exit status" {
	husk_has exec || skip "needs exec in husk (issue 7)"
	run docker_run run -d "$IMAGE" payload sleep 300
	[ "$status" -eq 0 ]
	id=${lines[-1]}
	wait_for eval '[ "$(docker_ inspect -f "{{.State.Status}}" "$id")" = running ]'
	run docker_ exec "$id" sh -c 'echo exec-out; cat /proc/1/cmdline | tr "\0" " "; echo; exit 4'
	[ "$status" -eq 4 ]
	[ "${lines[0]}" = exec-out ]
	[ "${lines[1]}" = "payload sleep 300 " ]
	run docker_ rm -f "$id"
	[ "$status" -eq 0 ]
	docker_gone "$id"
}

@test "docker run --runtime=husk of a missing command fails with the reason, leaves nothing" {
	run -127 docker_run run --rm --name missing-test "$IMAGE" /no/such/command
	[[ "$output" == *"/no/such/command"* ]]
	run docker_ ps -a -q --filter name=missing-test
	[ -z "$output" ]
	no_cgroups_left docker
}

@test "docker run -t --runtime=husk gives the workload a terminal (console socket)" {
	run docker_run run --rm -t --name tty-test "$IMAGE" sh -c 'tty; test -t 0 && test -t 1 && echo both-tty' </dev/null
	[ "$status" -eq 0 ]
	output=${output//$'\r'/}
	[[ "$output" == *"/dev/pts/0"* ]]
	[[ "$output" == *both-tty* ]]
	run docker_ ps -a -q --filter name=tty-test
	[ -z "$output" ]
	no_cgroups_left docker
}

@test "docker pause freezes a husk container, unpause thaws it" {
	husk_has pause || skip "needs pause/resume in husk (issue 4)"
	run docker_run run -d "$IMAGE" sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.05; done'
	[ "$status" -eq 0 ]
	id=${lines[-1]}
	wait_for eval '[ "$(docker_ inspect -f "{{.State.Status}}" "$id")" = running ]'
	run docker_ pause "$id"
	[ "$status" -eq 0 ]
	[ "$(docker_ inspect -f '{{.State.Status}}' "$id")" = paused ]
	pid=$(docker_ inspect -f '{{.State.Pid}}' "$id")
	f=$(awk -F: '$2 == "freezer" {print $3}' "/proc/$pid/cgroup")
	if [ -n "$f" ]; then [ "$(cat "/sys/fs/cgroup/freezer$f/freezer.state")" = FROZEN ]; fi
	# Frozen: the loop makes no progress (read through the init's root from outside).
	a=$(cat "/proc/$pid/root/tmp/count")
	sleep 0.4
	[ "$(cat "/proc/$pid/root/tmp/count")" = "$a" ]
	run docker_ unpause "$id"
	[ "$status" -eq 0 ]
	[ "$(docker_ inspect -f '{{.State.Status}}' "$id")" = running ]
	if [ -n "$f" ]; then [ "$(cat "/sys/fs/cgroup/freezer$f/freezer.state")" = THAWED ]; fi
	wait_for eval '[ "$(cat "/proc/$pid/root/tmp/count" 2>/dev/null || echo "$a")" -gt "$a" ]'
	run docker_ rm -f "$id"
	[ "$status" -eq 0 ]
	docker_gone "$id"
}
