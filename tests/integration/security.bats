#!/usr/bin/env bats
# The security fields of the process and of linux (capabilities,
# no_new_privs, rlimits, oomScoreAdj, ioPriority, scheduler, personality,
# execCPUAffinity, LSM labels, masked and read-only paths, sysctl) as the
# workload sees them, and one attack per class of runtime escape that runc
# and crun shipped fixes for, each failing when husk's defence is removed.
# (seccomp has its own file, seccomp.bats.)

load helpers

setup() {
	requires root
	setup_bundle payload status
}

teardown() {
	teardown_bundle
}

# status_of NAME : the value of NAME=… in $output (payload status).
status_of() {
	sed -n "s/^$1=//p" <<<"$output"
}

# ---- capabilities ----------------------------------------------------------

@test "each of the five capability sets is what the config lists; inheritable and ambient stay empty unless listed" {
	update_config '.process.capabilities = {
		bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
		effective: ["CAP_KILL"], permitted: ["CAP_KILL", "CAP_CHOWN"]}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	# CAP_CHOWN = bit 0, CAP_KILL = bit 5, CAP_NET_BIND_SERVICE = bit 10.
	[ "$(status_of CapBnd)" = 0000000000000421 ]
	[ "$(status_of CapPrm)" = 0000000000000021 ]
	# For uid 0 execve makes the effective set the permitted one (capabilities(7), as with runc).
	[ "$(status_of CapEff)" = 0000000000000021 ]
	[ "$(status_of CapInh)" = 0000000000000000 ]
	[ "$(status_of CapAmb)" = 0000000000000000 ]
}

@test "capabilities survive the change to a non-root uid (kept across setuid, then set)" {
	update_config '.process.user = {uid: 1000, gid: 1000}
		| .process.capabilities = {bounding: ["CAP_KILL", "CAP_SETGID"], effective: ["CAP_KILL"],
		   permitted: ["CAP_KILL"], inheritable: ["CAP_KILL"], ambient: ["CAP_KILL"]}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	# CAP_KILL = bit 5, CAP_SETGID = bit 6.
	[ "$(status_of CapBnd)" = 0000000000000060 ]
	[ "$(status_of CapPrm)" = 0000000000000020 ]
	[ "$(status_of CapEff)" = 0000000000000020 ]
	[ "$(status_of CapInh)" = 0000000000000020 ]
	[ "$(status_of CapAmb)" = 0000000000000020 ]
}

@test "an unknown capability name is warned about and ignored, as runc does" {
	update_config '.process.capabilities = {bounding: ["CAP_KILL", "CAP_NO_SUCH_THING"],
		effective: ["CAP_KILL"], permitted: ["CAP_KILL"]}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"unknown capability 'CAP_NO_SUCH_THING', ignoring"* ]]
	[ "$(status_of CapBnd)" = 0000000000000020 ]
}

@test "a capability list longer than the capabilities there are (a name repeated 300 times) is applied once, not overflowed" {
	# 300 entries: more than any fixed table of capability values holds.
	update_config '.process.capabilities = {bounding: ([range(300)] | map("CAP_KILL")),
		effective: ([range(300)] | map("CAP_KILL")), permitted: ([range(300)] | map("CAP_KILL")),
		inheritable: ([range(300)] | map("CAP_KILL")), ambient: ([range(300)] | map("CAP_KILL"))}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$(status_of CapBnd)" = 0000000000000020 ]
	[ "$(status_of CapPrm)" = 0000000000000020 ]
	[ "$(status_of CapInh)" = 0000000000000020 ]
	[ "$(status_of CapAmb)" = 0000000000000020 ]
}

@test "noNewPrivileges sets NoNewPrivs; without it the flag is clear" {
	update_config '.process.noNewPrivileges = true'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$(status_of NoNewPrivs)" = 1 ]
	update_config '.process.noNewPrivileges = false'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$(status_of NoNewPrivs)" = 0 ]
}

@test "exec --cap never grants inheritable (or ambient) capabilities (CVE-2022-29162 class)" {
	update_config '.process.capabilities = {bounding: ["CAP_KILL"], effective: ["CAP_KILL"],
		permitted: ["CAP_KILL"]} | .process.args = ["payload", "sleep", "30"]'
	husk_raw run -d "$ID" </dev/null >/dev/null 2>&1
	run --separate-stderr husk exec --cap CAP_SYS_ADMIN --cap CAP_NET_RAW "$ID" payload status
	[ "$status" -eq 0 ]
	# CAP_NET_RAW = 13, CAP_SYS_ADMIN = 21, CAP_KILL = 5.
	[ "$(status_of CapEff)" = 0000000000202020 ]
	[ "$(status_of CapInh)" = 0000000000000000 ]
	[ "$(status_of CapAmb)" = 0000000000000000 ]
}

# ---- rlimits, oomScoreAdj, ioPriority, scheduler, personality, affinity ----

@test "rlimits are what /proc/self/limits shows" {
	update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1234, hard: 5678},
		{type: "RLIMIT_NPROC", soft: 300, hard: 400}, {type: "RLIMIT_CORE", soft: 0, hard: 0}]'
	set_args payload cat /proc/self/limits
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	grep -Eq '^Max open files +1234 +5678 +files' <<<"$output"
	grep -Eq '^Max processes +300 +400 +processes' <<<"$output"
	grep -Eq '^Max core file size +0 +0 +bytes' <<<"$output"
}

@test "an rlimit above what the host allows fails clearly, naming it, and leaves nothing" {
	local hard eff
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "the nofile hard limit is unlimited here"
	eff=$(awk '$1 == "CapEff:" { print $2 }' /proc/self/status)
	(((16#$eff >> 24) & 1)) && skip "husk may raise hard limits here (CAP_SYS_RESOURCE)"
	update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 1024, hard: ($h + 1)}]' --argjson h "$hard"
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"process.rlimits[0]: cannot set RLIMIT_NOFILE to soft 1024, hard $((hard + 1)): the hard limit here is $hard"* ]]
	assert_no_leftovers
}

@test "a duplicate rlimit is refused, naming it" {
	update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 10, hard: 10}, {type: "RLIMIT_NOFILE", soft: 20, hard: 20}]'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"process.rlimits[1].type: duplicate 'RLIMIT_NOFILE'"* ]]
	assert_no_leftovers
}

@test "oomScoreAdj is the workload's /proc/self/oom_score_adj" {
	update_config '.process.oomScoreAdj = 512'
	set_args payload cat /proc/self/oom_score_adj
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 512 ]
}

@test "ioPriority sets the I/O scheduling class and level" {
	update_config '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
	set_args payload sched
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ioprio-class=2 ioprio=6 "* ]]
	update_config '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE"}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"ioprio-class=3 ioprio=0 "* ]]
}

@test "scheduler sets the policy and nice value; a real-time policy the host refuses fails clearly" {
	update_config '.process.scheduler = {policy: "SCHED_BATCH", nice: 7}'
	set_args payload sched
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == "policy=3 nice=7 priority=0 "* ]]
	update_config '.process.scheduler = {policy: "SCHED_IDLE"}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == "policy=5 "* ]]
	# Flags too: SCHED_FLAG_RESET_ON_FORK is bit 0 of what sched_getattr reports.
	update_config '.process.scheduler = {policy: "SCHED_BATCH", flags: ["SCHED_FLAG_RESET_ON_FORK"]}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == "policy=3 "*" flags=0x1 "* ]]
	# A priority out of SCHED_FIFO's range is refused by the kernel, named by husk.
	update_config '.process.scheduler = {policy: "SCHED_FIFO", priority: 1000}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"process.scheduler: set policy SCHED_FIFO"*"priority 1000"* ]]
	assert_no_leftovers
}

@test "linux.personality LINUX32 makes uname report a 32-bit machine" {
	[ "$(uname -m)" = x86_64 ] || skip "LINUX32 is checked on x86_64"
	update_config '.linux.personality = {domain: "LINUX32"}'
	set_args payload sched
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"personality=0x8 machine=i686" ]]
	update_config '.linux.personality = {domain: "LINUX"}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *"personality=0x0 machine=x86_64" ]]
}

@test "execCPUAffinity.final is the workload's CPU list, for run and exec; a bad list is refused" {
	[ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
	update_config '.process.execCPUAffinity = {initial: "0", final: "1"}'
	set_args sh -c 'grep Cpus_allowed_list /proc/self/status; exec payload sleep 30'
	husk_raw run -d "$ID" >"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null
	wait_for grep -q Cpus_allowed_list "$BATS_TEST_TMPDIR/out"
	grep -Eq '^Cpus_allowed_list:\s+1$' "$BATS_TEST_TMPDIR/out"
	run --separate-stderr husk exec "$ID" grep Cpus_allowed_list /proc/self/status
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^Cpus_allowed_list:[[:space:]]+1$ ]]
	run husk delete -f "$ID"

	update_config '.process.execCPUAffinity = {final: "4096"}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"process.execCPUAffinity.final: '4096' is not a list of CPUs"* ]]
	assert_no_leftovers
}

@test "an AppArmor profile, SELinux label or mount label on a host without that LSM fails clearly and leaves nothing" {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ] || skip "AppArmor is enabled here"
	[ ! -e /sys/fs/selinux/enforce ] || skip "SELinux is enabled here"
	update_config '.process.apparmorProfile = "husk-test"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: config.json: process.apparmorProfile: 'husk-test': AppArmor is not enabled on this host" ]
	assert_no_leftovers
	update_config 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"process.selinuxLabel: 'system_u:system_r:container_t:s0': SELinux is not enabled on this host" ]]
	update_config 'del(.process.selinuxLabel) | .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"linux.mountLabel: 'system_u:object_r:container_file_t:s0': SELinux is not enabled on this host" ]]
	assert_no_leftovers
}

@test "an AppArmor profile is the workload's on a host with AppArmor; an unknown one fails clearly" {
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] || skip "AppArmor is not enabled here"
	update_config '.process.apparmorProfile = "unconfined"'
	set_args payload cat /proc/self/attr/current
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = unconfined ]
	update_config '.process.apparmorProfile = "husk-no-such-profile"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"process.apparmorProfile: set 'exec husk-no-such-profile' for the exec: No such file or directory"* ]]
	assert_no_leftovers
}

# ---- masked and read-only paths, sysctl ------------------------------------

@test "a masked file is the real /dev/null, a masked directory an empty read-only tmpfs, a read-only path ro in mountinfo" {
	mkdir -p "$ROOTFS/secret-dir/sub" "$ROOTFS/ro-dir"
	echo secret >"$ROOTFS/secret-file"
	echo secret >"$ROOTFS/secret-dir/sub/f"
	update_config '.linux.maskedPaths = ["/secret-file", "/secret-dir"] | .linux.readonlyPaths = ["/ro-dir"]'
	set_args sh -c 'payload stat /secret-file; payload cat /secret-file | wc -c; ls -A /secret-dir | wc -l;
		payload write /secret-dir/x y 2>&1; payload write /ro-dir/x y 2>&1; payload mountinfo'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "/secret-file type=c dev=1:3 "* ]]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = 0 ]
	[[ "${lines[3]}" == *"Read-only file system"* ]]
	[[ "${lines[4]}" == *"Read-only file system"* ]]
	# mountinfo: MOUNT-ID PARENT MAJ:MIN ROOT POINT OPTIONS ... - FSTYPE SOURCE SUPER-OPTIONS
	awk '$5 == "/secret-dir" && $6 ~ /^ro,/ { for (i = 7; $i != "-"; i++); if ($(i+1) == "tmpfs") f = 1 } END { exit !f }' <<<"$output"
	awk '$5 == "/ro-dir" && $6 ~ /^ro,/ { f = 1 } END { exit !f }' <<<"$output"
	# The image's file is untouched.
	[ "$(cat "$ROOTFS/secret-file")" = secret ]
}

@test "sysctls of the container's own namespaces are set inside and not on the host" {
	local host_fwd host_shm
	host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	host_shm=$(cat /proc/sys/kernel/shmmni)
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmni": "1234", "kernel.domainname": "sysctl.example"}'
	set_args sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni; payload domainname'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[*]}" = "1 1234 sysctl.example" ]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
	[ "$(cat /proc/sys/kernel/shmmni)" = "$host_shm" ]
}

@test "a sysctl outside the container's namespaces, or of a namespace joined from the host, is refused and nothing is left" {
	update_config '.linux.sysctl = {"vm.swappiness": "10"}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: config.json: linux.sysctl: 'vm.swappiness' does not belong to a namespace of the container: setting it would change the host" ]
	assert_no_leftovers

	remove_ns network
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"linux.sysctl: 'net.ipv4.ip_forward' needs a network namespace of the container's own"* ]]

	add_ns network "/proc/$$/ns/net"
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"linux.sysctl: 'net.ipv4.ip_forward' would change the host: the network namespace '/proc/$$/ns/net' is the host's"* ]]

	add_ns network
	update_config '.linux.sysctl = {"net.ipv4./../../kernel.core_pattern": "|/x"}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"linux.sysctl: 'net.ipv4./../../kernel.core_pattern' is not a sysctl name"* ]]
	assert_no_leftovers
}

# ---- escapes ---------------------------------------------------------------

@test "CVE-2019-5736 class: a container cannot write the husk binary through /proc/PID/exe" {
	local copy=$BATS_TEST_TMPDIR/bin/husk out=$BATS_TEST_TMPDIR/attack.out i
	command -v ldd >/dev/null || skip "no ldd(1) to find husk's libraries"
	# The attacked binary is a copy: were the defence gone, the repo's own husk stays whole.
	mkdir -p "${copy%/*}"
	cp "$HUSK" "$copy"
	cp "$copy" "$copy.orig"
	# Executing this from inside the container makes the kernel run /proc/self/exe: the runtime,
	# which needs its dynamic loader and libraries in the rootfs (as an image with glibc has).
	printf '#!/proc/self/exe\n' >"$ROOTFS/evil"
	ldd "$HUSK" | grep -o '/[^ ]*' | xargs -I{} cp -L --parents {} "$ROOTFS/"
	chmod 755 "$ROOTFS/evil"
	set_args payload grab-exe husk 4
	HUSK=$copy husk_raw run -d "$ID" >"$out" 2>&1 </dev/null
	for i in $(seq 30); do
		HUSK=$copy husk_raw exec "$ID" /evil >/dev/null 2>&1 || true
	done
	wait_for grep -q grabbed "$out"
	cat "$out" >&3
	# The attack reached the runtime's binary (else this test proves nothing) …
	grep -Eq '^grabbed [1-9][0-9]* written 0$' "$out"
	# … and could not change it.
	cmp "$copy" "$copy.orig"
}

@test "husk runs from a sealed copy of itself in a container, but not when its binary is on a read-only mount" {
	local copy=$BATS_TEST_TMPDIR/bin/husk pid
	requires unshare
	mkdir -p "${copy%/*}"
	cp "$HUSK" "$copy"
	set_args payload sleep 30
	HUSK=$copy husk_raw create --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" </dev/null >/dev/null 2>&1
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	[ "$(readlink "/proc/$pid/exe")" = "/memfd:husk (deleted)" ]
	# The memfd is sealed: it cannot be written even by root on the host.
	run ! sh -c "printf x >/proc/$pid/exe"
	run husk delete -f "$ID"

	# On a read-only mount the binary is safe as it is: no copy, no re-exec.
	unshare -m sh -c "mount --bind -o ro '${copy%/*}' '${copy%/*}' &&
		'$copy' --root '$HUSK_ROOT' create --pid-file '$BATS_TEST_TMPDIR/pid' '$ID'" </dev/null >/dev/null 2>&1
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	# (The mount is in that other mount namespace: the link reads relative to it.)
	[[ "$(readlink "/proc/$pid/exe")" == */husk ]]
}

@test "CVE-2024-21626 class: process.cwd or exec --cwd through /proc/self/fd/N never lands outside the rootfs" {
	local n
	for n in 3 4 5 6 7 8 9 10 11 12; do
		update_config '.process.cwd = $c | .process.args = ["payload", "cwd"]' --arg c "/proc/self/fd/$n"
		run --separate-stderr husk run "$ID"
		echo "fd $n: status $status: $output $stderr" >&3
		# Either refused, or a cwd inside the container (getcwd gives "(unreachable)…" outside it).
		if [ "$status" -eq 0 ]; then
			[[ "$output" == /* ]]
		else
			[ "$status" -eq 1 ]
			[[ "$stderr" == *"process.cwd"* ]]
		fi
	done
	assert_no_leftovers

	set_args payload sleep 30
	update_config '.process.cwd = "/"'
	husk_raw run -d "$ID" </dev/null >/dev/null 2>&1
	for n in 3 4 5 6 7 8 9 10; do
		run --separate-stderr husk exec --cwd "/proc/self/fd/$n" "$ID" payload cwd
		echo "exec fd $n: status $status: $output $stderr" >&3
		if [ "$status" -eq 0 ]; then
			[[ "$output" == /* ]]
		else
			[[ "$stderr" == *"process.cwd"* ]]
		fi
	done
}

@test "symlinks in the image cannot lead a mount, a device or /dev's links out of the rootfs (CVE-2021-30465 class)" {
	local host=$BATS_TEST_TMPDIR/host-target
	mkdir -p "$host" "$ROOTFS$host"
	# Absolute and relative links that would reach $host if followed on the host
	# (inside the rootfs they reach the same path below it, which exists).
	ln -s "$host" "$ROOTFS/abs"
	ln -s "../../../../../../../../../..$host" "$ROOTFS/rel"
	update_config '.mounts += [{destination: "/abs/m1", type: "tmpfs", source: "tmpfs"},
			{destination: "/rel/m2", type: "tmpfs", source: "tmpfs"}]
		| .linux.devices = [{path: "/abs/devnode", type: "c", major: 1, minor: 3}]'
	set_args payload stat /abs/devnode
	run --separate-stderr husk run "$ID"
	echo "$output $stderr" >&3
	# Whatever husk made, it made inside the rootfs: nothing appeared in the host directory.
	[ -z "$(ls -A "$host")" ]
	! grep -q " $host" /proc/self/mountinfo
	[ "$status" -eq 0 ]
	[[ "$output" == "/abs/devnode type=c dev=1:3 "* ]]
	[ -c "$ROOTFS$host/devnode" ]
	[ -d "$ROOTFS$host/m1" ] && [ -d "$ROOTFS$host/m2" ]
}

@test "masking needs the real /dev/null: a bound /dev with a fake one is refused (CVE-2025-31133 class)" {
	local dev=$BATS_TEST_TMPDIR/fake-dev
	mkdir -p "$dev"
	# An image's /dev where "null" is a regular file (it could be a link to a /proc file).
	echo "not a device" >"$dev/null"
	echo secret >"$ROOTFS/secret"
	update_config '.mounts = [.mounts[] | select(.destination != "/dev")]
		+ [{destination: "/dev", type: "bind", source: $d, options: ["rbind"]}]
		| .linux.maskedPaths = ["/secret"]' --arg d "$dev"
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"linux.maskedPaths: /dev/null is not char 1:3"* ]]
	[ "$(cat "$dev/null")" = "not a device" ]
	assert_no_leftovers
}

@test "a sysctl cannot be redirected by what is mounted on /proc/sys (CVE-2025-52881 class)" {
	local fake=$BATS_TEST_TMPDIR/fake-net pid
	command -v nsenter >/dev/null || skip "no nsenter(1) (util-linux)"
	mkdir -p "$fake/ipv4"
	echo 0 >"$fake/ipv4/ip_forward"
	# A mount over /proc/sys/net stands in for the kernel's files in the container.
	update_config '.mounts += [{destination: "/proc/sys/net", type: "bind", source: $f, options: ["rbind"]}]
		| .linux.readonlyPaths = [] | .linux.sysctl = {"net.ipv4.ip_forward": "1"}' --arg f "$fake"
	set_args payload sleep 30
	husk_raw run -d --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" </dev/null >/dev/null 2>&1
	pid=$(cat "$BATS_TEST_TMPDIR/pid")
	# The fake file is untouched, the container's network namespace has the value.
	[ "$(cat "$fake/ipv4/ip_forward")" = 0 ]
	[ "$(nsenter --net="/proc/$pid/ns/net" cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
}

@test "/dev/console is the pty bound by its fd: a console link in the image leads nowhere (CVE-2025-52565 class)" {
	local dev=$BATS_TEST_TMPDIR/fake-dev
	mkdir -p "$dev/pts"
	# An image's /dev whose console points at a file the container must not get a pty over.
	ln -s /proc/sys/kernel/core_pattern "$dev/console"
	mknod -m 666 "$dev/null" c 1 3
	mknod -m 666 "$dev/ptmx" c 5 2
	update_config '.process.terminal = true
		| .mounts = [.mounts[] | select(.destination != "/dev")]
		| .mounts |= ([.[] | select(.destination == "/proc")]
			+ [{destination: "/dev", type: "bind", source: $d, options: ["rbind"]}]
			+ [.[] | select(.destination != "/proc")])' --arg d "$dev"
	set_args payload mountinfo
	run husk run "$ID" </dev/null
	[ "$status" -eq 0 ]
	# mountinfo: the pty is on /dev/console, nothing on the link's target.
	awk '$5 == "/dev/console" { f = 1 } END { exit !f }' <<<"$output"
	! awk '$5 ~ "^/proc/sys/kernel/core_pattern" { f = 1 } END { exit !f }' <<<"$output"
	# The image's link was replaced inside the container only by a file of husk's.
	[ ! -L "$dev/console" ] && [ -f "$dev/console" ]
}
