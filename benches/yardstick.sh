#!/usr/bin/env bash
# Times `accord run` end to end (simulation, statistics, CSV, manifest, charts) beside the
# plain-array yardstick (../shared/yardstick, or $YARDSTICK) on the same work, and prints the
# ratios accord / yardstick.
#
# Declaration: Deffuant on a complete network, 1,000 nations with uniform stances, equal
# weights, confidence d = 0.2, rate mu = 0.5, tolerance delta = 0.1, 100 steps, metrics at the
# first and last step, 200 runs, in K = 1, 3 and 6 dimensions
# (benches/yardstick/deffuant_<K>d.toml; the yardstick: `1000 100 200 0.2 0.5 0.1 K`).
# Both use every core. Each pair is timed REPS times (default 3), alternating, and the
# median is reported: wall time, and CPU time (user + system), which a busy machine disturbs
# less.
#
#   benches/yardstick.sh                 # wall and CPU time, ratios
#   REPS=5 benches/yardstick.sh
#   benches/yardstick.sh --callgrind     # instructions per run instead (valgrind; 4 runs, one thread)
#
# --callgrind counts accord's instructions inside `model::simulate` only (the simulation with
# its metric passes, which is all the yardstick does), as (4 runs − 2 runs) / 2 so that the
# representative run that `accord run` repeats for the stance chart cancels. Counting the whole process
# instead lets the charts leak in: their cost depends on the runs (bands, stances), so it does
# not cancel and made 3-D look ≈ 15 M instructions per run cheaper than it is.
#
# Never a pass/fail test: timings depend on the machine and its load.
set -euo pipefail
cd "$(dirname "$0")/.."
YARDSTICK=${YARDSTICK:-../shared/yardstick}
REPS=${REPS:-3}
cargo build --release --quiet
cargo build --release --quiet --manifest-path "$YARDSTICK/Cargo.toml" --target-dir target/yardstick
ACCORD=target/release/accord
BASE=target/yardstick/release/baseline-deffuant
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# Median of the numbers on stdin.
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

if [[ "${1:-}" == "--callgrind" ]]; then
    # Instructions per run: (4 runs − 2 runs) / 2, so fixed costs cancel; accord's counted
    # inside model::simulate only (see the header).
    instructions() { # command...
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
            awk '/refs:/ { gsub(",", "", $NF); print $NF }'
    }
    simulation() { # accord command...
        valgrind --tool=callgrind --collect-atstart=no \
            --toggle-collect=accord::model::engine::simulate \
            --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
            awk '/refs:/ { gsub(",", "", $NF); print $NF }'
    }
    printf '%-6s %18s %18s %8s\n' K "accord instr/run" "yardstick instr/run" ratio
    for k in 1 3 6; do
        s="benches/yardstick/deffuant_${k}d.toml"
        a4=$(simulation "$ACCORD" run "$s" --runs 4 --threads 1 --quiet --force --out "$OUT/a")
        a2=$(simulation "$ACCORD" run "$s" --runs 2 --threads 1 --quiet --force --out "$OUT/a")
        y4=$(RAYON_NUM_THREADS=1 instructions "$BASE" 1000 100 4 0.2 0.5 0.1 "$k")
        y2=$(RAYON_NUM_THREADS=1 instructions "$BASE" 1000 100 2 0.2 0.5 0.1 "$k")
        awk -v k="$k" -v a=$(((a4 - a2) / 2)) -v y=$(((y4 - y2) / 2)) \
            'BEGIN { printf "%-6s %17.1fM %17.1fM %7.2fx\n", k "-D", a / 1e6, y / 1e6, a / y }'
    done
    exit 0
fi

# "wall cpu" of one command.
timed() {
    /usr/bin/time -f '%e %U %S' "$@" 2>&1 >/dev/null | tail -1 | awk '{ print $1, $2 + $3 }'
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; medians of $REPS"
printf '%-4s %12s %12s %12s %12s %8s %8s\n' K "accord wall" "accord cpu" "yard wall" "yard cpu" "wall x" "cpu x"
for k in 1 3 6; do
    s="benches/yardstick/deffuant_${k}d.toml"
    : >"$OUT/a" && : >"$OUT/y"
    for _ in $(seq "$REPS"); do
        timed "$ACCORD" run "$s" --quiet --force --out "$OUT/run" >>"$OUT/a"
        timed "$BASE" 1000 100 200 0.2 0.5 0.1 "$k" >>"$OUT/y"
    done
    aw=$(cut -d' ' -f1 "$OUT/a" | median)
    ac=$(cut -d' ' -f2 "$OUT/a" | median)
    yw=$(cut -d' ' -f1 "$OUT/y" | median)
    yc=$(cut -d' ' -f2 "$OUT/y" | median)
    awk -v k="$k" -v aw="$aw" -v ac="$ac" -v yw="$yw" -v yc="$yc" 'BEGIN {
        printf "%-4s %11.2fs %11.2fs %11.2fs %11.2fs %7.2fx %7.2fx\n", k "-D", aw, ac, yw, yc, aw / yw, ac / yc
    }'
done
