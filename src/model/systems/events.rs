//! Scheduled events: export controls, joins and leaves, shocks and parameter changes.

use bevy_ecs::prelude::{Local, Query, Res, ResMut};

use crate::model::components::{
    BodyConfig, Capability, Gdp, Memberships, Openness, Susceptibility,
};
use crate::model::resources::{
    BodyEntities, EventQueue, ExportControls, GroupTable, NationEntities, Params, Stances, Step,
};
use crate::scenario::params::{apply_alignment, apply_body, apply_diffusion};
use crate::scenario::{Assignment, BodyKey, EventKind, NationKey, ParamPath};

/// Mutable nation components an event may touch.
type NationData = (
    &'static mut Gdp,
    &'static mut Capability,
    &'static mut Openness,
    &'static mut Susceptibility,
    &'static mut Memberships,
);

/// Applies every event scheduled for the current step t, in order.
///
/// - ExportControl{from, to, σ}: e_{j→i} = σ for every provider j ∈ from, recipient i ∈ to, i ≠ j.
/// - Join{b, N}: bit b set for every i ∈ N, if body b is enabled (else no-op).
/// - Leave{b, N}: bit b cleared for every i ∈ N.
/// - Shock{N, d, δ}: x_i\[d\] ← clamp(x_i\[d\] + δ, 0, 1) for i ∈ N.
/// - Set(path = v): the run-time value at `path` becomes v (alignment and diffusion
///   parameters, a body's configuration, nation or group components; `stance.d` is clamped
///   to \[0,1\]; disabling a body also removes all its members).
///
/// Selectors resolve to the union of the selected nations, each affected once, into
/// `indices` (a `Local`, cleared before each use).
#[allow(clippy::type_complexity)]
pub fn apply_events(
    step: Res<Step>,
    mut queue: ResMut<EventQueue>,
    (mut params, mut controls, mut stances): (
        ResMut<Params>,
        ResMut<ExportControls>,
        ResMut<Stances>,
    ),
    (groups, nation_entities, body_entities): (
        Res<GroupTable>,
        Res<NationEntities>,
        Res<BodyEntities>,
    ),
    mut nations: Query<NationData>,
    mut bodies: Query<&'static mut BodyConfig>,
    mut indices: Local<Vec<u32>>,
) {
    let t = step.0;
    let queue = &mut *queue;
    while queue.next < queue.events.len() && queue.events[queue.next].step < t {
        queue.next += 1; // unreachable in a normal run: events are applied at their step
    }
    if queue.events.get(queue.next).is_none_or(|e| e.step != t) {
        // Nothing due: leave Params untouched, so that its change detection (which the
        // pairwise rule uses to keep its per-nation buffers between steps) stays quiet.
        return;
    }
    let mut world = EventTargets {
        params: &mut params,
        controls: &mut controls,
        groups: &groups,
        nation_entities: &nation_entities.0,
        body_entities: &body_entities.0,
        stances: &mut stances,
        nations: &mut nations,
        bodies: &mut bodies,
    };
    let indices = &mut *indices;
    while queue.next < queue.events.len() && queue.events[queue.next].step == t {
        world.apply(&queue.events[queue.next].kind, indices);
        queue.next += 1;
    }
}

/// Borrowed world state one event is applied to.
struct EventTargets<'a, 'w, 's, 'v, 't> {
    params: &'a mut Params,
    controls: &'a mut ExportControls,
    groups: &'a GroupTable,
    nation_entities: &'a [bevy_ecs::entity::Entity],
    body_entities: &'a [bevy_ecs::entity::Entity],
    stances: &'a mut Stances,
    nations: &'a mut Query<'w, 's, NationData>,
    bodies: &'a mut Query<'v, 't, &'static mut BodyConfig>,
}

impl EventTargets<'_, '_, '_, '_, '_> {
    fn apply(&mut self, kind: &EventKind, indices: &mut Vec<u32>) {
        match kind {
            EventKind::ExportControl { from, to, strength } => {
                let mut providers = Vec::new();
                self.groups.resolve(from, &mut providers);
                self.groups.resolve(to, indices);
                for &j in &providers {
                    for &i in indices.iter() {
                        if i != j {
                            self.controls.0.insert((i, j), *strength);
                        }
                    }
                }
            }
            EventKind::Join { body, nations } => {
                if !self.body_enabled(*body) {
                    return;
                }
                self.groups.resolve(nations, indices);
                for &i in indices.iter() {
                    if let Some(entity) = self.nation_entities.get(i as usize)
                        && let Ok(mut data) = self.nations.get_mut(*entity)
                    {
                        data.4.0 |= 1u64 << *body;
                    }
                }
            }
            EventKind::Leave { body, nations } => {
                self.groups.resolve(nations, indices);
                for &i in indices.iter() {
                    if let Some(entity) = self.nation_entities.get(i as usize)
                        && let Ok(mut data) = self.nations.get_mut(*entity)
                    {
                        data.4.0 &= !(1u64 << *body);
                    }
                }
            }
            EventKind::Shock {
                nations,
                dimension,
                delta,
            } => {
                self.groups.resolve(nations, indices);
                for &i in indices.iter() {
                    if let Some(x) = self.stances.row_mut(i as usize).get_mut(*dimension) {
                        *x = (*x + delta).clamp(0.0, 1.0);
                    }
                }
            }
            EventKind::Set(assignment) => self.set(assignment, indices),
        }
    }

    fn body_enabled(&self, body: usize) -> bool {
        self.body_entities
            .get(body)
            .and_then(|e| self.bodies.get(*e).ok())
            .is_some_and(|config| config.0.enabled)
    }

    fn set(&mut self, assignment: &Assignment, indices: &mut Vec<u32>) {
        let value = &assignment.value;
        let v = value.number();
        match &assignment.path {
            ParamPath::Alignment(key) => apply_alignment(&mut self.params.alignment, *key, value),
            ParamPath::Diffusion(key) => apply_diffusion(&mut self.params.diffusion, *key, value),
            // The network is built once; validation keeps these out of events.
            ParamPath::Network(_) => {}
            ParamPath::Body(b, key) => {
                let Some(&entity) = self.body_entities.get(*b) else {
                    return;
                };
                let mut disabled = false;
                if let Ok(mut config) = self.bodies.get_mut(entity) {
                    apply_body(&mut config.0, *key, value);
                    disabled = *key == BodyKey::Enabled && !config.0.enabled;
                }
                if disabled && *b < 64 {
                    // A disabled body has no members.
                    for mut data in self.nations.iter_mut() {
                        data.4.0 &= !(1u64 << *b);
                    }
                }
            }
            ParamPath::Nation(i, key) => {
                indices.clear();
                indices.push(*i as u32);
                self.set_nations(indices, *key, v);
            }
            ParamPath::Group(tag, key) => {
                indices.clear();
                indices.extend_from_slice(self.groups.members(tag));
                self.set_nations(indices, *key, v);
            }
        }
    }

    fn set_nations(&mut self, indices: &[u32], key: NationKey, v: f64) {
        for &i in indices {
            if let NationKey::Stance(d) = key {
                if let Some(x) = self.stances.row_mut(i as usize).get_mut(d) {
                    *x = v.clamp(0.0, 1.0);
                }
                continue;
            }
            let Some(&entity) = self.nation_entities.get(i as usize) else {
                continue;
            };
            let Ok((mut gdp, mut capability, mut openness, mut susceptibility, _)) =
                self.nations.get_mut(entity)
            else {
                continue;
            };
            match key {
                NationKey::Gdp => gdp.0 = v,
                NationKey::Capability => capability.0 = v,
                NationKey::Openness => openness.0 = v,
                NationKey::Confidence => susceptibility.confidence = Some(v),
                NationKey::Stubbornness => susceptibility.stubbornness = Some(v),
                NationKey::Stance(_) => {} // set above
            }
        }
    }
}
