#!/usr/bin/env bats
# Mistakes in the bundle: each is refused with one clear line on stderr,
# exit status 1, and nothing left behind.

load helpers

FIXTURES=$REPO_DIR/tests/fixtures/invalid

setup() {
	requires root
	setup_bundle payload pid
}

teardown() {
	teardown_bundle
}

# check_fixture NAME : `husk run` of fixture NAME fails as NAME.err says;
# prints what went wrong otherwise.  (No bats `run` and no wrapper here:
# ~100 fixtures, kept fast.)
check_fixture() {
	local name=$1 id=cfg-$1 expected got rc=0
	if [ ! -e "$FIXTURES/$name.err" ]; then
		echo "$name: no $name.err beside it"
		return 1
	fi
	expected="husk: $(<"$FIXTURES/$name.err")"
	cp "$FIXTURES/$name.json" "$BUNDLE/config.json"
	timeout -k 5 "$HUSK_TIMEOUT" "$HUSK" --root "$HUSK_ROOT" run "$id" \
		</dev/null >/dev/null 2>"$BATS_TEST_TMPDIR/stderr" 3>&- || rc=$?
	got=$(<"$BATS_TEST_TMPDIR/stderr")
	if [ "$rc" -ne 1 ] || [ "$got" != "$expected" ] || ! assert_no_leftovers "$id"; then
		echo "$name: status $rc (want 1)"
		echo "  got:  $got"
		echo "  want: $expected"
		# Do not let one fixture's container spoil the next.
		husk_raw delete -f "$id" </dev/null >/dev/null 2>&1 || true
		return 1
	fi
}

@test "each invalid config in tests/fixtures/invalid is refused with its exact message" {
	shopt -s nullglob
	fixtures=("$FIXTURES"/*.json)
	[ ${#fixtures[@]} -gt 0 ] || skip "no fixtures in $FIXTURES"
	# The fixtures have no cgroupsPath: should husk wrongly accept one, its
	# cgroup goes under ours, which must be a test cgroup.
	failed=$(
		# bats' per-command DEBUG trap triples the time of this loop.
		trap - DEBUG
		enter_guard_cgroup || exit 1
		n=0
		for f in "${fixtures[@]}"; do
			check_fixture "$(basename "$f" .json)" >&2 || n=$((n + 1))
		done
		echo "$n"
	)
	leave_guard_cgroup
	echo "$failed of ${#fixtures[@]} fixtures failed"
	[ "$failed" -eq 0 ]
}

@test "an empty process.args is refused with the documented message" {
	update_config '.process.args = []'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: config.json: process.args: must be a non-empty array of strings" ]
	assert_no_leftovers
}

@test "a missing rootfs directory is refused, naming it" {
	rm -rf "$ROOTFS"
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: "* ]]
	[[ "$stderr" == *"$ROOTFS"* || "$stderr" == *"'rootfs'"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	assert_no_leftovers
}

@test "a missing config.json is refused, naming it" {
	rm "$BUNDLE/config.json"
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: "*"config.json"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	assert_no_leftovers
}

@test "a config.json that is not JSON is refused, naming it" {
	echo '{"ociVersion": "1.2.0", ' >"$BUNDLE/config.json"
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: config.json: "* ]]
	assert_no_leftovers
}

@test "a config.json that is a fifo or a device is refused at once, not waited on or read for ever" {
	rm "$BUNDLE/config.json"
	mkfifo "$BUNDLE/config.json"
	run --separate-stderr timeout 10 "$HUSK" --root "$HUSK_ROOT" run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: '$BUNDLE/config.json': not a regular file" ]]
	assert_no_leftovers
	rm "$BUNDLE/config.json"
	ln -s /dev/zero "$BUNDLE/config.json"
	run --separate-stderr timeout 10 "$HUSK" --root "$HUSK_ROOT" run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: '$BUNDLE/config.json': not a regular file" ]]
	assert_no_leftovers
}

@test "a config.json larger than 32 MiB is refused, naming it and the limit" {
	truncate -s 40M "$BUNDLE/config.json"
	run --separate-stderr timeout 10 "$HUSK" --root "$HUSK_ROOT" run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: '$BUNDLE/config.json': larger than 32 MiB" ]]
	assert_no_leftovers
}

@test "values echoed in an error are escaped: a newline, a control character or a bidi mark cannot split or disguise the line" {
	update_config '.process.args = ["/no\nsuch\u0007prog\u202egpj.exe"]'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *'/no\nsuch\x07prog\u202egpj.exe'* ]]
	assert_no_leftovers
	# The same in --log-format json: one JSON line whose msg decodes back to the value.
	run --separate-stderr husk --log "$BATS_TEST_TMPDIR/log" --log-format json run "$ID"
	[ "$status" -eq 1 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/log")" -eq 1 ]
	jq -e '.msg | contains("/no\nsuch\u0007prog\u202egpj.exe")' "$BATS_TEST_TMPDIR/log"
	assert_no_leftovers
}

@test "an args[0] that is not in the rootfs is refused, naming it" {
	set_args /bin/no-such-program
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: "*"/bin/no-such-program"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	assert_no_leftovers
}

@test "an args[0] that is not executable is refused, naming it" {
	set_args /etc/passwd
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: "*"/etc/passwd"* ]]
	assert_no_leftovers
}

@test "a cwd that is a file is refused, naming it" {
	update_config '.process.cwd = "/etc/passwd"'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: "*"/etc/passwd"* ]]
	[ "${#stderr_lines[@]}" -eq 1 ]
	assert_no_leftovers
}

@test "a bind mount of a missing source is refused, naming it" {
	update_config '.mounts += [{destination: "/data", type: "bind", source: "/no/such/dir", options: ["rbind"]}]'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: "*"/no/such/dir"* ]]
	assert_no_leftovers
}

@test "--log-format json writes the error as a JSON line with level error and the same message" {
	rm -rf "$ROOTFS"
	log=$BATS_TEST_TMPDIR/husk.log
	run --separate-stderr husk --log "$log" --log-format json run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: "* ]]
	# Every line is a JSON object with level, msg and time.
	jq -e -s 'length > 0 and all(.[]; type == "object" and has("level") and has("msg") and has("time"))' "$log"
	msg=$(jq -r 'select(.level == "error") | .msg' "$log")
	[ "$msg" = "${stderr#husk: }" ]
	assert_no_leftovers
}

@test "--log-format json reports a config error the same way" {
	update_config '.process.args = []'
	log=$BATS_TEST_TMPDIR/husk.log
	run --separate-stderr husk --log "$log" --log-format json run "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: config.json: process.args: must be a non-empty array of strings" ]
	[ "$(jq -r 'select(.level == "error") | .msg' "$log")" = "${stderr#husk: }" ]
	assert_no_leftovers
}

@test "a malformed mount option is refused naming mounts[i], its destination and options[j], and nothing is left" {
	update_config '.mounts[0].options = ["nosuid", "size=1m,mode=755"]'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: config.json: mounts[0] ('/proc'): options[1]: 'size=1m,mode=755' is not a mount option" ]
	assert_no_leftovers
}

@test "a field parsed but not applied yet is refused, not ignored, and nothing is left" {
	update_config '.linux.intelRdt = {closID: "husk-test"}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: config.json: linux.intelRdt: not supported by this husk yet" ]
	assert_no_leftovers
}
