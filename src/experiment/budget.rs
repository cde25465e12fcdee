//! What an ensemble will cost before it starts: work, peak memory and disk, and the budget
//! above which `accord run` refuses to start without `--over-budget`.
//!
//! The numbers are estimates from the scenario's shape, not measurements: they count the
//! dominant terms (the alignment rule's interactions per step, the metric pass per recorded
//! step, the tie lists and results held per worker, the tables written) so that a scenario
//! that would need 20 GB or a week is caught in a millisecond, with the term to blame named,
//! rather than after the machine starts swapping. They are meant to be right within a factor
//! of about two; `accord validate` prints them. Against single-core CPU time on the reference
//! machine (engine 0.3), the work estimate is 0.9–1.15× for the yardstick scenarios, world2025
//! and its uncertainty study, 0.55× for the classic Deffuant run (whose output and charts it
//! leaves out) and 2.2× for Axelrod (culture runs stop changing once absorbed, which cannot
//! be known before they run).

use crate::experiment::Layout;
use crate::scenario::{
    AlignmentKey, BodyKey, DiffusionKey, EventKind, NetworkKey, NetworkKind, ParamPath, ParamValue,
    Rule, Scenario, Selector,
};
use crate::table::TableFormat;

/// Bytes per GiB.
pub const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
/// Operations one core does per second: the unit of work ([`cost`] prices each item of a
/// run in it), used to turn work into a duration for messages and to state the default
/// budget.
pub const OPS_PER_SECOND: f64 = 2.0e8;
/// Default work budget: about a day of one core at [`OPS_PER_SECOND`] (1.7 × 10¹³).
pub const DEFAULT_WORK_LIMIT: f64 = 86_400.0 * OPS_PER_SECOND;
/// Memory the process needs besides the terms estimated here (code, allocator, rayon, the
/// summary column budget, chart drawing).
const BASE_MEMORY: f64 = 48.0 * 1024.0 * 1024.0;
/// Unit costs of the work model, in operations at [`OPS_PER_SECOND`], measured with callgrind
/// and CPU time on engine 0.3 (a run's instructions per term, about 60 instructions per
/// operation on the reference machine). Each is what the engine spends on one item, so the
/// work of a scenario is a sum of counts times these.
pub mod cost {
    /// A step whatever the nations do: the schedule dispatching its systems.
    pub const STEP: f64 = 300.0;
    /// A run's build, per nation (entities, groups, the recorder), besides its ties.
    pub const BUILD_PER_NATION: f64 = 10.0;
    /// A run's build, per materialised tie.
    pub const BUILD_PER_TIE: f64 = 0.5;
    /// A pairwise or culture meeting: a shuffle slot, a partner draw and the update.
    pub const MEETING: f64 = 2.2;
    /// A meeting, per stance dimension.
    pub const MEETING_PER_DIM: f64 = 0.25;
    /// A partner drawn from a weighted tie list, per halving of its binary search.
    pub const WEIGHTED_DRAW_PER_LEVEL: f64 = 0.3;
    /// An averaging term (one neighbour's coordinate read against the confidence test).
    pub const AVERAGING_TERM: f64 = 0.2;
    /// One Gaussian noise draw.
    pub const NOISE_DRAW: f64 = 1.1;
    /// Diffusion, per nation per step (offers, the best provider, the pull).
    pub const DIFFUSION_PER_NATION: f64 = 8.0;
    /// Diffusion, per (recipient, provider) pair scanned under export controls.
    pub const DIFFUSION_PER_CONTROLLED_PAIR: f64 = 0.1;
    /// A body's membership, harmonization and capacity pass, per nation.
    pub const BODY_PER_NATION: f64 = 1.0;
    /// A body's pass, per nation and stance dimension.
    pub const BODY_PER_NATION_DIM: f64 = 0.5;
    /// A recorded step whatever the nations do.
    pub const RECORD: f64 = 200.0;
    /// A recorded step, per nation (gathering, the row).
    pub const RECORD_PER_NATION: f64 = 0.5;
    /// The metric pass in one dimension (sorting and one sweep), per nation and halving.
    pub const SORTED_PER_NATION_LEVEL: f64 = 0.2;
    /// The metric pass in K > 1 dimensions, per pair of nations (the union-find of near
    /// pairs, the sums).
    pub const PAIR: f64 = 0.2;
    /// The metric pass in K > 1 dimensions, per pair and dimension (the dispersion's
    /// vectorised sums of squares).
    pub const PAIR_PER_DIM: f64 = 0.04;
}
/// Bytes of one materialised tie: neighbour (u32), weight and running sum (f64), in both ends'
/// lists.
const TIE_BYTES: f64 = 2.0 * 20.0;
/// Bytes a nation entity takes in a world (components, archetype tables, change ticks),
/// besides its stance coordinates.
const NATION_BYTES: f64 = 256.0;
/// Bytes per recorded metric value while a run is in flight (`Option<f64>` plus row headers).
const RECORDED_VALUE_BYTES: f64 = 20.0;
/// Bytes per value in `timeseries.csv` (ten decimals, a sign, a comma).
const CSV_VALUE_BYTES: f64 = 14.0;
/// Bytes per value in `timeseries.parquet` (Snappy-compressed f64; measured 3.0 on
/// quickstart, whose metrics repeat a lot, so a little more for others).
const PARQUET_VALUE_BYTES: f64 = 5.0;

/// The cost of an ensemble (or of one shard of it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Runs simulated (all points × arms × runs of this shard).
    pub runs: f64,
    /// Elementary operations: alignment interactions and metric passes.
    pub work: f64,
    /// Peak resident memory, bytes.
    pub memory: f64,
    /// Bytes written: the chunk store while running and the output folder.
    pub disk: f64,
    /// The largest memory term, for the refusal message.
    pub memory_driver: &'static str,
}

impl Estimate {
    /// Work as a duration on `threads` cores at [`OPS_PER_SECOND`], seconds.
    pub fn seconds(&self, threads: usize) -> f64 {
        self.work / (OPS_PER_SECOND * threads.max(1) as f64)
    }

    /// One line for `validate` and `run`.
    pub fn line(&self, threads: usize) -> String {
        format!(
            "estimate: {} run{}, {:.1e} operations ({} on {threads} core{}), peak memory about {}, disk about {}",
            count(self.runs),
            if self.runs == 1.0 { "" } else { "s" },
            self.work,
            duration(self.seconds(threads)),
            if threads == 1 { "" } else { "s" },
            bytes(self.memory),
            bytes(self.disk),
        )
    }
}

/// What the ensemble is run with, besides the scenario.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plan {
    /// Runs per arm in this shard.
    pub runs: u32,
    /// Worker threads.
    pub threads: usize,
    /// Nation-state rows kept per run: 0 (none), 1 (final step) or every recorded step.
    pub state_steps: StateSteps,
    /// Runs per chunk (results held in memory before a chunk is saved).
    pub chunk_runs: u32,
    /// The tables' format, which sets their size on disk.
    pub table_format: TableFormat,
}

/// How many recorded steps' nation states a run keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateSteps {
    /// No states.
    None,
    /// The final step.
    Final,
    /// Every recorded step.
    All,
}

impl From<crate::model::StatesMode> for StateSteps {
    fn from(m: crate::model::StatesMode) -> Self {
        match m {
            crate::model::StatesMode::None => StateSteps::None,
            crate::model::StatesMode::Final => StateSteps::Final,
            crate::model::StatesMode::All => StateSteps::All,
        }
    }
}

/// Cores rayon uses by default (one worker per core).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Estimates the cost of `scenario` run with `plan`.
pub fn estimate(scenario: &Scenario, plan: &Plan) -> Estimate {
    let layout = Layout::of(scenario, plan.runs);
    let n = scenario.nation_count() as f64;
    let k = scenario.dimensions.len().max(1) as f64;
    let steps = f64::from(scenario.steps);
    let recorded = layout.steps.len() as f64;
    let metrics = layout.metric_names.len() as f64;
    let cells = layout.cells() as f64;
    let runs = cells * f64::from(plan.runs);

    let work = runs * run_work(scenario, n, k, steps, recorded);
    let ties = tie_count(scenario);

    let state_rows = match plan.state_steps {
        StateSteps::None => 0.0,
        StateSteps::Final => n,
        StateSteps::All => n * recorded,
    };
    let state_bytes = state_rows * (k * 8.0 + 40.0);
    let tie_memory = if materialises_ties(scenario) {
        ties * TIE_BYTES
    } else {
        0.0
    };
    let world = n * (NATION_BYTES + 3.0 * k * 8.0);
    let in_flight = recorded * metrics * RECORDED_VALUE_BYTES + state_bytes;
    let per_worker = tie_memory + world + in_flight;
    let chunk =
        cells * f64::from(plan.chunk_runs.max(1)) * (recorded * metrics * 8.0 + state_bytes);
    let threads = plan.threads.max(1) as f64;
    let terms = [
        (
            threads * tie_memory,
            "the tie lists of the network, one copy per worker thread",
        ),
        (
            threads * in_flight,
            "the recorded steps of the runs in flight",
        ),
        (chunk, "the results of one chunk of runs"),
        (threads * world, "the nations of each worker's world"),
    ];
    let memory_driver = terms
        .iter()
        .fold((0.0, "the program itself"), |best, t| {
            if t.0 > best.0 { *t } else { best }
        })
        .1;
    let memory = BASE_MEMORY + threads * per_worker + chunk;

    let values = runs * recorded * metrics;
    let timeseries = match plan.table_format {
        TableFormat::Csv => values * CSV_VALUE_BYTES + runs * recorded * 24.0,
        TableFormat::Parquet => values * PARQUET_VALUE_BYTES + runs * recorded * 2.0,
    };
    let summary = cells * recorded * metrics * 130.0;
    let store = values * 8.0 + runs * state_bytes;
    // Parquet stores a state's floats as 8 bytes before compression, against ~14 of text.
    let states_share = match plan.table_format {
        TableFormat::Csv => 1.0,
        TableFormat::Parquet => 0.5,
    };
    let states_csv = runs * state_rows * (k * 14.0 + 40.0) * states_share;
    Estimate {
        runs,
        work,
        memory,
        disk: timeseries + summary + store + states_csv,
        memory_driver,
    }
}

/// Operations of one run: the build, every step's systems (the costliest arm or sweep point:
/// any mechanism some of them switch on is counted) and the metric passes (see [`cost`]).
fn run_work(scenario: &Scenario, n: f64, k: f64, steps: f64, recorded: f64) -> f64 {
    let ties = tie_count(scenario);
    let materialised = materialises_ties(scenario);
    let build = n * cost::BUILD_PER_NATION
        + if materialised {
            ties * cost::BUILD_PER_TIE
        } else {
            0.0
        };

    let meeting = cost::MEETING
        + k * cost::MEETING_PER_DIM
        + if materialised {
            (ties * 2.0 / n.max(1.0)).max(1.0).log2() * cost::WEIGHTED_DRAW_PER_LEVEL
        } else {
            0.0
        };
    let mut per_step = cost::STEP + n * meeting;
    if uses_rule(scenario, Rule::Averaging) {
        per_step += (n + 2.0 * ties) * k * cost::AVERAGING_TERM;
    }
    let noisy = scenario.alignment.noise > 0.0
        || scenario
            .assignments()
            .any(|a| a.path == ParamPath::Alignment(AlignmentKey::Noise) && a.value.number() > 0.0);
    if noisy {
        per_step += n * k * cost::NOISE_DRAW;
    }
    if may_enable(scenario, scenario.diffusion.enabled, |p| {
        *p == ParamPath::Diffusion(DiffusionKey::Enabled)
    }) {
        let controlled = controlled_recipients(scenario).min(n);
        per_step +=
            n * cost::DIFFUSION_PER_NATION + controlled * n * cost::DIFFUSION_PER_CONTROLLED_PAIR;
    }
    let bodies = (0..scenario.bodies.len())
        .filter(|&b| {
            may_enable(scenario, scenario.bodies[b].enabled, |p| {
                *p == ParamPath::Body(b, BodyKey::Enabled)
            })
        })
        .count() as f64;
    per_step += bodies * n * (cost::BODY_PER_NATION + k * cost::BODY_PER_NATION_DIM);

    let pass = if k <= 1.0 {
        n * (n.max(2.0).log2() + 1.0) * cost::SORTED_PER_NATION_LEVEL
    } else {
        n * (n - 1.0).max(0.0) / 2.0 * (cost::PAIR + k * cost::PAIR_PER_DIM)
    };
    let per_record = cost::RECORD + n * cost::RECORD_PER_NATION + pass;
    build + steps * per_step + recorded * per_record
}

/// Whether a mechanism is on in the base scenario or some arm, sweep point or event may
/// switch it on (an assignment to a path `switch` accepts, set to true).
fn may_enable(scenario: &Scenario, base: bool, switch: impl Fn(&ParamPath) -> bool) -> bool {
    base || scenario
        .assignments()
        .any(|a| switch(&a.path) && a.value == ParamValue::Bool(true))
}

/// Recipients that export-control events name (an upper bound: every selected nation).
fn controlled_recipients(scenario: &Scenario) -> f64 {
    scenario
        .events
        .iter()
        .map(|e| match &e.kind {
            EventKind::ExportControl { to, .. } => to
                .iter()
                .map(|s| match s {
                    Selector::Nation(_) => 1.0,
                    Selector::Group(tag) => {
                        scenario
                            .nations
                            .iter()
                            .filter(|nation| nation.groups.iter().any(|g| g == tag))
                            .count() as f64
                            + scenario.population.as_ref().map_or(0.0, |p| {
                                if p.groups.iter().any(|g| g == tag) {
                                    f64::from(p.count)
                                } else {
                                    0.0
                                }
                            })
                    }
                })
                .sum::<f64>(),
            _ => 0.0,
        })
        .sum()
}

/// Whether some arm, sweep point or event may put `rule` in force.
fn uses_rule(scenario: &Scenario, rule: Rule) -> bool {
    let name = rule.as_str();
    scenario.alignment.rule == rule
        || scenario.assignments().any(|a| {
            a.path == ParamPath::Alignment(AlignmentKey::Rule)
                && a.value == ParamValue::Text(name.to_string())
        })
}

/// Undirected ties of the network (the largest an arm or sweep point can make it).
fn tie_count(scenario: &Scenario) -> f64 {
    let n = scenario.nation_count() as f64;
    let pairs = n * (n - 1.0).max(0.0) / 2.0;
    match &scenario.network.kind {
        NetworkKind::Complete => pairs,
        NetworkKind::Random { p } => {
            let set = scenario
                .assignments()
                .filter(|a| a.path == ParamPath::Network(NetworkKey::P))
                .map(|a| a.value.number())
                .fold(*p, f64::max);
            pairs * set.clamp(0.0, 1.0)
        }
        NetworkKind::Explicit { ties } => ties.len() as f64,
        NetworkKind::Lattice { .. } => 2.0 * n,
    }
}

/// Whether the network is stored as per-nation lists (a complete network without group
/// weights is not: everyone meets everyone).
fn materialises_ties(scenario: &Scenario) -> bool {
    match scenario.network.kind {
        NetworkKind::Complete => {
            !scenario.network.group_weights.is_empty()
                || scenario
                    .assignments()
                    .any(|a| matches!(a.path, ParamPath::Network(NetworkKey::GroupWeight(_))))
        }
        _ => true,
    }
}

/// The limits an ensemble must stay within unless `--over-budget` is given.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Budget {
    /// Peak memory, bytes (default: the machine's available memory).
    pub memory: Option<f64>,
    /// Work, operations (default [`DEFAULT_WORK_LIMIT`]).
    pub work: f64,
}

impl Budget {
    /// The default budget on this machine: its available memory (when the OS says) and a
    /// day of one core's work.
    pub fn of_machine() -> Budget {
        Budget {
            memory: available_memory(),
            work: DEFAULT_WORK_LIMIT,
        }
    }

    /// Why `e` is over this budget, as one message naming the term to blame and the way out;
    /// `None` when it fits.
    pub fn refusal(&self, e: &Estimate, threads: usize) -> Option<String> {
        if let Some(limit) = self.memory
            && e.memory > limit
        {
            return Some(format!(
                "this ensemble would need about {} of memory at its peak (mostly {}), more than \
                 the {} available; use fewer nations, fewer `--threads`, a sparser network or \
                 fewer recorded steps (`[metrics] every`), or pass `--over-budget` to run anyway",
                bytes(e.memory),
                e.memory_driver,
                bytes(limit)
            ));
        }
        if e.work > self.work {
            return Some(format!(
                "this ensemble is about {:.1e} operations ({} on {threads} core{}), more \
                 than the work limit of {:.1e}; split it with `--shard K/N` (see `accord \
                 slurm`), raise the limit with `--max-work`, or pass `--over-budget` to run anyway",
                e.work,
                duration(e.seconds(threads)),
                if threads == 1 { "" } else { "s" },
                self.work
            ));
        }
        None
    }
}

/// `MemAvailable` from `/proc/meminfo`, bytes; `None` where the OS does not say.
pub fn available_memory() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_meminfo(&text)
}

fn parse_meminfo(text: &str) -> Option<f64> {
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0)
}

/// A byte count with a binary unit.
pub fn bytes(b: f64) -> String {
    if b >= GIB {
        format!("{:.1} GiB", b / GIB)
    } else if b >= 1024.0 * 1024.0 {
        format!("{:.0} MiB", b / (1024.0 * 1024.0))
    } else {
        format!("{:.0} KiB", (b / 1024.0).max(1.0))
    }
}

fn duration(s: f64) -> String {
    if s < 1.0 {
        "under a second".into()
    } else if s < 120.0 {
        format!("about {s:.0} s")
    } else if s < 7200.0 {
        format!("about {:.0} min", s / 60.0)
    } else if s < 172_800.0 {
        format!("about {:.0} h", s / 3600.0)
    } else {
        format!("about {:.0} days", s / 86_400.0)
    }
}

fn count(x: f64) -> String {
    if x < 1e6 {
        format!("{x:.0}")
    } else {
        format!("{x:.2e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parquet_tables_are_estimated_smaller_on_disk_and_nothing_else_changes() {
        let s = crate::scenario::load(std::path::Path::new("scenarios/quickstart.toml")).unwrap();
        let plan = |table_format| Plan {
            runs: 100_000,
            threads: 2,
            state_steps: StateSteps::None,
            chunk_runs: 1000,
            table_format,
        };
        let (csv, pq) = (
            estimate(&s, &plan(TableFormat::Csv)),
            estimate(&s, &plan(TableFormat::Parquet)),
        );
        assert_eq!((csv.work, csv.memory), (pq.work, pq.memory));
        // Measured on this ensemble: timeseries.csv 1.06 GB, timeseries.parquet 0.19 GB, and
        // the run store (the same for both) about 0.5 GB.
        assert!(csv.disk > 1.0e9 && csv.disk < 2.5e9, "{}", csv.disk);
        assert!(pq.disk < 0.6 * csv.disk, "{} vs {}", pq.disk, csv.disk);
    }

    /// The work of one run of a 1-D pairwise scenario, term by term by hand, and the terms
    /// an arm adds when it switches diffusion on and a body on.
    #[test]
    fn run_work_by_hand() {
        let src = r#"
            name = "w"
            steps = 2
            dimensions = ["x"]
            [population]
            count = 8
            groups = ["all"]
            [metrics]
            every = 2
            [[bodies]]
            id = "b"
            name = "B"
            enabled = false
            founders = ["group:all"]
            [[arms]]
            name = "base"
            [[arms]]
            name = "on"
            set = { "diffusion.enabled" = true, "bodies.b.enabled" = true }
        "#;
        let Ok(mut s) = crate::scenario::parse_str(src, std::path::Path::new("w.toml")) else {
            panic!("the scenario parses");
        };
        // 8 nations, 2 steps, steps 0 and 2 recorded: the build (8 × 10), each step (300 plus
        // 8 meetings of 2.2 + 0.25), each record (200 + 8 × 0.5 plus the sorted pass,
        // 8 × (log2 8 + 1) × 0.2 = 6.4).
        let base = 80.0 + 2.0 * (300.0 + 8.0 * 2.45) + 2.0 * (200.0 + 4.0 + 6.4);
        let switched = 2.0 * 8.0 * (cost::DIFFUSION_PER_NATION + 1.5);
        let work = run_work(&s, 8.0, 1.0, 2.0, 2.0);
        assert!((work - (base + switched)).abs() < 1e-9, "{work}");
        s.arms.truncate(1);
        let work = run_work(&s, 8.0, 1.0, 2.0, 2.0);
        assert!((work - base).abs() < 1e-9, "{work}");
    }

    #[test]
    fn meminfo_is_read_in_bytes() {
        let text = "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   2048 kB\n";
        assert_eq!(parse_meminfo(text), Some(2048.0 * 1024.0));
        assert_eq!(parse_meminfo("MemTotal: 1 kB\n"), None);
    }

    #[test]
    fn units_read_naturally() {
        assert_eq!(bytes(1536.0 * 1024.0 * 1024.0), "1.5 GiB");
        assert_eq!(bytes(3.0 * 1024.0 * 1024.0), "3 MiB");
        assert_eq!(duration(0.2), "under a second");
        assert_eq!(duration(90.0), "about 90 s");
        assert_eq!(duration(3.0 * 86_400.0), "about 3 days");
    }

    #[test]
    fn refusal_names_the_limit_crossed() {
        let e = Estimate {
            runs: 2.0,
            work: 1e9,
            memory: 20.0 * GIB,
            disk: 1.0,
            memory_driver: "the tie lists of the network, one copy per worker thread",
        };
        let b = Budget {
            memory: Some(8.0 * GIB),
            work: DEFAULT_WORK_LIMIT,
        };
        let m = b.refusal(&e, 2).unwrap();
        assert!(
            m.contains("20.0 GiB") && m.contains("tie lists") && m.contains("8.0 GiB"),
            "{m}"
        );
        let small = Estimate { memory: GIB, ..e };
        assert_eq!(b.refusal(&small, 2), None);
        let long = Estimate {
            work: 2.0 * DEFAULT_WORK_LIMIT,
            ..small
        };
        assert!(b.refusal(&long, 2).unwrap().contains("--max-work"));
    }
}
