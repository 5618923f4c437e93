#!/usr/bin/env bats
# husk run: exit status, signals, stdio, the process as configured, detach,
# and nothing left behind.

load helpers

setup() {
	requires root
	setup_bundle payload pid
}

teardown() {
	teardown_bundle
}

# pid_gone PID : PID has exited (gone or a zombie).
pid_gone() {
	[ ! -e "/proc/$1" ] || grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null
}

@test "run passes the workload's exit status 7 through" {
	set_args sh -c 'exit 7'
	run husk run "$ID"
	[ "$status" -eq 7 ]
	assert_no_leftovers
}

@test "run exits 0 when the workload exits 0" {
	set_args payload exit 0
	run husk run "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "run exits 137 when the container's init is killed with SIGKILL from the host" {
	set_args payload sleep 30
	husk_bg run --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	wait_for file_nonempty "$BATS_TEST_TMPDIR/pid"
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[ "$pid" -gt 1 ]
	grep -qzx "HUSK_TEST_ID=$ID" "/proc/$pid/environ"
	kill -9 "$pid"
	wait_bg
	[ "$status" -eq 137 ]
	assert_no_leftovers
}

@test "run forwards SIGTERM to a workload that traps it and exits with its status" {
	set_args payload trap TERM 42
	husk_bg run "$ID"
	wait_for file_has "$BG_OUT" ready
	kill -TERM "$BG_PID"
	wait_bg
	[ "$status" -eq 42 ]
	grep -qxF "got TERM" "$BG_OUT"
	assert_no_leftovers
}

@test "run exits 128+N when the workload dies of signal N" {
	# Without a pid namespace the workload is no namespace init, which
	# would survive a signal it has no handler for.
	remove_ns pid
	set_args payload signal-self USR1
	run husk run "$ID"
	[ "$status" -eq 138 ]
	assert_no_leftovers
}

@test "run passes stdout and stderr straight through as separate streams" {
	set_args sh -c 'payload echo to-stdout; payload echo-err to-stderr'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "to-stdout" ]
	[ "$stderr" = "to-stderr" ]
}

@test "run passes stdin to the workload" {
	set_args payload cat /proc/self/fd/0
	run husk run "$ID" <<<"data from the host"
	[ "$status" -eq 0 ]
	[ "$output" = "data from the host" ]
}

@test "run finds args[0] through the container's PATH" {
	set_args payload echo found
	update_config '.process.env = [.process.env[] | select(startswith("PATH=") | not)] + ["PATH=/nonexistent:/bin"]'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "found" ]
}

@test "run of a missing executable fails with status 1 and names it" {
	set_args no-such-program-xyz
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *no-such-program-xyz* ]]
	assert_no_leftovers
}

@test "run gives the workload the configured environment" {
	set_args payload env
	update_config '.process.env += ["FOO=bar baz", "EMPTY="]'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\n'"FOO=bar baz"* ]]
	[[ "$output" == *"EMPTY="* ]]
	[[ "$output" == *"PATH=/usr/local/sbin:"* ]]
}

@test "run starts the workload in the configured cwd" {
	set_args payload cwd
	update_config '.process.cwd = "/home/test"'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "/home/test" ]
}

@test "run creates a missing cwd" {
	# runtime-spec leaves it open; runc and crun create it.
	set_args payload cwd
	update_config '.process.cwd = "/new/dir"'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "/new/dir" ]
}

@test "run runs the workload as the configured uid, gid and additionalGids" {
	set_args payload id
	update_config '.process.user = {uid: 1000, gid: 1000, additionalGids: [100, 5]}'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	# setgroups(2) sorts the list.
	[ "$output" = "uid=1000 gid=1000 euid=1000 egid=1000 groups=5,100" ]
}

@test "run as root without additionalGids leaves no supplementary groups" {
	set_args payload id
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "uid=0 gid=0 euid=0 egid=0 groups=" ]
}

@test "run applies the configured umask" {
	set_args payload umask
	update_config '.process.user.umask = 23'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "0027" ]
}

@test "run uses umask 0022 when none is configured" {
	set_args payload umask
	update_config 'del(.process.user.umask)'
	umask 0077
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "0022" ]
}

@test "run makes the workload PID 1 of its pid namespace" {
	set_args payload pid
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "pid=1 ppid=0" ]
}

@test "run -d returns with the init's pid in --pid-file, kill and delete clean up" {
	set_args payload sleep 30
	status=0
	husk_raw run -d --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" \
		</dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" || status=$?
	cat "$BATS_TEST_TMPDIR/err" >&2
	[ "$status" -eq 0 ]
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[[ "$pid" =~ ^[0-9]+$ ]]
	# The pid is the container's init, already exec'd into the workload.
	grep -qzx "HUSK_TEST_ID=$ID" "/proc/$pid/environ"
	[ "$(cat "/proc/$pid/comm")" = payload ]
	testcontainer "$ID" running
	run husk state "$ID"
	[ "$(jq -r .pid <<<"$output")" = "$pid" ]

	run husk kill "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for pid_gone "$pid"
	testcontainer "$ID" stopped
	run husk delete -f "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "run -d then delete -f kills a running container" {
	set_args payload sleep 30
	status=0
	husk_raw run -d --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" \
		</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/err" || status=$?
	cat "$BATS_TEST_TMPDIR/err" >&2
	[ "$status" -eq 0 ]
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	run husk delete -f "$ID"
	[ "$status" -eq 0 ]
	run ! grep -qzx "HUSK_TEST_ID=$ID" "/proc/$pid/environ"
	assert_no_leftovers
}

@test "a second run of a running container's ID fails with 'already exists'" {
	set_args payload sleep 30
	husk_bg run --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	wait_for file_nonempty "$BATS_TEST_TMPDIR/pid"
	first=$(cat "$BATS_TEST_TMPDIR/pid")

	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: container '$ID' already exists" ]
	# The first one still runs, untouched.
	kill -0 "$first"
	[ -d "$HUSK_ROOT/$ID" ]

	kill -9 "$first"
	wait_bg
	[ "$status" -eq 137 ]
	assert_no_leftovers
}

@test "run with an invalid container id fails before doing anything" {
	run --separate-stderr husk run "bad/id"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: invalid container id 'bad/id': use letters, digits and _.+- (not first)" ]
	[ -z "$(ls -A "$HUSK_ROOT")" ]
}

@test "run leaves nothing behind after the workload exits" {
	set_args sh -c 'payload sleep 0.1 & exit 3'
	run husk run "$ID"
	[ "$status" -eq 3 ]
	assert_no_leftovers
}

@test "a run whose container cannot be removed says so and does not exit 0; a failing workload's status is kept" {
	command -v strace >/dev/null || skip "needs strace"
	# Every unlinkat of husk's own process fails: the cgroup and the state dir stay.
	for code in 0 3; do
		set_args sh -c "exit $code"
		run --separate-stderr strace -o /dev/null -e trace=unlinkat -e inject=unlinkat:error=EIO \
			"$HUSK" --root "$HUSK_ROOT" run "$ID"
		[ "$status" -eq "$([ "$code" = 0 ] && echo 1 || echo 3)" ]
		[[ "$stderr" == "husk: the container exited with status $code, but removing it failed: remove cgroup '"*"': Input/output error" ]]
		[ -d "$HUSK_ROOT/$ID" ]
		husk_raw delete --force "$ID"
		assert_no_leftovers
	done
}

@test "run -b DIR runs the bundle in DIR from any working directory" {
	set_args payload echo from-b
	cd /
	run husk run -b "$BUNDLE" "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = from-b ]
}

@test "run gives the workload only stdin, stdout and stderr, no other fds" {
	set_args payload fds
	run husk run "$ID" 7</dev/null
	[ "$status" -eq 0 ]
	[ "$(cut -d' ' -f1 <<<"$output" | tr '\n' ' ')" = "0 1 2 " ]
}

@test "run --preserve-fds N passes fds 3..3+N-1 through" {
	echo preserved >"$BATS_TEST_TMPDIR/file"
	set_args sh -c 'payload fds; payload cat /proc/self/fd/3'
	# Not through the husk wrapper: it closes fd 3 (bats' own).
	status=0
	"$HUSK" --root "$HUSK_ROOT" run --preserve-fds 1 "$ID" 3<"$BATS_TEST_TMPDIR/file" 4</dev/null \
		>"$BATS_TEST_TMPDIR/out" || status=$?
	output=$(<"$BATS_TEST_TMPDIR/out")
	mapfile -t lines <<<"$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'\n'"3 $BATS_TEST_TMPDIR/file"$'\n'* ]]
	[ "${lines[-1]}" = preserved ]
	run ! grep -q '^4 ' <<<"$output"
}

@test "run --keep leaves the stopped container for delete" {
	set_args payload exit 3
	run husk run --keep "$ID"
	[ "$status" -eq 3 ]
	testcontainer "$ID" stopped
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "state and kill reach a container while a foreground run waits for it" {
	set_args sh -c 'echo ready; exec payload sleep 30'
	husk_bg run "$ID"
	wait_for file_has "$BG_OUT" ready
	# The foreground run must not hold the container's lock while it waits.
	run timeout 5 "$HUSK" --root "$HUSK_ROOT" state "$ID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = running ]
	run timeout 5 "$HUSK" --root "$HUSK_ROOT" kill "$ID" KILL
	[ "$status" -eq 0 ]
	wait_bg
	[ "$status" -eq 137 ]
	assert_no_leftovers
}

@test "delete of a container that does not exist fails, delete --force succeeds" {
	run --separate-stderr husk delete "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: container '$ID' does not exist" ]
	run husk delete --force "$ID"
	[ "$status" -eq 0 ]
}

@test "delete --force removes the state directory a dead creator left without state.json" {
	mkdir -p "$HUSK_ROOT/$ID"
	run --separate-stderr husk delete "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: container '$ID': still being created (no state.json)" ]
	[ -d "$HUSK_ROOT/$ID" ]
	run husk delete --force "$ID"
	[ "$status" -eq 0 ]
	[ ! -e "$HUSK_ROOT/$ID" ]
}

@test "an ambient capability that is not inheritable is skipped quietly, as runc does (--debug says so)" {
	update_config '.process.capabilities.ambient = ["CAP_KILL"] | .process.capabilities.inheritable = []'
	set_args payload status
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	grep -qx 'CapAmb=0000000000000000' <<<"$output"
	run --separate-stderr husk --debug run "$ID"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"process.capabilities.ambient: cannot raise cap_kill"*", ignoring"* ]]
}

@test "an ambient capability that is permitted and inheritable is raised" {
	update_config '.process.capabilities.ambient = ["CAP_KILL"] | .process.capabilities.inheritable = ["CAP_KILL"]'
	set_args payload status
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	grep -qx 'CapAmb=0000000000000020' <<<"$output"
}

@test "each container joins a session keyring of its own; --no-new-keyring keeps the caller's" {
	set_args payload sleep 30
	husk_raw run -d "$ID" </dev/null >/dev/null 2>&1
	grep -q " _ses\.$ID: " /proc/keys
	run husk delete -f "$ID"
	[ "$status" -eq 0 ]

	husk_raw run -d --no-new-keyring "$ID-k" </dev/null >/dev/null 2>&1
	defer "$HUSK" --root "$HUSK_ROOT" delete -f "$ID-k"
	run ! grep -q " _ses\.$ID-k: " /proc/keys
	run husk delete -f "$ID-k"
	[ "$status" -eq 0 ]
}
