#!/usr/bin/env bats
# An overlay rootfs from image layers (annotation io.husk.rootfs.layers): the
# layers merged as the container sees them, the writable layer per container
# in its state directory (or kept, with io.husk.rootfs.upper), the layers
# never written, nothing left behind.
# shellcheck disable=SC2016,SC2154

load helpers

setup() {
	requires root
	setup_bundle
	# Two layers: the fixture rootfs at the bottom, a small one on top that
	# changes a file and deletes one (a whiteout: a 0:0 character device).
	LAYERS=$BATS_TEST_TMPDIR/layers
	mkdir -p "$LAYERS/top/etc" "$LAYERS/base"
	cp -a "$ROOTFS/." "$LAYERS/base/"
	echo "from the base" >"$LAYERS/base/etc/motd"
	echo "deleted by the top layer" >"$LAYERS/base/etc/gone"
	echo "kept" >"$LAYERS/base/etc/kept"
	echo "from the top" >"$LAYERS/top/etc/motd"
	mknod "$LAYERS/top/etc/gone" c 0 0
	rm -rf "$ROOTFS"
	mkdir "$ROOTFS"
	# One layer relative to the bundle, one absolute.
	update_config '.annotations["io.husk.rootfs.layers"] = $l' --arg l "../layers/top:$LAYERS/base"
	layers_snapshot >"$BATS_TEST_TMPDIR/layers.before"
}

teardown() {
	[ -z "${ID2:-}" ] || "$HUSK" --root "$HUSK_ROOT" delete -f "$ID2" >/dev/null 2>&1 || true
	teardown_bundle
}

# layers_snapshot : every entry of the layers with its type, mode, owner, size,
# mtime and content hash.
layers_snapshot() {
	(cd "$LAYERS" && find . -printf '%p %y %m %U:%G %s %T@\n' | sort && find . -type f -exec md5sum {} + | sort)
}

# no_overlay_mounts : the host has no mount of the layers or of the rootfs.
no_overlay_mounts() {
	! grep -F -e "$LAYERS" -e "$ROOTFS" /proc/self/mountinfo
}

@test "the container sees the layers merged: the top layer wins, its whiteouts hide" {
	set_args sh -c 'payload cat /etc/motd /etc/kept; payload stat /etc/gone; payload mountinfo'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "from the top" ]
	[ "${lines[1]}" = "kept" ]
	[[ "$output" == *"payload: stat '/etc/gone': No such file or directory"* ]]
	# / is the overlay, its layers and its upper as the kernel reports them.
	root=$(awk '$5 == "/" { for (i = 7; $i != "-"; i++) ; print $(i + 1) " " $(i + 3) }' <<<"$output")
	[[ "$root" == "overlay "* ]]
	[[ "$root" == *"$LAYERS/top"* ]]
	[[ "$root" == *"$LAYERS/base"* ]]
	[[ "$root" == *"upperdir=$HUSK_ROOT/$ID/upper"* ]]
	[[ "$root" == *"workdir=$HUSK_ROOT/$ID/work"* ]]
	no_overlay_mounts
	assert_no_leftovers
	[ -z "$(ls -A "$ROOTFS")" ]
	# --no-pivot moves the overlay onto / the same way.
	run husk run --no-pivot "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "from the top" ]
	[[ "$(awk '$5 == "/"' <<<"$output")" == *" - overlay overlay "* ]]
	assert_no_leftovers
}

@test "two containers from the same layers each write into their own upper layer; the layers are untouched" {
	ID2=$ID-2
	set_args sh -c 'echo one >/mine; echo changed by one >/etc/kept; rm /etc/motd'
	run husk create "$ID"
	[ "$status" -eq 0 ]
	set_args sh -c 'echo two >/mine; payload cat /etc/kept /etc/motd >/seen'
	update_config '.linux.cgroupsPath = "/husk-test/" + $id' --arg id "$ID2"
	run husk create "$ID2"
	[ "$status" -eq 0 ]
	# Both are mounted now, each in its own mount namespace; the host sees neither.
	no_overlay_mounts
	[ -z "$(ls -A "$ROOTFS")" ]
	run husk start "$ID"
	[ "$status" -eq 0 ]
	wait_for testcontainer "$ID" stopped
	run husk start "$ID2"
	[ "$status" -eq 0 ]
	wait_for testcontainer "$ID2" stopped
	# Each change is in its own container's upper only.
	[ "$(cat "$HUSK_ROOT/$ID/upper/mine")" = one ]
	[ "$(cat "$HUSK_ROOT/$ID2/upper/mine")" = two ]
	[ "$(cat "$HUSK_ROOT/$ID/upper/etc/kept")" = "changed by one" ]
	[ ! -e "$HUSK_ROOT/$ID2/upper/etc/kept" ]
	# The second saw the layers, not the first one's changes.
	[ "$(cat "$HUSK_ROOT/$ID2/upper/seen")" = $'kept\nfrom the top' ]
	# A file deleted in the container is a whiteout in its upper, and still in the layer.
	[ "$(stat -c '%F %t:%T' "$HUSK_ROOT/$ID/upper/etc/motd")" = "character special file 0:0" ]
	[ "$(cat "$LAYERS/top/etc/motd")" = "from the top" ]
	layers_snapshot | diff "$BATS_TEST_TMPDIR/layers.before" -
	# delete takes the upper and work directories with the state directory.
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	run husk delete "$ID2"
	[ "$status" -eq 0 ]
	[ ! -e "$HUSK_ROOT/$ID" ]
	[ ! -e "$HUSK_ROOT/$ID2" ]
	no_overlay_mounts
	assert_no_leftovers
	assert_no_leftovers "$ID2"
	layers_snapshot | diff "$BATS_TEST_TMPDIR/layers.before" -
}

@test "delete --force of a running overlay container leaves no upper, work dir or mount" {
	set_args sh -c 'echo x >/x; payload sleep 60'
	run husk run -d "$ID"
	[ "$status" -eq 0 ]
	wait_for test -e "$HUSK_ROOT/$ID/upper/x"
	[ -d "$HUSK_ROOT/$ID/work" ]
	run husk delete --force "$ID"
	[ "$status" -eq 0 ]
	[ ! -e "$HUSK_ROOT/$ID" ]
	no_overlay_mounts
	assert_no_leftovers
}

@test "io.husk.rootfs.upper keeps the changes after delete, and the next container sees them" {
	update_config '.annotations["io.husk.rootfs.upper"] = "out/upper"'
	set_args sh -c 'echo built >/artifact; rm /etc/kept'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	# run deleted the container: its changes stay, with the work directory beside them.
	[ "$(cat "$BUNDLE/out/upper/artifact")" = built ]
	[ "$(stat -c '%F %t:%T' "$BUNDLE/out/upper/etc/kept")" = "character special file 0:0" ]
	[ -d "$BUNDLE/out/upper.work" ]
	[ ! -e "$HUSK_ROOT/$ID/upper" ]
	assert_no_leftovers
	set_args sh -c 'payload cat /artifact; payload stat /etc/kept'
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = built ]
	[[ "$output" == *"payload: stat '/etc/kept': No such file or directory"* ]]
	layers_snapshot | diff "$BATS_TEST_TMPDIR/layers.before" -
	no_overlay_mounts
}

@test "root.readonly makes the overlay rootfs read-only; nothing reaches the upper" {
	update_config '.root.readonly = true'
	set_args payload write /x data
	run --separate-stderr husk create "$ID"
	[ "$status" -eq 0 ]
	run --separate-stderr husk start "$ID"
	wait_for testcontainer "$ID" stopped
	[ -z "$(ls -A "$HUSK_ROOT/$ID/upper")" ]
	run husk delete "$ID"
	assert_no_leftovers
}

@test "a user namespace container writes into its upper as its own root" {
	requires userns
	add_ns user
	update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
	chown -R 100000:100000 "$LAYERS/base"
	layers_snapshot >"$BATS_TEST_TMPDIR/layers.before"
	set_args sh -c 'echo x >/x; payload stat /x /'
	run husk create "$ID"
	[ "$status" -eq 0 ]
	run husk start "$ID"
	[ "$status" -eq 0 ]
	wait_for testcontainer "$ID" stopped
	[ "$(stat -c %u:%g "$HUSK_ROOT/$ID/upper/x")" = 100000:100000 ]
	[ "$(stat -c %u:%g "$HUSK_ROOT/$ID/upper")" = 100000:100000 ]
	layers_snapshot | diff "$BATS_TEST_TMPDIR/layers.before" -
}

@test "overlay errors are clear and leave nothing behind" {
	# A missing layer.
	update_config '.annotations["io.husk.rootfs.layers"] = $l' --arg l "../layers/top:$LAYERS/nope"
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"annotation io.husk.rootfs.layers: layer 1 '$LAYERS/nope': No such file or directory"* ]]
	assert_no_leftovers
	# An empty entry.
	update_config '.annotations["io.husk.rootfs.layers"] = $l' --arg l "$LAYERS/top::$LAYERS/base"
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"annotation io.husk.rootfs.layers: layer 1 is empty"* ]]
	# A layer overlayfs cannot be given (a comma in its path).
	mkdir "$BATS_TEST_TMPDIR/a,b"
	update_config '.annotations["io.husk.rootfs.layers"] = $l' --arg l "$BATS_TEST_TMPDIR/a,b"
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer 0 '$BATS_TEST_TMPDIR/a,b': overlayfs cannot take a path holding ','"* ]]
	assert_no_leftovers
	# root.path not empty.
	update_config '.annotations["io.husk.rootfs.layers"] = $l' --arg l "$LAYERS/top:$LAYERS/base"
	touch "$ROOTFS/file"
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json: root.path: '$ROOTFS' is not empty: an overlay rootfs (annotation io.husk.rootfs.layers) is mounted onto an empty directory"* ]]
	assert_no_leftovers
	[ -e "$ROOTFS/file" ]
	# root.path missing.
	rm -rf "$ROOTFS"
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"config.json: root.path: '$ROOTFS': No such file or directory"* ]]
	mkdir "$ROOTFS"
	# A failure after the overlay was made: its upper and work directories go with the rest.
	update_config '.mounts += [{destination: "/data", type: "bind", source: "/no/such/dir", options: ["bind"]}]'
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"('/data'): bind source '/no/such/dir': No such file or directory"* ]]
	assert_no_leftovers
	no_overlay_mounts
	update_config 'del(.mounts[-1])'
	# The upper annotation alone.
	update_config 'del(.annotations["io.husk.rootfs.layers"]) | .annotations["io.husk.rootfs.upper"] = "/tmp/x"'
	run husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"annotation io.husk.rootfs.upper: needs the annotation io.husk.rootfs.layers"* ]]
	assert_no_leftovers
	layers_snapshot | diff "$BATS_TEST_TMPDIR/layers.before" -
}

@test "features lists the overlay annotations" {
	run husk features
	[ "$status" -eq 0 ]
	jq -e '.annotations["io.husk.rootfs.layers"] | type == "string"' <<<"$output"
	jq -e '.annotations["io.husk.rootfs.upper"] | type == "string"' <<<"$output"
	# They make husk mount and write host paths: engines should not pass them from untrusted users.
	jq -e '.potentiallyUnsafeConfigAnnotations | index("io.husk.rootfs.") != null' <<<"$output"
}
