#!/bin/sh
# Runs one shard of a study on this node: `tuning-lab run STUDY --shard I/N`, with I taken from the
# scheduler that started this copy (a Kubernetes Indexed Job or a Slurm job array) and N from the
# environment. Every shard writes its own file; `tuning-lab merge` joins them (docs/scale-out.md).
#
#   run-shard.sh STUDY.json OUT_DIR [more `tuning-lab run` options…]
#
# Environment:
#   JOB_COMPLETION_INDEX   shard index, set by Kubernetes for each pod of an Indexed Job
#   SLURM_ARRAY_TASK_ID    shard index, set by Slurm for each task of a job array
#   TUNING_LAB_SHARDS      N, the number of shards (Slurm: defaults to SLURM_ARRAY_TASK_COUNT)
#   TUNING_LAB_BACKEND     tfjs backend of every trial (default webgpu: this node's GPU)
#   TUNING_LAB_CLI         the command line to call (default: node cli/tuning-lab.mjs of this checkout)
#
# Each shard keeps its browser profile (the lab's stored study and its trials' checkpoints) in
# OUT_DIR/.profiles/shard-I-of-N, next to its results and not in the node's /tmp: a shard that is killed
# and started again (a requeued Slurm task, a retried Kubernetes pod, on this node or another one that
# mounts OUT_DIR) finds its profile there and resumes its trials from their latest checkpoints.
set -eu

fail() {
	echo "run-shard: $1" >&2
	exit 2
}

[ "$#" -ge 2 ] || fail "usage: run-shard.sh STUDY.json OUT_DIR [tuning-lab run options]"
study=$1
out_dir=$2
shift 2
[ -r "$study" ] || fail "cannot read the study file $study"

k8s_index=${JOB_COMPLETION_INDEX:-}
slurm_index=${SLURM_ARRAY_TASK_ID:-}
if [ -n "$k8s_index" ] && [ -n "$slurm_index" ] && [ "$k8s_index" != "$slurm_index" ]; then
	fail "JOB_COMPLETION_INDEX=$k8s_index and SLURM_ARRAY_TASK_ID=$slurm_index disagree; set only one"
fi
index=${k8s_index:-$slurm_index}
[ -n "$index" ] || fail "no shard index: set JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm job array)"

shards=${TUNING_LAB_SHARDS:-${SLURM_ARRAY_TASK_COUNT:-}}
[ -n "$shards" ] || fail "no shard count: set TUNING_LAB_SHARDS to the number of shards N"

case "$index" in '' | *[!0-9]*) fail "the shard index must be a whole number, got \"$index\"" ;; esac
case "$shards" in '' | *[!0-9]*) fail "TUNING_LAB_SHARDS must be a whole number, got \"$shards\"" ;; esac
[ "$index" -lt "$shards" ] || fail "shard index $index is not below the shard count $shards (indices run 0…$((shards - 1)))"

here=$(cd "$(dirname "$0")" && pwd)
backend=${TUNING_LAB_BACKEND:-webgpu}
mkdir -p "$out_dir"
out="$out_dir/shard-$index-of-$shards.json"
profile="$out_dir/.profiles/shard-$index-of-$shards"
mkdir -p "$profile"

# A Chromium lock in the profile from another machine is left by a copy of this shard whose node died:
# the scheduler starts a shard again only after its earlier copy ended, so no browser uses it any more
# (a lock from this machine is checked, and cleared when stale, by `tuning-lab run` itself).
lock=$(readlink "$profile/SingletonLock" 2>/dev/null || true)
if [ -n "$lock" ] && [ "${lock%-*}" != "$(hostname)" ]; then
	echo "run-shard: removing the Chromium lock $lock that an earlier copy of this shard left on ${lock%-*}"
	rm -f "$profile/SingletonLock" "$profile/SingletonSocket" "$profile/SingletonCookie"
fi

echo "run-shard: shard $index/$shards of $study on $backend -> $out (profile $profile)"
if [ -z "${TUNING_LAB_CLI:-}" ]; then
	exec node "$here/../cli/tuning-lab.mjs" run "$study" --out "$out" --backend "$backend" --shard "$index/$shards" \
		--profile "$profile" "$@"
fi
# TUNING_LAB_CLI is a command and its arguments, split on spaces on purpose.
# shellcheck disable=SC2086
exec $TUNING_LAB_CLI run "$study" --out "$out" --backend "$backend" --shard "$index/$shards" --profile "$profile" "$@"
