#!/bin/sh
# `make demo`: one container from busybox-static, run by ./husk, that prints
# what it sees from the inside: its hostname, its pid, its user and
# capabilities, its mounts and its network devices.
#
# Builds the bundle in ./demo/ (gitignored; removed and rebuilt on every run),
# writes its config.json with `./husk spec`, runs it with a temporary --root
# and exits with the container's status.  Leaves no container behind.
#
# Usage: sh tests/demo.sh      (as root, from anywhere; `make demo` builds husk)
# Env:   HUSK=<repo>/husk
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
HUSK=${HUSK:-$repo/husk}
bundle=$repo/demo
id=husk-demo-$$

if [ "$(id -u)" != 0 ]; then
	echo "demo: run me as root (containers with new namespaces and cgroups)" >&2
	exit 1
fi
if [ ! -x "$HUSK" ]; then
	echo "demo: $HUSK not found: run 'make husk' first" >&2
	exit 1
fi
command -v jq >/dev/null || {
	echo "demo: jq not found (apt-get install jq)" >&2
	exit 1
}

root=$(mktemp -d "${TMPDIR:-/tmp}/husk-demo.XXXXXX")
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	# `husk run` deletes its container when it ends; this is for ^C and failures.
	if [ -d "$root/$id" ]; then
		"$HUSK" --root "$root" delete --force "$id" >/dev/null 2>&1 || true
	fi
	rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the bundle --------------------------------------------------------------

rm -rf "$bundle"
mkdir -p "$bundle"
# tests/rootfs.sh copies tests/payload/payload into the rootfs too.
if [ ! -x "$repo/tests/payload/payload" ]; then
	make -s -C "$repo" --no-print-directory tests/payload/payload
fi
sh "$repo/tests/rootfs.sh" "$bundle/rootfs" >/dev/null
"$HUSK" spec -b "$bundle"

# What the container runs (busybox sh).  Capabilities are decoded from the
# CapEff mask of /proc/self/status with the names of capabilities(7).
script=$(cat <<'EOF'
echo "hostname:      $(hostname)"
echo "I am PID $$ (my parent is PID $PPID)"
echo "user:          $(id)"
eff=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)
names="chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap
linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock ipc_owner
sys_module sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot sys_nice
sys_resource sys_time sys_tty_config mknod lease audit_write audit_control setfcap
mac_override mac_admin syslog wake_alarm block_suspend audit_read perfmon bpf
checkpoint_restore"
caps= bit=0
for n in $names; do
	[ $(( (0x$eff >> bit) & 1 )) = 1 ] && caps="$caps cap_$n"
	bit=$((bit + 1))
done
echo "capabilities:  CapEff=$eff =${caps:- none}"
echo "processes:     $(ls -d /proc/[0-9]* | wc -l) in my pid namespace"
echo
echo "mounts (/proc/self/mounts):"
while read -r src dst type opts rest; do
	printf '  %-24s %-8s %s\n' "$dst" "$type" "$opts"
done </proc/self/mounts
echo
echo "network devices (/sys/class/net):"
for d in /sys/class/net/*; do
	[ -e "$d" ] || continue
	printf '  %-6s %-8s %s\n' "${d##*/}" "$(cat "$d/operstate")" \
		"$(ip -o -4 addr show dev "${d##*/}" 2>/dev/null | awk '{ print $4 }')"
done
echo
echo "root file system: $(grep -q ' / [^ ]* ro[ ,]' /proc/self/mounts && echo read-only || echo read-write)"
EOF
)

jq --arg script "$script" \
	'.process.terminal = false
	 | .process.args = ["/bin/sh", "-c", $script]
	 | .hostname = "husk-demo"
	 | .linux.cgroupsPath = "/husk-demo"' \
	"$bundle/config.json" >"$bundle/config.json.new"
mv "$bundle/config.json.new" "$bundle/config.json"

# ---- the run -------------------------------------------------------------------

echo "demo: $HUSK --root $root run -b demo $id" >&2
status=0
"$HUSK" --root "$root" run -b "$bundle" "$id" || status=$?
echo "demo: the container exited with status $status" >&2
exit "$status"
