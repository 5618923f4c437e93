#!/usr/bin/env bats
# linux.resources on the host's cgroups (v1 controllers on hybrid hosts, cgroup2 on pure v2
# ones), checked in the cgroup files and from inside the container; pause, resume, update and
# events; bad values refused with nothing left behind.

load helpers

setup() {
	requires root
	setup_bundle payload pid
}

teardown() {
	teardown_bundle
}

# cg_dir CONTROLLER : the container's directory holding CONTROLLER's files (a v1 hierarchy
# when the host has one for it, else the cgroup2 one).
cg_dir() {
	local m
	for m in $CGROUP_MOUNTS; do
		case ,$(basename "$m"), in *,"$1",*)
			[ "$(stat -f -c %T "$m")" = cgroup2fs ] && continue
			echo "$m$CGROUP_PATH"
			return 0
			;;
		esac
	done
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		echo "/sys/fs/cgroup$CGROUP_PATH"
	else
		echo "/sys/fs/cgroup/unified$CGROUP_PATH"
	fi
}

# v1_has CONTROLLER : the host has a v1 hierarchy for CONTROLLER.
v1_has() {
	awk -v c="$1" '$3 == "cgroup" { n = split($4, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) f = 1 }
		END { exit !f }' /proc/self/mounts
}

# v2_has CONTROLLER : the cgroup2 hierarchy has CONTROLLER.
v2_has() {
	local root=/sys/fs/cgroup
	[ "$(stat -f -c %T $root)" = cgroup2fs ] || root=/sys/fs/cgroup/unified
	[ -e $root/cgroup.controllers ] && grep -qw "$1" $root/cgroup.controllers
}

# has CONTROLLER : the host can limit with CONTROLLER (either way).
has() {
	v1_has "$1" || v2_has "$1"
}

run_detached() {
	status=0
	husk_raw run -d --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" </dev/null >/dev/null \
		2>"$BATS_TEST_TMPDIR/err" || status=$?
	cat "$BATS_TEST_TMPDIR/err" >&2
	[ "$status" -eq 0 ]
	PID=$(cat "$BATS_TEST_TMPDIR/pid")
}

@test "memory limit: written to the cgroup and seen inside the container" {
	has memory || skip "no memory controller"
	update_config '.linux.resources.memory = {limit: 33554432, reservation: 16777216}'
	if v1_has memory; then
		set_args payload cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	else
		set_args payload cat /sys/fs/cgroup/memory.max
	fi
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 33554432 ]
	assert_no_leftovers
}

@test "a memory hog beyond its limit is OOM-killed (137)" {
	has memory || skip "no memory controller"
	# swap = limit: no room to swap out to.
	update_config '.linux.resources.memory = {limit: 33554432, swap: 33554432}'
	set_args payload alloc 256
	run husk run "$ID"
	[ "$status" -eq 137 ]
	[[ "$output" != *allocated* ]]
	assert_no_leftovers
}

@test "the same hog runs to the end without a limit" {
	set_args payload alloc 64
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = "allocated 64" ]
}

@test "pids limit: forks fail at the limit; pids.max seen inside" {
	has pids || skip "no pids controller"
	update_config '.linux.resources.pids = {limit: 10}'
	set_args payload forks 40
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 0 ]
	n=${output#forked }
	[ "$n" -lt 10 ]
	[[ "$stderr" == *"fork: Resource temporarily unavailable"* ]]

	if v1_has pids; then
		set_args payload cat /sys/fs/cgroup/pids/pids.max
	else
		set_args payload cat /sys/fs/cgroup/pids.max
	fi
	run husk run "$ID"
	[ "$status" -eq 0 ]
	[ "$output" = 10 ]
	assert_no_leftovers
}

@test "cpu, cpuset, memory+swap and hugetlb limits read back from the cgroup files" {
	has cpu && has cpuset && has memory || skip "needs cpu, cpuset and memory controllers"
	update_config '.linux.resources.cpu = {shares: 2048, quota: 20000, period: 50000, cpus: "0"}
		| .linux.resources.memory = {limit: 67108864, swap: 134217728}'
	if has hugetlb; then
		update_config '.linux.resources.hugepageLimits = [{pageSize: "2MB", limit: 4194304}]'
	fi
	set_args payload sleep 30
	run_detached
	if v1_has cpu; then
		[ "$(cat "$(cg_dir cpu)/cpu.shares")" = 2048 ]
		[ "$(cat "$(cg_dir cpu)/cpu.cfs_quota_us")" = 20000 ]
		[ "$(cat "$(cg_dir cpu)/cpu.cfs_period_us")" = 50000 ]
	else
		[ "$(cat "$(cg_dir cpu)/cpu.weight")" = 174 ]
		[ "$(cat "$(cg_dir cpu)/cpu.max")" = "20000 50000" ]
	fi
	[ "$(cat "$(cg_dir cpuset)/cpuset.cpus")" = 0 ]
	[ "$(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$PID/status")" = 0 ]
	if v1_has memory; then
		[ "$(cat "$(cg_dir memory)/memory.limit_in_bytes")" = 67108864 ]
		if [ -e "$(cg_dir memory)/memory.memsw.limit_in_bytes" ]; then
			[ "$(cat "$(cg_dir memory)/memory.memsw.limit_in_bytes")" = 134217728 ]
		fi
	else
		[ "$(cat "$(cg_dir memory)/memory.max")" = 67108864 ]
		[ "$(cat "$(cg_dir memory)/memory.swap.max")" = 67108864 ]
	fi
	if has hugetlb; then
		if v1_has hugetlb; then
			[ "$(cat "$(cg_dir hugetlb)/hugetlb.2MB.limit_in_bytes")" = 4194304 ]
		else
			[ "$(cat "$(cg_dir hugetlb)/hugetlb.2MB.max")" = 4194304 ]
		fi
	fi
	run husk delete -f "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "unified: a key of a controller the cgroup2 hierarchy has is written as given" {
	v2_has pids || v2_has hugetlb || skip "the cgroup2 hierarchy has neither pids nor hugetlb"
	if v2_has pids; then key=pids.max value=42; else key=hugetlb.2MB.max value=2097152; fi
	update_config '.linux.resources.unified = {($k): $v}' --arg k "$key" --arg v "$value"
	set_args payload sleep 30
	run_detached
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		[ "$(cat "/sys/fs/cgroup$CGROUP_PATH/$key")" = "$value" ]
	else
		[ "$(cat "/sys/fs/cgroup/unified$CGROUP_PATH/$key")" = "$value" ]
	fi
	run husk delete -f "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

# counter : the value the container's loop last wrote.
counter() {
	local v i
	# The loop rewrites the file: a read may catch it empty, so read again.
	for ((i = 0; i < 50; i++)); do
		v=$(cat "$ROOTFS/tmp/counter" 2>/dev/null)
		[[ "$v" =~ ^[0-9]+$ ]] && { echo "$v"; return; }
		sleep 0.01
	done
	echo 0
}

@test "pause freezes every process (no progress, state paused) and resume thaws it" {
	set_args sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/counter; sleep 0.02; done'
	run_detached
	wait_for test -s "$ROOTFS/tmp/counter"
	testcontainer "$ID" running

	run husk pause "$ID"
	[ "$status" -eq 0 ]
	testcontainer "$ID" paused
	if v1_has freezer; then
		[ "$(cat "$(cg_dir freezer)/freezer.state")" = FROZEN ]
	else
		grep -qx "frozen 1" "$(cg_dir freezer)/cgroup.events"
	fi
	a=$(counter)
	sleep 0.5
	b=$(counter)
	[ "$a" = "$b" ]

	run --separate-stderr husk pause "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: container '$ID' is not running (it is paused)" ]

	run husk resume "$ID"
	[ "$status" -eq 0 ]
	testcontainer "$ID" running
	sleep 0.3
	c=$(counter)
	[ "$c" -gt "$b" ]

	run --separate-stderr husk resume "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: container '$ID' is not paused (it is running)" ]

	# A paused container can be deleted with --force.
	run husk pause "$ID"
	[ "$status" -eq 0 ]
	run husk delete -f "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "pause of a container that does not exist fails" {
	run --separate-stderr husk pause "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: container '$ID' does not exist" ]
}

@test "update changes a running container's limits (flags, -r FILE and -r -)" {
	has memory && has pids && has cpu || skip "needs memory, pids and cpu controllers"
	update_config '.linux.resources.memory = {limit: 33554432} | .linux.resources.pids = {limit: 20}'
	set_args payload sleep 30
	run_detached

	run husk update --memory 64M --memory-swap 128M --pids-limit 7 --cpu-quota 30000 --cpu-period 100000 \
		--cpu-share 512 "$ID"
	[ "$status" -eq 0 ]
	if v1_has memory; then
		[ "$(cat "$(cg_dir memory)/memory.limit_in_bytes")" = 67108864 ]
		if [ -e "$(cg_dir memory)/memory.memsw.limit_in_bytes" ]; then
			[ "$(cat "$(cg_dir memory)/memory.memsw.limit_in_bytes")" = 134217728 ]
		fi
	else
		[ "$(cat "$(cg_dir memory)/memory.max")" = 67108864 ]
	fi
	[ "$(cat "$(cg_dir pids)/pids.max")" = 7 ]
	if v1_has cpu; then
		[ "$(cat "$(cg_dir cpu)/cpu.cfs_quota_us")" = 30000 ]
		[ "$(cat "$(cg_dir cpu)/cpu.shares")" = 512 ]
	else
		[ "$(cat "$(cg_dir cpu)/cpu.max")" = "30000 100000" ]
		[ "$(cat "$(cg_dir cpu)/cpu.weight")" = 59 ]
	fi

	# Lowering both again (the order of memory and memory+swap matters on v1).
	run husk update --memory 16m --memory-swap 20m "$ID"
	[ "$status" -eq 0 ]
	if v1_has memory; then
		[ "$(cat "$(cg_dir memory)/memory.limit_in_bytes")" = 16777216 ]
	fi

	echo '{"pids": {"limit": 9}}' >"$BATS_TEST_TMPDIR/r.json"
	run husk update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
	[ "$status" -eq 0 ]
	[ "$(cat "$(cg_dir pids)/pids.max")" = 9 ]

	run husk update -r - "$ID" <<<'{"pids": {"limit": 0}}'
	[ "$status" -eq 0 ]
	[ "$(cat "$(cg_dir pids)/pids.max")" = max ]

	# As runc: the options may also follow the id.
	run husk update "$ID" --pids-limit 11 -r - <<<'{"pids": {"limit": 12}}'
	[ "$status" -eq 0 ]
	[ "$(cat "$(cg_dir pids)/pids.max")" = 11 ] # a flag wins over the file

	# Still the same container, still running.
	testcontainer "$ID" running
	run husk delete "$ID" -f
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "update refuses bad values with the value and the reason, limits unchanged" {
	has memory && has pids || skip "needs memory and pids controllers"
	update_config '.linux.resources.memory = {limit: 33554432} | .linux.resources.pids = {limit: 20}'
	set_args sh -c 'payload alloc 8; sleep 30'
	run_detached
	sleep 0.3

	run --separate-stderr husk update --memory abc "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"--memory: 'abc' is not a size"* ]]

	run --separate-stderr husk update --pids-limit 1x "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"--pids-limit: '1x' is not an integer"* ]]

	run --separate-stderr husk update -r - "$ID" <<<'{"memory": {"limit": "big"}}'
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"stdin: memory.limit"* ]]

	if v1_has memory; then
		# The kernel refuses a limit below the usage (EBUSY): the message says so.
		run --separate-stderr husk update --memory 4096 "$ID"
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"memory.limit_in_bytes'"*"memory limit 4096 is below the current usage"* ]]
		[ "$(cat "$(cg_dir memory)/memory.limit_in_bytes")" = 33554432 ]
	else
		run --separate-stderr husk update -r - "$ID" <<<'{"memory": {"limit": 4096, "checkBeforeUpdate": true}}'
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"memory limit 4096 is below the current usage"* ]]
		[ "$(cat "$(cg_dir memory)/memory.max")" = 33554432 ]
	fi
	[ "$(cat "$(cg_dir pids)/pids.max")" = 20 ]
	testcontainer "$ID" running
	run husk delete -f "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "update of a container that does not exist fails" {
	run --separate-stderr husk update --pids-limit 5 "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: container '$ID' does not exist" ]
}

@test "events --stats prints one stats object with the memory usage, pids and limits" {
	has memory && has pids || skip "needs memory and pids controllers"
	update_config '.linux.resources.memory = {limit: 67108864} | .linux.resources.pids = {limit: 20}'
	set_args sh -c 'payload alloc 4; sleep 30'
	run_detached
	sleep 0.3
	run --separate-stderr husk events --stats "$ID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .type <<<"$output")" = stats ]
	[ "$(jq -r .id <<<"$output")" = "$ID" ]
	[ "$(jq -r .data.memory.usage.limit <<<"$output")" = 67108864 ]
	[ "$(jq -r .data.memory.usage.usage <<<"$output")" -gt 0 ]
	# The 4 MiB the payload touched (and gave back at its exit) show in the peak.
	[ "$(jq -r .data.memory.usage.max <<<"$output")" -gt 4194304 ]
	[ "$(jq -r .data.pids.current <<<"$output")" -ge 1 ]
	[ "$(jq -r .data.pids.limit <<<"$output")" = 20 ]
	[ "$(jq -r .data.cpu.usage.total <<<"$output")" -gt 0 ]
	jq -e '.data.blkio and .data.hugetlb' <<<"$output" >/dev/null
	run husk delete -f "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "events streams stats and an oom event, and ends when the container stops" {
	has memory || skip "no memory controller"
	update_config '.linux.resources.memory = {limit: 33554432, swap: 33554432}'
	# Long enough before the OOM for two stats, even under emulation (tests/vm).
	set_args sh -c 'sleep 2; payload alloc 256; exit 3'
	run_detached
	run --separate-stderr husk events --interval 300ms "$ID"
	[ "$status" -eq 0 ]
	echo "$output" >&2
	[ "$(jq -r 'select(.type == "stats") | .id' <<<"$output" | head -n1)" = "$ID" ]
	[ "$(jq -r 'select(.type == "oom") | .id' <<<"$output")" = "$ID" ]
	[ "$(jq -s 'map(select(.type == "stats")) | length' <<<"$output")" -ge 2 ]
	testcontainer "$ID" stopped
	run husk delete "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "events reports an oom event when the OOM kill happens, while the container goes on running" {
	has memory || skip "no memory controller"
	update_config '.linux.resources.memory = {limit: 33554432, swap: 33554432}'
	# A child is OOM-killed; the init (sh) lives on.
	set_args sh -c 'while [ ! -e /go ]; do sleep 0.1; done; payload alloc 256; echo "alloc $?" > /alloc.done; sleep 1000'
	run_detached
	husk_exec events --interval 60s "$ID" >"$BATS_TEST_TMPDIR/events" 2>&1 &
	track_pid $!
	# The OOM comes once events watches (it has sent its first stats).
	wait_for grep -q '"type": *"stats"' "$BATS_TEST_TMPDIR/events"
	touch "$ROOTFS/go"
	wait_for test -e "$ROOTFS/alloc.done"
	wait_for grep -q '"type": *"oom"' "$BATS_TEST_TMPDIR/events"
	[ "$(jq -r 'select(.type == "oom") | .id' "$BATS_TEST_TMPDIR/events")" = "$ID" ]
	testcontainer "$ID" running
	[ "$(cat "$ROOTFS/alloc.done")" = "alloc 137" ]
	run husk delete -f "$ID"
	[ "$status" -eq 0 ]
	assert_no_leftovers
}

@test "events --interval refuses a bad duration" {
	run --separate-stderr husk events --interval soon "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"--interval: 'soon' is not a duration"* ]]
}

@test "a cpuset the host does not have: error names the field, value and reason; nothing left" {
	has cpuset || skip "no cpuset controller"
	update_config '.linux.resources.cpu = {cpus: "4095"}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"linux.resources.cpu.cpus: write '4095' to '"*"/cpuset.cpus': '4095' is not a subset"* ]]
	assert_no_leftovers
}

@test "swap (memory+swap) below the memory limit is refused, nothing left" {
	update_config '.linux.resources.memory = {swap: 1048576, limit: 4194304}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"linux.resources.memory: swap 1048576 is below limit 4194304"* ]]
	assert_no_leftovers
}

@test "fields the host's cgroups cannot apply are refused, naming the field and controller" {
	if ! v1_has net_cls; then
		update_config '.linux.resources.network = {classID: 1048577}'
		run --separate-stderr husk run "$ID"
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"linux.resources.network.classID: needs the v1 'net_cls' cgroup controller"* ]]
		assert_no_leftovers
		update_config 'del(.linux.resources.network)'
	fi
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		update_config '.linux.resources.memory = {disableOOMKiller: true}'
		run --separate-stderr husk run "$ID"
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"disableOOMKiller: cgroup v2 has no way to disable the OOM killer"* ]]
		assert_no_leftovers
		update_config 'del(.linux.resources.memory)'
	elif ! v2_has memory; then
		update_config '.linux.resources.unified = {"memory.high": "1048576"}'
		run --separate-stderr husk run "$ID"
		[ "$status" -eq 1 ]
		[[ "$stderr" == *"unified['memory.high']: the 'memory' controller is not available in the cgroup2 hierarchy"* ]]
		assert_no_leftovers
	fi
	update_config '.linux.resources.unified = {"../../cgroup.procs": "1"}'
	run --separate-stderr husk run "$ID"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"unified['../../cgroup.procs']: not a cgroup interface file name"* ]]
	assert_no_leftovers
}

@test "--systemd-cgroup maps slice:prefix:name onto the path systemd would use, and removes it" {
	update_config '.linux.cgroupsPath = $p' --arg p "husk-test.slice:husk:$ID"
	remove_ns cgroup
	set_args cat /proc/self/cgroup
	run husk --systemd-cgroup run "$ID"
	[ "$status" -eq 0 ]
	grep -q ":/husk.slice/husk-test.slice/husk-$ID.scope\$" <<<"$output"
	[ ! -e /sys/fs/cgroup/unified/husk.slice/husk-test.slice ] && [ ! -e /sys/fs/cgroup/husk.slice/husk-test.slice ]
	update_config '.linux.cgroupsPath = "/not/systemd/form"'
	run --separate-stderr husk --systemd-cgroup run "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: linux.cgroupsPath '/not/systemd/form': with --systemd-cgroup it must be slice:prefix:name" ]
	assert_no_leftovers
}

# premade_cgroup : makes $CGROUP_PATH in every hierarchy (cpusets filled), as
# something else than husk would; removed again by drop_premade_cgroup.
premade_cgroup() {
	local m
	for m in $CGROUP_MOUNTS; do
		make_cgroup "$m" "$m/husk-test" "$m$CGROUP_PATH"
	done
}
drop_premade_cgroup() {
	local m
	for m in $CGROUP_MOUNTS; do
		[ -d "$m$CGROUP_PATH" ] || continue
		[ -e "$m$CGROUP_PATH/cgroup.freeze" ] && echo 0 >"$m$CGROUP_PATH/cgroup.freeze"
		[ -e "$m$CGROUP_PATH/freezer.state" ] && echo THAWED >"$m$CGROUP_PATH/freezer.state"
		rmdir "$m$CGROUP_PATH"
	done
}

@test "a cgroup that already holds processes takes the container with a warning (as runc); it is left in place" {
	premade_cgroup
	sleep 1000 &
	other=$!
	track_pid "$other"
	for m in $CGROUP_MOUNTS; do echo "$other" >"$m$CGROUP_PATH/cgroup.procs"; done
	set_args payload sleep 30
	run_detached
	[[ "$(cat "$BATS_TEST_TMPDIR/err")" == *"husk: warning: cgroup '"*"$CGROUP_PATH' already holds processes"* ]]
	# The init is in the same cgroup as the process that was there.
	grep -q ":$CGROUP_PATH\$" "/proc/$PID/cgroup"
	[ "$(sed 's/^[0-9]*://' "/proc/$PID/cgroup")" = "$(sed 's/^[0-9]*://' "/proc/$other/cgroup")" ]
	testcontainer "$ID" running
	# delete ends every process of the cgroup (runc does the same), but leaves the directory it did not make.
	run husk delete -f "$ID"
	[ "$status" -eq 0 ]
	wait_for sh -c "! kill -0 $other 2>/dev/null"
	[ -d "$(cg_dir pids)" ]
	drop_premade_cgroup
	assert_no_leftovers
}

@test "a frozen cgroup is refused at once with a clear error, leaving nothing" {
	premade_cgroup
	if v1_has freezer; then
		echo FROZEN >"$(cg_dir freezer)/freezer.state"
		frozen=$(cg_dir freezer)
	else
		echo 1 >"$(cg_dir memory)/cgroup.freeze"
		frozen=$(cg_dir memory)
	fi
	run --separate-stderr husk create "$ID"
	[ "$status" -eq 1 ]
	[ "$stderr" = "husk: cgroup '$frozen' is frozen: thaw it first" ]
	[ ! -e "$HUSK_ROOT/$ID" ]
	drop_premade_cgroup
	assert_no_leftovers
}
