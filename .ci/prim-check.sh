#!/usr/bin/env bash
# Cross-checks `accord discover` against the EMA Workbench's PRIM (ema_workbench 2.5.3 from
# PyPI, in a venv under target/): on a Latin-hypercube sweep of the sweep quick start, the
# whole peeling and pasting trajectory (coverage, density, mass, every limit) and the
# recommended box's quasi-p values must agree. A second implementation no one here wrote
# catches the bugs a self-written expected value would share with the code.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${EMA_VENV:-target/ema-venv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "ema_workbench==2.5.3"
fi
cargo build --release --locked --quiet
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/scen"
python3 - "$work/scen/lhs.toml" <<'PY'
import sys
text = open("scenarios/sweep_quickstart.toml").read()
grid = 'method = "grid"\nparams = { "bodies.waico.harmonization" = [0.0, 0.02, 0.05, 0.1], "alignment.confidence" = [0.2, 0.3] }'
assert grid in text, "sweep_quickstart.toml's sweep changed"
lhs = ('method = "latin_hypercube"\nsamples = 200\nparams = { "bodies.waico.harmonization" = '
       '{ min = 0.0, max = 0.2 }, "alignment.confidence" = { min = 0.1, max = 0.4 }, '
       '"alignment.rate" = { min = 0.05, max = 0.3 } }')
open(sys.argv[1], "w").write(text.replace(grid, lhs))
PY
target/release/accord run "$work/scen/lhs.toml" --runs 4 --quiet --out "$work/out" >/dev/null
for query in "--arm cooperation_body --metric fragmentation --effect --below -0.1" \
             "--arm baseline --metric fragmentation --below 0.3" \
             "--arm cooperation_body --metric members_waico --above 12.5"; do
  # shellcheck disable=SC2086
  target/release/accord discover "$work/out" $query --format svg >/dev/null
  "$venv/bin/python" - "$work/out" <<'PY'
import sys, warnings
warnings.filterwarnings("ignore")
import numpy as np, pandas as pd
from ema_workbench.analysis import prim

out = sys.argv[1]
traj = pd.read_csv(f"{out}/discovery/trajectory.csv")
box = pd.read_csv(f"{out}/discovery/box.csv")
cases = pd.read_csv(f"{out}/discovery/cases.csv")
params = [c[len("lower:"):] for c in traj.columns if c.startswith("lower:")]
points = pd.read_csv(f"{out}/points.csv").set_index("point")
x = points.loc[cases["point"], params].reset_index(drop=True).astype(float)
y = cases["case"].to_numpy().astype(int)
b = prim.Prim(x, y, threshold=0.5).find_box()
pt = b.peeling_trajectory
assert len(pt) == len(traj), f"EMA has {len(pt)} boxes, accord {len(traj)}"
worst = 0.0
for i in range(len(pt)):
    for c in ["coverage", "density", "mass"]:
        worst = max(worst, abs(pt.loc[i, c] - traj.loc[i, c]))
    for u in params:
        lims = b.box_lims[i]
        worst = max(worst, abs(lims.loc[0, u] - traj.loc[i, f"lower:{u}"]),
                    abs(lims.loc[1, u] - traj.loc[i, f"upper:{u}"]))
# accord writes 10 decimals.
assert worst < 1e-9, f"trajectories differ by {worst}"
k = int(box["box"][0])
qp = b.qp[k]
for _, r in box.iterrows():
    for side, col in [(0, "qp_lower"), (1, "qp_upper")]:
        ema = qp.get(r["param"], [-1, -1])[side] if r["restricted"] else -1
        ours = r[col]
        if ema == -1:
            assert np.isnan(ours), (r["param"], col, ours)
        else:
            assert abs(ema - ours) <= 1e-9 + 1e-6 * ema, (r["param"], col, ema, ours)
print(f"prim: {len(pt)} boxes and box {k}'s quasi-p values agree with EMA Workbench "
      f"(largest difference {worst:.1e})")
PY
done
