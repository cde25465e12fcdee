//! Plain-array references of the pairwise (Deffuant–Weisbuch) kernel, without ECS.
//!
//! They exist to keep the ECS engine honest in two ways: `tests/it/determinism.rs` checks that
//! the engine gives bit-identical results on the same inputs (so the systems implement
//! exactly these kernels), and `benches/engine.rs` times both, so the cost of the ECS layer
//! is visible.
//!
//! - [`pairwise`]: the classic case only (complete network, homogeneous ε and μ, no
//!   stubbornness, rivalry, noise, bodies or diffusion).
//! - [`Plain`]: a whole run of a scenario that uses only the pairwise rule on a complete
//!   network (group weights allowed), per-nation ε and stubbornness, rivalry, noise and
//!   export-control events, with the full metric row at every recorded step. That is the
//!   baseline arm of `quickstart` and `world2025` (bodies disabled, diffusion off) and the
//!   1,000-nation benchmark scenario. Bodies, diffusion, other events, other networks and
//!   rules are not covered: [`Plain::new`] refuses such scenarios.

use std::collections::BTreeMap;

use rand::RngExt;
use rand::SeedableRng;
use rand_chacha::ChaCha12Rng;

use crate::metrics::{self, PairwiseMetrics};
use crate::scenario::{EventKind, NetworkKind, PopulationStance, Rule, Scenario, Selector};
use crate::stats::normal::standard_normal;

/// Initial stances of a `[population]` with `stance = "uniform"`, exactly as the engine
/// draws them (stream 0 of the run's generator), flat n×k.
pub fn uniform_population(n: usize, k: usize, seed: u64) -> Vec<f64> {
    let mut init = ChaCha12Rng::seed_from_u64(seed);
    init.set_stream(0);
    (0..n * k).map(|_| init.random::<f64>()).collect()
}

/// Runs `steps` Deffuant steps on flat n×k `stances` in place: each step every nation, in
/// a random order, meets a uniformly drawn other nation; if d_ij < ε both move μ of the gap.
/// Draws come from stream 1 of the run's generator, as in the engine.
pub fn pairwise(stances: &mut [f64], k: usize, confidence: f64, rate: f64, steps: u32, seed: u64) {
    let n = stances.len() / k.max(1);
    let mut rng = ChaCha12Rng::seed_from_u64(seed);
    rng.set_stream(1);
    let mut order: Vec<u32> = (0..n as u32).collect();
    for _ in 0..steps {
        for (slot, i) in order.iter_mut().zip(0u32..) {
            *slot = i;
        }
        crate::stats::shuffle::shuffle(order.as_mut_slice(), &mut rng);
        for &i in &order {
            let i = i as usize;
            if n < 2 {
                continue;
            }
            let r = rng.random_range(0..(n - 1) as u32) as usize;
            let j = if r >= i { r + 1 } else { r };
            let (xi, xj) = (&stances[i * k..(i + 1) * k], &stances[j * k..(j + 1) * k]);
            if metrics::distance(xi, xj) < confidence {
                for d in 0..k {
                    let (a, b) = (stances[i * k + d], stances[j * k + d]);
                    stances[i * k + d] = a + rate * (b - a);
                    stances[j * k + d] = b + rate * (a - b);
                }
            }
        }
    }
}

/// Fragmentation metrics of flat stances with equal weights, as the recorder computes them.
pub fn equal_weight_metrics(stances: &[f64], k: usize, tolerance: f64) -> PairwiseMetrics {
    let n = stances.len() / k.max(1);
    let w = vec![1.0 / n as f64; n];
    metrics::pairwise_metrics(stances, k, &w, tolerance, 0.0)
}

/// Who nation i meets: everyone else uniformly, or a weighted neighbour list.
#[derive(Clone, Debug)]
enum Partners {
    Everyone,
    List {
        neighbours: Vec<u32>,
        cumulative: Vec<f64>,
        uniform: bool,
    },
}

/// A whole run of a pairwise scenario on flat arrays (see the module documentation for what
/// it covers). Built once per scenario; [`Plain::run`] is a pure function of the seed.
#[derive(Clone, Debug)]
pub struct Plain {
    n: usize,
    k: usize,
    steps: u32,
    recorded: Vec<u32>,
    /// Named nations' stances, n_named×K; population stances are drawn per run.
    named_stances: Vec<f64>,
    population: Option<(u32, PopulationStance)>,
    partners: Vec<Partners>,
    confidence: Vec<f64>,
    stubbornness: Vec<f64>,
    /// Rivals of each nation (j, σ_ij), ascending by j.
    rivals: Vec<Vec<(u32, f64)>>,
    rate: f64,
    rivalry_rate: f64,
    noise: f64,
    weights: Vec<f64>,
    capabilities: Vec<f64>,
    south: Vec<bool>,
    bodies: usize,
    tolerance: f64,
    min_cluster_share: f64,
}

/// What one plain run produced: the metric rows (as `RunOutput::metrics`) and the final
/// stances, n×K.
#[derive(Clone, Debug, PartialEq)]
pub struct PlainOutput {
    /// One row per recorded step, in `metrics::metric_names` order.
    pub metrics: Vec<Vec<Option<f64>>>,
    /// Stances after the last step.
    pub stances: Vec<f64>,
}

impl Plain {
    /// The plain run of `scenario` (arm overrides already applied), or `None` when the
    /// scenario uses anything this reference does not cover.
    pub fn new(scenario: &Scenario) -> Option<Self> {
        let a = &scenario.alignment;
        let covered = a.rule == Rule::Pairwise
            && scenario.network.kind == NetworkKind::Complete
            && !scenario.diffusion.enabled
            && scenario.bodies.iter().all(|b| !b.enabled)
            && scenario
                .events
                .iter()
                .all(|e| matches!(e.kind, EventKind::ExportControl { .. }))
            && scenario.sweep.is_none()
            && scenario.metrics.compute.is_none()
            && !scenario.uses_culture();
        if !covered {
            return None;
        }
        let k = scenario.dimensions.len();
        let mut groups: Vec<Vec<String>> = Vec::new();
        let (mut gdp, mut capabilities) = (Vec::new(), Vec::new());
        let (mut confidence, mut stubbornness) = (Vec::new(), Vec::new());
        let mut named_stances = Vec::new();
        for spec in &scenario.nations {
            groups.push(spec.groups.clone());
            gdp.push(spec.gdp);
            capabilities.push(spec.capability);
            confidence.push(spec.confidence.unwrap_or(a.confidence));
            stubbornness.push(spec.stubbornness.unwrap_or(a.stubbornness));
            named_stances.extend_from_slice(&spec.stance);
        }
        let population = scenario.population.as_ref().map(|p| {
            for _ in 0..p.count {
                groups.push(p.groups.clone());
                gdp.push(p.gdp);
                capabilities.push(p.capability);
                confidence.push(p.confidence.unwrap_or(a.confidence));
                stubbornness.push(p.stubbornness.unwrap_or(a.stubbornness));
            }
            (p.count, p.stance)
        });
        let n = groups.len();
        let carries = |i: usize, tag: &str| groups[i].iter().any(|g| g == tag);
        let members = |tag: &str| (0..n).filter(|&i| carries(i, tag)).collect::<Vec<_>>();

        // Complete network; a tie whose ends share tag g is multiplied by factor(g).
        let factors = &scenario.network.group_weights;
        let reweights = factors
            .iter()
            .any(|(tag, f)| *f != 1.0 && members(tag).len() > 1);
        let partners = (0..n)
            .map(|i| {
                if !reweights {
                    return Partners::Everyone;
                }
                let (mut neighbours, mut cumulative, mut weights) = (vec![], vec![], vec![]);
                let mut total = 0.0;
                for j in (0..n).filter(|&j| j != i) {
                    let factor: f64 = factors
                        .iter()
                        .filter(|(tag, _)| carries(i, tag) && carries(j, tag))
                        .map(|(_, f)| *f)
                        .product();
                    let w = 1.0 * factor;
                    if w > 0.0 && w.is_finite() {
                        total += w;
                        neighbours.push(j as u32);
                        weights.push(w);
                        cumulative.push(total);
                    }
                }
                let uniform = weights.windows(2).all(|p| p[0] == p[1]);
                Partners::List {
                    neighbours,
                    cumulative,
                    uniform,
                }
            })
            .collect();

        // Rivalries: every (a, b) across the two sides, a ≠ b; later entries win.
        let resolve = |selector: &Selector| -> Vec<usize> {
            match selector {
                Selector::Nation(i) => vec![*i],
                Selector::Group(tag) => members(tag),
            }
        };
        let mut table: BTreeMap<(usize, usize), f64> = BTreeMap::new();
        for rivalry in &scenario.rivalries {
            for a_i in resolve(&rivalry.a) {
                for b_i in resolve(&rivalry.b) {
                    if a_i != b_i {
                        table.insert((a_i.min(b_i), a_i.max(b_i)), rivalry.strength);
                    }
                }
            }
        }
        let mut rivals = vec![Vec::new(); n];
        for (&(x, y), &sigma) in &table {
            rivals[x].push((y as u32, sigma));
            rivals[y].push((x as u32, sigma));
        }
        for list in &mut rivals {
            list.sort_by_key(|(j, _)| *j);
        }

        let m = &scenario.metrics;
        Some(Plain {
            n,
            k,
            steps: scenario.steps,
            recorded: scenario.recorded_steps(),
            named_stances,
            population,
            partners,
            confidence,
            stubbornness,
            rivals,
            rate: a.rate,
            rivalry_rate: a.rivalry_rate,
            noise: a.noise,
            weights: metrics::weights(&gdp, m.weighting),
            south: (0..n)
                .map(|i| carries(i, crate::model::build::SOUTH_TAG))
                .collect(),
            capabilities,
            bodies: scenario.bodies.len(),
            tolerance: m.tolerance,
            min_cluster_share: m.min_cluster_share,
        })
    }

    /// One run with `seed`: stream 0 draws the population's stances, stream 1 the meetings
    /// and noise, exactly as the engine does.
    pub fn run(&self, seed: u64) -> PlainOutput {
        let (n, k) = (self.n, self.k);
        let mut init = ChaCha12Rng::seed_from_u64(seed);
        let mut rng = init.clone();
        rng.set_stream(1);
        init.set_stream(0);
        let mut x = Vec::with_capacity(n * k);
        x.extend_from_slice(&self.named_stances);
        if let Some((count, stance)) = self.population {
            for p in 0..count {
                for _ in 0..k {
                    x.push(match stance {
                        PopulationStance::Regular if count > 1 => {
                            f64::from(p) / f64::from(count - 1)
                        }
                        PopulationStance::Regular => 0.5,
                        PopulationStance::Uniform => init.random::<f64>(),
                    });
                }
            }
        }
        let mut rows = Vec::with_capacity(self.recorded.len());
        let mut order: Vec<u32> = (0..n as u32).collect();
        for t in 0..=self.steps {
            if t > 0 {
                self.meetings(&mut x, &mut order, &mut rng);
                if self.noise > 0.0 {
                    for v in x.iter_mut() {
                        let z = standard_normal(&mut rng);
                        *v = (*v + self.noise * z).clamp(0.0, 1.0);
                    }
                }
            }
            if self.recorded.binary_search(&t).is_ok() {
                rows.push(self.metric_row(&x));
            }
        }
        PlainOutput {
            metrics: rows,
            stances: x,
        }
    }

    /// One step of meetings: every nation, in a random order, meets a partner; rivals move
    /// apart, others move toward each other when within their own ε (dialogue is 0: no body).
    fn meetings(&self, x: &mut [f64], order: &mut [u32], rng: &mut ChaCha12Rng) {
        let (n, k) = (self.n, self.k);
        for (slot, i) in order.iter_mut().zip(0u32..) {
            *slot = i;
        }
        crate::stats::shuffle::shuffle(order, rng);
        for &i in order.iter() {
            let i = i as usize;
            let j = match &self.partners[i] {
                Partners::Everyone => {
                    if n < 2 {
                        continue;
                    }
                    let r = rng.random_range(0..(n - 1) as u32) as usize;
                    if r >= i { r + 1 } else { r }
                }
                Partners::List {
                    neighbours,
                    cumulative,
                    uniform,
                } => {
                    let len = neighbours.len();
                    if len == 0 {
                        continue;
                    }
                    let pick = if *uniform {
                        rng.random_range(0..len as u32) as usize
                    } else {
                        let u = rng.random::<f64>() * cumulative[len - 1];
                        cumulative.partition_point(|&c| c <= u).min(len - 1)
                    };
                    neighbours[pick] as usize
                }
            };
            let rival = self.rivals[i]
                .binary_search_by_key(&(j as u32), |&(r, _)| r)
                .ok()
                .map(|p| self.rivals[i][p].1);
            if let Some(sigma) = rival {
                let push = self.rivalry_rate * sigma;
                for d in 0..k {
                    let (pa, pb) = (x[i * k + d], x[j * k + d]);
                    x[i * k + d] = (pa - push * (pb - pa)).clamp(0.0, 1.0);
                    x[j * k + d] = (pb - push * (pa - pb)).clamp(0.0, 1.0);
                }
                continue;
            }
            let distance = metrics::distance(&x[i * k..(i + 1) * k], &x[j * k..(j + 1) * k]);
            let move_i = distance < self.confidence[i] + 0.0;
            let move_j = distance < self.confidence[j] + 0.0;
            let mi = self.rate * (1.0 - self.stubbornness[i]);
            let mj = self.rate * (1.0 - self.stubbornness[j]);
            for d in 0..k {
                let (pa, pb) = (x[i * k + d], x[j * k + d]);
                if move_i {
                    x[i * k + d] = pa + mi * (pb - pa);
                }
                if move_j {
                    x[j * k + d] = pb + mj * (pa - pb);
                }
            }
        }
    }

    /// The metric row of stances `x`: the four pairwise metrics, capability Gini, south
    /// ratio, and 0 members for every (disabled) body; non-finite values undefined.
    fn metric_row(&self, x: &[f64]) -> Vec<Option<f64>> {
        let p = metrics::pairwise_metrics(
            x,
            self.k,
            &self.weights,
            self.tolerance,
            self.min_cluster_share,
        );
        let mut row = vec![
            Some(p.fragmentation),
            Some(p.clusters as f64),
            Some(p.effective_blocs),
            Some(p.dispersion),
            Some(metrics::gini(&self.capabilities)),
            metrics::group_mean_ratio(&self.capabilities, &self.south),
        ];
        row.extend((0..self.bodies).map(|_| Some(0.0)));
        row.into_iter()
            .map(|v| v.filter(|v| v.is_finite()))
            .collect()
    }
}
