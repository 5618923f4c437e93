#!/usr/bin/env bats
# husk features: the runtime-spec features document (features.md).

load helpers

setup() {
	husk_init
	run husk features
	[ "$status" -eq 0 ]
	FEATURES=$output
}

@test "features prints one valid JSON object" {
	jq -e 'type == "object"' <<<"$FEATURES"
	[ "$(jq -s length <<<"$FEATURES")" -eq 1 ]
}

@test "features has ociVersionMin and ociVersionMax, and Max is the version's spec" {
	jq -e '.ociVersionMin | test("^1\\.[0-9]+\\.[0-9]+")' <<<"$FEATURES"
	jq -e '.ociVersionMax | test("^1\\.[0-9]+\\.[0-9]+")' <<<"$FEATURES"
	jq -e 'def v: split("-")[0] | split(".") | map(tonumber); (.ociVersionMin | v) <= (.ociVersionMax | v)' <<<"$FEATURES"
	run husk --version
	[ "$status" -eq 0 ]
	spec=$(sed -n 's/^spec: //p' <<<"$output")
	[ "$(jq -r .ociVersionMax <<<"$FEATURES")" = "$spec" ]
}

@test "features lists every namespace kind" {
	for ns in pid network mount ipc uts user cgroup time; do
		jq -e --arg ns "$ns" '.linux.namespaces | index($ns) != null' <<<"$FEATURES"
	done
}

@test "features lists hooks as an array of hook names" {
	jq -e '.hooks | type == "array"' <<<"$FEATURES"
	jq -e '.hooks - ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"] == []' <<<"$FEATURES"
	jq -e '.hooks | length == 6' <<<"$FEATURES"
}

@test "features lists the mount options husk understands" {
	jq -e '.mountOptions | type == "array" and all(.[]; type == "string")' <<<"$FEATURES"
	for o in ro rw nosuid nodev noexec bind rbind rprivate relatime strictatime rro rnoexec ratime idmap ridmap tmpcopyup; do
		jq -e --arg o "$o" '.mountOptions | index($o) != null' <<<"$FEATURES"
	done
	# No duplicates.
	jq -e '.mountOptions | length == (unique | length)' <<<"$FEATURES"
}

@test "features lists seccomp: every action and operator, libseccomp's archs, the kernel's flags" {
	jq -e '.linux.seccomp.enabled == true' <<<"$FEATURES"
	for a in ALLOW ERRNO KILL KILL_THREAD KILL_PROCESS TRAP TRACE LOG NOTIFY; do
		jq -e --arg a "SCMP_ACT_$a" '.linux.seccomp.actions | index($a) != null' <<<"$FEATURES"
	done
	for o in NE LT LE EQ GE GT MASKED_EQ; do
		jq -e --arg o "SCMP_CMP_$o" '.linux.seccomp.operators | index($o) != null' <<<"$FEATURES"
	done
	for a in X86_64 X86 X32 AARCH64; do
		jq -e --arg a "SCMP_ARCH_$a" '.linux.seccomp.archs | index($a) != null' <<<"$FEATURES"
	done
	jq -e '.linux.seccomp.knownFlags | length == 4 and index("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") != null' <<<"$FEATURES"
	# Supported: known, and what this kernel takes (all four since Linux 5.19).
	jq -e '.linux.seccomp as $s | $s.supportedFlags | all(.[]; . as $f | $s.knownFlags | index($f) != null)' <<<"$FEATURES"
	jq -e '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_TSYNC") != null' <<<"$FEATURES"
	for f in $(jq -r '.linux.seccomp.knownFlags[]' <<<"$FEATURES"); do
		if ! jq -e --arg f "$f" '.linux.seccomp.supportedFlags | index($f) != null' <<<"$FEATURES" >/dev/null; then
			echo "not supported here: $f"
		fi
	done
}

@test "features' cgroup, seccomp, apparmor and selinux entries are well-formed" {
	jq -e '.linux.cgroup | type == "object" and (.v1 | type == "boolean") and (.v2 | type == "boolean")' <<<"$FEATURES"
	jq -e '.linux.seccomp.enabled | type == "boolean"' <<<"$FEATURES"
	jq -e '.linux.apparmor.enabled | type == "boolean"' <<<"$FEATURES"
	jq -e '.linux.selinux.enabled | type == "boolean"' <<<"$FEATURES"
	jq -e '.linux.capabilities | type == "array" and index("CAP_SYS_ADMIN") != null' <<<"$FEATURES"
	jq -e '.linux.mountExtensions.idmap.enabled == true' <<<"$FEATURES"
}
