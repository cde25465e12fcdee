//! The recorder: one metric row (and optionally a state snapshot) per recorded step.

use bevy_ecs::prelude::{Local, Query, Res, ResMut};

use crate::metrics;
use crate::model::components::{Capability, Gdp, Memberships, NationIndex, Ties};
use crate::model::resources::{Column, Params, Recorder, Shape, Snapshot, Stances, Step};
use crate::model::systems::fit;
use crate::scenario::Weighting;

/// Scratch of [`record`] (a `Local`: it outlives runs, see `model::engine`; every buffer is
/// overwritten in full at each recorded step before it is read).
#[derive(Debug, Default)]
pub struct RecordBuffers {
    /// Capabilities, n.
    capabilities: Vec<f64>,
    /// GDP, n.
    gdp: Vec<f64>,
    /// Membership bitmasks, n.
    members: Vec<u64>,
    /// Metric weights w of the last GDP and weighting seen: GDP rarely changes in a run, and
    /// allocating and summing the weights at every recorded step was a tenth of the
    /// recording cost of a small run.
    weights: Memo<Weighting, Vec<f64>>,
    /// Capability Gini of the last capabilities seen: without diffusion or capacity building
    /// they never change in a run, and the sort inside `metrics::gini` was a tenth of a
    /// small run's recording.
    gini: Memo<(), f64>,
}

/// A value computed from some numbers and a key, recomputed only when they differ from
/// those it was computed from (bit for bit, so the same function of the same numbers gives
/// the same bits).
#[derive(Debug, Default)]
struct Memo<K, V> {
    /// The numbers and key `value` was computed from (`None`: not computed yet).
    from: Option<(Vec<f64>, K)>,
    /// `compute(from)`.
    value: V,
}

impl<K: Copy + PartialEq, V> Memo<K, V> {
    /// `compute(numbers, key)`, reusing the last result when its inputs are the same.
    fn get(&mut self, numbers: &[f64], key: K, compute: impl FnOnce(&[f64], K) -> V) -> &V {
        let stale = self
            .from
            .as_ref()
            .is_none_or(|(last, k)| *k != key || !same_bits(last, numbers));
        if stale {
            self.value = compute(numbers, key);
            match &mut self.from {
                Some((last, k)) => {
                    numbers.clone_into(last);
                    *k = key;
                }
                None => self.from = Some((numbers.to_vec(), key)),
            }
        }
        &self.value
    }
}

/// Whether `a` and `b` hold the same numbers bit for bit (so -0.0 ≠ 0.0, and NaN equals
/// itself).
fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// At recorded steps t (`Scenario::recorded_steps`), appends one row in `metrics::metric_names`
/// order: with stances X (index order), w = `metrics::weights(gdp, weighting)`,
/// (fragmentation, clusters, effective_blocs, dispersion) = `metrics::pairwise_metrics(X, K, w,
/// tolerance, min_cluster_share)`, capability_gini = `metrics::gini(c)`,
/// south_capability_ratio = `metrics::group_mean_ratio(c, in global_south)`, members_b = number
/// of members of body b, regions = `metrics::regions(X, K, ties)` (culture scenarios only).
/// Only the metrics with a column (`[metrics] compute`) are computed. Non-finite values are
/// recorded as undefined (`None`). Keeps a state
/// snapshot when the states mode asks for this step.
pub fn record(
    step: Res<Step>,
    params: Res<Params>,
    (shape, stances): (Res<Shape>, Res<Stances>),
    mut recorder: ResMut<Recorder>,
    mut buffers: Local<RecordBuffers>,
    nations: Query<(&NationIndex, &Capability, &Gdp, &Memberships)>,
    ties: Query<(&NationIndex, &Ties)>,
) {
    let t = step.0;
    if !recorder.is_recorded(t) || recorder.steps.last() == Some(&t) {
        return;
    }
    let (n, k) = (shape.nations, shape.dims);
    if !stances.fits(&shape) {
        return;
    }
    let x = stances.all();
    let s = &mut *buffers;
    fit(&mut s.capabilities, n, 0.0);
    fit(&mut s.gdp, n, 0.0);
    fit(&mut s.members, n, 0);
    for (index, capability, gdp, memberships) in &nations {
        let i = index.0 as usize;
        s.capabilities[i] = capability.0;
        s.gdp[i] = gdp.0;
        s.members[i] = memberships.0;
    }
    let config = &params.metrics;
    let has = |c: Column| recorder.columns.contains(&c);
    // Only what has a column is computed (`[metrics] compute`).
    let selection = metrics::PairwiseSelection {
        fragmentation: has(Column::Fragmentation),
        components: has(Column::Clusters) || has(Column::EffectiveBlocs),
        dispersion: has(Column::Dispersion),
    };
    let pairwise = if selection.fragmentation || selection.components || selection.dispersion {
        let weights = s.weights.get(&s.gdp, config.weighting, metrics::weights);
        metrics::pairwise_selected(
            x,
            k,
            weights,
            config.tolerance,
            config.min_cluster_share,
            selection,
        )
    } else {
        metrics::PairwiseMetrics {
            fragmentation: f64::NAN,
            clusters: 0,
            effective_blocs: f64::NAN,
            dispersion: f64::NAN,
        }
    };
    let gini = if has(Column::CapabilityGini) {
        *s.gini.get(&s.capabilities, (), |c, ()| metrics::gini(c))
    } else {
        f64::NAN
    };
    let south = if has(Column::SouthCapabilityRatio) {
        metrics::group_mean_ratio(&s.capabilities, &recorder.south)
    } else {
        None
    };
    let regions = recorder.columns.contains(&Column::Regions).then(|| {
        let mut by_index: Vec<Option<&Ties>> = vec![None; n];
        for (index, tie) in &ties {
            if let Some(slot) = by_index.get_mut(index.0 as usize) {
                *slot = Some(tie);
            }
        }
        let edges = by_index.iter().enumerate().flat_map(|(i, tie)| {
            let list: Box<dyn Iterator<Item = (usize, usize)>> = match tie {
                Some(Ties::Everyone) => Box::new((i + 1..n).map(move |j| (i, j))),
                Some(Ties::List(list)) => {
                    Box::new(list.neighbours.iter().map(move |&j| (i, j as usize)))
                }
                None => Box::new(std::iter::empty()),
            };
            list
        });
        metrics::regions(x, k, edges) as f64
    });
    let row: Vec<Option<f64>> = recorder
        .columns
        .iter()
        .map(|column| {
            let value = match *column {
                Column::Fragmentation => Some(pairwise.fragmentation),
                Column::Clusters => Some(pairwise.clusters as f64),
                Column::EffectiveBlocs => Some(pairwise.effective_blocs),
                Column::Dispersion => Some(pairwise.dispersion),
                Column::CapabilityGini => Some(gini),
                Column::SouthCapabilityRatio => south,
                Column::Members(b) => Some(
                    s.members
                        .iter()
                        .filter(|&&m| b < 64 && m & (1u64 << b) != 0)
                        .count() as f64,
                ),
                Column::Regions => regions,
                Column::Unknown => None,
            };
            value.filter(|v| v.is_finite())
        })
        .collect();
    recorder.steps.push(t);
    recorder.rows.push(row);
    if recorder.keeps_states(t) {
        let snapshot = Snapshot {
            step: t,
            capabilities: s.capabilities.clone(),
            stances: x.to_vec(),
        };
        recorder.snapshots.push(snapshot);
    }
}
