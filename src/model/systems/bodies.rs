//! Cooperation bodies: founding, accession and exit, harmonization, capacity building.

use bevy_ecs::prelude::{Local, Query, Res, ResMut};
use rand::RngExt;

use crate::metrics;
use crate::model::components::{
    BodyConfig, BodyIndex, BodyState, Capability, Gdp, Memberships, NationIndex,
};
use crate::model::resources::{
    BodyEntities, GroupTable, NationEntities, RunRng, Shape, Stances, Step,
};
use crate::model::systems::fit;
use crate::scenario::Standard;

/// Founds every enabled, not yet founded body whose founding step has come (founded ≤ t):
/// each founder (selectors resolved into `indices`, a `Local` cleared before each use)
/// becomes a member, and the body is marked founded.
pub fn found_bodies(
    step: Res<Step>,
    (groups, nation_entities): (Res<GroupTable>, Res<NationEntities>),
    mut indices: Local<Vec<u32>>,
    mut bodies: Query<(&BodyIndex, &BodyConfig, &mut BodyState)>,
    mut nations: Query<&mut Memberships>,
) {
    let indices = &mut *indices;
    for (index, config, mut state) in &mut bodies {
        let spec = &config.0;
        if !spec.enabled || state.founded || spec.founded > step.0 {
            continue;
        }
        let b = index.0 as usize;
        groups.resolve(&spec.founders, indices);
        for &i in indices.iter() {
            if let Some(&entity) = nation_entities.0.get(i as usize)
                && let Ok(mut memberships) = nations.get_mut(entity)
                && b < 64
            {
                memberships.0 |= 1u64 << b;
            }
        }
        state.founded = true;
    }
}

/// Scratch of [`update_membership`] (a `Local`: it outlives runs, see `model::engine`;
/// every buffer is overwritten in full before it is read).
#[derive(Debug, Default)]
pub struct MembershipBuffers {
    /// GDP, n.
    gdp: Vec<f64>,
    /// Membership bitmasks, n.
    members: Vec<u64>,
    /// The standard S of the body at hand, K.
    standard: Vec<f64>,
    /// S recomputed from the new members, K.
    recomputed: Vec<f64>,
}

/// Accession and exit, bodies in index order (active bodies only).
///
/// Standard S = the fixed stance, or Σ_{i∈M} gdp_i x_i / Σ_{i∈M} gdp_i over current members
/// M (unweighted mean if the members' GDP sums to 0; the previous standard if M is empty;
/// the body is skipped if it never had one). Every non-member i (index order) with
/// d(x_i, S) ≤ accession_threshold joins with probability join_rate (one uniform draw from
/// the dynamics stream only when 0 < join_rate < 1). Every member at the start of this
/// body's turn with d(x_i, S) > exit_threshold leaves. S is stored in the body's state,
/// recomputed from the new members for `members_mean` (kept if none remain).
#[allow(clippy::type_complexity)]
pub fn update_membership(
    shape: Res<Shape>,
    body_entities: Res<BodyEntities>,
    mut rng: ResMut<RunRng>,
    mut buffers: Local<MembershipBuffers>,
    mut bodies: Query<(&BodyConfig, &mut BodyState)>,
    stances: Res<Stances>,
    mut nations: Query<(&NationIndex, &Gdp, &mut Memberships)>,
) {
    if !bodies.iter().any(|(config, state)| state.active(config)) {
        return;
    }
    let (n, k) = (shape.nations, shape.dims);
    if !stances.fits(&shape) {
        return;
    }
    let x = stances.all();
    let s = &mut *buffers;
    fit(&mut s.gdp, n, 0.0);
    fit(&mut s.members, n, 0);
    fit(&mut s.standard, k, 0.0);
    fit(&mut s.recomputed, k, 0.0);
    for (index, gdp, memberships) in &nations {
        let i = index.0 as usize;
        s.gdp[i] = gdp.0;
        s.members[i] = memberships.0;
    }
    let rng = &mut rng.dynamics;
    for (b, &entity) in body_entities.0.iter().enumerate().take(64) {
        let Ok((config, mut state)) = bodies.get_mut(entity) else {
            continue;
        };
        if !state.active(config) {
            continue;
        }
        let spec = &config.0;
        let bit = 1u64 << b;
        let standard = &mut s.standard;
        match &spec.standard {
            Standard::Fixed(fixed) => standard.copy_from_slice(fixed),
            Standard::MembersMean => {
                if !members_mean(x, &s.gdp, &s.members, bit, k, standard) {
                    if state.standard.len() != k {
                        continue;
                    }
                    standard.copy_from_slice(&state.standard);
                }
            }
        }
        let mut changed = false;
        for i in 0..n {
            let distance = metrics::distance(&x[i * k..(i + 1) * k], standard);
            if s.members[i] & bit == 0 {
                if distance <= spec.accession_threshold {
                    let joins = if spec.join_rate >= 1.0 {
                        true
                    } else if spec.join_rate > 0.0 {
                        rng.random::<f64>() < spec.join_rate
                    } else {
                        false
                    };
                    if joins {
                        s.members[i] |= bit;
                        changed = true;
                    }
                }
            } else if distance > spec.exit_threshold {
                s.members[i] &= !bit;
                changed = true;
            }
        }
        if changed
            && matches!(spec.standard, Standard::MembersMean)
            && members_mean(x, &s.gdp, &s.members, bit, k, &mut s.recomputed)
        {
            s.standard.copy_from_slice(&s.recomputed);
        }
        state.standard.clear();
        state.standard.extend_from_slice(&s.standard);
    }
    for (index, _, mut memberships) in &mut nations {
        let i = index.0 as usize;
        if memberships.0 != s.members[i] {
            memberships.0 = s.members[i];
        }
    }
}

/// GDP-weighted mean stance of the nations whose mask has `bit`, into `out`; false if none.
fn members_mean(
    stances: &[f64],
    gdp: &[f64],
    members: &[u64],
    bit: u64,
    k: usize,
    out: &mut [f64],
) -> bool {
    out.fill(0.0);
    let mut total = 0.0;
    let mut count = 0usize;
    for (i, &mask) in members.iter().enumerate() {
        if mask & bit != 0 {
            let w = gdp[i].max(0.0);
            total += w;
            count += 1;
            for (acc, &x) in out.iter_mut().zip(&stances[i * k..(i + 1) * k]) {
                *acc += w * x;
            }
        }
    }
    if count == 0 {
        return false;
    }
    if total > 0.0 && total.is_finite() {
        out.iter_mut().for_each(|v| *v /= total);
    } else {
        out.fill(0.0);
        for (i, &mask) in members.iter().enumerate() {
            if mask & bit != 0 {
                for (acc, &x) in out.iter_mut().zip(&stances[i * k..(i + 1) * k]) {
                    *acc += x;
                }
            }
        }
        out.iter_mut().for_each(|v| *v /= count as f64);
    }
    true
}

/// Scratch of [`harmonize`] (a `Local`: it outlives runs, see `model::engine`; every
/// buffer is overwritten in full before it is read).
#[derive(Debug, Default)]
pub struct HarmonizeBuffers {
    /// Membership bitmasks, n.
    members: Vec<u64>,
}

/// Harmonization, bodies in index order: every member i of an active body with a standard S
/// moves x_i ← x_i + h (S − x_i), h = harmonization, S = the body's stored standard.
pub fn harmonize(
    shape: Res<Shape>,
    body_entities: Res<BodyEntities>,
    mut buffers: Local<HarmonizeBuffers>,
    bodies: Query<(&BodyConfig, &BodyState)>,
    mut stances: ResMut<Stances>,
    nations: Query<(&NationIndex, &Memberships)>,
) {
    let due = |(config, state): (&BodyConfig, &BodyState)| {
        state.active(config) && config.0.harmonization != 0.0 && !state.standard.is_empty()
    };
    if !bodies.iter().any(due) {
        return;
    }
    let (n, k) = (shape.nations, shape.dims);
    if !stances.fits(&shape) {
        return;
    }
    let s = &mut *buffers;
    fit(&mut s.members, n, 0);
    let mut any = false;
    for (index, memberships) in &nations {
        let i = index.0 as usize;
        s.members[i] = memberships.0;
        any |= memberships.0 != 0;
    }
    if !any {
        return;
    }
    for (b, &entity) in body_entities.0.iter().enumerate().take(64) {
        let Ok((config, state)) = bodies.get(entity) else {
            continue;
        };
        let h = config.0.harmonization;
        if !state.active(config) || state.standard.len() != k || h == 0.0 {
            continue;
        }
        let bit = 1u64 << b;
        for i in (0..n).filter(|&i| s.members[i] & bit != 0) {
            for (x, &target) in stances.row_mut(i).iter_mut().zip(&state.standard) {
                *x += h * (target - *x);
            }
        }
    }
}

/// Scratch of [`build_capacity`] (a `Local`: it outlives runs, see `model::engine`; every
/// buffer is overwritten in full before it is read).
#[derive(Debug, Default)]
pub struct CapacityBuffers {
    /// Capabilities, n.
    capabilities: Vec<f64>,
    /// Membership bitmasks, n.
    members: Vec<u64>,
}

/// Capacity building, bodies in index order: with c̄ = unweighted mean capability of the
/// members of an active body (from the capabilities as they stand when the body's turn
/// comes), every member with c_i < c̄ gains cb (c̄ − c_i), cb = capacity_building.
pub fn build_capacity(
    shape: Res<Shape>,
    body_entities: Res<BodyEntities>,
    mut buffers: Local<CapacityBuffers>,
    bodies: Query<(&BodyConfig, &BodyState)>,
    mut nations: Query<(&NationIndex, &mut Capability, &Memberships)>,
) {
    let due = |(config, state): (&BodyConfig, &BodyState)| {
        state.active(config) && config.0.capacity_building != 0.0
    };
    if !bodies.iter().any(due) {
        return;
    }
    let n = shape.nations;
    let s = &mut *buffers;
    fit(&mut s.capabilities, n, 0.0);
    fit(&mut s.members, n, 0);
    let mut any = false;
    for (index, capability, memberships) in &nations {
        let i = index.0 as usize;
        s.capabilities[i] = capability.0;
        s.members[i] = memberships.0;
        any |= memberships.0 != 0;
    }
    if !any {
        return;
    }
    for (b, &entity) in body_entities.0.iter().enumerate().take(64) {
        let Ok((config, state)) = bodies.get(entity) else {
            continue;
        };
        let cb = config.0.capacity_building;
        if !state.active(config) || cb == 0.0 {
            continue;
        }
        let bit = 1u64 << b;
        let (mut total, mut count) = (0.0, 0usize);
        for i in (0..n).filter(|&i| s.members[i] & bit != 0) {
            total += s.capabilities[i];
            count += 1;
        }
        if count == 0 {
            continue;
        }
        let mean = total / count as f64;
        for i in (0..n).filter(|&i| s.members[i] & bit != 0) {
            if s.capabilities[i] < mean {
                s.capabilities[i] += cb * (mean - s.capabilities[i]);
            }
        }
    }
    for (index, mut capability, memberships) in &mut nations {
        if memberships.0 != 0 {
            capability.0 = s.capabilities[index.0 as usize];
        }
    }
}
