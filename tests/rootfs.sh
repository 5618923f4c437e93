#!/bin/sh
# Builds the fixture rootfs into DIR (created when missing):
#   bin/busybox (Debian's busybox-static) and a symlink per applet,
#   bin/payload (tests/payload, built when missing or older than its source),
#   proc sys dev tmp etc root run mnt home/test,
#   etc/passwd and etc/group with root, a test user (1000:1000) and nobody.
# Idempotent: a second run only refreshes what changed.  POSIX sh, no bats.
#
# Usage: tests/rootfs.sh DIR
# Env:   BUSYBOX=/bin/busybox  PAYLOAD=<repo>/tests/payload/payload
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
dir=$1
repo=$(cd "$(dirname "$0")/.." && pwd)
busybox=${BUSYBOX:-/bin/busybox}
payload=${PAYLOAD:-$repo/tests/payload/payload}

if [ ! -x "$busybox" ]; then
	echo "$0: $busybox not found (apt-get install busybox-static)" >&2
	exit 1
fi

# The payload comes from the Makefile rule (static, same flags as CI).
if [ -z "${PAYLOAD:-}" ]; then
	if [ ! -x "$payload" ] || [ "$repo/tests/payload/payload.c" -nt "$payload" ]; then
		make -s -C "$repo" --no-print-directory tests/payload/payload >&2
	fi
fi
if [ ! -x "$payload" ]; then
	echo "$0: $payload missing" >&2
	exit 1
fi

mkdir -p "$dir"
cd "$dir"
mkdir -p bin proc sys dev tmp etc root run mnt home/test
chmod 0755 . bin proc sys dev etc run mnt home
chmod 1777 tmp
chmod 0700 root
chown 1000:1000 home/test

# Copy only what changed, so a second run is a few stats.
install_file() { # SRC DEST
	if ! cmp -s "$1" "$2"; then
		rm -f "$2"
		cp "$1" "$2"
		chmod 0755 "$2"
	fi
}
install_file "$busybox" bin/busybox
install_file "$payload" bin/payload

# Relative links, so they resolve inside the container and on the host alike.
missing=$(cd bin && for a in $(./busybox --list); do
	[ -L "$a" ] || [ -e "$a" ] || printf '%s\n' "$a"
done)
if [ -n "$missing" ]; then
	# shellcheck disable=SC2016 # $a is the inner sh's
	(cd bin && printf '%s\n' "$missing" | xargs -n 64 sh -c 'for a; do ln -s busybox "$a"; done' sh)
fi

cat >etc/passwd <<'EOF'
root:x:0:0:root:/root:/bin/sh
test:x:1000:1000:test user:/home/test:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >etc/group <<'EOF'
root:x:0:
users:x:100:test
test:x:1000:
nogroup:x:65534:
EOF
chmod 0644 etc/passwd etc/group
