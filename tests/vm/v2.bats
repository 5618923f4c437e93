#!/usr/bin/env bats
# The VM itself (tests/vm/run boots it): a pure cgroup v2 host with every
# controller, and husk placing containers into their v2 cgroups there.
# Outside the VM (HUSK_VM unset) every test skips.

load ../integration/helpers

setup() {
	[ -n "${HUSK_VM:-}" ] || skip "only inside the VM of tests/vm/run"
	requires root
	setup_bundle payload pid
}

teardown() {
	teardown_bundle
}

# run_detached : husk run -d for $ID; sets $pid to the
# container's init (seen from here).
run_detached() {
	local rc=0
	husk_raw run -d --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" \
		</dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || rc=$?
	cat "$BATS_TEST_TMPDIR/err" >&2
	[ "$rc" -eq 0 ]
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[[ "$pid" =~ ^[0-9]+$ ]]
}

@test "the VM is a pure cgroup v2 host: one cgroup2 mount, no v1 hierarchy" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
	run awk '$3 == "cgroup" || $3 == "cgroup2" { print $2, $3 }' /proc/self/mounts
	[ "$output" = "/sys/fs/cgroup cgroup2" ]
	# No v1 hierarchy can be mounted either (cgroup_no_v1=all).
	run ! grep -E '^(cpu|memory|pids)[[:space:]]+[1-9]' /proc/cgroups
}

@test "every controller is available and enabled for the root's children" {
	local c
	for c in cpuset cpu io memory hugetlb pids rdma misc; do
		grep -qw "$c" /sys/fs/cgroup/cgroup.controllers || {
			echo "controller $c missing: $(cat /sys/fs/cgroup/cgroup.controllers)" >&2
			return 1
		}
	done
	[ "$(cat /sys/fs/cgroup/cgroup.subtree_control)" = "$(cat /sys/fs/cgroup/cgroup.controllers)" ]
}

@test "with a cgroup namespace the container sees the single v2 line 0::/" {
	add_ns cgroup
	set_args payload cat /proc/self/cgroup
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "0::/" ]
	assert_no_leftovers
}

@test "without a cgroup namespace the container sees 0::CGROUPSPATH" {
	remove_ns cgroup
	set_args payload cat /proc/self/cgroup
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "0::$CGROUP_PATH" ]
	assert_no_leftovers
}

@test "the container's init lives in the cgroup named by cgroupsPath" {
	set_args payload sleep 30
	run_detached
	# Seen from outside: the init's own cgroup, and the cgroup's members.
	[ "$(cat "/proc/$pid/cgroup")" = "0::$CGROUP_PATH" ]
	[ "$(cat "/sys/fs/cgroup$CGROUP_PATH/cgroup.procs")" = "$pid" ]
	run husk delete -f "$ID"
	[ "$status" -eq 0 ]
	[ ! -e "/sys/fs/cgroup$CGROUP_PATH" ]
	assert_no_leftovers
}

@test "the init is born in its cgroup: clone3 with CLONE_INTO_CGROUP, no write to cgroup.procs" {
	command -v strace >/dev/null || skip "no strace"
	set_args payload cat /proc/self/cgroup
	remove_ns cgroup
	# -y shows the path behind each fd argument.
	run strace -f -qq -y -o "$BATS_TEST_TMPDIR/trace" -e trace=clone3,openat,write \
		"$HUSK" --root "$HUSK_ROOT" run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "0::$CGROUP_PATH" ]
	# One clone3 got CLONE_INTO_CGROUP, with the fd of the container's
	# cgroup directory: the path of the last fd of that number opened
	# before (strace -y writes it after the fd: "= 8</sys/fs/cgroup/...>").
	cat "$BATS_TEST_TMPDIR/trace" >&2
	run awk '
		match($0, /= [0-9]+<[^>]*>$/) {
			split(substr($0, RSTART + 2), f, "<")
			path[$1 " " f[1]] = substr(f[2], 1, length(f[2]) - 1)
		}
		/clone3\(\{flags=[^}]*CLONE_INTO_CGROUP/ && match($0, /cgroup=[0-9]+/) {
			print path[$1 " " substr($0, RSTART + 7, RLENGTH - 7)]
		}' "$BATS_TEST_TMPDIR/trace"
	[ "$output" = "/sys/fs/cgroup$CGROUP_PATH" ]
	# No pid was written into a cgroup.procs file: nothing opened one for writing.
	run ! grep -E 'openat\(.*cgroup\.procs".*O_(WRONLY|RDWR)' "$BATS_TEST_TMPDIR/trace"
	assert_no_leftovers
}

@test "a memory limit: memory.max is set on the container's cgroup (or refused cleanly)" {
	update_config '.linux.resources.memory = {limit: 67108864}'
	set_args sh -c 'cat /sys/fs/cgroup/memory.max; payload sleep 30'
	add_ns cgroup
	status=0
	husk_raw run -d --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" \
		</dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || status=$?
	cat "$BATS_TEST_TMPDIR/err" >&2
	if grep -q 'not supported by this husk yet' "$BATS_TEST_TMPDIR/err"; then
		# TODO: drop this branch once husk applies linux.resources.memory:
		# until then the refusal must be clean and leave nothing behind.
		[ "$status" -ne 0 ]
		grep -qF 'linux.resources.memory' "$BATS_TEST_TMPDIR/err"
		[ ! -e "/sys/fs/cgroup$CGROUP_PATH" ]
		assert_no_leftovers
		return 0
	fi
	[ "$status" -eq 0 ]
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[ "$(cat "/proc/$pid/cgroup")" = "0::$CGROUP_PATH" ]
	[ "$(cat "/sys/fs/cgroup$CGROUP_PATH/memory.max")" = 67108864 ]
	# And seen from inside, through the container's cgroup namespace.
	wait_for file_has "$BATS_TEST_TMPDIR/out" 67108864
	run husk delete -f "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}
