#!/bin/bash
# Recording shim: stands in for the OCI runtime an engine runs, writes down
# what the engine asked for, and hands over to the real runtime.
#
# Usage: ENGINE_SHIM_RUNTIME=/path/to/runtime ENGINE_SHIM_DIR=DIR engines-shim.sh ARGS...
# (engines-helpers.bash writes a small wrapper with both values fixed,
# because engines do not pass their environment on to the runtime.)
#
# For each call it appends one record to DIR/calls.log:
#   == N  time  pid  ppid(comm)
#   argv: the arguments, each quoted
#   cwd, and LISTEN_FDS / LISTEN_PID / NOTIFY_SOCKET / XDG_RUNTIME_DIR /
#   TERM / PATH / HOME when set, and the open fds above 2
# and keeps DIR/N-create-ID.config.json (the bundle's config.json, for
# create and run), DIR/N-update.stdin (update's resources read from stdin),
# DIR/N-exec.process.json (exec --process FILE).
# Commands that start no long-lived process (state, list, ps, features,
# --version, start, kill, delete, pause, resume, update) run as a child, so
# their stdout, stderr and exit status are recorded too (DIR/N-CMD.out,
# DIR/N-CMD.err, "exit: S"); create, run, exec and events are exec'd, so the
# runtime keeps the engine's stdio, fds, console socket and process tree as
# if the shim were not there.
set -u

runtime=${ENGINE_SHIM_RUNTIME:?}
dir=${ENGINE_SHIM_DIR:?}
mkdir -p "$dir"

# A sequence number under a lock: engines call the runtime concurrently.
exec {lockfd}>>"$dir/.lock"
flock "$lockfd"
n=$(($(cat "$dir/.seq" 2>/dev/null || echo 0) + 1))
echo "$n" >"$dir/.seq"
flock -u "$lockfd"
exec {lockfd}>&-

# The command word: the first argument that is neither a global flag nor
# the value of one.
cmd="" i=0 args=("$@")
while [ $i -lt ${#args[@]} ]; do
	a=${args[$i]}
	case $a in
	--root | --log | --log-format | --criu | --rootless) i=$((i + 2)) ;;
	-*) i=$((i + 1)) ;;
	*)
		cmd=$a
		break
		;;
	esac
done
rest=("${args[@]:$((i + 1))}")
# The container id: the last argument that is not an option or the value of one.
id=""
bundle=$PWD
proc_file=""
j=0
while [ $j -lt ${#rest[@]} ]; do
	a=${rest[$j]}
	case $a in
	-b | --bundle) bundle=${rest[$((j + 1))]:-}; j=$((j + 2)); continue ;;
	--bundle=*) bundle=${a#--bundle=} ;;
	-p | --process) proc_file=${rest[$((j + 1))]:-}; j=$((j + 2)); continue ;;
	--process=*) proc_file=${a#--process=} ;;
	--pid-file | --console-socket | --preserve-fds | --format | -f | --cwd | -e | --env | -u | --user | \
		--cap | -c | --process-label | --apparmor | --signal | --interval | -r | --resources | \
		--memory | --memory-swap | --pids-limit | --cpu-shares | --cpu-quota | --cpu-period | \
		--cpuset-cpus | --cpuset-mems | --kernel-memory | --blkio-weight | --l3-cache-schema | \
		--mem-bw-schema | --criu | --image-path | --work-path | --parent-path | --manage-cgroups-mode | \
		--empty-ns | --status-fd | --page-server | --pidfd-socket | --rdma-limit | --cpu-rt-period | \
		--cpu-rt-runtime | --cpu-idle)
		j=$((j + 2))
		continue
		;;
	-*) ;;
	*) [ -z "$id" ] && id=$a ;;
	esac
	j=$((j + 1))
done

{
	printf '== %s  %s  pid %s  parent %s(%s)\n' "$n" "$(date +%T.%N)" "$$" "$PPID" \
		"$(cat "/proc/$PPID/comm" 2>/dev/null)"
	printf 'argv:'
	printf ' %q' "$@"
	printf '\ncwd: %s\n' "$PWD"
	for v in LISTEN_FDS LISTEN_PID LISTEN_FDNAMES NOTIFY_SOCKET XDG_RUNTIME_DIR TERM PATH HOME \
		_CONTAINERS_USERNS_CONFIGURED CONTAINERD_NAMESPACE GOMAXPROCS; do
		[ -n "${!v+x}" ] && printf 'env: %s=%s\n' "$v" "${!v}"
	done
	for f in /proc/$$/fd/*; do
		fd=${f##*/}
		[ "$fd" -gt 2 ] 2>/dev/null || continue
		[ "$fd" = 255 ] && continue
		printf 'fd %s -> %s\n' "$fd" "$(readlink "$f")"
	done
	printf 'fd 0 -> %s\nfd 1 -> %s\nfd 2 -> %s\n' "$(readlink /proc/$$/fd/0)" \
		"$(readlink /proc/$$/fd/1)" "$(readlink /proc/$$/fd/2)"
} >>"$dir/calls.log.$n"

case $cmd in
create | run)
	cp "$bundle/config.json" "$dir/$n-$cmd-$id.config.json" 2>/dev/null
	;;
update)
	for a in "${rest[@]}"; do
		if [ "$a" = - ]; then
			# The resources come on stdin: keep a copy and give the runtime the same bytes.
			cat >"$dir/$n-update.stdin"
			exec <"$dir/$n-update.stdin"
			break
		fi
	done
	;;
exec)
	[ -n "$proc_file" ] && cp "$proc_file" "$dir/$n-exec.process.json" 2>/dev/null
	;;
esac

flush() {
	cat "$dir/calls.log.$n" >>"$dir/calls.log"
	rm -f "$dir/calls.log.$n"
}

case $cmd in
state | list | ps | features | "" | start | kill | delete | pause | resume | update)
	out=$dir/$n-${cmd:-version}.out
	err=$dir/$n-${cmd:-version}.err
	"$runtime" "$@" >"$out" 2>"$err"
	rc=$?
	printf 'exit: %s\n' "$rc" >>"$dir/calls.log.$n"
	flush
	cat "$out"
	cat "$err" >&2
	exit "$rc"
	;;
*)
	flush
	exec "$runtime" "$@"
	;;
esac
