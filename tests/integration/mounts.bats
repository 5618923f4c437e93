#!/usr/bin/env bats
# The container's mount table: the rootfs as /, the configured mounts, bind
# mounts, a read-only root, /dev and its devices, masked and read-only paths.

load helpers

setup() {
	requires root
	setup_bundle payload mountinfo
}

teardown() {
	teardown_bundle
}

# mount_at MOUNTPOINT : "FSTYPE MOUNTOPTS SUPEROPTS" of the topmost mount at
# MOUNTPOINT in the mountinfo text in $output.
mount_at() {
	awk -v mp="$1" '$5 == mp {
		for (i = 7; $i != "-"; i++) ;
		line = $(i + 1) " " $6 " " $(i + 3)
	} END { if (line == "") exit 1; print line }' <<<"$output"
}

# has_opt OPTS OPT : OPT is one of the comma-separated OPTS.
has_opt() {
	[[ ",$1," == *",$2,"* ]]
}

@test "the rootfs is mounted as /" {
	run husk run "$ID"
	[ "$status" -eq 0 ]
	root=$(awk '$5 == "/" { r = $4 } END { print r }' <<<"$output")
	[ -n "$root" ]
	# mountinfo's root field is the path inside its filesystem: a suffix of ours.
	[[ "$ROOTFS" == *"$root" ]]
	[ "$root" != / ]
}

@test "the default mounts are in place: proc, dev, devpts, shm, mqueue, sysfs read-only, cgroup" {
	run husk run "$ID"
	[ "$status" -eq 0 ]
	read -r fstype opts _ < <(mount_at /proc)
	[ "$fstype" = proc ]
	read -r fstype opts _ < <(mount_at /dev)
	[ "$fstype" = tmpfs ]
	read -r fstype opts _ < <(mount_at /dev/pts)
	[ "$fstype" = devpts ]
	read -r fstype opts _ < <(mount_at /dev/shm)
	[ "$fstype" = tmpfs ]
	read -r fstype opts _ < <(mount_at /dev/mqueue)
	[ "$fstype" = mqueue ]
	read -r fstype opts _ < <(mount_at /sys)
	[ "$fstype" = sysfs ]
	has_opt "$opts" ro
	# cgroup v2, or v1 hierarchies (under a tmpfs, as runc does on v1 hosts).
	found=$(awk '$5 == "/sys/fs/cgroup" || index($5, "/sys/fs/cgroup/") == 1' <<<"$output")
	[ -n "$found" ]
	run ! grep -vE ' - (cgroup2?|tmpfs) ' <<<"$found"
	# The cgroup filesystems are ro, as configured.
	[ -z "$(awk '/ - cgroup2? / && $6 !~ /^ro(,|$)/' <<<"$found")" ]
}

@test "a host directory bind-mounted ro is visible and read-only inside" {
	mkdir "$BATS_TEST_TMPDIR/hostdir"
	echo "hello from the host" >"$BATS_TEST_TMPDIR/hostdir/file"
	update_config '.mounts += [{destination: "/data", type: "bind", source: $src, options: ["rbind", "ro"]}]' \
		--arg src "$BATS_TEST_TMPDIR/hostdir"
	set_args sh -c 'payload cat /data/file; payload write /data/new x; echo "write status $?"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "hello from the host" ]
	[ "${lines[1]}" = "write status 1" ]
	[ "$stderr" = "payload: open '/data/new': Read-only file system" ]
	[ ! -e "$BATS_TEST_TMPDIR/hostdir/new" ]
}

@test "a host directory bind-mounted rw is writable and writes show on the host" {
	mkdir "$BATS_TEST_TMPDIR/hostdir"
	update_config '.mounts += [{destination: "/data", type: "bind", source: $src, options: ["rbind", "rw"]}]' \
		--arg src "$BATS_TEST_TMPDIR/hostdir"
	set_args payload write /data/new "written inside"
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR/hostdir/new")" = "written inside" ]
	assert_no_leftovers
}

@test "root.readonly true makes / read-only" {
	update_config '.root.readonly = true'
	set_args payload write /x data
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"Read-only file system"* ]]
	[ ! -e "$ROOTFS/x" ]
	# The mounts on top stay writable.
	set_args payload write /dev/shm/x data
	run husk run "$ID"
	[ "$status" -eq 0 ]
}

@test "root.readonly false leaves / writable" {
	update_config '.root.readonly = false'
	set_args payload write /x data
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$(cat "$ROOTFS/x")" = data ]
}

@test "the default devices exist as character devices with the right numbers" {
	set_args payload stat /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "/dev/null type=c dev=1:3 "* ]]
	[[ "${lines[1]}" == "/dev/zero type=c dev=1:5 "* ]]
	[[ "${lines[2]}" == "/dev/full type=c dev=1:7 "* ]]
	[[ "${lines[3]}" == "/dev/random type=c dev=1:8 "* ]]
	[[ "${lines[4]}" == "/dev/urandom type=c dev=1:9 "* ]]
	[[ "${lines[5]}" == "/dev/tty type=c dev=5:0 "* ]]
}

@test "the default devices can be used" {
	set_args sh -c 'payload write /dev/null x && head -c 4 /dev/zero | wc -c && head -c 4 /dev/urandom | wc -c'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = $'4\n4' ]
}

@test "/dev has the fd, stdin, stdout, stderr and ptmx symlinks" {
	set_args sh -c 'for l in fd stdin stdout stderr ptmx; do echo "$l $(payload readlink /dev/$l)"; done'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fd /proc/self/fd" ]
	[ "${lines[1]}" = "stdin /proc/self/fd/0" ]
	[ "${lines[2]}" = "stdout /proc/self/fd/1" ]
	[ "${lines[3]}" = "stderr /proc/self/fd/2" ]
	[ "${lines[4]}" = "ptmx pts/ptmx" ]
}

@test "a linux.devices entry appears with its type, numbers, mode and owner" {
	update_config '.linux.devices = [{path: "/dev/mydev", type: "c", major: 1, minor: 3, fileMode: 420, uid: 1000, gid: 1000}]'
	set_args payload stat /dev/mydev
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "/dev/mydev type=c dev=1:3 mode=0644 uid=1000 gid=1000" ]
}

@test "a linux.devices entry allowed in the device cgroup can be written" {
	update_config '.linux.devices = [{path: "/dev/mydev", type: "c", major: 1, minor: 3, fileMode: 438}]
		| .linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 3, access: "rw"}]'
	set_args payload write /dev/mydev x
	run husk run "$ID"
	[ "$status" -eq 0 ]
}

@test "maskedPaths hide files and readonlyPaths are read-only" {
	update_config '.linux.maskedPaths = ["/proc/keys", "/sys/firmware", "/no/such/path"]
		| .linux.readonlyPaths = ["/proc/sys"]'
	set_args sh -c 'payload cat /proc/keys | wc -c; ls /sys/firmware | wc -l; payload write /proc/sys/kernel/hostname x; echo "write status $?"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	# A file is masked by /dev/null, a directory by an empty read-only tmpfs.
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	[[ "$stderr" == *"Read-only file system"* ]]
	[ "${lines[2]}" = "write status 1" ]
}

@test "a tmpfs mount with options is mounted with them" {
	update_config '.mounts += [{destination: "/scratch", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=0700", "size=1m"]}]'
	set_args sh -c 'payload stat /scratch; payload mountinfo'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "/scratch type=d "*" mode=0700 "* ]]
	read -r fstype opts super < <(mount_at /scratch)
	[ "$fstype" = tmpfs ]
	has_opt "$opts" nosuid
	has_opt "$opts" nodev
	has_opt "$super" size=1024k
}

@test "a device outside the allow-list cannot be opened, even by root with CAP_MKNOD" {
	update_config '.root.readonly = false
		| .process.capabilities |= with_entries(.value += ["CAP_MKNOD"])
		| .linux.resources.devices = [{allow: false, access: "rwm"}]'
	# 1:1 is /dev/mem: not in the default allow-list; /dev/null (1:3) is.
	set_args sh -c 'mknod /tmp/mem c 1 1 && payload cat /tmp/mem; echo "mem $?"; payload write /dev/null x; echo "null $?"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"Operation not permitted"* ]]
	[ "${lines[0]}" = "mem 1" ]
	[ "${lines[1]}" = "null 0" ]
}

@test "the cgroup mount shows the container's own cgroup, with or without a cgroup namespace" {
	requires cgroup1
	update_config '.linux.resources.pids = {limit: 33}'
	# Without a cgroup namespace: the container's cgroup is bound from the host's hierarchy.
	remove_ns cgroup
	set_args sh -c 'cat /sys/fs/cgroup/pids/pids.max; grep " /sys/fs/cgroup/pids " /proc/self/mountinfo'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 33 ]
	[ "$(awk '{print $4}' <<<"${lines[1]}")" = "$CGROUP_PATH" ]
	[[ "${lines[1]}" == *" ro,nosuid,nodev,noexec"* ]]
	# No staging directory is left in the tmpfs.
	set_args ls -a /sys/fs/cgroup
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" != *staging* ]]
	# With one: a fresh mount, whose root is the namespace's, the same cgroup.
	add_ns cgroup
	set_args sh -c 'cat /sys/fs/cgroup/pids/pids.max; grep " /sys/fs/cgroup/pids " /proc/self/mountinfo'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 33 ]
	[ "$(awk '{print $4}' <<<"${lines[1]}")" = / ]
	assert_no_leftovers
}
