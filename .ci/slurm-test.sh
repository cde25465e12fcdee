#!/usr/bin/env bash
# Sharded runs on a real Slurm give the same bytes as one unsharded run.
#
# Brings up a one-node Slurm on this machine (Debian slurm-wlm + munge, as root; see
# /work/shared/notes/slurm-single-node.md), submits the job script `accord slurm` writes
# (an array of shards, then a dependent merge), waits for the merge and compares every CSV
# with `accord run` of the same scenario. Where Slurm cannot be installed or started, it says
# why, runs the same comparison with `accord run --shard` and `accord merge` locally, and
# exits 0: the sharding is still checked, only the scheduler is not. A Slurm that started but
# gave different (or no) output exits 1.
#
# Uses target/release/accord (built by `cargo test --release`; built here if missing), or
# $ACCORD. Daemons this script starts are stopped on exit; a Slurm already running is used
# as it is and left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

SCENARIO=$PWD/scenarios/quickstart.toml
RUNS=20
SHARDS=4
# Same options for the reference run, the shards and the merge, so every CSV must match.
RUN_OPTS=(--runs "$RUNS" --states final)
MERGE_OPTS=(--effects all)
JOB_TIMEOUT=${SLURM_TEST_TIMEOUT:-300}
NODE_TIMEOUT=60
ACCORD=${ACCORD:-$PWD/target/release/accord}
MARKER="# written by accord .ci/slurm-test.sh"

started=()    # pid files of the daemons started here, stopped in this order on exit
work=$(mktemp -d)
t0=$SECONDS

cleanup() {
  local f pid
  for f in "${started[@]}"; do
    pid=$(cat "$f" 2>/dev/null || true)
    if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

say() { echo "slurm-test: $*"; }

if [ ! -x "$ACCORD" ]; then
  say "building $ACCORD"
  cargo build --release --locked
fi

# Prints the relative paths of every file under $1, sorted.
files() { (cd "$1" && find . -type f | LC_ALL=C sort); }

# Compares output folder $2 with the reference $1: the same files, every CSV byte for byte.
same_output() {
  local ref=$1 got=$2 f n=0 bad=0
  if ! diff <(files "$ref") <(files "$got") >"$work/files.diff"; then
    say "the folders hold different files (< reference, > sharded):"
    cat "$work/files.diff"
    bad=1
  fi
  while IFS= read -r f; do
    [ -f "$got/$f" ] || continue
    n=$((n + 1))
    if ! cmp "$ref/$f" "$got/$f"; then bad=1; fi
  done < <(files "$ref" | grep '\.csv$')
  if [ "$n" -eq 0 ]; then say "no CSV files in $ref"; return 1; fi
  [ "$bad" -eq 0 ] && say "$n CSV files byte-identical, same file list"
  return "$bad"
}

say "reference: accord run ${RUN_OPTS[*]} ${MERGE_OPTS[*]}"
"$ACCORD" run "$SCENARIO" "${RUN_OPTS[@]}" "${MERGE_OPTS[@]}" --quiet --out "$work/reference" >/dev/null

# The local check: what the Slurm jobs do, without the scheduler.
local_check() {
  local k shard_dirs=()
  for ((k = 0; k < SHARDS; k++)); do
    "$ACCORD" run "$SCENARIO" "${RUN_OPTS[@]}" --shard "$k/$SHARDS" --quiet \
      --out "$work/local/shard-$k" >/dev/null
    shard_dirs+=("$work/local/shard-$k")
  done
  "$ACCORD" merge "${shard_dirs[@]}" "${MERGE_OPTS[@]}" --out "$work/local/merged" >/dev/null
  same_output "$work/reference" "$work/local/merged"
}

# Brings Slurm up (or finds it up); otherwise sets $reason to why it cannot run here.
reason=
bring_up() {
  if sinfo -h -o %t 2>/dev/null | grep -q idle; then
    say "using the Slurm already running here"
    return 0
  fi
  if [ "$(id -u)" -ne 0 ]; then reason="not root, so slurm-wlm and munge cannot be installed and started"; return 0; fi
  if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    if ! command -v apt-get >/dev/null; then reason="no apt-get to install slurm-wlm and munge"; return 0; fi
    say "installing slurm-wlm and munge"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends slurm-wlm munge >"$work/apt.log" 2>&1; then
      # Stale package lists are the usual cause; refresh once.
      if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends slurm-wlm munge; } >>"$work/apt.log" 2>&1; then
        reason="apt-get install slurm-wlm munge failed: $(tail -n 1 "$work/apt.log")"; return 0
      fi
    fi
  fi
  local conf=/etc/slurm/slurm.conf h
  if [ -f "$conf" ] && ! grep -qF "$MARKER" "$conf"; then
    reason="$conf exists and was not written by this script, so it is left alone"; return 0
  fi
  h=$(hostname -s)
  mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
  [ -f /etc/munge/munge.key ] || dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
  chown munge:munge /etc/munge/munge.key /run/munge && chmod 400 /etc/munge/munge.key
  cat >"$conf" <<CONF
$MARKER: a one-node test cluster
ClusterName=local
SlurmctldHost=$h
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
JobAcctGatherType=jobacct_gather/none
NodeName=$h CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$h Default=YES MaxTime=INFINITE State=UP
CONF
  if ! pgrep -x munged >/dev/null; then
    su -s /bin/sh munge -c /usr/sbin/munged || { reason="munged did not start"; return 0; }
    started+=(/run/munge/munged.pid)
  fi
  # -c: start from an empty job list, so jobs of an earlier test cannot get in the way.
  /usr/sbin/slurmctld -c || { reason="slurmctld did not start: $(tail -n 1 /var/log/slurm/slurmctld.log 2>/dev/null)"; return 0; }
  started=(/run/slurmctld.pid "${started[@]}")
  /usr/sbin/slurmd || { reason="slurmd did not start: $(tail -n 1 /var/log/slurm/slurmd.log 2>/dev/null)"; return 0; }
  started=(/run/slurmd.pid "${started[@]}")
  local deadline=$((SECONDS + NODE_TIMEOUT))
  until sinfo -h -o %t 2>/dev/null | grep -q idle; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      reason="the node did not become idle within ${NODE_TIMEOUT} s (sinfo: $(sinfo -h -o '%t %E' 2>&1 | head -n 1))"
      return 0
    fi
    sleep 1
  done
  say "Slurm is up after $((SECONDS - t0)) s"
}

# Not in $(...): a subshell would lose the pids bring_up records for the cleanup.
if ! bring_up && [ -z "$reason" ]; then reason="setting it up failed"; fi
if [ -n "$reason" ]; then
  echo "Slurm could not start on this machine: $reason; the local shard/merge equality test in tests/ still runs"
  say "checking $SHARDS local shards (accord run --shard K/$SHARDS, accord merge) against the unsharded run"
  if local_check; then
    echo "PASS (local shard/merge; Slurm not available) in $((SECONDS - t0)) s"
    exit 0
  fi
  echo "FAIL: local shard/merge output differs from the unsharded run"
  exit 1
fi

job=$work/slurm/quickstart
"$ACCORD" slurm "$SCENARIO" --shards "$SHARDS" "${RUN_OPTS[@]}" "${MERGE_OPTS[@]}" \
  --out "$job" --accord "$ACCORD" --time 00:10:00
submitted=$(bash "$job.slurm.sh")
echo "$submitted"
merge_job=$(sed -n 's/.* and merge job \([0-9][0-9]*\) .*/\1/p' <<<"$submitted")
if [ -z "$merge_job" ]; then echo "FAIL: no merge job id in the script's output"; exit 1; fi

deadline=$((SECONDS + JOB_TIMEOUT))
state=
while :; do
  state=$(scontrol show job "$merge_job" -o 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p')
  case "$state" in
    COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | PREEMPTED | BOOT_FAIL | DEADLINE) break ;;
  esac
  if [ "$SECONDS" -ge "$deadline" ]; then state="still ${state:-unknown} after ${JOB_TIMEOUT} s"; break; fi
  sleep 1
done
say "merge job $merge_job: $state ($((SECONDS - t0)) s since start)"

if [ "$state" = COMPLETED ] && same_output "$work/reference" "$job"; then
  echo "PASS (Slurm: $SHARDS array tasks + merge) in $((SECONDS - t0)) s"
  exit 0
fi
for log in "$job.shards"/logs/*; do
  [ -f "$log" ] && { echo "--- $log"; tail -n 20 "$log"; }
done
squeue 2>/dev/null || true
echo "FAIL: the Slurm jobs did not reproduce the unsharded run"
exit 1
