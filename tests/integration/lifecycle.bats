#!/usr/bin/env bats
# The lifecycle engines drive: create, start, state, kill, delete, list, ps,
# and the status derived from facts at every step, also after husk itself
# was killed.
# shellcheck disable=SC2016,SC2154

load helpers

setup() {
	setup_bundle
	# The workload marks that it ran, then waits for a line on /ctl (a fifo the test writes).
	mkfifo "$ROOTFS/ctl"
	set_args sh -c 'touch /ran; read line < /ctl; exit ${line:-0}'
}
teardown() { teardown_bundle; }

status_of() {
	husk_raw state "$1" | jq -r .status
}

# assert_newer_container_whole : the container now called $ID is created, with its state,
# its live init and its cgroup; then it is deleted and nothing is left.
assert_newer_container_whole() {
	testcontainer "$ID" created
	pid=$(husk_raw state "$ID" | jq .pid)
	kill -0 "$pid"
	grep -q ":$CGROUP_PATH\$" "/proc/$pid/cgroup"
	husk_raw delete --force "$ID"
	assert_no_leftovers
}

# release [EXIT] : lets the waiting workload go on and exit with EXIT.
release() {
	echo "${1:-0}" >"$ROOTFS/ctl"
}

@test "create → created (nothing ran) → start → running → exit → stopped → delete → gone" {
	run husk create --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	testcontainer "$ID" created
	[ ! -e "$ROOTFS/ran" ]
	pid=$(jq -r .pid <<<"$(husk_raw state "$ID")")
	[ "$pid" -gt 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$pid" ]
	# The init is set up and waits: in its namespaces and cgroup already.
	[ "$(readlink "/proc/$pid/ns/mnt")" != "$(host_ns mnt)" ]
	grep -q ":$CGROUP_PATH\$" "/proc/$pid/cgroup"
	# create has exited: the init lives on without it.
	kill -0 "$pid"

	run husk start "$ID"
	[ "$status" -eq 0 ]
	wait_for test -e "$ROOTFS/ran"
	testcontainer "$ID" running
	[ "$(jq -r .pid <<<"$(husk_raw state "$ID")")" = "$pid" ]
	[ ! -e "$HUSK_ROOT/$ID/exec.fifo" ]

	release 0
	wait_for sh -c "! kill -0 $pid 2>/dev/null"
	testcontainer "$ID" stopped
	[ "$(jq -r .pid <<<"$(husk_raw state "$ID")")" = 0 ]

	run husk delete "$ID"
	[ "$status" -eq 0 ]
	run --separate-stderr husk state "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: container '$ID' does not exist" ]
	assert_no_leftovers
}

@test "start of a running or a stopped container fails clearly and changes nothing" {
	husk_raw create "$ID"
	husk_raw start "$ID"
	wait_for test -e "$ROOTFS/ran"
	run --separate-stderr husk start "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: cannot start container '$ID': it is running, not created" ]
	testcontainer "$ID" running
	release 0
	wait_for sh -c "[ \"\$(\"$HUSK\" --root \"$HUSK_ROOT\" state \"$ID\" | jq -r .status)\" = stopped ]"
	run --separate-stderr husk start "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: cannot start container '$ID': it is stopped, not created" ]
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "delete of a running container fails without --force, --force kills it and cleans up" {
	husk_raw create "$ID"
	husk_raw start "$ID"
	wait_for test -e "$ROOTFS/ran"
	run --separate-stderr husk delete "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: cannot delete container '$ID' that is not stopped: running" ]
	testcontainer "$ID" running
	run husk delete --force "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "kill of a created container stops it before anything ran; delete then cleans up" {
	husk_raw create "$ID"
	pid=$(husk_raw state "$ID" | jq .pid)
	run husk kill "$ID" KILL
	[ "$status" -eq 0 ]
	wait_for sh -c "! kill -0 $pid 2>/dev/null"
	testcontainer "$ID" stopped
	[ ! -e "$ROOTFS/ran" ]
	run --separate-stderr husk start "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: cannot start container '$ID': it is stopped, not created" ]
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "delete of a created container needs no --force (as runc) and kills its init" {
	husk_raw create "$ID"
	pid=$(husk_raw state "$ID" | jq .pid)
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	! kill -0 "$pid" 2>/dev/null
	[ ! -e "$ROOTFS/ran" ]
	assert_no_leftovers
}

@test "kill of a running container by name and number; kill of a stopped one fails" {
	set_args payload trap TERM 7
	husk_raw create "$ID"
	husk_raw start "$ID"
	pid=$(husk_raw state "$ID" | jq .pid)
	wait_for grep -q 'SigCgt:.*[1-9a-f]' "/proc/$pid/status"
	run husk kill "$ID" 15
	[ "$status" -eq 0 ]
	wait_for sh -c "! kill -0 $pid 2>/dev/null"
	testcontainer "$ID" stopped
	run --separate-stderr husk kill "$ID" KILL
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: container '$ID' is not running" ]
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "kill --all signals every process of the container's cgroup" {
	set_args sh -c 'sleep 100 & sleep 100 & touch /ran; wait'
	update_config '.linux.namespaces |= map(select(.type != "pid"))'
	husk_raw create "$ID"
	husk_raw start "$ID"
	wait_for test -e "$ROOTFS/ran"
	procs=$(cat /sys/fs/cgroup/pids"$CGROUP_PATH"/cgroup.procs 2>/dev/null || cat /sys/fs/cgroup/unified"$CGROUP_PATH"/cgroup.procs)
	[ "$(wc -w <<<"$procs")" -eq 3 ]
	run husk kill --all "$ID" KILL
	[ "$status" -eq 0 ]
	for p in $procs; do wait_for sh -c "! kill -0 $p 2>/dev/null"; done
	testcontainer "$ID" stopped
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "start returns at once; a workload that exits 3 leaves a stopped container (its status goes to its reaper)" {
	# Exits 3 once started; husk start returns 0 at once: the status belongs to the reaper.
	set_args sh -c 'exit 3'
	husk_raw create "$ID"
	pid=$(husk_raw state "$ID" | jq .pid)
	run husk start "$ID"
	[ "$status" -eq 0 ]
	wait_for sh -c "! kill -0 $pid 2>/dev/null || grep -q '^State:.*Z' /proc/$pid/status"
	testcontainer "$ID" stopped
	run husk delete "$ID"
	[ "$status" -eq 0 ]
}

@test "start reports a workload that cannot be exec'd, and the container is stopped" {
	# Found at create (as runc): a missing binary fails create, worded for engines' 127 mapping.
	set_args /no/such/command
	run --separate-stderr husk create "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = 'husk: exec: "/no/such/command": stat /no/such/command: no such file or directory' ]
	assert_no_leftovers
	set_args nosuchcommand
	run --separate-stderr husk create "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = 'husk: exec: "nosuchcommand": executable file not found in $PATH' ]
	assert_no_leftovers
	set_args /etc
	run --separate-stderr husk create "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = 'husk: exec: "/etc": permission denied' ]
	assert_no_leftovers
	# One that passes the checks but that the kernel refuses to exec is reported by start.
	printf 'not an executable\n' >"$ROOTFS/bad"
	chmod 755 "$ROOTFS/bad"
	set_args /bad
	husk_raw create "$ID"
	run --separate-stderr husk start "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: exec '/bad': Exec format error" ]]
	testcontainer "$ID" stopped
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "state is right after husk create is killed with SIGKILL mid-way, and delete --force cleans up" {
	# A createRuntime hook that waits holds husk create in the middle of its work.
	hook=$BATS_TEST_TMPDIR/hold.sh
	printf '#!/bin/sh\ntouch %s/holding\nsleep 30\n' "$BATS_TEST_TMPDIR" >"$hook"
	chmod 755 "$hook"
	update_config '.hooks.createRuntime = [{path: $h}]' --arg h "$hook"
	husk_bg create "$ID"
	wait_for test -e "$BATS_TEST_TMPDIR/holding"
	# Mid-create: creating, in list too.
	testcontainer "$ID" creating
	run husk list --format json
	[ "$status" -eq 0 ]
	[ "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .status' <<<"$output")" = creating ]
	init=$(cat /sys/fs/cgroup/pids"$CGROUP_PATH"/cgroup.procs 2>/dev/null || cat /sys/fs/cgroup/unified"$CGROUP_PATH"/cgroup.procs)
	[ -n "$init" ]
	kill -9 "$BG_PID"
	wait_bg
	[ "$status" -eq 137 ]
	# The init dies with its creator; the state says so.
	for p in $init; do wait_for sh -c "! kill -0 $p 2>/dev/null"; done
	testcontainer "$ID" stopped
	[ -d "$HUSK_ROOT/$ID" ]
	pkill -f "$hook" || true
	run husk delete --force "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "state is right after a foreground husk run is killed with SIGKILL, and delete --force cleans up" {
	husk_bg run "$ID"
	wait_for test -e "$ROOTFS/ran"
	pid=$(husk_raw state "$ID" | jq .pid)
	kill -9 "$BG_PID"
	wait_bg
	# The workload does not depend on the husk that started it.
	testcontainer "$ID" running
	kill -0 "$pid"
	run husk delete --force "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "state is right when the container's init is killed, whoever started it" {
	husk_raw create "$ID"
	husk_raw start "$ID"
	wait_for test -e "$ROOTFS/ran"
	pid=$(husk_raw state "$ID" | jq .pid)
	kill -9 "$pid"
	wait_for sh -c "! kill -0 $pid 2>/dev/null"
	testcontainer "$ID" stopped
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "state prints the OCI state with runc's extra fields" {
	update_config '.annotations = {"org.example.key": "value"}'
	husk_raw create "$ID"
	run husk state "$ID"
	[ "$status" -eq 0 ]
	jq -e --arg id "$ID" --arg b "$BUNDLE" '
		.ociVersion == "1.3.0" and .id == $id and .status == "created" and (.pid > 0)
		and .bundle == $b and .rootfs == ($b + "/rootfs") and (.created | test("^[0-9-]+T[0-9:.]+Z$"))
		and has("owner") and .annotations["org.example.key"] == "value"' <<<"$output"
	# husk's own bookkeeping stays in state.json, not in the output.
	! jq -e 'has("huskCgroup")' <<<"$output"
}

@test "list shows every container with its status, as a table, as json and quietly" {
	husk_raw create "$ID"
	other=$ID-b
	update_config '.linux.cgroupsPath = $cg' --arg cg "$CGROUP_PATH-b"
	husk_raw create "$other"
	defer "$HUSK" --root "$HUSK_ROOT" delete -f "$other"
	husk_raw start "$other"
	run husk list --format json
	[ "$status" -eq 0 ]
	[ "$(jq length <<<"$output")" = 2 ]
	[ "$(jq -r --arg id "$ID" '.[] | select(.id == $id) | .status' <<<"$output")" = created ]
	[ "$(jq -r --arg id "$other" '.[] | select(.id == $id) | .status' <<<"$output")" = running ]
	[ "$(jq -r '.[0].owner' <<<"$output")" = root ]
	run husk list
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "ID"*"PID"*"STATUS"*"BUNDLE"*"CREATED"*"OWNER" ]]
	[[ "${lines[1]}" == "$ID "*" created "*" $BUNDLE "* ]]
	[[ "${lines[2]}" == "$other "*" running "*" $BUNDLE "* ]]
	run husk list -q
	[ "$status" -eq 0 ]
	[ "$output" = "$ID"$'\n'"$other" ]
	husk_raw delete -f "$other"
	husk_raw delete -f "$ID"
	run husk list --format json
	[ "$output" = "[]" ]
	assert_no_leftovers
	assert_no_leftovers "$other"
}

@test "ps lists the container's processes, as json pids and as ps(1)'s table" {
	set_args sh -c 'sleep 100 & touch /ran; read line < /ctl'
	husk_raw create "$ID"
	husk_raw start "$ID"
	wait_for test -e "$ROOTFS/ran"
	pid=$(husk_raw state "$ID" | jq .pid)
	run husk ps --format json "$ID"
	[ "$status" -eq 0 ]
	[ "$(jq length <<<"$output")" = 2 ]
	jq -e --argjson p "$pid" 'index($p) != null' <<<"$output"
	sleeper=$(jq --argjson p "$pid" '.[] | select(. != $p)' <<<"$output")
	grep -q '^Name:.*sleep' "/proc/$sleeper/status"
	run husk ps "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID*CMD* ]]
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" == *"sleep 100"* ]]
	run husk ps "$ID" -o pid,comm
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID*COMMAND* ]]
	[ "$(awk 'NR > 1 {print $1}' <<<"$output" | sort -n | tr '\n' ' ')" = "$(printf '%s\n' "$pid" "$sleeper" | sort -n | tr '\n' ' ')" ]
	run husk delete -f "$ID"
	assert_no_leftovers
}

@test "create passes --preserve-fds and LISTEN_FDS fds through, with LISTEN_FDS/LISTEN_PID set" {
	set_args sh -c 'ls /proc/self/fd; echo "L=$LISTEN_FDS P=$LISTEN_PID"; cat <&3; cat <&4'
	echo three >"$BATS_TEST_TMPDIR/f3"
	echo four >"$BATS_TEST_TMPDIR/f4"
	(
		export LISTEN_FDS=1
		exec 3<"$BATS_TEST_TMPDIR/f3" 4<"$BATS_TEST_TMPDIR/f4"
		"$HUSK" --root "$HUSK_ROOT" create --preserve-fds 1 "$ID" >"$BATS_TEST_TMPDIR/out" 2>&1
	)
	husk_raw start "$ID"
	wait_for grep -q four "$BATS_TEST_TMPDIR/out"
	run cat "$BATS_TEST_TMPDIR/out"
	[ "${lines[0]}" = 0 ]
	[ "$(head -6 <<<"$output" | tr '\n' ' ')" = "0 1 2 3 4 5 " ] # 5: ls's own directory fd
	grep -qx 'L=1 P=1' <<<"$output"
	grep -qx three <<<"$output"
	husk_raw delete -f "$ID"
	assert_no_leftovers
}

@test "create's stdio becomes the workload's, and the init keeps no fd of husk's" {
	set_args sh -c 'echo $(ls /proc/self/fd); echo to-stderr >&2'
	husk_raw create "$ID" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err"
	pid=$(husk_raw state "$ID" | jq .pid)
	# Waiting for start: stdio, the exec.fifo's O_PATH fd and the host's /proc, nothing else.
	run ls "/proc/$pid/fd"
	[ "$(wc -w <<<"$output")" -eq 5 ]
	[ "$(readlink "/proc/$pid/fd/3")" = /proc ] || [ "$(readlink "/proc/$pid/fd/4")" = /proc ]
	husk_raw start "$ID"
	wait_for grep -q to-stderr "$BATS_TEST_TMPDIR/err"
	# In the workload: stdio and ls's own directory fd only.
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "0 1 2 3" ]
	husk_raw delete -f "$ID"
	assert_no_leftovers
}

@test "a second create of the same id fails and leaves the first alone" {
	husk_raw create "$ID"
	run --separate-stderr husk create "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: container '$ID' already exists" ]
	testcontainer "$ID" created
	husk_raw delete "$ID"
	assert_no_leftovers
}

@test "a delete --force that waited for the lock never removes a newer container of the same id" {
	command -v strace >/dev/null || skip "needs strace"
	husk_raw create "$ID"
	# This delete opens the state dir, then waits 3 s before it asks for the lock.
	strace -f -o /dev/null -e trace=flock -e inject=flock:delay_enter=3000000 \
		"$HUSK" --root "$HUSK_ROOT" delete --force "$ID" &
	slow=$!
	sleep 1
	husk_raw delete --force "$ID"
	husk_raw create "$ID"
	wait "$slow"
	assert_newer_container_whole
}

@test "a run whose container was deleted by another husk meanwhile leaves the newer container of its id alone" {
	husk_bg run "$ID"
	wait_for test -e "$ROOTFS/ran"
	# The run is held before it can clean up; meanwhile its container is deleted and the id reused.
	kill -STOP "$BG_PID"
	husk_raw delete --force "$ID"
	husk_raw create "$ID"
	kill -CONT "$BG_PID"
	wait_bg
	assert_newer_container_whole
}

@test "kill with signal 0 checks that the container runs, with and without --all, and signals nothing" {
	set_args payload sleep 30
	husk_raw run -d "$ID" </dev/null >/dev/null 2>&1
	pid=$(husk_raw state "$ID" | jq -r .pid)
	for all in "" --all; do
		# shellcheck disable=SC2086 # $all is one option or none
		run husk kill $all "$ID" 0
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
	# Nothing was delivered: the same init still sleeps.
	testcontainer "$ID" running
	[ "$(husk_raw state "$ID" | jq -r .pid)" = "$pid" ]
	[ "$(awk '/^SigPnd|^ShdPnd/ { s = s $2 } END { print s }' "/proc/$pid/status")" = 00000000000000000000000000000000 ]
	# Options after the id, as runc takes them.
	husk_raw kill "$ID" KILL
	wait_for sh -c "! kill -0 $pid 2>/dev/null"
	run --separate-stderr husk kill "$ID" 0
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"not running"* ]] # husk: container 'ID' is not running; runc: container not running
	run husk delete "$ID" --force
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

# interrupt_during_create SIGNAL VERB : starts `husk VERB $ID`, held for 3 s at
# its 2nd mkdirat (its first cgroup directory: a state dir and a first state.json
# are already made), sends it SIGNAL meanwhile, and waits for it ($status,
# $BG_ERR).
interrupt_during_create() {
	command -v strace >/dev/null || skip "needs strace"
	strace -o /dev/null -e trace=mkdirat -e inject=mkdirat:delay_enter=3000000:when=2 \
		"$HUSK" --root "$HUSK_ROOT" "$2" "$ID" </dev/null >"$BATS_TEST_TMPDIR/bg.out" 2>"$BATS_TEST_TMPDIR/bg.err" 3>&- &
	local tracer=$! pid=""
	track_pid "$tracer"
	wait_for test -e "$HUSK_ROOT/$ID/state.json"
	pid=$(pgrep -P "$tracer")
	[ -n "$pid" ]
	kill "-$1" "$pid"
	status=0
	wait "$tracer" || status=$?
	BG_ERR=$BATS_TEST_TMPDIR/bg.err
	cat "$BG_ERR" >&2
}

@test "create interrupted before its init exists ends at once with status 1, naming the signal, and leaves nothing" {
	interrupt_during_create TERM create
	[ "$status" -eq 1 ]
	[ "$(cat "$BG_ERR")" = "husk: interrupted by SIGTERM during the create" ]
	assert_no_leftovers
	run husk state "$ID"
	[ "$status" -eq 1 ]
}

@test "run interrupted before its init exists ends with status 1 and leaves nothing; the workload never starts" {
	set_args sh -c 'echo ran > /ran'
	interrupt_during_create INT run
	[ "$status" -eq 1 ]
	[ "$(cat "$BG_ERR")" = "husk: interrupted by SIGINT during the create" ]
	[ ! -e "$ROOTFS/ran" ]
	assert_no_leftovers
}

@test "--log with --log-format json carries the real cause of a failed create; --debug adds the steps" {
	set_args /no/such/command
	run --separate-stderr husk --log "$BATS_TEST_TMPDIR/log.json" --log-format json create "$ID"
	[ "$status" -eq 1 ]
	line=$(tail -1 "$BATS_TEST_TMPDIR/log.json")
	jq -e '.level == "error" and (.msg | contains("/no/such/command") and contains("no such file or directory")) and (.time | test("Z$"))' <<<"$line"
	assert_no_leftovers
	set_args true
	run husk --debug --log "$BATS_TEST_TMPDIR/debug.json" --log-format json create "$ID"
	[ "$status" -eq 0 ]
	jq -s -e 'map(select(.level == "debug")) | length > 3' "$BATS_TEST_TMPDIR/debug.json"
	grep -q 'created, pid' "$BATS_TEST_TMPDIR/debug.json"
	husk_raw delete -f "$ID"
}

# 50 containers, created, started and deleted at the same time, while list
# keeps being read: nothing is left, every list is valid and shows no
# container in an impossible state.
@test "50 containers created, started and deleted concurrently leave nothing behind; list stays consistent" {
	set_args true
	local n=50 i pids=()
	for ((i = 0; i < n; i++)); do
		jq --arg cg "$CGROUP_PATH-$i" '.linux.cgroupsPath = $cg' config.json >"config-$i.json"
		mkdir -p "b$i"
		mv "config-$i.json" "b$i/config.json"
		ln -s ../rootfs "b$i/rootfs"
	done
	# Readers of list while the others work.
	(
		while [ ! -e "$BATS_TEST_TMPDIR/done" ]; do
			"$HUSK" --root "$HUSK_ROOT" list --format json >"$BATS_TEST_TMPDIR/list" 2>&1 || { echo "list failed" >>"$BATS_TEST_TMPDIR/bad"; }
			jq -e 'type == "array" and all(.[]; .status | IN("creating", "created", "running", "stopped"))' \
				"$BATS_TEST_TMPDIR/list" >/dev/null || cat "$BATS_TEST_TMPDIR/list" >>"$BATS_TEST_TMPDIR/bad"
		done
	) &
	reader=$!
	track_pid "$reader"
	for ((i = 0; i < n; i++)); do
		(
			set -e
			"$HUSK" --root "$HUSK_ROOT" create -b "b$i" "$ID-$i"
			"$HUSK" --root "$HUSK_ROOT" start "$ID-$i"
			for _ in $(seq 100); do
				[ "$("$HUSK" --root "$HUSK_ROOT" state "$ID-$i" | jq -r .status)" = stopped ] && break
				sleep 0.05
			done
			"$HUSK" --root "$HUSK_ROOT" delete "$ID-$i"
		) 3>&- >"$BATS_TEST_TMPDIR/c$i.log" 2>&1 &
		pids+=($!)
	done
	failed=0
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { failed=$((failed + 1)); cat "$BATS_TEST_TMPDIR/c$i.log" >&2; }
	done
	touch "$BATS_TEST_TMPDIR/done"
	wait "$reader" || true
	[ "$failed" -eq 0 ]
	[ ! -e "$BATS_TEST_TMPDIR/bad" ] || { cat "$BATS_TEST_TMPDIR/bad" >&2; false; }
	run husk list -q
	[ -z "$output" ]
	for ((i = 0; i < n; i++)); do
		assert_no_leftovers "$ID-$i"
	done
}

@test "every verb answers --help with its usage on stdout and exit 0; unknown options fail" {
	local verb
	for verb in create start run state kill delete list ps exec pause resume update events spec features; do
		run --separate-stderr husk "$verb" --help
		[ "$status" -eq 0 ]
		[[ "${lines[0]}" == "usage: husk $verb"* ]]
		[ -z "$stderr" ]
	done
	run husk exec --help
	[[ "$output" == *--process* ]]
	run --separate-stderr husk create --no-such-option "$ID"
	[ "$status" -eq 1 ]
	[ ! -e "$HUSK_ROOT/$ID" ]
}
