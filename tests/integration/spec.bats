#!/usr/bin/env bats
# husk spec: the default config.json, -b, refusing to overwrite, --rootless.

load helpers

setup() {
	husk_init
	mkdir -p "$BUNDLE"
	cd "$BUNDLE"
}

@test "spec writes a config.json with runc's defaults and hostname husk" {
	run husk spec
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	c=$BUNDLE/config.json
	jq -e . "$c" >/dev/null
	jq -e '.ociVersion | test("^1\\.[0-9]+\\.[0-9]+")' "$c"
	jq -e '.process.terminal == true and .process.args == ["sh"] and .process.cwd == "/"' "$c"
	jq -e '.process.user == {uid: 0, gid: 0}' "$c"
	jq -e '.process.env | index("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin") != null' "$c"
	jq -e '.process.noNewPrivileges == true' "$c"
	jq -e '.process.capabilities.bounding == ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]' "$c"
	jq -e '.process.rlimits == [{type: "RLIMIT_NOFILE", hard: 1024, soft: 1024}]' "$c"
	jq -e '.root == {path: "rootfs", readonly: true}' "$c"
	jq -e '.hostname == "husk"' "$c"
	jq -e '[.mounts[].destination] == ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"]' "$c"
	jq -e '[.linux.namespaces[].type] | contains(["pid", "network", "ipc", "uts", "mount"]) and (index("user") == null)' "$c"
	# A cgroup namespace on a pure cgroup v2 host only, as runc's spec.
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		jq -e '[.linux.namespaces[].type] | index("cgroup") != null' "$c"
	else
		jq -e '[.linux.namespaces[].type] | index("cgroup") == null' "$c"
	fi
	jq -e '.linux.resources.devices == [{allow: false, access: "rwm"}]' "$c"
	jq -e '.linux.maskedPaths | index("/proc/kcore") != null and index("/sys/firmware") != null' "$c"
	jq -e '.linux.readonlyPaths | index("/proc/sys") != null and index("/proc/sysrq-trigger") != null' "$c"
}

@test "spec's ociVersion lies within features' ociVersionMin..ociVersionMax" {
	run husk spec
	[ "$status" -eq 0 ]
	run husk features
	[ "$status" -eq 0 ]
	jq -e --argjson f "$output" --slurpfile c "$BUNDLE/config.json" -n '
		def v: split("-")[0] | split(".") | map(tonumber);
		($c[0].ociVersion | v) as $x
		| ($x >= ($f.ociVersionMin | v)) and ($x <= ($f.ociVersionMax | v))'
}

@test "spec refuses to overwrite an existing config.json" {
	echo '{"mine": true}' >config.json
	run --separate-stderr husk spec
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: config.json: file already exists in '.'" ]
	[ "$(cat config.json)" = '{"mine": true}' ]
}

@test "spec -b DIR writes DIR/config.json and nothing in the current directory" {
	mkdir "$BATS_TEST_TMPDIR/other"
	run husk spec -b "$BATS_TEST_TMPDIR/other"
	[ "$status" -eq 0 ]
	jq -e . "$BATS_TEST_TMPDIR/other/config.json" >/dev/null
	[ ! -e config.json ]
	run husk spec --bundle "$BATS_TEST_TMPDIR/other"
	[ "$status" -eq 1 ]
	rm "$BATS_TEST_TMPDIR/other/config.json"
	run husk spec --bundle "$BATS_TEST_TMPDIR/other"
	[ "$status" -eq 0 ]
	[ -e "$BATS_TEST_TMPDIR/other/config.json" ]
}

@test "spec --rootless adds a user namespace mapping the caller to root" {
	run husk spec --rootless
	[ "$status" -eq 0 ]
	c=$BUNDLE/config.json
	jq -e '[.linux.namespaces[].type] | index("user") != null and index("network") == null' "$c"
	jq -e --argjson u "$(id -u)" '.linux.uidMappings == [{containerID: 0, hostID: $u, size: 1}]' "$c"
	jq -e --argjson g "$(id -g)" '.linux.gidMappings == [{containerID: 0, hostID: $g, size: 1}]' "$c"
	# No resources an unprivileged user cannot have.
	jq -e '.linux.resources == null or .linux.resources == {}' "$c"
	# devpts gid=5 is unmapped in a one-id user namespace.
	jq -e '[.mounts[] | select(.destination == "/dev/pts") | .options[] | select(startswith("gid="))] == []' "$c"
}

@test "spec --rootless run by an unprivileged user maps that user" {
	requires root
	chmod 0777 "$BUNDLE"
	run setpriv --reuid=1000 --regid=1000 --clear-groups "$HUSK" spec --rootless -b "$BUNDLE"
	[ "$status" -eq 0 ]
	jq -e '.linux.uidMappings == [{containerID: 0, hostID: 1000, size: 1}]' config.json
	jq -e '.linux.gidMappings == [{containerID: 0, hostID: 1000, size: 1}]' config.json
}
