#!/bin/bash
# Shared harness for the engines-*.bats files, loaded after helpers.bash
# (`load helpers; load engines-helpers`): real container engines (podman,
# containerd's ctr, dockerd, buildah) driving husk as their OCI runtime.
#
# A test file calls engines_setup_file in setup_file, engines_setup in
# setup and engines_teardown_file in teardown_file.  bats cannot skip from
# setup_file, so a reason to skip the whole file (no engine binary, a daemon
# that cannot start here) is kept in $ENGINE_SKIP by engines_skip_all and
# each test skips in engines_setup, with that reason.  Everything an engine writes lives
# under $ENGINES_TMP, a short private dir under /tmp (unix socket paths must
# stay under 108 bytes, which bats' own temp dirs do not promise), removed by
# engines_teardown_file: storage, state, the runtime's --root, daemon
# sockets, logs.  Daemons (containerd, dockerd) are started once per file and
# stopped by their pid.  No registry is reached: images are imported from a
# tarball of the fixture rootfs (tests/rootfs.sh with tests/payload).
#
# Variables (exported by engines_setup_file):
#   ENGINE_RUNTIME  the runtime under test, default the built husk; set it
#                   to a runc binary to check the tests themselves.
#   ENGINE_RT       what the engines are given as their runtime: $ENGINE_RUNTIME,
#                   or, with ENGINE_RECORD=DIR, a wrapper that records every
#                   call into DIR (engines-shim.sh) and then runs it.
#   ENGINE_CG       a cgroup path of this file's own ("/husk-test/engines-PID"),
#                   under which every engine is told to put its containers.
#   ENGINE_MARK     HUSK_TEST_ID value put into every container's environment,
#                   to find processes left behind.
#   ENGINE_ROOTFS   a private copy of the fixture rootfs; ENGINE_TAR its tarball.
#
# shellcheck disable=SC2154 # output, status are set by bats' run
# shellcheck disable=SC2034 # read by the test files and bats

ENGINE_RUNTIME=${ENGINE_RUNTIME:-$REPO_DIR/husk}
# Each engine command gets this many seconds before it is killed.
ENGINE_TIMEOUT=${ENGINE_TIMEOUT:-60}
BATS_TEST_TIMEOUT=$((ENGINE_TIMEOUT * 2))

# Limits below this machine's hard ones: engines otherwise ask the runtime for
# rlimits (nofile 1048576) that a process without CAP_SYS_RESOURCE cannot set.
ENGINE_NOFILE=$(( $(ulimit -Hn) < 1024 ? $(ulimit -Hn) : 1024 ))
ENGINE_NPROC=$(( $(ulimit -Hu) < 4096 ? $(ulimit -Hu) : 4096 ))

# engines_skip_all REASON : every test of this file skips with REASON.
engines_skip_all() {
	export ENGINE_SKIP="$1"
}

# engines_setup : per test: skips when the file cannot run here.
engines_setup() {
	[ -z "${ENGINE_SKIP:-}" ] || skip "$ENGINE_SKIP"
}

# engines_needs BINARY... : the file skips unless each BINARY is installed.
# Returns 1 when one is missing (the caller then returns 0 from setup_file).
engines_needs() {
	local b
	for b in "$@"; do
		if [ ! -x "$b" ] && ! command -v "$b" >/dev/null; then
			engines_skip_all "$b is not installed (.ci/install-engines installs the engines)"
			return 1
		fi
	done
}

# engines_setup_file : the file's temp dir, the runtime the engines get, the
# image tarball.  Returns 1 (and has the file skip) when the tests cannot
# run: not root, no runtime.
engines_setup_file() {
	local fixture
	export ENGINE_SKIP=""
	if [ "$(id -u)" != 0 ]; then
		engines_skip_all "needs root"
		return 1
	fi
	if [ ! -x "$ENGINE_RUNTIME" ]; then
		engines_skip_all "runtime $ENGINE_RUNTIME not built"
		return 1
	fi
	ENGINES_TMP=$(mktemp -d /tmp/husk-eng.XXXXXX)
	chmod 0711 "$ENGINES_TMP"
	ENGINE_CG=/husk-test/engines-$$
	ENGINE_MARK=engines-$$
	# Where the runtime keeps its state when an engine passes no --root
	# (podman): runc, crun and husk all default to /run/NAME.
	ENGINE_RUNTIME_ROOT=${ENGINE_RUNTIME_ROOT:-/run/$(basename "$ENGINE_RUNTIME")}
	export ENGINES_TMP ENGINE_CG ENGINE_MARK ENGINE_RUNTIME ENGINE_RUNTIME_ROOT
	if [ -n "${ENGINE_RECORD:-}" ]; then
		mkdir -p "$ENGINE_RECORD"
		ENGINE_RT=$ENGINES_TMP/runtime
		cat >"$ENGINE_RT" <<-EOF
			#!/bin/sh
			ENGINE_SHIM_RUNTIME='$ENGINE_RUNTIME' ENGINE_SHIM_DIR='$ENGINE_RECORD' exec '$INTEGRATION_DIR/engines-shim.sh' "\$@"
		EOF
		chmod 0755 "$ENGINE_RT"
	else
		ENGINE_RT=$ENGINE_RUNTIME
	fi
	export ENGINE_RT
	fixture=$(fixture_rootfs) || return 1
	ENGINE_ROOTFS=$ENGINES_TMP/rootfs
	ENGINE_TAR=$ENGINES_TMP/rootfs.tar
	cp -a "$fixture" "$ENGINE_ROOTFS"
	rm -f "$ENGINE_ROOTFS/.done"
	tar -C "$ENGINE_ROOTFS" -cf "$ENGINE_TAR" .
	export ENGINE_ROOTFS ENGINE_TAR
	# containers-common's tools (podman, buildah) read these instead of /etc.
	engines_containers_conf
}

# engines_containers_conf : private containers.conf, registries.conf,
# storage.conf and policy.json, so podman and buildah reach no registry and
# leave nothing outside $ENGINES_TMP.
engines_containers_conf() {
	local c=$ENGINES_TMP/containers
	mkdir -p "$c/net.d"
	cat >"$c/containers.conf" <<-EOF
		[containers]
		netns = "none"
		log_driver = "k8s-file"
		[network]
		network_config_dir = "$c/net.d"
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		events_logfile_path = "$ENGINES_TMP/events.log"
		image_default_transport = "containers-storage:"
		num_locks = 256
	EOF
	cat >"$c/registries.conf" <<-EOF
		unqualified-search-registries = []
	EOF
	cat >"$c/storage.conf" <<-EOF
		[storage]
		driver = "overlay"
		runroot = "$ENGINES_TMP/storage-run"
		graphroot = "$ENGINES_TMP/storage"
	EOF
	cat >"$c/policy.json" <<-EOF
		{"default": [{"type": "insecureAcceptAnything"}]}
	EOF
	export CONTAINERS_CONF=$c/containers.conf
	export CONTAINERS_REGISTRIES_CONF=$c/registries.conf
	export CONTAINERS_STORAGE_CONF=$c/storage.conf
	export ENGINES_POLICY=$c/policy.json
}

# engines_teardown_file : stops the daemons this file started (by pid),
# unmounts what the engines left mounted under $ENGINES_TMP, removes the
# cgroups under $ENGINE_CG and the temp dir.
engines_teardown_file() {
	local m mnt
	[ -n "${ENGINES_TMP:-}" ] && [ -d "$ENGINES_TMP" ] || return 0
	for m in "$ENGINES_TMP"/*.pid; do
		[ -e "$m" ] && stop_daemon "$m"
	done
	# Leftover processes of the containers (a failing test may leave some).
	kill_marked
	for m in $(awk -v t="$ENGINES_TMP" 'index($5, t "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	for mnt in $CGROUP_MOUNTS; do
		if [ -d "$mnt$ENGINE_CG" ]; then
			find "$mnt$ENGINE_CG" -depth -type d -exec rmdir {} + 2>/dev/null || true
		fi
		rmdir "$mnt/husk-test" 2>/dev/null || true
	done
	rm -rf --one-file-system "$ENGINES_TMP"
	# containerd's shims (also dockerd's) make their sockets in the fixed
	# /run/containerd/s; remove the dirs they made when they are empty.
	rmdir /run/containerd/s /run/containerd/fifo /run/containerd/runc /run/containerd 2>/dev/null || true
	return 0
}

# kill_marked : SIGKILLs every process whose environment holds
# HUSK_TEST_ID=$ENGINE_MARK (only containers of this file have it).
kill_marked() {
	local pids
	pids=$(marked_pids)
	# shellcheck disable=SC2086
	[ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
}

# marked_pids : processes of this file's containers still alive.
marked_pids() {
	grep -lzx "HUSK_TEST_ID=$ENGINE_MARK" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | tr '\n' ' '
}

# start_daemon NAME READY-COMMAND COMMAND... : starts COMMAND in the
# background (its output in $ENGINES_TMP/NAME.log, its pid in
# $ENGINES_TMP/NAME.pid) and waits up to 30 s for READY-COMMAND to succeed.
# Fails, with the end of the log, when the daemon dies or does not get ready.
start_daemon() {
	local name=$1 ready=$2 pid i
	shift 2
	setsid "$@" </dev/null >"$ENGINES_TMP/$name.log" 2>&1 3>&- &
	pid=$!
	echo "$pid" >"$ENGINES_TMP/$name.pid"
	for ((i = 0; i < 300; i++)); do
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "$name exited during start-up:" >&2
			tail -n 20 "$ENGINES_TMP/$name.log" >&2
			return 1
		fi
		eval "$ready" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "$name not ready after 30 s:" >&2
	tail -n 20 "$ENGINES_TMP/$name.log" >&2
	return 1
}

# stop_daemon PIDFILE : SIGTERM to the daemon, SIGKILL after 15 s; waits
# until it is gone.
stop_daemon() {
	local pid i
	pid=$(cat "$1" 2>/dev/null) || return 0
	rm -f "$1"
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
}

# engine_cmd ARGS... : runs ARGS with the engine timeout; for bats' run.
engine_cmd() {
	timeout -k 5 "$ENGINE_TIMEOUT" "$@" 3>&-
}

# runtime_root_empty DIR : the runtime's --root DIR holds no container.
runtime_root_empty() {
	local left
	[ -d "$1" ] || return 0
	left=$(find "$1" -mindepth 1 -maxdepth 1 | tr '\n' ' ')
	if [ -n "$left" ]; then
		echo "left in the runtime root $1: $left" >&2
		return 1
	fi
}

# no_container_left RUNTIME_ROOT ID : the runtime left nothing of container
# ID: no ROOT/ID state dir, no cgroup named after ID under $ENGINE_CG, no
# process of this file's containers.
no_container_left() {
	local root=$1 id=$2 found="" mnt d p
	[ -e "$root/$id" ] && found+="state dir $root/$id; "
	for mnt in $CGROUP_MOUNTS; do
		[ -d "$mnt$ENGINE_CG" ] || continue
		for d in $(find "$mnt$ENGINE_CG" -mindepth 1 -type d -name "*$id*"); do
			found+="cgroup $d; "
		done
	done
	p=$(marked_pids)
	[ -z "$p" ] || found+="processes $p; "
	if [ -n "$found" ]; then
		echo "leftovers of '$id': $found" >&2
		return 1
	fi
}

# root_snapshot DIR : remembers what the runtime root DIR holds now (for
# engines that pass no --root, whose containers share the runtime's default).
root_snapshot() {
	find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort >"$BATS_TEST_TMPDIR/root.before"
}

# root_unchanged DIR : DIR holds nothing that root_snapshot did not see (but
# husk's cache of compiled seccomp filters, .seccomp-cache, kept on purpose).
root_unchanged() {
	local new
	new=$(find "$1" -mindepth 1 -maxdepth 1 ! -name .seccomp-cache -printf '%f\n' 2>/dev/null | sort |
		comm -13 "$BATS_TEST_TMPDIR/root.before" - | tr '\n' ' ')
	if [ -n "$new" ]; then
		echo "left in the runtime root $1: $new" >&2
		return 1
	fi
}

# no_cgroups_left SUB [KEEP] : no cgroup is left under $ENGINE_CG/SUB in
# any hierarchy, but for the engine's own KEEP (podman's "conmon").
no_cgroups_left() {
	local mnt found=""
	for mnt in $CGROUP_MOUNTS; do
		[ -d "$mnt$ENGINE_CG/$1" ] || continue
		found+=$(find "$mnt$ENGINE_CG/$1" -mindepth 1 -type d ! -path "$mnt$ENGINE_CG/$1/${2:-/}*" | tr '\n' ' ')
	done
	if [ -n "$found" ]; then
		echo "leftover cgroups: $found" >&2
		return 1
	fi
}

# engine_cgroup_file ID FILE : the host path of FILE (memory.limit_in_bytes,
# pids.max, ...) in the cgroup of container ID under $ENGINE_CG (v1 or v2).
engine_cgroup_file() {
	local mnt
	for mnt in $CGROUP_MOUNTS; do
		[ -d "$mnt$ENGINE_CG" ] || continue
		find "$mnt$ENGINE_CG" -path "*$1*" -name "$2" 2>/dev/null
	done | head -n 1
}

# husk_has FEATURE : probes the runtime under test for FEATURE (exec,
# seccomp, pause, resources, terminal), so a test that needs a husk feature
# from another issue runs for real once husk has it.
husk_has() {
	local f
	case $1 in
	exec)
		# runc's and husk's exec both document --process.
		"$ENGINE_RUNTIME" exec --help 2>&1 | grep -q -- '--process'
		;;
	seccomp)
		f=$("$ENGINE_RUNTIME" features 2>/dev/null) || return 1
		[ "$(jq -r '.linux.seccomp.enabled // false' <<<"$f")" = true ]
		;;
	pause)
		"$ENGINE_RUNTIME" pause --help >/dev/null 2>&1 && "$ENGINE_RUNTIME" resume --help >/dev/null 2>&1
		;;
	update)
		"$ENGINE_RUNTIME" update --help >/dev/null 2>&1
		;;
	resources)
		probe_resources
		;;
	create)
		"$ENGINE_RUNTIME" create --help >/dev/null 2>&1 && "$ENGINE_RUNTIME" start --help >/dev/null 2>&1
		;;
	*)
		echo "husk_has: unknown feature '$1'" >&2
		return 1
		;;
	esac
}

# probe_resources : the runtime runs a container with a memory and a pids
# limit (linux.resources); the answer is kept for the file.
probe_resources() {
	local b=$ENGINES_TMP/probe rc=0
	if [ ! -e "$ENGINES_TMP/probe.result" ]; then
		mkdir -p "$b"
		(cd "$b" && rm -f config.json && "$ENGINE_RUNTIME" spec >/dev/null 2>&1) || rc=1
		if [ $rc = 0 ]; then
			jq --arg cg "$ENGINE_CG/probe-resources" --arg rootfs "$ENGINE_ROOTFS" '.process.terminal = false | .process.args = ["true"]
				| .root = {path: $rootfs, readonly: true}
				| .linux.cgroupsPath = $cg
				| .linux.resources = {memory: {limit: 67108864}, pids: {limit: 64}}' \
				"$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
			timeout -k 5 20 "$ENGINE_RUNTIME" --root "$ENGINES_TMP/probe-state" run -b "$b" \
				"probe-resources-$$" </dev/null >"$ENGINES_TMP/probe.out" 2>&1 3>&- || rc=1
			"$ENGINE_RUNTIME" --root "$ENGINES_TMP/probe-state" delete -f "probe-resources-$$" >/dev/null 2>&1 || true
		fi
		echo "$rc" >"$ENGINES_TMP/probe.result"
	fi
	[ "$(cat "$ENGINES_TMP/probe.result")" = 0 ]
}
