#!/usr/bin/env bats
# Races on one container id (crash-safety): each round launches 10 to 20 husk
# calls at once on the same id (create, run -d, start, exec, kill TERM/KILL
# with and without --all, delete, delete --force, state), from a container
# that is missing, created, running or stopped, waits for them all, then
# checks what is left:
#   - every call exited 0 or 1 (an exec also 128+N when the round's kill or
#     delete killed its process), and a failure printed one line "husk: ..."
#     on stderr (not empty, no broken pipe, no errno 0);
#   - `husk state` and `husk list` agree with each other and with reality: a
#     created or running init is alive and in the container's cgroup in every
#     hierarchy; a stopped container has no process left; no state, nothing
#     left at all (state dir, cgroup, mount, process);
#   - no process of the container (in its cgroups, with its HUSK_TEST_ID, or
#     with its rootfs as root) is outside the pid namespace of the init the
#     state names: no init lives without a state directory naming it;
#   - then `husk delete --force` exits 0 and leaves no state dir, cgroup in any
#     hierarchy, mount or process.
# The state settles for up to RACE_SETTLE tenths of a second first (a killed
# process takes a moment to die); only what outlasts that is a violation.
# Violations are counted over all rounds; the test fails if there was one.
#
# RACE_ROUNDS=N   rounds (default 40, about 70 s on 2 cores);
# RACE_SEED=S     replays the rounds of a seed (printed in the test's log);
# RACE_KEEP=DIR   keeps the calls and outputs of each round with a violation;
# RACE_FIGURES=F  appends the figures of the run to F.
# shellcheck disable=SC2016,SC2154

load helpers

RACE_ROUNDS=${RACE_ROUNDS:-40}
RACE_SETTLE=${RACE_SETTLE:-30}
# A round takes a second or two; leave room for slow machines.
if [ "$BATS_TEST_TIMEOUT" -lt $((RACE_ROUNDS * 15 + 60)) ]; then
	BATS_TEST_TIMEOUT=$((RACE_ROUNDS * 15 + 60))
fi

setup() {
	setup_bundle payload trap TERM 0
	RACE_CALL=$BATS_TEST_TMPDIR/call.pl
	# call.pl RESULT DELAY_MS LIMIT CMD... : runs CMD DELAY_MS after it is let go, TERM
	# after LIMIT seconds (KILL 5 s later); writes "exit N", "signal N" or "timeout" into
	# RESULT (a shell's $? cannot tell husk killed by a signal from an exec's 128+N).
	cat >"$RACE_CALL" <<-'EOF'
		use strict;
		use warnings;
		no warnings "exec"; # the line after exec() runs only when it failed
		use POSIX ();
		my ($result, $delay, $limit, @cmd) = @ARGV;
		select(undef, undef, undef, $delay / 1000) if $delay > 0;
		my $pid = fork();
		defined $pid or die "fork: $!";
		if ($pid == 0) {
			exec { $cmd[0] } @cmd;
			print STDERR "exec $cmd[0]: $!\n";
			POSIX::_exit(127);
		}
		my $late = 0;
		$SIG{ALRM} = sub { $late++; kill($late > 1 ? 'KILL' : 'TERM', $pid); alarm 5; };
		alarm $limit;
		while (waitpid($pid, 0) != $pid) { }
		my $st = $?;
		alarm 0;
		open(my $fh, '>', $result) or die "$result: $!";
		print $fh $late ? "timeout\n" : ($st & 127) ? "signal " . ($st & 127) . "\n" : "exit " . ($st >> 8) . "\n";
		close($fh);
	EOF
	RACE_DIR=$BATS_TEST_TMPDIR/round
	RACE_VIOLATIONS=0
	RACE_ROUND=0
	RACE_SETTLED=0
	RACE_CALLS=0
	declare -gA RACE_OUTCOMES=()
}
teardown() { teardown_bundle; }

# ---- what the container has -------------------------------------------------------------

# race_alive PID : PID is alive and not a zombie.
race_alive() {
	local line
	read -r line 2>/dev/null <"/proc/$1/stat" || return 1
	line=${line##*) }
	[ "${line%% *}" != Z ] && [ "${line%% *}" != X ]
}

# race_procs : the container's live processes, one a line: in its cgroups, with its
# HUSK_TEST_ID in the environment, or whose root directory is its rootfs.
race_procs() {
	local root p
	root=$(stat -c %d:%i "$ROOTFS")
	for p in $({
		container_pids "$ID"
		stat -L -c '%n %d:%i' /proc/[0-9]*/root 2>/dev/null |
			awk -v r="$root" '$2 == r { split($1, f, "/"); print f[3] }'
	} | sort -un); do
		[ "$p" != "$BASHPID" ] && race_alive "$p" && echo "$p"
	done
	return 0
}

# race_mounts : the mount points of our mountinfo lines that name the container's bundle
# or id, on one line.
race_mounts() {
	grep -F -e "$BUNDLE" -e "$ID" /proc/self/mountinfo | awk '{ printf "%s%s", s, $5; s = " " }'
	return 0
}

# race_root_extra : entries of the state root other than the container's own
# state dir and the seccomp cache (e.g. a .creating.PID a failed create left).
race_root_extra() {
	local e
	for e in "$HUSK_ROOT"/* "$HUSK_ROOT"/.[!.]*; do
		[ -e "$e" ] || continue
		case ${e##*/} in
		"$ID" | .seccomp-cache) ;;
		*) echo "${e##*/}" ;;
		esac
	done
}

# ---- the invariants ---------------------------------------------------------------------

# race_problems : prints one line per invariant the container breaks now (nothing when
# it is consistent).  Nothing else may be running husk on $ID.
race_problems() {
	local out err rc=0 status pid listed p initns hier d procs mounts extra
	out=$("$HUSK" --root "$HUSK_ROOT" state "$ID" 2>"$BATS_TEST_TMPDIR/state.err" 3>&-) || rc=$?
	err=$(cat "$BATS_TEST_TMPDIR/state.err")
	listed=$("$HUSK" --root "$HUSK_ROOT" list --format json 2>&1 3>&- |
		jq -r --arg id "$ID" 'if type == "array" then (map(select(.id == $id)) | if length == 0 then "absent" else .[0].status end) else "bad list" end' 2>&1)
	procs=$(race_procs)
	extra=$(race_root_extra)
	[ -z "$extra" ] || echo "state root holds ${extra//$'\n'/ }"
	if [ "$rc" -ne 0 ]; then
		[ "$rc" -eq 1 ] && [ "$err" = "husk: container '$ID' does not exist" ] ||
			echo "state exited $rc: $err"
		[ "$listed" = absent ] || echo "no state, but list says '$listed'"
		[ ! -e "$HUSK_ROOT/$ID" ] || echo "state fails, yet the state dir is there: $(find "$HUSK_ROOT/$ID" -mindepth 1 -printf '%f ')"
		for d in $(cgroup_dirs "$ID"); do echo "no state, but cgroup $d"; done
		mounts=$(race_mounts)
		[ -z "$mounts" ] || echo "no state, but mounts: $mounts"
		[ -z "$procs" ] || echo "no state, but processes: $(race_ps "$procs")"
		return 0
	fi
	[ -z "$err" ] || echo "state succeeded with stderr: $err"
	status=$(jq -r .status <<<"$out")
	pid=$(jq -r .pid <<<"$out")
	[ "$listed" = "$status" ] || echo "state says $status, list says $listed"
	case $status in
	created | running)
		if [ "$pid" -le 0 ] || ! race_alive "$pid"; then
			echo "$status, but its init $pid is not alive"
			return 0
		fi
		# In the container's cgroup, in every hierarchy, and the cgroup knows it.
		hier=$(grep -cv ":$CGROUP_PATH\$" "/proc/$pid/cgroup")
		[ "$hier" -eq 0 ] || echo "$status init $pid is outside $CGROUP_PATH: $(grep -v ":$CGROUP_PATH\$" "/proc/$pid/cgroup" | tr '\n' ' ')"
		for d in $CGROUP_MOUNTS; do
			grep -qx "$pid" "$d$CGROUP_PATH/cgroup.procs" 2>/dev/null ||
				echo "$status init $pid is not in $d$CGROUP_PATH/cgroup.procs"
		done
		if [ "$status" = created ]; then
			[ -p "$HUSK_ROOT/$ID/exec.fifo" ] || echo "created without exec.fifo"
		fi
		# Every process of the container lives in the init's pid namespace.
		initns=$(readlink "/proc/$pid/ns/pid")
		for p in $procs; do
			[ "$p" = "$pid" ] && continue
			[ "$(readlink "/proc/$p/ns/pid" 2>/dev/null)" = "$initns" ] ||
				echo "process $(race_ps "$p") is not in the pid namespace of the init $pid the state names"
		done
		;;
	stopped)
		[ -z "$procs" ] || echo "stopped, but processes are alive: $(race_ps "$procs")"
		;;
	*)
		echo "status '$status' once every call has ended"
		;;
	esac
}

# race_ps PIDS : "PID(comm, ppid PPID)" for each of the blank-separated PIDS, for messages.
race_ps() {
	local p
	for p in $1; do
		printf '%s(%s, ppid %s) ' "$p" "$(cat "/proc/$p/comm" 2>/dev/null)" \
			"$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)"
	done
}

# race_gone_problems : after delete --force: what is left of the container.
race_gone_problems() {
	local d procs mounts
	[ ! -e "$HUSK_ROOT/$ID" ] || echo "state dir $HUSK_ROOT/$ID is left"
	[ -z "$(race_root_extra)" ] || echo "state root holds $(race_root_extra | tr '\n' ' ')"
	for d in $(cgroup_dirs "$ID"); do echo "cgroup $d is left"; done
	mounts=$(race_mounts)
	[ -z "$mounts" ] || echo "mounts are left: $mounts"
	procs=$(race_procs)
	[ -z "$procs" ] || echo "processes are left: $(race_ps "$procs")"
	return 0
}

# race_settle FUNCTION : counts as a violation each problem FUNCTION still reports after
# RACE_SETTLE tenths of a second (PREFIX before each).
race_settle() {
	local i problems line
	for ((i = 0; i <= RACE_SETTLE; i++)); do
		problems=$("$1")
		[ -n "$problems" ] || break
		sleep 0.1
	done
	[ "$i" -eq 0 ] || [ -n "$problems" ] || RACE_SETTLED=$((RACE_SETTLED + 1))
	while IFS= read -r line; do
		[ -z "$line" ] || race_violation "${2:-}$line"
	done <<<"$problems"
}

# race_violation TEXT : counts and logs a violation of this round.
race_violation() {
	RACE_VIOLATIONS=$((RACE_VIOLATIONS + 1))
	echo "round $RACE_ROUND: $1" >&2
	RACE_ROUND_BAD=1
}

# race_check_calls : each call of the round ended as it may.
race_check_calls() {
	local i rc err lines verb errlines killers=0
	# Only a kill or a delete kills an exec'd process.
	[[ " ${RACE_ARGS[*]} " != *" kill "* && " ${RACE_ARGS[*]} " != *" delete "* ]] || killers=1
	for ((i = 0; i < RACE_N; i++)); do
		verb=${RACE_ARGS[$i]}
		rc="no result"
		[ ! -e "$RACE_DIR/$i.rc" ] || rc=$(<"$RACE_DIR/$i.rc")
		err=$(<"$RACE_DIR/$i.err")
		mapfile -t errlines <"$RACE_DIR/$i.err"
		lines=${#errlines[@]}
		RACE_OUTCOMES["$verb: $rc"]=$((${RACE_OUTCOMES["$verb: $rc"]:-0} + 1))
		case $rc in
		"exit 0")
			[ -z "$err" ] || race_violation "'husk $verb' succeeded with stderr: $err"
			;;
		"exit 1")
			if [ "$lines" -ne 1 ] || [[ "$err" != "husk: "?* ]] ||
				[[ "${err,,}" == *"broken pipe"* || "${err,,}" == *": success" ]]; then
				race_violation "'husk $verb' failed with a bad message (${lines} lines): '$err'"
			fi
			;;
		"exit 137" | "exit 143")
			# The exec'd process's own end, killed by the round's kill or delete.
			[ "${verb%% *}" = exec ] && [ "$killers" = 1 ] && [ -z "$err" ] ||
				race_violation "'husk $verb' ended with $rc: $err"
			;;
		*)
			race_violation "'husk $verb' ended with $rc: $err"
			;;
		esac
	done
}

# race_force_clean : after a violation: removes by hand what is left, so that the next
# round starts from nothing.
race_force_clean() {
	local i p d m
	"$HUSK" --root "$HUSK_ROOT" delete --force "$ID" >/dev/null 2>&1 </dev/null 3>&- || true
	for ((i = 0; i < 20; i++)); do
		p=$(race_procs)
		[ -n "$p" ] || break
		# shellcheck disable=SC2086
		kill -9 $p 2>/dev/null || true
		sleep 0.1
	done
	for d in $(cgroup_dirs "$ID"); do
		find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
	done
	# Stacked mounts: one umount each, until none is left.
	for ((i = 0; i < 20; i++)); do
		m=$(bundle_mounts)
		[ -n "$m" ] || break
		# shellcheck disable=SC2086
		umount -l $m 2>/dev/null || true
	done
	rm -rf "${HUSK_ROOT:?}/$ID" "$HUSK_ROOT"/.creating.*
}

# ---- a round ----------------------------------------------------------------------------

# race_pick : RACE_WORDS, the words of a random husk call on $ID (not in a subshell:
# $RANDOM must go on from the seed).
race_pick() {
	local sig=TERM
	[ $((RANDOM % 2)) = 0 ] || sig=KILL
	case $((RANDOM % 12)) in
	0) RACE_WORDS="create $ID" ;;
	1) RACE_WORDS="run -d $ID" ;;
	2 | 3) RACE_WORDS="start $ID" ;;
	4) RACE_WORDS="exec $ID payload sleep 0.1" ;;
	5 | 6) RACE_WORDS="kill $ID $sig" ;;
	7) RACE_WORDS="kill --all $ID $sig" ;;
	8) RACE_WORDS="delete $ID" ;;
	9) RACE_WORDS="delete --force $ID" ;;
	*) RACE_WORDS="state $ID" ;;
	esac
}

# race_prepare : brings the container to a random starting point, named in RACE_START.
race_prepare() {
	local h=("$HUSK" --root "$HUSK_ROOT")
	case $((RANDOM % 4)) in
	0) RACE_START=none ;;
	1) RACE_START=created && "${h[@]}" create "$ID" </dev/null >/dev/null 2>&1 3>&- ;;
	2) RACE_START=running && "${h[@]}" run -d "$ID" </dev/null >/dev/null 2>&1 3>&- ;;
	3)
		RACE_START=stopped
		"${h[@]}" run -d "$ID" </dev/null >/dev/null 2>&1 3>&- &&
			"${h[@]}" kill "$ID" KILL 3>&- &&
			wait_for sh -c "[ \"\$(\"$HUSK\" --root \"$HUSK_ROOT\" state \"$ID\" | jq -r .status)\" = stopped ]"
		;;
	esac
}

# race_round : one round: a starting point, RACE_N calls at once, the checks, delete --force.
race_round() {
	local i go delay pids=()
	RACE_ROUND_BAD=0
	rm -rf "$RACE_DIR"
	mkdir -p "$RACE_DIR"
	race_prepare || race_violation "the starting point ($RACE_START) failed"
	RACE_N=$((10 + RANDOM % 11))
	RACE_ARGS=()
	: >"$RACE_DIR/go"
	exec {go}>"$RACE_DIR/go"
	flock -x "$go"
	for ((i = 0; i < RACE_N; i++)); do
		race_pick
		RACE_ARGS+=("$RACE_WORDS")
		# Half of them at once, the others up to 200 ms later: also mid-way through a create.
		delay=$((RANDOM % 2 ? 0 : RANDOM % 200))
		echo "$i +${delay}ms husk $RACE_WORDS" >>"$RACE_DIR/calls"
		(
			exec {go}>&-
			flock -s 9
			# shellcheck disable=SC2086 # words of the call
			exec perl "$RACE_CALL" "$RACE_DIR/$i.rc" "$delay" "$HUSK_TIMEOUT" \
				"$HUSK" --root "$HUSK_ROOT" $RACE_WORDS </dev/null >"$RACE_DIR/$i.out" 2>"$RACE_DIR/$i.err" 9<&-
		) 9<"$RACE_DIR/go" 3>&- &
		pids+=($!)
	done
	flock -u "$go"
	exec {go}>&-
	for i in "${pids[@]}"; do wait "$i" || true; done
	RACE_CALLS=$((RACE_CALLS + RACE_N))

	race_check_calls
	race_settle race_problems

	run --separate-stderr husk delete --force "$ID"
	[ "$status" -eq 0 ] && [ -z "$stderr" ] ||
		race_violation "delete --force exited $status: $stderr"
	race_settle race_gone_problems "after delete --force: "

	if [ "$RACE_ROUND_BAD" = 1 ]; then
		echo "round $RACE_ROUND started $RACE_START, calls:" >&2
		sed 's/^/    /' "$RACE_DIR/calls" >&2
		if [ -n "${RACE_KEEP:-}" ]; then
			mkdir -p "$RACE_KEEP"
			cp -r "$RACE_DIR" "$RACE_KEEP/round-$RACE_ROUND"
		fi
		race_force_clean
	fi
}

@test "many husk calls at once on one id keep state and reality in agreement, and delete --force leaves nothing" {
	local seed=${RACE_SEED:-$(((RANDOM << 15) | RANDOM))} k
	echo "RACE_SEED=$seed RACE_ROUNDS=$RACE_ROUNDS" >&2
	RANDOM=$seed
	for ((RACE_ROUND = 1; RACE_ROUND <= RACE_ROUNDS; RACE_ROUND++)); do
		race_round
	done
	local figures="races: $RACE_ROUNDS rounds, $RACE_CALLS calls, $RACE_VIOLATIONS violations, $RACE_SETTLED checks that needed to settle (seed $seed)"
	echo "# $figures" >&3
	echo "$figures" >&2
	if [ -n "${RACE_FIGURES:-}" ]; then
		{
			echo "$figures"
			for k in "${!RACE_OUTCOMES[@]}"; do
				echo "  ${RACE_OUTCOMES[$k]}  ${k//$ID/ID}"
			done | sort -k2
		} >>"$RACE_FIGURES"
	fi
	[ "$RACE_VIOLATIONS" -eq 0 ]
}

# The reduced reproduction of what the rounds found: the exec'd process dies (its container's
# init was killed, which takes the whole pid namespace) after the clone, before husk exec
# releases it.  husk exec said "release the process to exec: Broken pipe" (the errno of its
# write to the dead process's sync socket); it now says what happened.
@test "an exec whose container is killed before its process is released fails with one clear line" {
	command -v strace >/dev/null || skip "needs strace"
	husk_raw run -d "$ID" </dev/null >/dev/null 2>&1
	# The exec's clone3 returns 1 s late: its process exists and waits to be released.
	strace -o /dev/null -e trace=clone3 -e inject=clone3:delay_exit=1000000 \
		"$HUSK" --root "$HUSK_ROOT" exec "$ID" payload sleep 0.1 \
		</dev/null >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	slow=$!
	track_pid "$slow"
	sleep 0.5
	husk_raw kill "$ID" KILL
	rc=0
	wait "$slow" || rc=$?
	err=$(cat "$BATS_TEST_TMPDIR/err")
	echo "exec exited $rc: $err" >&2
	[ "$rc" -eq 1 ] || [ "$rc" -eq 137 ]
	[ "$rc" -eq 137 ] || { [ "$(wc -l <"$BATS_TEST_TMPDIR/err")" -eq 1 ] && [[ "$err" == "husk: "?* ]]; }
	[[ "${err,,}" != *"broken pipe"* ]]
	husk_raw delete --force "$ID"
	assert_no_leftovers
}
