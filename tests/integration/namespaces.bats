#!/usr/bin/env bats
# Namespaces, seen from inside and outside: a new one for each kind the
# config lists, the host's for each kind it leaves out, and joining one by path.

load helpers

setup() {
	requires root
	setup_bundle payload pid
}

teardown() {
	teardown_bundle
}

# ns_inside NAME : the container's /proc/self/ns/NAME link, in $output.
ns_inside() {
	set_args payload ns "$1"
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == "$1:["*"]" ]]
}

# userns_config : a user namespace mapping 0..65535 to 100000.., and a rootfs
# owned by the mapped root.
userns_config() {
	add_ns user
	update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	private_rootfs
	chown -R 100000:100000 "$ROOTFS"
}

@test "pid namespace: a new one when listed" {
	add_ns pid
	ns_inside pid
	[ "$output" != "$(host_ns pid)" ]
}

@test "pid namespace: the host's when left out" {
	remove_ns pid
	ns_inside pid
	[ "$output" = "$(host_ns pid)" ]
	set_args payload pid
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" != "pid=1 "* ]]
}

@test "network namespace: a new one when listed, with only lo, and lo is up" {
	add_ns network
	ns_inside net
	[ "$output" != "$(host_ns net)" ]
	set_args payload links
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "lo unknown up" ]
}

@test "network namespace: the host's when left out" {
	remove_ns network
	ns_inside net
	[ "$output" = "$(host_ns net)" ]
	set_args payload links
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$(cut -d' ' -f1 <<<"$output" | sort)" = "$(ls /sys/class/net | sort)" ]
}

@test "mount namespace: a new one when listed, and a mount made inside is not visible outside" {
	add_ns mount
	ns_inside mnt
	[ "$output" != "$(host_ns mnt)" ]

	mark=husk-mark-$ID
	update_config '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
	set_args sh -c "mount -t tmpfs $mark /mnt && grep -q ' $mark ' /proc/self/mountinfo && echo ready && exec payload sleep 30"
	husk_bg run --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
	wait_for file_has "$BG_OUT" ready
	run ! grep -F " $mark " /proc/self/mountinfo
	run ! grep -F " $mark " /proc/1/mountinfo
	# Nor any of the container's own mounts (its /proc, /dev, ...).
	[ -z "$(bundle_mounts)" ]
	kill -9 "$(cat "$BATS_TEST_TMPDIR/pid")"
	wait_bg
	[ "$status" -eq 137 ]
	assert_no_leftovers
}

@test "mount namespace: a config without one is refused and nothing is left" {
	# husk (like runc, whose default masked paths need it) will not touch
	# the host's mount table.
	remove_ns mount
	before=$(wc -l </proc/self/mountinfo)
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: "*"mount namespace"* ]]
	[ "$(wc -l </proc/self/mountinfo)" -eq "$before" ]
	assert_no_leftovers
}

@test "ipc namespace: a new one when listed, the host's SysV shm segment is not there" {
	shmid=$(ipcmk -M 4096 | grep -o '[0-9]*$')
	defer ipcrm -m "$shmid"
	add_ns ipc
	ns_inside ipc
	[ "$output" != "$(host_ns ipc)" ]
	set_args payload cat /proc/sysvipc/shm
	run husk run "$ID"
	[ "$status" -eq 0 ]
	run ! awk -v id="$shmid" 'NR > 1 && $2 == id { found = 1 } END { exit !found }' <<<"$output"
}

@test "ipc namespace: the host's when left out, the host's SysV shm segment is there" {
	shmid=$(ipcmk -M 4096 | grep -o '[0-9]*$')
	defer ipcrm -m "$shmid"
	remove_ns ipc
	ns_inside ipc
	[ "$output" = "$(host_ns ipc)" ]
	set_args payload cat /proc/sysvipc/shm
	run husk run "$ID"
	[ "$status" -eq 0 ]
	awk -v id="$shmid" 'NR > 1 && $2 == id { found = 1 } END { exit !found }' <<<"$output"
}

@test "uts namespace: a new one when listed, with the config's hostname and domainname" {
	host_before=$(hostname)
	add_ns uts
	update_config '.hostname = "inside-host" | .domainname = "inside.test"'
	ns_inside uts
	[ "$output" != "$(host_ns uts)" ]
	set_args sh -c 'payload hostname; payload domainname'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = $'inside-host\ninside.test' ]
	[ "$(hostname)" = "$host_before" ]
}

@test "uts namespace: the hostname defaults to the one husk spec wrote" {
	expected=$(jq -r .hostname config.json)
	[ -n "$expected" ] && [ "$expected" != null ]
	set_args payload hostname
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "$expected" ]
}

@test "uts namespace: the host's when left out" {
	remove_ns uts
	update_config 'del(.hostname, .domainname)'
	ns_inside uts
	[ "$output" = "$(host_ns uts)" ]
	set_args payload hostname
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "$(hostname)" ]
}

@test "user namespace: a new one when listed, with the config's uid and gid maps" {
	requires userns
	userns_config
	ns_inside user
	[ "$output" != "$(host_ns user)" ]
	set_args payload uidmap
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = $'uid 0 100000 65536\ngid 0 100000 65536' ]
}

@test "user namespace: mapped owners appear as root, unmapped ones as nobody" {
	requires userns
	userns_config
	touch "$ROOTFS/etc/owned-by-host-root"
	chown 0:0 "$ROOTFS/etc/owned-by-host-root"
	set_args payload stat /bin/busybox /etc/owned-by-host-root
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "/bin/busybox type=- "*" uid=0 gid=0" ]]
	[[ "${lines[1]}" == "/etc/owned-by-host-root type=- "*" uid=65534 gid=65534" ]]
	set_args payload id
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == "uid=0 gid=0 "* ]]
	assert_no_leftovers
}

@test "user namespace: the host's when left out" {
	remove_ns user
	update_config 'del(.linux.uidMappings, .linux.gidMappings)'
	ns_inside user
	[ "$output" = "$(host_ns user)" ]
	set_args payload uidmap
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = $'uid 0 0 4294967295\ngid 0 0 4294967295' ]
}

@test "cgroup namespace: a new one when listed, rooted at the container's cgroup" {
	requires cgroupns
	add_ns cgroup
	ns_inside cgroup
	[ "$output" != "$(host_ns cgroup)" ]
	set_args payload cat /proc/self/cgroup
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ -n "$output" ]
	# Every hierarchy (v1 controllers and the unified one) shows "/".
	run ! grep -v ':/$' <<<"$output"
}

@test "cgroup namespace: the host's when left out, the cgroup path shows" {
	requires cgroupns
	remove_ns cgroup
	ns_inside cgroup
	[ "$output" = "$(host_ns cgroup)" ]
	set_args payload cat /proc/self/cgroup
	run husk run "$ID"
	[ "$status" -eq 0 ]
	grep -q ":$CGROUP_PATH\$" <<<"$output"
}

@test "time namespace: a new one when listed, with the configured offsets" {
	requires timens
	add_ns time
	update_config '.linux.timeOffsets = {boottime: {secs: 86400, nanosecs: 0}, monotonic: {secs: 86400, nanosecs: 0}}'
	ns_inside time
	[ "$output" != "$(host_ns time)" ]
	set_args payload cat /proc/uptime
	run husk run "$ID"
	[ "$status" -eq 0 ]
	host=$(cut -d' ' -f1 /proc/uptime)
	inside=$(cut -d' ' -f1 <<<"$output")
	# 86400 s ahead of the host, give or take the time the run took.
	awk -v i="$inside" -v h="$host" 'BEGIN { d = i - h; exit !(d > 86400 - 60 && d < 86400 + 60) }'
}

@test "time namespace: the host's when left out" {
	requires timens
	remove_ns time
	update_config 'del(.linux.timeOffsets)'
	ns_inside time
	[ "$output" = "$(host_ns time)" ]
	set_args payload cat /proc/uptime
	run husk run "$ID"
	[ "$status" -eq 0 ]
	host=$(cut -d' ' -f1 /proc/uptime)
	inside=$(cut -d' ' -f1 <<<"$output")
	awk -v i="$inside" -v h="$host" 'BEGIN { d = h - i; exit !(d >= 0 && d < 60) }'
}

# make_test_netns : a network namespace $netns (deleted at teardown) holding a
# link huskdummy0 to recognise it by (dummy when the module is there).
make_test_netns() {
	netns=husk-test-$ID
	ip netns add "$netns"
	defer ip netns delete "$netns"
	ip -n "$netns" link add huskdummy0 type dummy 2>/dev/null ||
		ip -n "$netns" link add huskdummy0 type bridge
}

@test "network namespace: joined by path, its links are visible inside" {
	requires ip
	make_test_netns
	expected="net:[$(stat -L -c %i "/var/run/netns/$netns")]"
	add_ns network "/var/run/netns/$netns"
	ns_inside net
	[ "$output" = "$expected" ]
	set_args payload links
	run husk run "$ID"
	[ "$status" -eq 0 ]
	grep -q '^huskdummy0 ' <<<"$output"
	grep -q '^lo ' <<<"$output"
	# The netns outlives the container.
	[ -e "/var/run/netns/$netns" ]
	ip -n "$netns" link show huskdummy0 >/dev/null
}

@test "uts namespace: joined by /proc/PID/ns/uts of another process" {
	requires unshare
	unshare --uts sh -c 'hostname husk-joined && echo ready && exec sleep 30' \
		</dev/null >"$BATS_TEST_TMPDIR/unshare.out" 2>&1 3>&- &
	holder=$!
	track_pid "$holder"
	wait_for file_has "$BATS_TEST_TMPDIR/unshare.out" ready
	expected=$(readlink "/proc/$holder/ns/uts")
	[ "$expected" != "$(host_ns uts)" ]
	add_ns uts "/proc/$holder/ns/uts"
	update_config 'del(.hostname, .domainname)'
	ns_inside uts
	[ "$output" = "$expected" ]
	set_args payload hostname
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = husk-joined ]
	[ "$(hostname)" != husk-joined ]
}

@test "joining a namespace by a path that does not exist fails and names it" {
	add_ns network /var/run/netns/husk-test-no-such-netns
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: "*"/var/run/netns/husk-test-no-such-netns"* ]]
	assert_no_leftovers
}

@test "a new user namespace with a joined network namespace: maps written, the init is PID 1" {
	requires ip
	make_test_netns
	userns_config
	add_ns network "/var/run/netns/$netns"
	# The child joins, unshares the user namespace (the parent writes its maps), then forks the init.
	# /sys is the host's here (this user namespace does not own the netns): ask netlink instead.
	set_args sh -c 'payload uidmap; echo "init $$"; ip -o link'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	grep -qx 'uid 0 100000 65536' <<<"$output"
	grep -qx 'gid 0 100000 65536' <<<"$output"
	grep -qx 'init 1' <<<"$output"
	grep -q ': huskdummy0[:@]' <<<"$output"
	run ! grep -q ': eth0[:@]' <<<"$output"
	assert_no_leftovers
}
