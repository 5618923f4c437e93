#!/usr/bin/env bats
# OCI hooks: each kind once, at its moment, in its namespaces, with the
# state on stdin; failures as the runtime-spec says.
# shellcheck disable=SC2016,SC2154

load helpers

setup() {
	setup_bundle
	LOG=$BATS_TEST_TMPDIR/hooks.log
	mkfifo "$ROOTFS/ctl"
	set_args sh -c 'touch /ran; read line < /ctl'
	# A host hook: records its kind, argv, env, namespaces, cwd-independent facts and stdin.
	HOOK=$BATS_TEST_TMPDIR/hook.sh
	cat >"$HOOK" <<-EOF
		#!/bin/bash
		kind=\$1; shift
		state=\$(cat)
		{
			printf '%s mnt=%s pid=%s net=%s cwd=%s ran=%s args=%s env=%s state=%s\n' "\$kind" \
				"\$(readlink /proc/self/ns/mnt)" "\$(readlink /proc/self/ns/pid)" "\$(readlink /proc/self/ns/net)" "\$(pwd -P)" \
				"\$([ -e "$ROOTFS/ran" ] && echo yes || echo no)" "\$*" "\${HOOK_ENV:-unset}" \
				"\$(jq -c . <<<"\$state")"
		} >>"$LOG"
	EOF
	chmod 755 "$HOOK"
	# startContainer runs after pivot_root: its path resolves in the container.
	cat >"$ROOTFS/hook.sh" <<-'EOF'
		#!/bin/sh
		state=$(cat)
		echo "$1 mnt=$(readlink /proc/self/ns/mnt) pid=$(readlink /proc/self/ns/pid) state=$state" >>/hooks.log
	EOF
	chmod 755 "$ROOTFS/hook.sh"
}
teardown() { teardown_bundle; }

add_hook() { # KIND PATH [ARGS...]
	update_config '.hooks[$k] += [{path: $p, args: $a, env: ["HOOK_ENV=set-" + $k]}]' \
		--arg k "$1" --arg p "$2" --argjson a "$(json_array "${@:2}")"
}

line_of() { grep "^$1 " "$LOG"; }
field() { # LINE NAME
	sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"
}

@test "each kind of hook runs once, at its moment and in its namespaces, with the state on stdin" {
	for k in prestart createRuntime createContainer poststart poststop; do
		add_hook "$k" "$HOOK" "$k" extra-arg
	done
	update_config '.hooks.startContainer = [{path: "/hook.sh", args: ["hook.sh", "startContainer"]}]'
	run husk create "$ID"
	[ "$status" -eq 0 ]
	pid=$(husk_raw state "$ID" | jq .pid)
	# After create: prestart, createRuntime, createContainer, in that order, and only they.
	[ "$(cut -d' ' -f1 "$LOG" | tr '\n' ' ')" = "prestart createRuntime createContainer " ]
	[ ! -e "$ROOTFS/hooks.log" ]
	for k in prestart createRuntime; do
		l=$(line_of "$k")
		# The runtime namespace: ours.
		[ "$(field "$l" mnt)" = "$(host_ns mnt)" ]
		[ "$(field "$l" pid)" = "$(host_ns pid)" ]
		[ "$(field "$l" args)" = "extra-arg" ]
		[ "$(field "$l" env)" = "set-$k" ]
	done
	l=$(line_of createContainer)
	# The container namespace: the init's (it is not yet pivoted).
	[ "$(field "$l" mnt)" = "$(readlink "/proc/$pid/ns/mnt")" ]
	[ "$(field "$l" pid)" = "$(readlink "/proc/$pid/ns/pid")" ]
	[ "$(field "$l" net)" = "$(readlink "/proc/$pid/ns/net")" ]
	# createContainer works in the container's root (as runc), the others where husk does.
	[ "$(field "$l" cwd)" = "$(cd "$ROOTFS" && pwd -P)" ]
	[ "$(field "$(line_of prestart)" cwd)" = "$(pwd -P)" ]
	# The state each got: valid, this container, the init's pid as the host sees it; prestart
	# comes once the runtime environment exists: created (as crun), the others creating.
	for k in prestart createRuntime createContainer; do
		st=$(line_of "$k" | sed 's/.* state=//')
		want=creating
		[ "$k" = prestart ] && want=created
		jq -e --arg id "$ID" --arg b "$BUNDLE" --argjson pid "$pid" --arg s "$want" \
			'.ociVersion == "1.3.0" and .id == $id and .status == $s and .pid == $pid and .bundle == $b' <<<"$st"
	done
	[ "$(field "$(line_of createContainer)" ran)" = no ]

	run husk start "$ID"
	[ "$status" -eq 0 ]
	wait_for test -e "$ROOTFS/ran"
	# startContainer: in the container, before the workload; poststart: ours, after.
	[ "$(wc -l <"$ROOTFS/hooks.log")" -eq 1 ]
	l=$(cat "$ROOTFS/hooks.log")
	[[ "$l" == "startContainer "* ]]
	[ "$(field "$l" mnt)" = "$(readlink "/proc/$pid/ns/mnt")" ]
	jq -e --arg id "$ID" '.id == $id and .status == "created"' <<<"${l#* state=}"
	wait_for line_of poststart
	l=$(line_of poststart)
	[ "$(field "$l" mnt)" = "$(host_ns mnt)" ]
	jq -e '.status == "running"' <<<"${l#* state=}"
	[ "$(wc -l <"$LOG")" -eq 4 ]

	echo 0 >"$ROOTFS/ctl"
	wait_for sh -c "! kill -0 $pid 2>/dev/null"
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	l=$(line_of poststop)
	[ "$(field "$l" mnt)" = "$(host_ns mnt)" ]
	jq -e --arg id "$ID" '.id == $id and .status == "stopped"' <<<"${l#* state=}"
	[ "$(wc -l <"$LOG")" -eq 5 ]
	for k in prestart createRuntime createContainer poststart poststop; do
		[ "$(line_of "$k" | wc -l)" -eq 1 ]
	done
	assert_no_leftovers
}

@test "husk run runs the hooks too, poststop at the end" {
	for k in prestart createRuntime createContainer poststart poststop; do
		add_hook "$k" "$HOOK" "$k"
	done
	set_args true
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$(cut -d' ' -f1 "$LOG" | tr '\n' ' ')" = "prestart createRuntime createContainer poststart poststop " ]
	assert_no_leftovers
}

@test "hooks read from config.json at create: a later change of config.json does not change them" {
	add_hook poststop "$HOOK" poststop
	husk_raw create "$ID"
	update_config '.hooks.poststop = []'
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	line_of poststop
}

@test "a failing createRuntime hook fails create, says which hook and why, and leaves nothing" {
	printf '#!/bin/sh\necho "no network for you" >&2\nexit 3\n' >"$BATS_TEST_TMPDIR/fail.sh"
	chmod 755 "$BATS_TEST_TMPDIR/fail.sh"
	update_config '.hooks.createRuntime = [{path: $p}]' --arg p "$BATS_TEST_TMPDIR/fail.sh"
	add_hook poststop "$HOOK" poststop
	run --separate-stderr husk create "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: hooks.createRuntime[0] '$BATS_TEST_TMPDIR/fail.sh': exited with status 3: no network for you" ]
	# The spec goes on to the delete step: poststop runs.
	line_of poststop
	assert_no_leftovers
}

@test "a failing createContainer or startContainer hook fails the operation and leaves nothing after delete" {
	printf '#!/bin/sh\nexit 4\n' >"$ROOTFS/fail.sh"
	chmod 755 "$ROOTFS/fail.sh"
	update_config '.hooks.createContainer = [{path: $p}]' --arg p "$ROOTFS/fail.sh"
	run --separate-stderr husk create "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: hooks.createContainer[0] '$ROOTFS/fail.sh': exited with status 4" ]
	assert_no_leftovers
	update_config '.hooks = {startContainer: [{path: "/fail.sh"}]}'
	husk_raw create "$ID"
	run --separate-stderr husk start "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: hooks.startContainer[0] '/fail.sh': exited with status 4" ]
	[ ! -e "$ROOTFS/ran" ]
	testcontainer "$ID" stopped
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "a hook that outlives its timeout is killed and fails the operation" {
	printf '#!/bin/sh\necho $$ >%s/slow.pid\nexec sleep 30\n' "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/slow.sh"
	chmod 755 "$BATS_TEST_TMPDIR/slow.sh"
	update_config '.hooks.prestart = [{path: $p, timeout: 1}]' --arg p "$BATS_TEST_TMPDIR/slow.sh"
	SECONDS=0
	run --separate-stderr husk create "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: hooks.prestart[0] '$BATS_TEST_TMPDIR/slow.sh': timed out after 1 s" ]
	[ "$SECONDS" -lt 5 ]
	! kill -0 "$(cat "$BATS_TEST_TMPDIR/slow.pid")" 2>/dev/null
	assert_no_leftovers
}

@test "a failing poststart or poststop hook is a warning only" {
	printf '#!/bin/sh\necho oops >&2\nexit 2\n' >"$BATS_TEST_TMPDIR/fail.sh"
	chmod 755 "$BATS_TEST_TMPDIR/fail.sh"
	update_config '.hooks.poststart = [{path: $p}] | .hooks.poststop = [{path: $p}, {path: $h, args: [$h, "poststop"]}]' \
		--arg p "$BATS_TEST_TMPDIR/fail.sh" --arg h "$HOOK"
	husk_raw create "$ID"
	run --separate-stderr husk start "$ID"
	[ "$status" -eq 0 ]
	[ "$stderr" = "husk: warning: hooks.poststart[0] '$BATS_TEST_TMPDIR/fail.sh': exited with status 2: oops, ignoring" ]
	wait_for test -e "$ROOTFS/ran"
	testcontainer "$ID" running
	run --separate-stderr husk delete -f "$ID"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"hooks.poststop[0] '$BATS_TEST_TMPDIR/fail.sh': exited with status 2: oops, ignoring" ]]
	# The next poststop hook still ran.
	line_of poststop
	assert_no_leftovers
}

@test "a hook that does not exist is reported by its path" {
	update_config '.hooks.createRuntime = [{path: "/no/such/hook"}]'
	run --separate-stderr husk create "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: hooks.createRuntime[0] '/no/such/hook': exited with status 127: exec: No such file or directory" ]
	assert_no_leftovers
}
