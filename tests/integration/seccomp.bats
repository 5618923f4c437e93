#!/usr/bin/env bats
# linux.seccomp: the filter as the workload sees it (/proc/self/status, what a
# syscall returns, how the process dies), every action, operator, the
# architectures, the flags, SCMP_ACT_NOTIFY with a listener, a docker-like
# profile, exec, and bad profiles refused with nothing left.
# shellcheck disable=SC2016,SC2154

load helpers

PROFILE=$REPO_DIR/tests/fixtures/seccomp/default.json
LISTENER=$REPO_DIR/tests/payload/seccomp-listener

setup() {
	requires root
	setup_bundle payload syscall getppid
}

teardown() { teardown_bundle; }

# seccomp JSON : sets linux.seccomp.
seccomp() {
	update_config '.linux.seccomp = $s' --argjson s "$1"
}

# allow_but RULES_JSON : default ALLOW with these rules.
allow_but() {
	seccomp "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": $1}"
}

# docker_like [JQ FILTER] : the docker-like fixture profile, edited by FILTER.
docker_like() {
	update_config '.linux.seccomp = ($p[0] | '"${1:-.}"')' --slurpfile p "$PROFILE"
}

# start_listener ANSWER : the test agent on $SOCK, writing into $AGENT.
start_listener() {
	[ -x "$LISTENER" ] || skip "no $LISTENER (make tests/payload/seccomp-listener)"
	SOCK=$BATS_TEST_TMPDIR/agent.sock
	AGENT=$BATS_TEST_TMPDIR/agent
	mkdir -p "$AGENT"
	"$LISTENER" "$SOCK" "$AGENT" "$1" 3>&- &
	track_pid $!
	wait_for test -S "$SOCK"
}

@test "the filter is in force: Seccomp 2 and NoNewPrivs 1 in /proc/self/status" {
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_ERRNO"}]'
	set_args payload cat /proc/self/status
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'Seccomp:\t2'* ]]
	[[ "$output" == *$'Seccomp_filters:\t1'* ]]
	[[ "$output" == *$'NoNewPrivs:\t1'* ]]
}

@test "without noNewPrivileges the filter is loaded before the capabilities are dropped" {
	# Loading needs CAP_SYS_ADMIN then; a uid 1000 process with no capability has the filter.
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]'
	update_config '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000}
		| .process.capabilities = {}'
	set_args sh -c 'payload cat /proc/self/status | grep -E "^(Seccomp|NoNewPrivs|CapEff):"; payload syscall getppid'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'Seccomp:\t2'* ]]
	[[ "$output" == *$'NoNewPrivs:\t0'* ]]
	[[ "$output" == *$'CapEff:\t0000000000000000'* ]]
	[[ "$output" == *"errno 42"* ]]
}

@test "SCMP_ACT_ERRNO fails the syscall with errnoRet, EPERM without it" {
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42},
		{"names": ["getpgid"], "action": "SCMP_ACT_ERRNO"}]'
	set_args sh -c 'payload syscall getppid; payload syscall getpgid 0; payload syscall getsid 0'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 42" ]
	[ "${lines[1]}" = "errno 1" ]
	[[ "${lines[2]}" == "ret "* ]]
}

@test "defaultErrnoRet is what every syscall not allowed fails with" {
	docker_like '.defaultErrnoRet = 13'
	set_args sh -c 'payload syscall unshare 0; payload syscall keyctl 0'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 13" ]
	[ "${lines[1]}" = "errno 13" ]
}

@test "SCMP_ACT_KILL, KILL_THREAD and KILL_PROCESS kill the workload with SIGSYS" {
	for action in SCMP_ACT_KILL SCMP_ACT_KILL_THREAD SCMP_ACT_KILL_PROCESS; do
		allow_but "[{\"names\": [\"getppid\"], \"action\": \"$action\"}]"
		run husk run "$ID"
		echo "$action: status $status"
		[ "$status" -eq 159 ] # 128 + SIGSYS
		[ "$output" = "" ]
	done
}

@test "SCMP_ACT_TRAP delivers SIGSYS for the syscall, which the workload can catch" {
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_TRAP"}]'
	set_args payload syscall --trap getppid
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "sigsys 110" ] # getppid on x86_64
}

@test "SCMP_ACT_TRACE without a tracer fails the syscall with ENOSYS; SCMP_ACT_LOG allows it" {
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_TRACE", "errnoRet": 5},
		{"names": ["getpgid"], "action": "SCMP_ACT_LOG"}]'
	set_args sh -c 'payload syscall getppid; payload syscall getpgid 0'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 38" ]
	[[ "${lines[1]}" == "ret "* ]]
}

@test "argument conditions: each operator decides which calls match" {
	# personality(A): a rule ERRNO 40 with one condition; two calls, the first must match.
	while read -r op value two match nomatch; do
		allow_but "[{\"names\": [\"personality\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 40,
			\"args\": [{\"index\": 0, \"op\": \"$op\", \"value\": $value, \"valueTwo\": $two}]}]"
		set_args sh -c "payload syscall personality $match; payload syscall personality $nomatch"
		run husk run "$ID"
		echo "$op $value $two: $output"
		[ "$status" -eq 0 ]
		[ "${lines[0]}" = "errno 40" ]
		[[ "${lines[1]}" == "ret "* ]]
	done <<-EOF
		SCMP_CMP_EQ 8 0 8 0
		SCMP_CMP_NE 8 0 0 8
		SCMP_CMP_LT 8 0 7 8
		SCMP_CMP_LE 8 0 8 9
		SCMP_CMP_GE 8 0 8 7
		SCMP_CMP_GT 8 0 9 8
		SCMP_CMP_MASKED_EQ 255 8 0x20008 0x20000
	EOF
}

@test "argument conditions: on different arguments they are ANDed, on the same argument ORed" {
	allow_but '[{"names": ["getpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 40,
			"args": [{"index": 0, "op": "SCMP_CMP_EQ", "value": 0}, {"index": 1, "op": "SCMP_CMP_EQ", "value": 0}]},
		{"names": ["personality"], "action": "SCMP_ACT_ERRNO", "errnoRet": 41,
			"args": [{"index": 0, "op": "SCMP_CMP_EQ", "value": 8}, {"index": 0, "op": "SCMP_CMP_GE", "value": 131072}]}]'
	set_args sh -c 'payload syscall getpriority 0 0; payload syscall getpriority 0 1; payload syscall getpriority 1 0
		payload syscall personality 8; payload syscall personality 0x20000; payload syscall personality 0'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 40" ]
	[[ "${lines[1]}" == "ret "* ]]
	[[ "${lines[2]}" == "ret "* ]]
	[ "${lines[3]}" = "errno 41" ]
	[ "${lines[4]}" = "errno 41" ]
	[[ "${lines[5]}" == "ret "* ]]
}

@test "architectures: an i386 syscall is killed unless SCMP_ARCH_X86 is listed, and the rules cover it" {
	[ "$(uname -m)" = x86_64 ] || skip "x86_64 only"
	"$REPO_DIR/tests/payload/payload" syscall --x86 20 | grep -q '^ret ' || skip "no ia32 emulation in this kernel"
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]'
	set_args payload syscall --x86 20 # getpid through int 0x80
	run husk run "$ID"
	[ "$status" -eq 159 ]
	update_config '.linux.seccomp.architectures = ["SCMP_ARCH_X86"]'
	set_args sh -c 'payload syscall --x86 20; payload syscall --x86 64' # getpid, getppid on i386
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "ret "* ]]
	[ "${lines[1]}" = "errno 42" ]
}

@test "a syscall name unknown to libseccomp is skipped, the rest of the rule applies" {
	allow_but '[{"names": ["husk_no_such_syscall", "getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]'
	run --separate-stderr husk --debug run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "errno 42" ]
	[[ "$stderr" == *"syscall 'husk_no_such_syscall' unknown to libseccomp, skipped"* ]]
}

@test "flags: TSYNC, LOG and SPEC_ALLOW reach seccomp(2)" {
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]'
	update_config '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
		"SECCOMP_FILTER_FLAG_SPEC_ALLOW"]'
	set_args sh -c 'payload syscall getppid; payload cat /proc/self/status | grep -E "^(Seccomp|Speculation_Store_Bypass):"'
	run --separate-stderr husk --debug run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 42" ]
	[[ "$output" == *$'Seccomp:\t2'* ]]
	[[ "$stderr" == *"flags 0x7"* ]]
	# In the kernel's "seccomp" SSB mode a filter forces the mitigation unless SPEC_ALLOW.
	ssb=$(grep Speculation_Store_Bypass <<<"$output")
	[[ "$ssb" != *"force mitigated"* ]]
	if grep -q 'seccomp' /sys/devices/system/cpu/vulnerabilities/spec_store_bypass 2>/dev/null; then
		update_config '.linux.seccomp.flags = []'
		run husk run "$ID"
		[[ "$output" == *"thread force mitigated"* ]]
	fi
}

@test "every architecture and flag husk features lists is accepted in a profile" {
	features=$("$HUSK" features)
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]'
	# One filter holds architectures of one byte order: the little-endian ones, as on x86_64.
	[ "$(uname -m)" = x86_64 ] || skip "x86_64 only"
	update_config '.linux.seccomp.architectures = [$f.linux.seccomp.archs[]
			| select(test("MIPS_|MIPS64|MIPS$|PPC$|PPC64$|S390|PARISC|M68K|SHEB") | not)]
		| .linux.seccomp.flags = $f.linux.seccomp.supportedFlags' --argjson f "$features"
	jq -c .linux.seccomp.architectures config.json
	[ "$(jq '.linux.seccomp.architectures | length' config.json)" -ge 10 ]
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "errno 42" ]
}

@test "SCMP_ACT_NOTIFY: the listener gets the state and the fd, and answers the syscall (run)" {
	start_listener val:4242
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_NOTIFY"}]'
	update_config '.linux.seccomp.listenerPath = $s | .linux.seccomp.listenerMetadata = "husk-meta"
		| .annotations = {"org.husk.test": "yes"}' --arg s "$SOCK"
	set_args sh -c 'payload syscall getppid; payload syscall getppid'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "ret 4242" ]
	[ "${lines[1]}" = "ret 4242" ]
	state=$AGENT/state-1.json
	[ "$(jq -c .fds "$state")" = '["seccompFd"]' ]
	[ "$(jq -r .metadata "$state")" = husk-meta ]
	[ "$(jq -r .state.status "$state")" = creating ]
	[ "$(jq -r .state.id "$state")" = "$ID" ]
	[ "$(jq -r .state.bundle "$state")" = "$BUNDLE" ]
	[ "$(jq -r '.state.annotations["org.husk.test"]' "$state")" = yes ]
	[ "$(jq -r .pid "$state")" = "$(jq -r .state.pid "$state")" ]
	[ "$(jq -r .pid "$state")" -gt 1 ]
	[ "$(grep -c '^110$' "$AGENT/notified")" -ge 2 ] # getppid (sh may call it too)
}

@test "SCMP_ACT_NOTIFY: create + start, without noNewPrivileges, an errno answer" {
	start_listener errno:13
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_NOTIFY"}]'
	update_config '.linux.seccomp.listenerPath = $s | .process.noNewPrivileges = false' --arg s "$SOCK"
	run husk create "$ID"
	[ "$status" -eq 0 ]
	# The listener has the fd once create returns.
	[ "$(jq -r .state.status "$AGENT/state-1.json")" = creating ]
	pid=$(jq -r .pid "$AGENT/state-1.json")
	testcontainer "$ID" created
	[ "$(jq -r .pid <<<"$(husk state "$ID")")" = "$pid" ]
	husk_raw start "$ID"
	wait_for sh -c "! kill -0 $pid 2>/dev/null"
	[ "$(cat "$AGENT/notified")" = 110 ]
}

@test "SCMP_ACT_NOTIFY: an exec'd process has the filter and its own listener fd" {
	start_listener val:7
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_NOTIFY"}]'
	update_config '.linux.seccomp.listenerPath = $s' --arg s "$SOCK"
	set_args payload sleep 30
	husk_raw run -d "$ID" </dev/null >/dev/null
	run husk exec "$ID" payload syscall getppid
	[ "$status" -eq 0 ]
	[ "$output" = "ret 7" ]
	[ "$(jq -r .state.status "$AGENT/state-2.json")" = running ]
	[ "$(jq -r .state.id "$AGENT/state-2.json")" = "$ID" ]
	# The exec'd process's own pid, the init's in the state.
	[ "$(jq -r .pid "$AGENT/state-2.json")" != "$(jq -r .state.pid "$AGENT/state-2.json")" ]
	[ "$(jq -r .state.pid "$AGENT/state-2.json")" = "$(jq -r .pid "$AGENT/state-1.json")" ]
}

@test "a docker-like profile: unshare and keyctl fail with EPERM, ordinary work goes on" {
	[ "$(jq '[.syscalls[].names[]] | length' "$PROFILE")" -gt 300 ]
	docker_like
	set_args sh -c 'payload syscall unshare 0; payload syscall keyctl 0; payload syscall clone3
		echo hello | cat; ls / >/dev/null && echo listed; (exit 3); echo sub=$?
		payload cat /proc/self/status | grep "^Seccomp:"'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 1" ]
	[ "${lines[1]}" = "errno 1" ]
	[ "${lines[2]}" = "errno 38" ]
	[ "${lines[3]}" = "hello" ]
	[ "${lines[4]}" = "listed" ]
	[ "${lines[5]}" = "sub=3" ]
	[ "${lines[6]}" = $'Seccomp:\t2' ]
}

@test "a docker-like profile survives husk's steps after loading: uid and capability changes, a startContainer hook" {
	docker_like
	update_config '.process.noNewPrivileges = false | .process.user = {uid: 1000, gid: 1000, additionalGids: [10]}'
	# startContainer hooks run in the container after the filter: clone3 is refused (ENOSYS).
	cat >"$ROOTFS/start-hook.sh" <<-'EOF'
		#!/bin/sh
		echo started >/w/hook-ran
	EOF
	chmod 755 "$ROOTFS/start-hook.sh"
	mkdir -m 0777 "$ROOTFS/w"
	update_config '.hooks.startContainer = [{path: "/start-hook.sh"}]'
	set_args sh -c 'id -u; payload syscall unshare 0; payload cat /w/hook-ran'
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = "errno 1" ]
	[ "${lines[2]}" = started ]
}

@test "errors after the filter is loaded still reach husk's caller" {
	docker_like
	# Without noNewPrivileges the filter comes before the executable is looked up.
	update_config '.process.noNewPrivileges = false'
	set_args /no-such-binary
	run --separate-stderr husk run "$ID"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *'exec: "/no-such-binary": stat /no-such-binary: no such file or directory'* ]]
	assert_no_leftovers
	# With it, the filter comes before execve, which fails here.
	update_config '.process.noNewPrivileges = true'
	printf '\001\002\003\004' >"$ROOTFS/not-a-program"
	chmod 755 "$ROOTFS/not-a-program"
	set_args /not-a-program
	run --separate-stderr husk run "$ID"
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"exec '/not-a-program': Exec format error"* ]]
	assert_no_leftovers
}

@test "exec gets the container's profile" {
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42}]'
	set_args payload sleep 30
	husk_raw run -d "$ID" </dev/null >/dev/null
	run husk exec "$ID" sh -c 'payload syscall getppid; payload cat /proc/self/status | grep "^Seccomp:"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "errno 42" ]
	[ "${lines[1]}" = $'Seccomp:\t2' ]
}

@test "a compiled profile is reused from the state root's cache, and a changed one is not" {
	docker_like '.syscalls += [{names: ["keyctl"], action: "SCMP_ACT_ERRNO", errnoRet: 42}]'
	set_args payload syscall keyctl 0
	run --separate-stderr husk --debug run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "errno 42" ]
	[[ "$stderr" != *"from the cache"* ]]
	[ "$(find "$HUSK_ROOT/.seccomp-cache" -type f | wc -l)" -eq 1 ]
	run --separate-stderr husk --debug run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "errno 42" ]
	[[ "$stderr" == *"BPF instructions from the cache"* ]]
	# One number changed: another entry, the new value.
	update_config '.linux.seccomp.syscalls[-1].errnoRet = 43'
	run --separate-stderr husk --debug run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "errno 43" ]
	[[ "$stderr" != *"from the cache"* ]]
	[ "$(find "$HUSK_ROOT/.seccomp-cache" -type f | wc -l)" -eq 2 ]
	# A damaged entry is compiled again, not used.
	for f in "$HUSK_ROOT"/.seccomp-cache/*; do truncate -s 100 "$f"; done
	run --separate-stderr husk --debug run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "errno 43" ]
	[[ "$stderr" != *"from the cache"* ]]
}

@test "bad profiles are refused naming the field, and nothing is left" {
	while IFS='|' read -r profile want; do
		seccomp "$profile"
		run --separate-stderr husk run "$ID"
		echo "$profile: status $status, $stderr"
		[ "$status" -eq 1 ]
		[ "$stderr" = "husk: $want" ]
		assert_no_leftovers
	done <<-'EOF'
		{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_NOTIFY"}]}|config.json: linux.seccomp.listenerPath: required by SCMP_ACT_NOTIFY (the listener gets the notification fd)
		{"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/nonexistent"}|config.json: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY is not supported: husk's own syscalls after loading the filter would wait for a listener
		{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": "/x", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ERRNO"}, {"names": ["sendmsg"], "action": "SCMP_ACT_NOTIFY"}]}|config.json: linux.seccomp.syscalls[1]: SCMP_ACT_NOTIFY on 'sendmsg' is not supported: husk sends the listener fd with it after loading the filter
		{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86", "SCMP_ARCH_LOONGARCH64"]}|config.json: linux.seccomp.architectures[1]: 'SCMP_ARCH_LOONGARCH64' is not known to libseccomp 2.5.4
		{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_S390X"]}|config.json: linux.seccomp.architectures[0]: 'SCMP_ARCH_S390X' cannot share a filter with the native architecture (another byte order)
	EOF
}

@test "an unreachable listenerPath fails the create, and nothing is left" {
	allow_but '[{"names": ["getppid"], "action": "SCMP_ACT_NOTIFY"}]'
	update_config '.linux.seccomp.listenerPath = $s' --arg s "$BATS_TEST_TMPDIR/nobody.sock"
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == "husk: linux.seccomp.listenerPath: connect to '$BATS_TEST_TMPDIR/nobody.sock': "* ]]
	assert_no_leftovers
}
