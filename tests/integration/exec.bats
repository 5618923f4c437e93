#!/usr/bin/env bats
# husk exec: a process in a running container sees what the container's init
# sees (namespaces, cgroup, capabilities, no_new_privs), with the user, cwd and
# env asked for; exit statuses and signals pass through; -d with --pid-file;
# clear errors that leave nothing behind; many execs leave nothing behind.
# shellcheck disable=SC2016,SC2154

load helpers

setup() {
	setup_bundle
	set_args sleep 1000
}
teardown() { teardown_bundle; }

# start_container : runs the container detached; sets $INIT (its host pid).
start_container() {
	run husk run -d "$ID"
	[ "$status" -eq 0 ]
	INIT=$(husk_raw state "$ID" | jq -r .pid)
	[ "$INIT" -gt 0 ]
}

# exec_detached ARGS... : husk exec -d --pid-file ... ARGS; sets $P (the host pid).
exec_detached() {
	rm -f "$BATS_TEST_TMPDIR/exec.pid"
	run husk exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$@"
	[ "$status" -eq 0 ]
	P=$(cat "$BATS_TEST_TMPDIR/exec.pid")
	[ "$P" -gt 0 ]
	kill -0 "$P"
}

# same_ns PID1 PID2 : every namespace link of the two processes is the same (and there are some).
same_ns() {
	local n count=0
	for n in /proc/"$1"/ns/*; do
		n=${n##*/}
		echo "ns $n: $(readlink "/proc/$1/ns/$n") vs $(readlink "/proc/$2/ns/$n")" >&2
		[ "$(readlink "/proc/$1/ns/$n")" = "$(readlink "/proc/$2/ns/$n")" ] || return 1
		count=$((count + 1))
	done
	[ "$count" -ge 8 ]
}

# userns_config : a user namespace mapping 0..65535 to 100000.., and a rootfs
# owned by the mapped root (as namespaces.bats).
userns_config() {
	add_ns user
	update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	private_rootfs
	chown -R 100000:100000 "$ROOTFS"
}

# status_field PID FIELD : the value of FIELD in /proc/PID/status.
status_field() {
	grep "^$2:" "/proc/$1/status" | cut -f2-
}

@test "exec --help names --process (engines look for it)" {
	run husk exec --help
	[ "$status" -eq 0 ]
	[[ "$output" == *--process* ]]
}

@test "the exec'd process is in every namespace and the cgroup of the init, and in husk ps" {
	start_container
	exec_detached "$ID" sleep 100
	same_ns "$INIT" "$P"
	[ "$(readlink "/proc/$P/ns/mnt")" != "$(host_ns mnt)" ]
	[ "$(cat "/proc/$P/cgroup")" = "$(cat "/proc/$INIT/cgroup")" ]
	grep -q ":$CGROUP_PATH\$" "/proc/$P/cgroup"
	run husk ps --format json "$ID"
	[ "$status" -eq 0 ]
	jq -e --argjson p "$P" 'index($p) != null' <<<"$output"
	# From inside: the same namespaces and cgroup as pid 1, the init; and a pid of the container's.
	run husk exec "$ID" sh -c 'for n in /proc/self/ns/*; do [ "$(readlink $n)" = "$(readlink /proc/1/ns/${n##*/})" ] || echo "differs: $n"; done
		[ "$(cat /proc/self/cgroup)" = "$(cat /proc/1/cgroup)" ] || echo "cgroup differs"
		echo "pid $$"; cat /proc/1/cmdline | tr "\0" " "'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" != "${lines[0]#pid }" ]
	[ "${lines[0]#pid }" -gt 1 ]
	[ "${lines[0]#pid }" -lt 1000 ]
	[ "${lines[1]}" = "sleep 1000 " ]
}

@test "exec joins the user and time namespaces too (a user namespace config)" {
	requires userns
	userns_config
	add_ns time
	start_container
	[ "$(readlink "/proc/$INIT/ns/user")" != "$(host_ns user)" ]
	exec_detached "$ID" sleep 100
	same_ns "$INIT" "$P"
	[ "$(readlink "/proc/$P/ns/time")" = "$(readlink "/proc/$INIT/ns/time")" ]
	[ "$(cat "/proc/$P/cgroup")" = "$(cat "/proc/$INIT/cgroup")" ]
	# Root of the container, a mapped uid on the host.
	[ "$(status_field "$P" Uid)" = "$(status_field "$INIT" Uid)" ]
	[ "$(status_field "$P" Uid | cut -f1)" = 100000 ]
	run husk exec "$ID" id -u
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
}

@test "the exec'd process has the init's capabilities and no_new_privs; --cap and --no-new-privs add" {
	update_config '.process.noNewPrivileges = false'
	start_container
	exec_detached "$ID" sleep 100
	local f
	for f in CapInh CapPrm CapEff CapBnd CapAmb NoNewPrivs Seccomp Uid Gid Groups; do
		echo "$f: $(status_field "$INIT" $f) vs $(status_field "$P" $f)" >&2
		[ "$(status_field "$P" $f)" = "$(status_field "$INIT" $f)" ]
	done
	[ "$(status_field "$P" NoNewPrivs)" = 0 ]
	run husk exec --cap CAP_SYS_ADMIN --no-new-privs "$ID" sh -c 'grep -E "^(CapEff|CapBnd|NoNewPrivs):" /proc/self/status'
	[ "$status" -eq 0 ]
	# CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE (husk spec) plus CAP_SYS_ADMIN (21)
	[ "${lines[0]}" = $'CapEff:\t0000000020200420' ]
	[ "${lines[1]}" = $'CapBnd:\t0000000020200420' ]
	[ "${lines[2]}" = $'NoNewPrivs:\t1' ]
	# The config as it was at create counts, not a later change of the bundle's.
	update_config '.process.noNewPrivileges = true'
	run husk exec "$ID" grep NoNewPrivs /proc/self/status
	[ "$output" = $'NoNewPrivs:\t0' ]
}

@test "exec -u UID:GID -g GID, --cwd and -e are what the process gets" {
	start_container
	run husk exec -u 1000:1000 -g 10 -g 20 --cwd /tmp -e FOO=bar -e TERM=dumb "$ID" \
		sh -c 'grep -E "^(Uid|Gid|Groups):" /proc/self/status; pwd; echo "$FOO"; env | grep -c ^TERM=; echo "$TERM"; echo "$PATH"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'Uid:\t1000\t1000\t1000\t1000' ]
	[ "${lines[1]}" = $'Gid:\t1000\t1000\t1000\t1000' ]
	[ "$(echo "${lines[2]}" | tr -s ' \t' ' ')" = "Groups: 10 20 " ]
	[ "${lines[3]}" = /tmp ]
	[ "${lines[4]}" = bar ]
	[ "${lines[5]}" = 1 ]
	[ "${lines[6]}" = dumb ]
	[ "${lines[7]}" = "$(jq -r '.process.env[] | select(startswith("PATH=")) | .[5:]' config.json)" ]
	# -u UID alone: gid 0
	run husk exec -u 33 "$ID" sh -c 'echo $(id -u) $(id -g)'
	[ "$output" = "33 0" ]
}

@test "exec --process FILE runs that process, with config.json's rlimits and capabilities when it has none" {
	# The init runs as 5:6: a process file without a user must not get that.
	update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 777, hard: 888}] | .process.user = {uid: 5, gid: 6}'
	start_container
	cat >"$BATS_TEST_TMPDIR/process.json" <<-'JSON'
	{"args": ["sh", "-c", "echo $A; pwd; id -u; id -g; ulimit -n; grep CapBnd /proc/self/status; exit 4"],
	 "env": ["A=from-process-json", "PATH=/bin"], "cwd": "/etc", "user": {"uid": 7, "gid": 8}}
	JSON
	run husk exec --process "$BATS_TEST_TMPDIR/process.json" "$ID"
	[ "$status" -eq 4 ]
	[ "${lines[0]}" = from-process-json ]
	[ "${lines[1]}" = /etc ]
	[ "${lines[2]}" = 7 ]
	[ "${lines[3]}" = 8 ]
	[ "${lines[4]}" = 777 ]
	[ "${lines[5]}" = "$(grep CapBnd "/proc/$INIT/status")" ]
	# Left out of the file, the user is root (as runc), not config.json's.
	[ "$(awk '/^Uid:/ { print $2 }' "/proc/$INIT/status")" = 5 ]
	echo '{"args": ["sh", "-c", "id -u; id -g"], "cwd": "/"}' >"$BATS_TEST_TMPDIR/nouser.json"
	run husk exec --process "$BATS_TEST_TMPDIR/nouser.json" "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	# A bad process file is named with its field.
	echo '{"args": [], "cwd": "/", "user": {"uid": 0, "gid": 0}}' >"$BATS_TEST_TMPDIR/bad.json"
	run --separate-stderr husk exec --process "$BATS_TEST_TMPDIR/bad.json" "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: bad.json: args: must be a non-empty array of strings" ]
	# Not both a file and a command.
	run --separate-stderr husk exec --process "$BATS_TEST_TMPDIR/process.json" "$ID" true
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"--process"* ]]
}

@test "exit statuses pass through: 0, 3, 143 for SIGTERM, 137 when killed from the host" {
	start_container
	run husk exec "$ID" true
	[ "$status" -eq 0 ]
	run husk exec "$ID" sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run husk exec "$ID" sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	husk_bg exec "$ID" sh -c 'echo $$ >/exec-pid; exec sleep 100'
	wait_for test -s "$ROOTFS/exec-pid"
	# Its host pid: the one in the container's cgroup running "sleep 100".
	local p
	wait_for eval 'p=$(for x in $(cat "/proc/$INIT/task/$INIT/../../"*/cgroup 2>/dev/null; true); do :; done; pgrep -f "^sleep 100$" -P "$(pgrep -x husk -P $$ | head -1)" || true); [ -n "$p" ]' || true
	p=$(for x in $(husk_raw ps --format json "$ID" | jq -r '.[]'); do [ "$(cat /proc/"$x"/cmdline | tr '\0' ' ')" = "sleep 100 " ] && echo "$x"; done)
	[ -n "$p" ]
	kill -9 "$p"
	wait_bg
	[ "$status" -eq 137 ]
}

@test "signals to a foreground exec reach the process" {
	start_container
	husk_bg exec "$ID" sh -c 'trap "echo got TERM; exit 7" TERM; touch /ready; sleep 100 & wait'
	wait_for test -e "$ROOTFS/ready"
	kill -TERM "$BG_PID"
	wait_bg
	[ "$status" -eq 7 ]
	[ "$(cat "$BG_OUT")" = "got TERM" ]
}

@test "exec -d returns at once with --pid-file written; the process runs on" {
	start_container
	exec_detached "$ID" sh -c 'sleep 1; touch /done; sleep 100'
	[ "$(readlink "/proc/$P/ns/pid")" = "$(readlink "/proc/$INIT/ns/pid")" ]
	[ ! -e "$ROOTFS/done" ]
	wait_for test -e "$ROOTFS/done"
	kill -0 "$P"
	# A missing command with -d fails and writes no pid file.
	rm -f "$BATS_TEST_TMPDIR/exec.pid"
	run husk exec -d --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$ID" /no/such
	[ "$status" -eq 1 ]
	[ ! -e "$BATS_TEST_TMPDIR/exec.pid" ]
}

@test "exec into a created container joins its waiting init (as runc); paused or stopped fails clearly" {
	run husk create "$ID"
	[ "$status" -eq 0 ]
	INIT=$(husk_raw state "$ID" | jq -r .pid)
	exec_detached "$ID" sleep 100
	same_ns "$P" "$INIT"
	[ "$(cat "/proc/$P/cgroup")" = "$(cat "/proc/$INIT/cgroup")" ]
	[ "$(stat -c %i "/proc/$P/root/")" = "$(stat -c %i "/proc/$INIT/root/")" ]
	# The init still waits for start: the exec did not start the container.
	testcontainer "$ID" created
	[ "$(cat "/proc/$INIT/comm")" != sleep ]
	run husk start "$ID"
	[ "$status" -eq 0 ]
	testcontainer "$ID" running
	run husk pause "$ID"
	[ "$status" -eq 0 ]
	run --separate-stderr husk exec "$ID" true
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: cannot exec in container '$ID': it is paused (resume it, or use --ignore-paused)" ]
	run husk resume "$ID"
	[ "$status" -eq 0 ]
	run husk exec "$ID" true
	[ "$status" -eq 0 ]
	run husk kill "$ID" KILL
	wait_for eval '[ "$(husk_raw state "$ID" | jq -r .status)" = stopped ]'
	run --separate-stderr husk exec "$ID" true
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: cannot exec in container '$ID': it is stopped, not running" ]
	run --separate-stderr husk exec no-such-container true
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: container 'no-such-container' does not exist" ]
}

@test "process.cwd is entered before the user switch when the user cannot search its parent (as runc), in run and exec" {
	# /locked is root's, 0700: uid 1000 cannot pass it; /locked/work is open to all.
	mkdir -p "$ROOTFS/locked/work"
	chmod 0700 "$ROOTFS/locked"
	chmod 0755 "$ROOTFS/locked/work"
	update_config '.process.user = {uid: 1000, gid: 1000} | .process.cwd = "/locked/work"'
	set_args sh -c 'pwd -P; id -u; ls /locked 2>/dev/null; echo "ls $?"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /locked/work ]
	[ "${lines[1]}" = 1000 ]
	[ "${lines[2]}" = "ls 1" ] # the user still cannot read the parent
	set_args sleep 1000
	start_container
	run --separate-stderr husk exec --user 1000:1000 --cwd /locked/work "$ID" sh -c 'pwd -P; id -u'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /locked/work ]
	[ "${lines[1]}" = 1000 ]
}

@test "exec --pid-file in a directory that does not exist fails with status 1 and runs nothing" {
	start_container
	run --separate-stderr husk exec --pid-file "$BATS_TEST_TMPDIR/no/such/dir/pid" "$ID" sh -c 'touch /ran; sleep 100'
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: "*"$BATS_TEST_TMPDIR/no/such/dir"*"No such file or directory" ]]
	# Only the init is left in the container's cgroup; the process never ran.
	[ "$(container_pids "$ID" | sort -u)" = "$INIT" ]
	[ ! -e "$ROOTFS/ran" ]
	[ ! -e "$BATS_TEST_TMPDIR/no" ]
}

@test "a missing or non-executable binary is named as engines expect, and nothing is left behind" {
	start_container
	run --separate-stderr husk exec "$ID" no-such-binary
	[ "$status" -eq 1 ]
	[ "$stderr" = 'husk: exec: "no-such-binary": executable file not found in $PATH' ]
	run --separate-stderr husk exec "$ID" /no/such/binary
	[ "$status" -eq 1 ]
	[ "$stderr" = 'husk: exec: "/no/such/binary": stat /no/such/binary: no such file or directory' ]
	run --separate-stderr husk exec "$ID" /etc/passwd
	[ "$status" -eq 1 ]
	[ "$stderr" = 'husk: exec: "/etc/passwd": permission denied' ]
	run --separate-stderr husk exec --cwd /no/such/dir "$ID" true
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"process.cwd: chdir to '/no/such/dir'"* ]]
	[ "$(husk_raw ps --format json "$ID")" = "[$INIT]" ]
}

@test "bad flags are refused, naming the flag and value" {
	start_container
	local bad
	for bad in abc 1:x -1 1: :1 4294967295 1000:1000:1 ' 1'; do
		run --separate-stderr husk exec -u "$bad" "$ID" true
		[ "$status" -eq 1 ]
		[ "$stderr" = "husk exec: --user: '$bad' is not UID[:GID] (numbers below 4294967295)" ]
	done
	run --separate-stderr husk exec -g x "$ID" true
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk exec: --additional-gids: 'x' is not a gid" ]
	run --separate-stderr husk exec -e NOEQUALS "$ID" true
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk exec: --env: 'NOEQUALS' is not KEY=VALUE" ]
	run --separate-stderr husk exec --cwd relative "$ID" true
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: --cwd: 'relative' is not an absolute path" ]
	run --separate-stderr husk exec --cap NOT_A_CAP "$ID" true
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"--cap: 'NOT_A_CAP'"* ]]
	run --separate-stderr husk exec --apparmor foo "$ID" true
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: process.apparmorProfile: 'foo': AppArmor is not enabled on this host" ]
	run --separate-stderr husk exec --process-label foo "$ID" true
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: process.selinuxLabel: 'foo': SELinux is not enabled on this host" ]
	run --separate-stderr husk exec -d -t "$ID" true
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: --tty with --detach needs --console-socket" ]
	run --separate-stderr husk exec --console-socket /x "$ID" true
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: --console-socket: needs a terminal (--tty)" ]
	run --separate-stderr husk exec "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"expects a command"* ]]
	[ "$(husk_raw ps --format json "$ID")" = "[$INIT]" ]
}

@test "the exec'd process holds only stdio and --preserve-fds fds, and its exe is the container's" {
	start_container
	echo preserved >"$BATS_TEST_TMPDIR/fd3"
	run husk exec "$ID" sh -c 'echo $(ls /proc/self/fd); readlink /proc/$$/exe' 5</dev/null
	[ "$status" -eq 0 ]
	# 0 1 2, and 3 for the ls's own directory
	[ "${lines[0]}" = "0 1 2 3" ]
	[ "${lines[1]}" = /bin/busybox ]
	(
		exec 3<"$BATS_TEST_TMPDIR/fd3" 4</dev/null
		"$HUSK" --root "$HUSK_ROOT" exec --preserve-fds 1 "$ID" sh -c 'echo $(ls /proc/self/fd); cat <&3' \
			>"$BATS_TEST_TMPDIR/out" 2>&1
	)
	run cat "$BATS_TEST_TMPDIR/out"
	[ "${lines[0]}" = "0 1 2 3 4" ] # 4: ls's own directory fd
	[ "${lines[1]}" = preserved ]
}

@test "exec --cgroup puts the process into a sub-cgroup of the container's" {
	start_container
	local d
	for d in $(cgroup_dirs "$ID"); do
		mkdir "$d/sub"
		if [ -e "$d/cpuset.cpus" ]; then
			cat "$d/cpuset.cpus" >"$d/sub/cpuset.cpus"
			cat "$d/cpuset.mems" >"$d/sub/cpuset.mems"
		fi
	done
	exec_detached --cgroup sub "$ID" sleep 100
	grep -q ":$CGROUP_PATH/sub\$" "/proc/$P/cgroup"
	! grep -v ":$CGROUP_PATH/sub\$" "/proc/$P/cgroup"
	exec_detached --cgroup memory:sub "$ID" sleep 100
	grep -q ":memory:$CGROUP_PATH/sub\$" "/proc/$P/cgroup"
	[ "$(grep -c ":$CGROUP_PATH/sub\$" "/proc/$P/cgroup")" = 1 ]
	run --separate-stderr husk exec --cgroup nosuch "$ID" true
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"nosuch"*"No such file or directory" ]]
	run --separate-stderr husk exec --cgroup ../x "$ID" true
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"'../x'"* ]]
	# "/" is the container's own cgroup (as runc), in every hierarchy or in one.
	exec_detached --cgroup / "$ID" sleep 100
	[ "$(cat "/proc/$P/cgroup")" = "$(cat "/proc/$INIT/cgroup")" ]
	exec_detached --cgroup memory:/ "$ID" sleep 100
	[ "$(cat "/proc/$P/cgroup")" = "$(cat "/proc/$INIT/cgroup")" ]
	run --separate-stderr husk exec --cgroup /.. "$ID" true
	[ "$status" -eq 1 ]
}

@test "200 sequential execs leave no process, zombie, fd or cgroup behind" {
	start_container
	local fds_before dirs_before i
	fds_before=$(ls "/proc/$INIT/fd" | wc -l)
	dirs_before=$(for d in $(cgroup_dirs "$ID"); do find "$d" -type d; done | sort)
	for ((i = 0; i < 200; i++)); do
		husk_raw exec "$ID" true || { echo "exec $i failed" >&2; return 1; }
	done
	[ "$(husk_raw ps --format json "$ID")" = "[$INIT]" ]
	[ "$(ls "/proc/$INIT/fd" | wc -l)" = "$fds_before" ]
	[ "$(for d in $(cgroup_dirs "$ID"); do find "$d" -type d; done | sort)" = "$dirs_before" ]
	# no zombie anywhere in the container's pid namespace
	run husk exec "$ID" sh -c 'cat /proc/[0-9]*/stat | grep -c " Z " || true'
	[ "$output" = 0 ]
}

@test "exec -t --console-socket: the process gets a pty of the container's as stdio and controlling terminal" {
	start_container
	local sock=$BATS_TEST_TMPDIR/tty.sock out=$BATS_TEST_TMPDIR/tty.out info=$BATS_TEST_TMPDIR/tty.info
	"$REPO_DIR/tests/payload/recvtty" "$sock" >"$out" 2>"$info" 3>&- &
	local rpid=$!
	track_pid "$rpid"
	wait_for test -S "$sock"
	exec_detached -t --console-socket "$sock" "$ID" sh -c 'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-tty; readlink /proc/self/fd/0; sleep 1'
	[ "$(cat "/proc/$P/cgroup")" = "$(cat "/proc/$INIT/cgroup")" ]
	wait_for sh -c "! kill -0 $rpid 2>/dev/null"
	cat "$info" >&2
	grep -q "recvtty: payload=/dev/ptmx fds=1 tty=1" "$info"
	run tr -d '\r' <"$out"
	[[ "${lines[0]}" == /dev/pts/* ]]
	[ "${lines[1]}" = all-tty ]
	[ "${lines[2]}" = "${lines[0]}" ]
}

@test "exec -t in the foreground proxies the pty and passes the exit status" {
	start_container
	run husk exec -t "$ID" sh -c '[ -t 0 ] && [ -t 1 ] && echo is-a-tty; exit 5'
	[ "$status" -eq 5 ]
	[ "$(tr -d '\r' <<<"$output")" = is-a-tty ]
}

@test "exec starts from the config as it was at create, not as the bundle's config.json is now" {
	update_config '.process.env += ["AT_CREATE=yes"] | .process.cwd = "/tmp"'
	start_container
	update_config '.process.env = ["PATH=/bin", "AT_CREATE=changed"] | .process.cwd = "/etc"'
	run husk exec "$ID" sh -c 'echo "$AT_CREATE $(pwd)"'
	[ "$status" -eq 0 ]
	[ "$output" = "yes /tmp" ]
}
