#!/usr/bin/env bats
# buildah driving husk through `buildah run --runtime`: a working container
# made `from scratch` with the fixture rootfs copied in, then commands run
# in it (output, exit status, the build's files seen and written), and
# nothing left behind: no state dir in the runtime's root, no cgroup under
# the cgroup parent, no process.

# shellcheck disable=SC2016,SC2154 # single-quoted eval strings; bats sets output, stderr

load helpers
load engines-helpers

# buildah_ ARGS... : buildah with this file's private storage; the bundles
# of its runs go to $TMPDIR (/var/tmp otherwise).
buildah_() {
	TMPDIR=$ENGINES_TMP/buildah/tmp engine_cmd buildah --root "$ENGINES_TMP/buildah/root" --runroot "$ENGINES_TMP/buildah/run" \
		--storage-driver overlay "$@"
}

# buildah_run CONTAINER ARGS... : `buildah run` with husk as the runtime,
# no network, the file's marker in the environment.
buildah_run() {
	local c=$1
	shift
	buildah_ run --runtime "$ENGINE_RT" --network none --env "HUSK_TEST_ID=$ENGINE_MARK" "$c" -- "$@"
}

setup_file() {
	engines_setup_file || return 0
	engines_needs buildah || return 0
	mkdir -p "$ENGINES_TMP/buildah/tmp"
	# buildah sends containers.conf's default seccomp profile, which husk applies.
	BUILDAH_FROM_OPTS="--cgroup-parent $ENGINE_CG/buildah --ulimit nofile=$ENGINE_NOFILE:$ENGINE_NOFILE"
	BUILDAH_FROM_OPTS+=" --ulimit nproc=$ENGINE_NPROC:$ENGINE_NPROC"
	export BUILDAH_FROM_OPTS
	if ! buildah_ info >"$ENGINES_TMP/buildah-info.log" 2>&1; then
		engines_skip_all "buildah cannot run here: $(tail -n 1 "$ENGINES_TMP/buildah-info.log")"
		return 0
	fi
}

teardown_file() {
	if [ -n "${ENGINES_TMP:-}" ] && [ -d "$ENGINES_TMP/buildah/root" ]; then
		buildah_ rm -a >/dev/null 2>&1 || true
	fi
	engines_teardown_file
}

setup() {
	engines_setup
	root_snapshot "$ENGINE_RUNTIME_ROOT"
	# A working container of the fixture rootfs, per test.
	# shellcheck disable=SC2086 # BUILDAH_FROM_OPTS holds whole options
	CTR=$(buildah_ from $BUILDAH_FROM_OPTS --name "bt-$BATS_TEST_NUMBER" scratch)
	buildah_ copy "$CTR" "$ENGINE_ROOTFS" / >/dev/null
	buildah_ config --env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$CTR"
}

teardown() {
	[ -z "${ENGINE_SKIP:-}" ] || return 0
	[ -z "${CTR:-}" ] || buildah_ rm "$CTR" >/dev/null 2>&1 || true
	kill_marked
}

# buildah_gone : the runtime left nothing of the test's runs and no cgroup.
# buildah names each run's container "buildah-" + its bundle's name (a
# buildahNNN dir in $TMPDIR) and passes the runtime no --root.
buildah_gone() {
	local left
	left=$(find "$ENGINES_TMP/buildah/tmp" -mindepth 1 -maxdepth 1 -name 'buildah*' -printf '%f ')
	if [ -n "$left" ]; then
		echo "buildah left bundles: $left" >&2
		return 1
	fi
	if [ -d "$ENGINE_RUNTIME_ROOT" ]; then
		left=$(find "$ENGINE_RUNTIME_ROOT" -mindepth 1 -maxdepth 1 -name "buildah-buildah*" -printf '%f ')
		if [ -n "$left" ]; then
			echo "left in the runtime root $ENGINE_RUNTIME_ROOT: $left" >&2
			return 1
		fi
	fi
	root_unchanged "$ENGINE_RUNTIME_ROOT"
	[ -z "$(marked_pids)" ]
	no_cgroups_left buildah
}

@test "buildah run passes output and exit status 3 through" {
	run --separate-stderr buildah_run "$CTR" sh -c 'echo "pid $$"; echo out; echo to-stderr >&2; exit 3'
	echo "$output" "$stderr"
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = "pid 1" ]
	[ "${lines[1]}" = out ]
	[[ "$stderr" == *to-stderr* ]]
	buildah_gone
}

@test "buildah run applies the default seccomp profile" {
	# containers-common's profile: kexec_load (246) fails with EPERM, add_key (248) is not
	# listed and fails with its defaultErrnoRet, ENOSYS.
	run buildah_run "$CTR" sh -c 'grep "^Seccomp:" /proc/self/status; payload syscall 246; payload syscall 248'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'Seccomp:\t2' ]
	[ "${lines[1]}" = "errno 1" ]
	[ "${lines[2]}" = "errno 38" ]
	buildah_gone
}

@test "buildah run exits 0 and its writes land in the working container" {
	run buildah_run "$CTR" sh -c 'echo built > /etc/built-by-run && payload echo finished'
	[ "$status" -eq 0 ]
	[ "$output" = finished ]
	# A second run sees the first one's file: the same container rootfs.
	run buildah_run "$CTR" cat /etc/built-by-run
	[ "$status" -eq 0 ]
	[ "$output" = built ]
	buildah_gone
}

@test "buildah run of a missing command fails with the reason, leaves nothing" {
	run buildah_run "$CTR" /no/such/command
	echo "$output"
	[ "$status" -ne 0 ]
	# buildah names the command itself; the reason comes from the runtime.
	[[ "$output" == *"/no/such/command"*"no such file or directory"* ]]
	buildah_gone
}
