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

@test "device rules' access is read as runc reads it: any order, repeats, other letters ignored with a warning" {
	# 1:11 is /dev/kmsg, outside the default allow-list: only the rule below opens it for writing.
	# (Made with mknod: a linux.devices entry would be allowed rwm whatever the rules say, as in runc.)
	update_config '.process.capabilities |= with_entries(.value += ["CAP_MKNOD"])
		| .linux.resources.devices = [{allow: false, access: "rwm"}, {allow: true, type: "c", major: 1, minor: 11, access: "wwx"}]'
	set_args sh -c 'mknod /tmp/mykmsg c 1 11 && payload write /tmp/mykmsg husk-test-device-rule; echo "write $?"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"husk: warning: linux.resources.devices[1].access 'wwx': only r, w and m count; 'x' is ignored, as runc does"* ]]
	[ "${lines[-1]}" = "write 0" ]
	# Read only: the device cgroup refuses the open for writing.
	update_config '.linux.resources.devices[1].access = "rr"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "write 1" ]
	# Only letters runc ignores: a rule about nothing, /dev/kmsg stays closed.
	update_config '.linux.resources.devices[1].access = "RW"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "write 1" ]
	# Empty is refused by the parser (runc refuses it too).
	update_config '.linux.resources.devices[1].access = ""'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: config.json: linux.resources.devices[1].access: must not be empty (leave it out for rwm)" ]
	assert_no_leftovers
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

# pids_cgroup_seen LIMIT ROOT : in the container, /sys/fs/cgroup/pids shows
# pids.max LIMIT, from a read-only mount whose root is ROOT; $output ends
# with the listing of /sys/fs/cgroup (ls -a).
pids_cgroup_seen() {
	set_args sh -c 'cat /sys/fs/cgroup/pids/pids.max; grep " /sys/fs/cgroup/pids " /proc/self/mountinfo; ls -a /sys/fs/cgroup'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$1" ]
	[ "$(awk '{print $4}' <<<"${lines[1]}")" = "$2" ]
	[[ "${lines[1]}" == *" ro,nosuid,nodev,noexec"* ]]
}

@test "the cgroup mount shows the container's own cgroup, with or without a cgroup namespace" {
	requires cgroup1
	update_config '.linux.resources.pids = {limit: 33}'
	# Without a cgroup namespace: the container's cgroup is bound from the host's hierarchy.
	remove_ns cgroup
	pids_cgroup_seen 33 "$CGROUP_PATH"
	# No staging directory is left in the tmpfs.
	[[ "$output" != *staging* ]]
	# With one: a fresh mount, whose root is the namespace's, the same cgroup.
	add_ns cgroup
	pids_cgroup_seen 33 /
	assert_no_leftovers
}

@test "with a user namespace and no cgroup namespace, the cgroup v1 mount binds the container's cgroup from the host" {
	requires cgroup1 userns
	update_config '.linux.resources.pids = {limit: 34}
		| .linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	remove_ns cgroup
	private_rootfs
	chown -R 100000:100000 "$ROOTFS"
	# A bind of the container's own directory (a mount of cgroup v1 is not allowed here).
	pids_cgroup_seen 34 "$CGROUP_PATH"
	[[ "$output" == *memory* ]]
	assert_no_leftovers
}

# optional_at MOUNTPOINT : the optional fields (shared:N master:N unbindable) of
# the topmost mount at MOUNTPOINT in $output, space-separated ("" for private).
optional_at() {
	awk -v mp="$1" '$5 == mp {
		line = ""
		for (i = 7; $i != "-"; i++) line = line (line == "" ? "" : " ") $i
		found = 1
	} END { if (!found) exit 1; print line }' <<<"$output"
}

# requires_idmap : skips unless the file system of the test's directory can be
# idmapped on this kernel (ext4, xfs, btrfs since 5.12-5.15; tmpfs since 6.3).
requires_idmap() {
	local fs v
	fs=$(stat -f -c %T "$BATS_TEST_TMPDIR")
	v=$(uname -r | awk -F. '{ print $1 * 100 + $2 }')
	case $fs in
	tmpfs) [ "$v" -ge 603 ] || skip "idmapped mounts of tmpfs need kernel 6.3 (this one is $(uname -r))" ;;
	ext2/ext3 | xfs | btrfs) [ "$v" -ge 515 ] || skip "idmapped mounts of $fs need kernel 5.15 (this one is $(uname -r))" ;;
	*) skip "idmapped mounts: the test directory is on $fs, not known to support them" ;;
	esac
}

# host_submount DIR : DIR with a tmpfs mounted on DIR/sub on the host (unmounted
# at teardown), for what rbind and the recursive options do to submounts.
host_submount() {
	mkdir -p "$1/sub"
	echo top >"$1/file"
	mount -t tmpfs -o size=1m tmpfs "$1/sub"
	defer umount -l "$1/sub"
	echo sub >"$1/sub/file"
}

@test "every mount(8) flag shows in mountinfo as the kernel reports it" {
	update_config '.mounts += [
		{destination: "/on", type: "tmpfs", source: "tmpfs",
		 options: ["ro", "nosuid", "nodev", "noexec", "sync", "dirsync", "noatime", "nodiratime", "nosymfollow", "mand"]},
		{destination: "/off", type: "tmpfs", source: "tmpfs",
		 options: ["ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "sync", "async",
		           "mand", "nomand", "noatime", "atime", "nodiratime", "diratime", "nosymfollow", "symfollow"]},
		{destination: "/strict", type: "tmpfs", source: "tmpfs", options: ["noatime", "strictatime"]},
		{destination: "/rel", type: "tmpfs", source: "tmpfs", options: ["strictatime", "relatime"]}]'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	read -r fstype opts super < <(mount_at /on)
	[ "$fstype" = tmpfs ]
	for o in ro nosuid nodev noexec noatime nodiratime nosymfollow; do has_opt "$opts" "$o"; done
	for o in sync dirsync mand; do has_opt "$super" "$o"; done
	read -r fstype opts super < <(mount_at /off)
	has_opt "$opts" rw
	has_opt "$opts" relatime
	for o in ro nosuid nodev noexec noatime nodiratime nosymfollow; do ! has_opt "$opts" "$o"; done
	for o in sync dirsync mand; do ! has_opt "$super" "$o"; done
	# strictatime is the absence of relatime and noatime.
	read -r fstype opts super < <(mount_at /strict)
	! has_opt "$opts" noatime
	! has_opt "$opts" relatime
	read -r fstype opts super < <(mount_at /rel)
	has_opt "$opts" relatime
}

@test "a bind mount's flags show in mountinfo; rbind brings submounts, bind does not" {
	host_submount "$BATS_TEST_TMPDIR/src"
	update_config '.mounts += [
		{destination: "/r", type: "bind", source: $src, options: ["rbind", "nosuid", "nodev", "noexec", "ro"]},
		{destination: "/b", type: "none", source: $src, options: ["bind"]}]' \
		--arg src "$BATS_TEST_TMPDIR/src"
	set_args sh -c 'payload mountinfo; payload cat /r/sub/file; ls /b/sub | wc -l'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	read -r fstype opts _ < <(mount_at /r)
	for o in ro nosuid nodev noexec; do has_opt "$opts" "$o"; done
	# Plain flags are the top mount's (mount(8)): the submount keeps its own.
	read -r fstype opts _ < <(mount_at /r/sub)
	[ "$fstype" = tmpfs ]
	has_opt "$opts" rw
	! has_opt "$opts" noexec
	[ "${lines[-2]}" = sub ]
	[ "${lines[-1]}" = 0 ]
	# bind alone: the directory underneath, no submount.
	run ! mount_at /b/sub
}

@test "recursive attributes (rro, rnosuid, rnodev, rnoexec, rnoatime, rnosymfollow) reach every submount" {
	host_submount "$BATS_TEST_TMPDIR/src"
	update_config '.mounts += [{destination: "/data", type: "bind", source: $src,
		options: ["rbind", "rro", "rnosuid", "rnodev", "rnoexec", "rnoatime", "rnosymfollow"]}]' \
		--arg src "$BATS_TEST_TMPDIR/src"
	set_args sh -c 'payload mountinfo; payload write /data/sub/new x; echo "write $?"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	for mp in /data /data/sub; do
		read -r fstype opts _ < <(mount_at "$mp")
		for o in ro nosuid nodev noexec noatime nosymfollow; do has_opt "$opts" "$o"; done
	done
	[ "${lines[-1]}" = "write 1" ]
	[ "$stderr" = "payload: open '/data/sub/new': Read-only file system" ]
	[ ! -e "$BATS_TEST_TMPDIR/src/sub/new" ]
}

@test "recursive negations (rrw, rexec, ratime …) clear the flags a tree has" {
	host_submount "$BATS_TEST_TMPDIR/src"
	# The flags of the submount's mount (not of its superblock, which rrw cannot change).
	mount -o remount,bind,ro,noexec,nosuid,noatime "$BATS_TEST_TMPDIR/src/sub"
	update_config '.mounts += [{destination: "/data", type: "bind", source: $src,
		options: ["rbind", "rrw", "rexec", "rsuid", "ratime"]}]' \
		--arg src "$BATS_TEST_TMPDIR/src"
	set_args sh -c 'payload mountinfo; payload write /data/sub/new x; echo "write $?"'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	read -r fstype opts _ < <(mount_at /data/sub)
	[ "$fstype" = tmpfs ]
	has_opt "$opts" rw
	has_opt "$opts" relatime
	for o in ro noexec nosuid noatime; do ! has_opt "$opts" "$o"; done
	[ "${lines[-1]}" = "write 0" ]
}

@test "the recursive attributes apply to the tree of any mount type" {
	update_config '.mounts += [{destination: "/t", type: "tmpfs", source: "tmpfs", options: ["rro", "rnoexec"]}]'
	set_args sh -c 'payload mountinfo; payload write /t/x y; echo "write $?"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	read -r fstype opts _ < <(mount_at /t)
	has_opt "$opts" ro
	has_opt "$opts" noexec
	[ "${lines[-1]}" = "write 1" ]
}

@test "propagation options show in mountinfo: shared, slave, private, unbindable" {
	# A shared host mount: its copy in the container's namespace is a slave of it (rslave /).
	mkdir -p "$BATS_TEST_TMPDIR/src"
	mount -t tmpfs -o size=1m tmpfs "$BATS_TEST_TMPDIR/src"
	defer umount -l "$BATS_TEST_TMPDIR/src"
	mount --make-shared "$BATS_TEST_TMPDIR/src"
	update_config '.mounts += [
		{destination: "/sh", type: "bind", source: $src, options: ["bind", "shared"]},
		{destination: "/sl", type: "bind", source: $src, options: ["bind", "slave"]},
		{destination: "/pr", type: "bind", source: $src, options: ["bind", "private"]},
		{destination: "/ub", type: "bind", source: $src, options: ["bind", "unbindable"]},
		{destination: "/rpr", type: "bind", source: $src, options: ["rbind", "rprivate"]}]' \
		--arg src "$BATS_TEST_TMPDIR/src"
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$(optional_at /sh)" =~ ^shared:[0-9]+\ master:[0-9]+$ ]]
	[[ "$(optional_at /sl)" =~ ^master:[0-9]+$ ]]
	[ "$(optional_at /pr)" = "" ]
	[ "$(optional_at /ub)" = unbindable ]
	[ "$(optional_at /rpr)" = "" ]
}

@test "linux.rootfsPropagation sets the propagation of /; rslave by default" {
	run husk run "$ID"
	[ "$status" -eq 0 ]
	# The host's / is private here: a slave of nothing is private.
	[[ "$(optional_at /)" != *shared* ]]
	update_config '.linux.rootfsPropagation = "rshared"'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$(optional_at /)" =~ ^shared:[0-9]+$ ]]
	# A mount made inside shows the same: / and its submounts share.
	update_config '.mounts += [{destination: "/t", type: "tmpfs", source: "tmpfs"}]'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$(optional_at /t)" =~ ^shared:[0-9]+$ ]]
	update_config '.linux.rootfsPropagation = "rprivate"'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$(optional_at /)" = "" ]
	[ "$(optional_at /t)" = "" ]
}

@test "an idmapped bind (uidMappings/gidMappings) shows the mapped owner and idmapped in mountinfo" {
	requires_idmap
	mkdir "$BATS_TEST_TMPDIR/src"
	touch "$BATS_TEST_TMPDIR/src/root" "$BATS_TEST_TMPDIR/src/user"
	chown 1000:1001 "$BATS_TEST_TMPDIR/src/user"
	update_config '.mounts += [{destination: "/data", type: "bind", source: $src, options: ["bind", "idmap"],
		uidMappings: [{containerID: 0, hostID: 5000, size: 2000}],
		gidMappings: [{containerID: 0, hostID: 7000, size: 2000}]}]' \
		--arg src "$BATS_TEST_TMPDIR/src"
	set_args sh -c 'payload stat /data/root /data/user; payload write /data/new x; payload mountinfo'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *" uid=5000 gid=7000" ]]
	[[ "${lines[1]}" == *" uid=6000 gid=8001" ]]
	read -r fstype opts _ < <(mount_at /data)
	has_opt "$opts" idmapped
	# A file made as uid 0 through a mount mapping 0 to 5000 is owned by 0 on disk ...
	# ... and the container's root is 0, which maps back to nothing: it goes through the inverse.
	[ "$(stat -c %u:%g "$BATS_TEST_TMPDIR/src/root")" = 0:0 ]
	[ "$(stat -c %u:%g "$BATS_TEST_TMPDIR/src/user")" = 1000:1001 ]
}

@test "idmap without mappings of its own takes the container's user namespace mappings" {
	requires_idmap
	requires userns
	add_ns user
	update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	private_rootfs
	chown -R 100000:100000 "$ROOTFS"
	mkdir "$BATS_TEST_TMPDIR/src"
	touch "$BATS_TEST_TMPDIR/src/hostroot" "$BATS_TEST_TMPDIR/plain"
	chown 1000:1000 "$BATS_TEST_TMPDIR/plain"
	update_config '.mounts += [
		{destination: "/data", type: "bind", source: $src, options: ["bind", "idmap"]},
		{destination: "/plain", type: "bind", source: $plain, options: ["bind"]}]' \
		--arg src "$BATS_TEST_TMPDIR/src" --arg plain "$BATS_TEST_TMPDIR/plain"
	set_args sh -c 'payload stat /data/hostroot /plain; payload write /data/new x; echo "write $?"'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	# Host root's file is the container root's, through the idmapping; unmapped ids show as overflow.
	[[ "${lines[0]}" == *" uid=0 gid=0" ]]
	[[ "${lines[1]}" == *" uid=65534 gid=65534" ]]
	[ "${lines[2]}" = "write 0" ]
	# Written by the container's root through the idmapped mount: host root's on disk.
	[ "$(stat -c %u:%g "$BATS_TEST_TMPDIR/src/new")" = 0:0 ]
}

@test "ridmap idmaps every mount of an rbind tree, idmap only its top" {
	requires_idmap
	host_submount "$BATS_TEST_TMPDIR/src"
	update_config '.mounts += [
		{destination: "/r", type: "bind", source: $src, options: ["rbind", "ridmap"],
		 uidMappings: [{containerID: 0, hostID: 5000, size: 10}], gidMappings: [{containerID: 0, hostID: 5000, size: 10}]},
		{destination: "/i", type: "bind", source: $src, options: ["rbind", "idmap"],
		 uidMappings: [{containerID: 0, hostID: 5000, size: 10}], gidMappings: [{containerID: 0, hostID: 5000, size: 10}]}]' \
		--arg src "$BATS_TEST_TMPDIR/src"
	set_args sh -c 'payload mountinfo; payload stat /r/sub/file /i/sub/file'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	read -r _ opts _ < <(mount_at /r/sub)
	has_opt "$opts" idmapped
	read -r _ opts _ < <(mount_at /i)
	has_opt "$opts" idmapped
	read -r _ opts _ < <(mount_at /i/sub)
	! has_opt "$opts" idmapped
	[[ "${lines[-2]}" == *" uid=5000 gid=5000" ]]
	[[ "${lines[-1]}" == *" uid=0 gid=0" ]]
}

@test "idmap errors: not a bind, only uidMappings, no mappings at all" {
	update_config '.mounts += [{destination: "/t", type: "tmpfs", source: "tmpfs", options: ["idmap"]}]'
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"mounts["*"] ('/t'): idmap: only bind mounts can be idmapped (type 'tmpfs')"* ]]
	assert_no_leftovers
	update_config '.mounts[-1] = {destination: "/d", type: "bind", source: "/tmp", options: ["bind"],
		uidMappings: [{containerID: 0, hostID: 5000, size: 10}]}'
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"mounts["*"] ('/d'): idmap: uidMappings and gidMappings must both be given"* ]]
	update_config '.mounts[-1] = {destination: "/d", type: "bind", source: "/tmp", options: ["bind", "idmap"]}'
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"mounts["*"] ('/d'): idmap: no mappings"* ]]
	assert_no_leftovers
}

@test "tmpcopyup fills a tmpfs with what was underneath, keeping modes, owners and symlinks" {
	mkdir -p "$ROOTFS/srv/dir"
	echo hello >"$ROOTFS/srv/dir/file"
	chmod 0604 "$ROOTFS/srv/dir/file"
	chown 1234:4321 "$ROOTFS/srv/dir/file"
	chmod 0751 "$ROOTFS/srv/dir"
	ln -s dir/file "$ROOTFS/srv/link"
	update_config '.mounts += [{destination: "/srv", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup", "mode=755"]}]'
	set_args sh -c 'payload mountinfo; payload stat /srv/dir /srv/dir/file; payload readlink /srv/link; payload cat /srv/link; payload write /srv/new x'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	read -r fstype _ _ < <(mount_at /srv)
	[ "$fstype" = tmpfs ]
	[[ "${lines[-4]}" == "/srv/dir type=d "*" mode=0751 "* ]]
	[[ "${lines[-3]}" == "/srv/dir/file type=- "*" mode=0604 uid=1234 gid=4321" ]]
	[ "${lines[-2]}" = "dir/file" ]
	[ "${lines[-1]}" = "hello" ]
	# The writes went to the tmpfs, not the rootfs.
	[ ! -e "$ROOTFS/srv/new" ]
}

@test "tmpcopyup is for tmpfs mounts only" {
	update_config '.mounts += [{destination: "/d", type: "bind", source: "/tmp", options: ["bind", "tmpcopyup"]}]'
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json: mounts["*"] ('/d'): tmpcopyup: only for tmpfs mounts"* ]]
	assert_no_leftovers
}

@test "a single file is bind-mounted onto a file made for it, in a directory made for it" {
	echo "one file" >"$BATS_TEST_TMPDIR/f"
	update_config '.mounts += [{destination: "/new/dir/f", type: "bind", source: $src, options: ["bind", "ro"]}]' \
		--arg src "$BATS_TEST_TMPDIR/f"
	set_args sh -c 'payload stat /new/dir /new/dir/f; payload cat /new/dir/f; payload mountinfo'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "/new/dir type=d "* ]]
	[[ "${lines[1]}" == "/new/dir/f type=- "* ]]
	[ "${lines[2]}" = "one file" ]
	read -r _ opts _ < <(mount_at /new/dir/f)
	has_opt "$opts" ro
}

@test "devpts, mqueue and proc are mounted with their options" {
	update_config '(.mounts[] | select(.destination == "/dev/pts") | .options) = ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	read -r fstype opts super < <(mount_at /dev/pts)
	[ "$fstype" = devpts ]
	has_opt "$opts" nosuid
	has_opt "$opts" noexec
	has_opt "$super" gid=5
	has_opt "$super" mode=620
	has_opt "$super" ptmxmode=666
	read -r fstype _ _ < <(mount_at /dev/mqueue)
	[ "$fstype" = mqueue ]
	read -r fstype _ _ < <(mount_at /proc)
	[ "$fstype" = proc ]
}

@test "a missing bind source fails naming the mount's index and destination" {
	update_config '.mounts += [{destination: "/data", type: "bind", source: "/no/such/dir", options: ["rbind"]}]'
	n=$(jq '.mounts | length - 1' config.json)
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"mounts[$n] ('/data'): bind source '/no/such/dir': No such file or directory"* ]]
	assert_no_leftovers
}

@test "unknown options fail naming the mount's index and destination" {
	update_config '.mounts += [{destination: "/t", type: "tmpfs", source: "tmpfs", options: ["nosuid", "bogus=1"]}]'
	n=$(jq '.mounts | length - 1' config.json)
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"mounts[$n] ('/t'): mount tmpfs on '/t' with options 'bogus=1': Invalid argument"* ]]
	assert_no_leftovers
	# A bind mount takes no file system options at all: refused before anything is made.
	update_config '.mounts[-1] = {destination: "/d", type: "bind", source: "/tmp", options: ["rbind", "size=1m"]}'
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json: mounts[$n] ('/d'): options 'size=1m': unknown (a bind mount takes no file system options)"* ]]
	assert_no_leftovers
}

@test "a destination through a symlink stays inside the rootfs, or fails naming the mount" {
	# An image's symlink climbing out of the rootfs is resolved as if the rootfs were /.
	ln -s ../../../../../../../../../../tmp "$ROOTFS/up"
	update_config '.mounts += [{destination: "/up/t", type: "tmpfs", source: "tmpfs", options: ["size=1m"]}]'
	set_args payload mountinfo
	run husk run "$ID"
	[ "$status" -eq 0 ]
	read -r fstype _ _ < <(mount_at /tmp/t)
	[ "$fstype" = tmpfs ]
	[ -d "$ROOTFS/tmp/t" ]
	[ ! -e /tmp/t ]
	# One to a place the rootfs does not have, or through a magic link: refused.
	ln -s ../../../../../../../../../../tmp/husk-escape-$ID "$ROOTFS/escape"
	ln -s /proc/self/root/tmp "$ROOTFS/magic"
	n=$(jq '.mounts | length - 1' config.json)
	for dest in /escape/t /magic/t; do
		update_config '.mounts[-1].destination = $d' --arg d "$dest"
		run husk run "$ID"
		[ "$status" -eq 1 ]
		if [ "$dest" = /escape/t ]; then
			# The real cause: a symlink of the image whose target the rootfs does not have.
			[[ "$output" == *"mounts[$n] ('$dest'): '/escape' is a symlink in the rootfs to '../../../../../../../../../../tmp/husk-escape-$ID', which does not exist there"* ]]
		else
			[[ "$output" == *"mounts[$n] ('$dest'): create '$dest' in the rootfs: Too many levels of symbolic links"* ]]
		fi
		assert_no_leftovers
	done
	[ ! -e "/tmp/husk-escape-$ID" ]
}

@test "--no-pivot moves the rootfs onto / and chroots" {
	set_args payload mountinfo
	run husk run --no-pivot "$ID"
	[ "$status" -eq 0 ]
	root=$(awk '$5 == "/" { r = $4 } END { print r }' <<<"$output")
	[[ "$ROOTFS" == *"$root" ]]
	[ "$root" != / ]
}

@test "devices in a user namespace are the host's nodes, bound" {
	requires userns
	add_ns user
	update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	private_rootfs
	chown -R 100000:100000 "$ROOTFS"
	set_args sh -c 'payload stat /dev/null; payload mountinfo'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "/dev/null type=c dev=1:3 "* ]]
	mount_at /dev/null
}

@test "remount changes the flags of the mount an earlier entry made, in place" {
	update_config '.mounts += [
		{destination: "/t", type: "tmpfs", source: "tmpfs", options: ["size=1m"]},
		{destination: "/t", type: "tmpfs", source: "tmpfs", options: ["remount", "ro", "nosuid", "size=2m"]}]'
	set_args sh -c 'payload mountinfo; payload write /t/x y; echo "write $?"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	# One mount at /t, not two: the same superblock, now read-only with the new size.
	[ "$(awk '$5 == "/t"' <<<"$output" | wc -l)" = 1 ]
	read -r fstype opts super < <(mount_at /t)
	has_opt "$opts" ro
	has_opt "$opts" nosuid
	has_opt "$super" size=2048k
	[ "${lines[-1]}" = "write 1" ]
}
