#!/usr/bin/env bats
# process.terminal: the pty made from the container's own devpts, /dev/console,
# process.consoleSize, --console-socket (create, run -d), run's proxy in the
# foreground, and the errors around them.

load helpers

RECVTTY=$REPO_DIR/tests/payload/recvtty

setup() {
	requires root
	setup_bundle payload isatty
	update_config '.process.terminal = true'
	SOCK=$BATS_TEST_TMPDIR/tty.sock
	TTY_OUT=$BATS_TEST_TMPDIR/tty.out
	TTY_INFO=$BATS_TEST_TMPDIR/tty.info
}

teardown() {
	teardown_bundle
}

# start_recvtty [ARGS...] : the console socket's receiver on $SOCK, in the
# background; what the terminal shows goes to $TTY_OUT, its report line to
# $TTY_INFO.
start_recvtty() {
	"$RECVTTY" "$@" "$SOCK" >"$TTY_OUT" 2>"$TTY_INFO" 3>&- &
	RECVTTY_PID=$!
	track_pid "$RECVTTY_PID"
	wait_for test -S "$SOCK"
}

# wait_recvtty : waits until the receiver saw the end of the terminal; fails
# (and prints what it got) when it does not within $HUSK_TIMEOUT seconds.
wait_recvtty() {
	local i rc=0
	for ((i = 0; i < HUSK_TIMEOUT * 10; i++)); do
		kill -0 "$RECVTTY_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$RECVTTY_PID" 2>/dev/null; then
		echo "recvtty still running" >&2
		rc=1
	else
		wait "$RECVTTY_PID" || rc=$?
	fi
	sed 's/^/  recvtty info: /' "$TTY_INFO" >&2
	sed 's/^/  recvtty out: /' "$TTY_OUT" >&2
	return $rc
}

# tty_out : what the terminal showed, without the carriage returns of its
# output processing (onlcr) and the NULs some terminal programs send.
tty_out() {
	tr -d '\r\0' <"$TTY_OUT"
}

# create_and_start : create with $SOCK, start, wait until the workload is done.
create_and_start() {
	run husk create --console-socket "$SOCK" "$ID"
	[ "$status" -eq 0 ]
	testcontainer "$ID" created
	run husk start "$ID"
	[ "$status" -eq 0 ]
	wait_recvtty
}

@test "create --console-socket: the master arrives in one message and the workload's fds 0, 1, 2 are a tty" {
	start_recvtty
	create_and_start
	# One fd, named as runc names it; a terminal on our side too.
	grep -q '^recvtty: payload=/dev/ptmx fds=1 tty=1 ' "$TTY_INFO"
	[ "$(tty_out)" = "stdin=1 stdout=1 stderr=1" ]
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "the workload's stdio is /dev/pts/N of the container's own devpts instance, and only it" {
	set_args sh -c 'payload fds; grep " /dev/pts " /proc/self/mountinfo'
	start_recvtty
	create_and_start
	ptn=$(sed -n 's/.* ptn=\([0-9]*\) .*/\1/p' "$TTY_INFO")
	[ -n "$ptn" ]
	# Nothing of husk's (the master above all) is open in the workload.
	[ "$(tty_out | grep -E '^[0-9]+ ' | grep -cvE '^[0-9]+ [0-9]+ ')" -eq 3 ]
	tty_out | grep -qx "0 /dev/pts/$ptn"
	tty_out | grep -qx "1 /dev/pts/$ptn"
	tty_out | grep -qx "2 /dev/pts/$ptn"
	# A devpts of its own: not the device of the host's /dev/pts.
	dev=$(tty_out | awk '$5 == "/dev/pts" && $9 == "devpts" { print $3 }')
	[ -n "$dev" ]
	host=$(awk '$5 == "/dev/pts" && $9 == "devpts" { print $3 }' /proc/self/mountinfo | head -1)
	[ "$dev" != "$host" ]
}

@test "/dev/console is the container's pty, bind-mounted from its devpts" {
	set_args sh -c 'readlink /proc/self/fd/0; stat -c "%F %t:%T" /dev/console; grep " /dev/console " /proc/self/mountinfo; payload stat /dev/pts/ptmx'
	start_recvtty
	create_and_start
	ptn=$(sed -n 's/.* ptn=\([0-9]*\) .*/\1/p' "$TTY_INFO")
	tty_out | grep -qx "/dev/pts/$ptn"
	# char 136:N (hex major 88), the slave itself.
	tty_out | grep -qx "character special file 88:$(printf %x "$ptn")"
	# Mounted from the root "/N" of a devpts.
	tty_out | awk -v n="/$ptn" '$5 == "/dev/console" && $4 == n && $9 == "devpts" { f = 1 } END { exit !f }'
}

@test "process.consoleSize sets the terminal's size" {
	update_config '.process.consoleSize = {height: 33, width: 77}'
	set_args stty size
	start_recvtty
	create_and_start
	grep -q ' rows=33 cols=77$' "$TTY_INFO"
	[ "$(tty_out)" = "33 77" ]
}

@test "what is written to the master is the workload's input" {
	set_args sh -c 'read -r line; echo "got:$line"'
	start_recvtty -i $'hello terminal\n'
	create_and_start
	tty_out | grep -qx 'got:hello terminal'
}

@test "the workload's terminal is its controlling terminal, in a session of its own" {
	set_args sh -c 'tty; cat /proc/self/stat'
	start_recvtty
	create_and_start
	ptn=$(sed -n 's/.* ptn=\([0-9]*\) .*/\1/p' "$TTY_INFO")
	tty_out | grep -qx "/dev/pts/$ptn"
	# stat fields: 6 session, 7 tty_nr (136:N as 136 << 8 | N).
	read -r -a f < <(tty_out | grep -v '^/dev/pts')
	[ "${f[6]}" -eq $((136 << 8 | ptn)) ]
	[ "${f[5]}" -eq 1 ] # the init (pid 1) leads the session
}

@test "a non-root workload owns its terminal" {
	update_config '.process.user = {uid: 1000, gid: 1000}'
	set_args sh -c 'stat -c "%u %g %a" "$(readlink /proc/self/fd/0)"'
	start_recvtty
	create_and_start
	[ "$(tty_out)" = "1000 5 620" ]
}

@test "run -d --console-socket: the terminal goes to the socket, husk returns" {
	set_args sh -c 'payload isatty; exit 0'
	start_recvtty
	run husk run -d --console-socket "$SOCK" "$ID"
	[ "$status" -eq 0 ]
	wait_recvtty
	[ "$(tty_out)" = "stdin=1 stdout=1 stderr=1" ]
	wait_for testcontainer "$ID" stopped
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "run in the foreground on a terminal proxies it: a tty inside, output out, exit status through" {
	command -v script >/dev/null || skip "no script(1) (util-linux)"
	update_config '.process.consoleSize = {height: 21, width: 61}'
	set_args sh -c 'payload isatty; stty size; exit 3'
	run script -qec "'$HUSK' --root '$HUSK_ROOT' run '$ID'" /dev/null </dev/null
	[ "$status" -eq 3 ]
	# husk's terminal was raw (no output processing): the container's "\r\n" came through as is.
	[[ "$output" == *$'stderr=1\r\n'* ]]
	[[ "$output" != *$'\r\r\n'* ]]
	# script(1) sends a NUL when its stdin ends, which the pty echoes as "^@".
	out=$(tr -d '\r\0' <<<"$output" | sed 's/\^@//g')
	grep -qx 'stdin=1 stdout=1 stderr=1' <<<"$out"
	# script's terminal has no size: the container's keeps consoleSize.
	grep -qx '21 61' <<<"$out"
	assert_no_leftovers
}

@test "run in the foreground copies the window size of husk's terminal" {
	command -v script >/dev/null || skip "no script(1) (util-linux)"
	update_config '.process.consoleSize = {height: 21, width: 61}'
	set_args stty size
	run script -qec "stty rows 40 cols 100; '$HUSK' --root '$HUSK_ROOT' run '$ID'" /dev/null </dev/null
	[ "$status" -eq 0 ]
	grep -qx '40 100' <<<"$(tr -d '\r\0' <<<"$output" | sed 's/\^@//g')"
	assert_no_leftovers
}

@test "run in the foreground without a terminal copies stdin in and the terminal's output out" {
	set_args sh -c 'read -r line; echo "got:$line"; payload isatty; exit 5'
	run husk run "$ID" <<<"from the pipe"
	[ "$status" -eq 5 ]
	out=$(tr -d '\r' <<<"$output")
	grep -qx 'got:from the pipe' <<<"$out"
	grep -qx 'stdin=1 stdout=1 stderr=1' <<<"$out"
	assert_no_leftovers
}

@test "run in the foreground drains the output written just before the workload exits" {
	set_args sh -c 'i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i + 1)); done; exit 4'
	run husk run "$ID" </dev/null
	[ "$status" -eq 4 ]
	[ "$(tr -d '\r' <<<"$output" | grep -c '^line ')" -eq 2000 ]
	tr -d '\r' <<<"$output" | grep -qx 'line 1999'
}

@test "create with process.terminal and no --console-socket fails and leaves nothing" {
	run husk create "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.terminal is true: --console-socket is required"* ]]
	assert_no_leftovers
}

@test "run -d with process.terminal and no --console-socket fails and leaves nothing" {
	run husk run -d "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.terminal is true: --console-socket is required"* ]]
	assert_no_leftovers
}

@test "--console-socket naming no socket fails with its path and leaves nothing" {
	run husk create --console-socket "$BATS_TEST_TMPDIR/missing.sock" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--console-socket: connect to '$BATS_TEST_TMPDIR/missing.sock': No such file or directory"* ]]
	assert_no_leftovers
}

@test "--console-socket naming a socket nobody listens on fails with its path and leaves nothing" {
	# A receiver gone before it accepted: its socket file stays, refusing.
	start_recvtty
	kill -9 "$RECVTTY_PID"
	wait "$RECVTTY_PID" 2>/dev/null || true
	[ -S "$SOCK" ]
	run husk create --console-socket "$SOCK" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--console-socket: connect to '$SOCK': Connection refused"* ]]
	assert_no_leftovers
}

@test "--console-socket with process.terminal false fails, as runc's does" {
	update_config '.process.terminal = false'
	start_recvtty
	run husk create --console-socket "$SOCK" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--console-socket '$SOCK': config.json's process.terminal is false"* ]]
	assert_no_leftovers
}

@test "process.terminal without a devpts on /dev/pts fails clearly and leaves nothing" {
	update_config '.mounts |= map(select(.destination != "/dev/pts"))'
	start_recvtty
	run husk create --console-socket "$SOCK" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"process.terminal: open /dev/ptmx in the container"* ]]
	assert_no_leftovers
}

@test "a receiver that leaves before the master comes fails the create and leaves nothing" {
	# Accepts nothing: the kernel queues our connection, the send fails only if the
	# socket is gone; close the listener after husk connected by killing it at once.
	start_recvtty -q
	update_config '.hooks.createRuntime = [{path: "/bin/sh", args: ["sh", "-c", "kill -9 $0", $pid]}]' \
		--arg pid "$RECVTTY_PID"
	run husk create --console-socket "$SOCK" "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--console-socket: send the pty master to '$SOCK'"* ]]
	assert_no_leftovers
}

@test "in a new user namespace the terminal comes from the container's devpts too" {
	requires userns
	add_ns user
	update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .process.user = {uid: 1000, gid: 1000}'
	private_rootfs
	chown -R 100000:100000 "$ROOTFS"
	set_args sh -c 'payload isatty; stat -c "%u %g" "$(readlink /proc/self/fd/0)"; grep " /dev/console " /proc/self/mountinfo'
	start_recvtty
	create_and_start
	tty_out | grep -qx 'stdin=1 stdout=1 stderr=1'
	tty_out | grep -qx '1000 5'
	tty_out | awk '$5 == "/dev/console" && $9 == "devpts" { f = 1 } END { exit !f }'
}

@test "run in the foreground restores husk's terminal after the run, and after a failed exec" {
	command -v script >/dev/null || skip "no script(1) (util-linux)"
	set_args payload exit 0
	run script -qec "stty -g >'$BATS_TEST_TMPDIR/before'; '$HUSK' --root '$HUSK_ROOT' run '$ID'; stty -g >'$BATS_TEST_TMPDIR/after'" /dev/null </dev/null
	[ "$status" -eq 0 ]
	[ -s "$BATS_TEST_TMPDIR/before" ]
	cmp "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	# Not a program the kernel can exec: execve fails after the terminal went raw.
	printf 'not a program\n' >"$ROOTFS/bin/garbage"
	chmod 755 "$ROOTFS/bin/garbage"
	set_args /bin/garbage
	run script -qec "'$HUSK' --root '$HUSK_ROOT' run '$ID'; echo \"husk status \$?\"; stty -g >'$BATS_TEST_TMPDIR/after'" /dev/null </dev/null
	grep -q 'husk status 1' <<<"$output"
	grep -q "exec '/bin/garbage': Exec format error" <<<"$output"
	cmp "$BATS_TEST_TMPDIR/before" "$BATS_TEST_TMPDIR/after"
	assert_no_leftovers
}
