#!/bin/sh
# Writes candidate seeds for tests/fuzz/fuzz-parsers into DIR: each file is the parser's
# selector byte ('0' config.json, '1' state.json, '2' process.json, '3' resources.json)
# followed by a document made from tests/fixtures.  `make fuzz-seeds` merges them into
# tests/fuzz/corpus/, keeping only those that add coverage.  Needs jq.
set -eu
dir=${1:?usage: make-seeds.sh DIR}
fixtures=$(dirname "$0")/../fixtures
mkdir -p "$dir"

seed() { # seed SELECTOR NAME < document
	{ printf '%s' "$1"; cat; } >"$dir/$1-$2"
}

for f in "$fixtures"/valid/*.json "$fixtures"/invalid/*.json; do
	kind=$(basename "$(dirname "$f")")
	name=$kind-$(basename "$f" .json)
	seed 0 "$name" <"$f"
	# The process and linux.resources sections on their own, as exec --process and
	# update -r read them.
	if jq -e '.process | type == "object"' "$f" >/dev/null 2>&1; then
		jq '.process' "$f" | seed 2 "$name"
	fi
	if jq -e '.linux.resources | type == "object"' "$f" >/dev/null 2>&1; then
		jq '.linux.resources' "$f" | seed 3 "$name"
	fi
done

# state.json as husk writes it (SPEC_STATE_FILE), and two that others could have edited.
seed 1 state-running <<'JSON'
{"ociVersion":"1.3.0","id":"demo","pid":4242,"bundle":"/var/lib/b","rootfs":"/var/lib/b/rootfs","created":"2024-05-01T10:00:00.123456789Z","owner":"","annotations":{"io.husk.rootfs.upper":"/tmp/u","a":"b"},"huskStartTime":123456,"huskCgroup":"husk-cgroup\t1\t/husk/demo\nv2\t/sys/fs/cgroup\t\t/husk/demo\tmade\n","huskSystemdCgroup":false,"huskPostHooks":true}
JSON
seed 1 state-creating <<'JSON'
{"ociVersion":"1.3.0","id":"c","pid":0,"bundle":"/b","rootfs":"/b/r","created":"","owner":"","huskStartTime":0,"huskCgroup":"","huskSystemdCgroup":true,"huskPostHooks":false}
JSON
seed 1 state-odd <<'JSON'
{"id":7,"pid":-1,"bundle":null,"annotations":{"k":1,"":"","\u00e9":"\ud83d\ude00"},"huskStartTime":18446744073709551615,"huskCgroup":["x"]}
JSON
