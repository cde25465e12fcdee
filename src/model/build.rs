//! Building the world of one run from a validated scenario.

use std::collections::BTreeMap;

use bevy_ecs::component::Mutable;
use bevy_ecs::prelude::{Entity, QueryState, Resource, World};
use bevy_ecs::query::QueryItem;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha12Rng;

use super::StatesMode;
use super::components::{
    BodyConfig, BodyIndex, BodyState, Capability, Gdp, Groups, Memberships, NationIndex, Openness,
    Susceptibility, TieList, Ties,
};
use super::resources::{
    BodyEntities, Column, EventQueue, ExportControls, GroupTable, NationEntities, Params, Recorder,
    Rivalries, RunRng, Shape, SpareNations, Stances, Step, TieSource,
};
use crate::metrics::{self, Metric, MetricColumn};
use crate::scenario::{NetworkKind, PopulationStance, Rule, Scenario};

/// The tag whose members form the numerator of `south_capability_ratio`.
pub const SOUTH_TAG: &str = "global_south";

/// One nation before it becomes an entity, borrowing what the scenario already holds (a
/// reused entity copies it into the buffers it has, without allocating). Its stance goes
/// straight into the run's [`Stances`].
struct NationInit<'a> {
    groups: &'a [String],
    gdp: f64,
    capability: f64,
    openness: f64,
    susceptibility: Susceptibility,
}

/// Ids of the population nations: `p` + 1-based number zero-padded to the digits of `count`.
pub fn population_ids(count: u32) -> Vec<String> {
    let width = count.to_string().len();
    (1..=count).map(|i| format!("p{i:0width$}")).collect()
}

/// Ids of all nations of a run, in index order.
pub fn nation_ids(scenario: &Scenario) -> Vec<String> {
    let mut ids: Vec<String> = scenario.nations.iter().map(|n| n.id.clone()).collect();
    if let Some(population) = &scenario.population {
        ids.extend(population_ids(population.count));
    }
    ids
}

/// Builds the world of one run (entities and resources, no systems run yet).
pub fn build_world(scenario: &Scenario, seed: u64, keep: StatesMode) -> World {
    let mut world = World::new();
    populate_world(&mut world, scenario, seed, keep);
    world
}

/// Spawns the nations and bodies of one run into `world` and inserts (or replaces) every
/// resource the systems read, so a world emptied by [`clear_run`] can host the next run.
pub fn populate_world(world: &mut World, scenario: &Scenario, seed: u64, keep: StatesMode) {
    let mut init = ChaCha12Rng::seed_from_u64(seed);
    let mut dynamics = init.clone();
    dynamics.set_stream(1);
    init.set_stream(0);

    let k = scenario.dimensions.len();
    // The last run's matrix, emptied: its allocations are reused.
    let mut stances = world
        .get_resource_mut::<Stances>()
        .map(|mut last| std::mem::take(&mut *last))
        .unwrap_or_default();
    stances.reset(k);
    let mut nations: Vec<NationInit> = scenario
        .nations
        .iter()
        .map(|spec| {
            stances.push(spec.stance.iter().copied());
            NationInit {
                groups: &spec.groups,
                gdp: spec.gdp,
                capability: spec.capability,
                openness: spec.openness,
                susceptibility: Susceptibility {
                    confidence: spec.confidence,
                    stubbornness: spec.stubbornness,
                },
            }
        })
        .collect();
    if let Some(population) = &scenario.population {
        let count = population.count;
        let culture = scenario.alignment.rule == Rule::Culture;
        // Culture stances are traits t/(q−1): exact, so equal traits compare equal.
        let q = scenario.alignment.traits.max(2);
        for p in 0..count {
            match population.stance {
                PopulationStance::Regular if count > 1 => {
                    stances.push(std::iter::repeat_n(f64::from(p) / f64::from(count - 1), k));
                }
                PopulationStance::Regular => stances.push(std::iter::repeat_n(0.5, k)),
                PopulationStance::Uniform if culture => stances
                    .push((0..k).map(|_| f64::from(init.random_range(0..q)) / f64::from(q - 1))),
                PopulationStance::Uniform => stances.push((0..k).map(|_| init.random::<f64>())),
            }
            nations.push(NationInit {
                groups: &population.groups,
                gdp: population.gdp,
                capability: population.capability,
                openness: population.openness,
                susceptibility: Susceptibility {
                    confidence: population.confidence,
                    stubbornness: population.stubbornness,
                },
            });
        }
    }
    let n = nations.len();

    let mut groups = GroupTable::default();
    for (i, nation) in nations.iter().enumerate() {
        for tag in nation.groups {
            // The tag is cloned only for its first member.
            let members = match groups.tags.get_mut(tag) {
                Some(members) => members,
                None => groups.tags.entry(tag.clone()).or_default(),
            };
            if members.last() != Some(&(i as u32)) {
                members.push(i as u32);
            }
        }
    }

    let spare = world
        .remove_resource::<SpareNations>()
        .map_or_else(Vec::new, |s| s.0);
    // `None`: every spare nation keeps the ties it has (built from the same network and groups).
    let ties = if keeps_ties(world, scenario, &nations, &spare) {
        None
    } else {
        Some(fresh_ties(world, scenario, &nations, &mut init))
    };
    let rivalries = build_rivalries(scenario, &groups, n);

    // Every nation entity carries exactly this bundle (and `Ties`), so overwriting it on a
    // spare entity of the last run leaves nothing of that run behind.
    let mut spare = spare.into_iter();
    let mut ties = ties.map(Vec::into_iter);
    let mut writer = world
        .remove_resource::<NationWriter>()
        .unwrap_or_else(|| NationWriter(world.query()));
    let mut nation_entities = Vec::with_capacity(n);
    for (i, nation) in nations.into_iter().enumerate() {
        let tie = ties.as_mut().and_then(Iterator::next);
        let reused = spare.next().filter(|&e| world.get_entity(e).is_ok());
        let entity = match reused {
            Some(entity) => {
                match writer.0.get_mut(world, entity) {
                    Ok(components) => overwrite_nation(components, i, &nation),
                    Err(_) => {
                        if let Ok(mut e) = world.get_entity_mut(entity) {
                            e.insert(nation_bundle(i, nation));
                        }
                    }
                }
                if let (Some(tie), Ok(mut e)) = (tie, world.get_entity_mut(entity)) {
                    e.insert(tie);
                }
                entity
            }
            None => world
                .spawn((nation_bundle(i, nation), tie.unwrap_or(Ties::Everyone)))
                .id(),
        };
        nation_entities.push(entity);
    }
    put_resource(world, writer);
    for entity in spare {
        world.despawn(entity);
    }
    let mut body_entities = Vec::with_capacity(scenario.bodies.len());
    for (b, spec) in scenario.bodies.iter().enumerate() {
        let entity = world
            .spawn((
                BodyIndex(b as u32),
                BodyConfig(spec.clone()),
                BodyState::default(),
            ))
            .id();
        body_entities.push(entity);
    }

    let shape = Shape {
        nations: n,
        dims: k,
        bodies: scenario.bodies.len(),
    };
    let columns = metrics::catalogue::scenario_columns(scenario)
        .into_iter()
        .map(column)
        .collect();
    let south = (0..n)
        .map(|i| groups.members(SOUTH_TAG).binary_search(&(i as u32)).is_ok())
        .collect();
    let schedule = scenario.recorded_steps();
    let recorded = schedule.len();
    let recorder = Recorder {
        schedule,
        last_step: scenario.steps,
        keep,
        columns,
        south,
        steps: Vec::with_capacity(recorded),
        rows: Vec::with_capacity(recorded),
        snapshots: Vec::new(),
    };

    put_resource(
        world,
        Params {
            alignment: scenario.alignment.clone(),
            diffusion: scenario.diffusion.clone(),
            metrics: scenario.metrics.clone(),
        },
    );
    put_resource(world, Step(0));
    put_resource(world, stances);
    put_resource(world, shape);
    put_resource(world, RunRng { init, dynamics });
    put_resource(world, ExportControls::default());
    put_resource(
        world,
        EventQueue {
            events: scenario.events.clone(),
            next: 0,
        },
    );
    put_resource(world, groups);
    put_resource(world, rivalries);
    put_resource(world, NationEntities(nation_entities));
    put_resource(world, BodyEntities(body_entities));
    put_resource(world, recorder);
}

/// The components of nation `i` (with `Ties` besides, every nation entity carries exactly
/// these).
fn nation_bundle(
    i: usize,
    nation: NationInit,
) -> (
    NationIndex,
    Capability,
    Openness,
    Gdp,
    Susceptibility,
    Groups,
    Memberships,
) {
    (
        NationIndex(i as u32),
        Capability(nation.capability),
        Openness(nation.openness),
        Gdp(nation.gdp),
        nation.susceptibility,
        Groups(nation.groups.to_vec()),
        Memberships(0),
    )
}

/// Every component of [`nation_bundle`], mutably.
type NationComponents = (
    &'static mut NationIndex,
    &'static mut Capability,
    &'static mut Openness,
    &'static mut Gdp,
    &'static mut Susceptibility,
    &'static mut Groups,
    &'static mut Memberships,
);

/// The query [`populate_world`] overwrites reused nations through, kept in the world from
/// run to run: a cache, not run state (building it, with its aliasing check and component
/// lookups, cost as much per entity as the writes).
#[derive(Resource)]
struct NationWriter(QueryState<NationComponents>);

/// Overwrites every component of [`nation_bundle`] on a spare nation entity in place,
/// copying into the vectors it already has (inserting the bundle instead allocates them
/// anew and frees the old ones: most of the cost of building a small run).
fn overwrite_nation(
    components: QueryItem<'_, '_, NationComponents>,
    i: usize,
    nation: &NationInit,
) {
    let (
        mut index,
        mut capability,
        mut openness,
        mut gdp,
        mut susceptibility,
        mut groups,
        mut memberships,
    ) = components;
    index.0 = i as u32;
    capability.0 = nation.capability;
    openness.0 = nation.openness;
    gdp.0 = nation.gdp;
    *susceptibility = nation.susceptibility;
    nation.groups.clone_into(&mut groups.0);
    memberships.0 = 0;
}

/// Sets resource `value` on `world`: overwrites the one there in place, else inserts it.
/// Bevy's insert path (resources are entities) costs several times the overwrite, and runs
/// set a dozen resources per run and `Step` every step. Either way the resource reads as
/// changed this tick, and no system asks whether it was added.
pub fn put_resource<R: Resource<Mutability = Mutable>>(world: &mut World, value: R) {
    match world.get_resource_mut::<R>() {
        Some(mut slot) => *slot = value,
        None => world.insert_resource(value),
    }
}

/// Ends a run on `world`: despawns its body entities (the run's `BodyEntities`) and keeps
/// its nation entities (`NationEntities`) as [`SpareNations`], leaving bevy's own entities
/// and the (stale) resources of the last run, which [`populate_world`] replaces wholesale.
///
/// A run's state lives in exactly those entities and resources, and the next
/// [`populate_world`] overwrites every component of each spare nation it reuses and
/// despawns the rest, so nothing of this run reaches the next one; the schedules initialised
/// on the world (the expensive part of a small run) stay valid because the next run has the
/// same archetypes. Spares a run never reused (no `populate_world` since) are despawned.
pub fn clear_run(world: &mut World) {
    let nations = world
        .remove_resource::<NationEntities>()
        .map_or_else(Vec::new, |e| e.0);
    let mut gone = world
        .remove_resource::<SpareNations>()
        .map_or_else(Vec::new, |s| s.0);
    if let Some(bodies) = world.remove_resource::<BodyEntities>() {
        gone.extend(bodies.0);
    }
    for entity in gone {
        world.despawn(entity);
    }
    world.insert_resource(SpareNations(nations));
    // Standalone bevy_ecs keeps every despawned entity's removal records until trackers are
    // cleared (bevy's App does it each frame); a reused world that never clears them grows
    // by every run's nations, which was the memory that grew with ensemble length.
    world.clear_trackers();
}

/// The recorder's column for a catalogue column.
fn column(c: MetricColumn) -> Column {
    match c {
        MetricColumn::Metric(Metric::Fragmentation) => Column::Fragmentation,
        MetricColumn::Metric(Metric::Clusters) => Column::Clusters,
        MetricColumn::Metric(Metric::EffectiveBlocs) => Column::EffectiveBlocs,
        MetricColumn::Metric(Metric::Dispersion) => Column::Dispersion,
        MetricColumn::Metric(Metric::CapabilityGini) => Column::CapabilityGini,
        MetricColumn::Metric(Metric::SouthCapabilityRatio) => Column::SouthCapabilityRatio,
        MetricColumn::Metric(Metric::Regions) => Column::Regions,
        MetricColumn::Members(b) => Column::Members(b),
    }
}

/// Whether the `spare` nations' ties can stay: the world's [`TieSource`] says they were built
/// from this scenario's network and these groups, and every nation has a live spare.
fn keeps_ties(
    world: &World,
    scenario: &Scenario,
    nations: &[NationInit],
    spare: &[Entity],
) -> bool {
    spare.len() == nations.len()
        && world.get_resource::<TieSource>().is_some_and(|source| {
            source.network == scenario.network
                && source.groups.len() == nations.len()
                && source
                    .groups
                    .iter()
                    .zip(nations)
                    .all(|(g, n)| g.as_slice() == n.groups)
        })
        && spare.iter().all(|&e| world.get_entity(e).is_ok())
}

/// [`build_ties`], recording what they were built from as the world's [`TieSource`] (none for
/// a random network, whose ties differ from run to run).
fn fresh_ties(
    world: &mut World,
    scenario: &Scenario,
    nations: &[NationInit],
    rng: &mut ChaCha12Rng,
) -> Vec<Ties> {
    if matches!(scenario.network.kind, NetworkKind::Random { .. }) {
        world.remove_resource::<TieSource>();
    } else {
        world.insert_resource(TieSource {
            network: scenario.network.clone(),
            groups: nations.iter().map(|n| n.groups.to_vec()).collect(),
        });
    }
    build_ties(scenario, nations, rng)
}

/// Ties of every nation, in index order.
///
/// Complete: everyone else, weight 1. Random{p}: each pair i<j (lexicographic order) tied
/// when a uniform draw of the init stream is < p. Lattice{L}: nation i at (i / L, i % L)
/// tied (weight 1) to its up, left, right and down neighbours, no wrap. Explicit: the listed ties, symmetrised
/// (the last entry for a pair wins, self-ties ignored). Then every tie whose ends share tag
/// g is multiplied by factor(g), for every such tag; ties of weight ≤ 0 are dropped.
fn build_ties(scenario: &Scenario, nations: &[NationInit], rng: &mut ChaCha12Rng) -> Vec<Ties> {
    let n = nations.len();
    let weights = &scenario.network.group_weights;
    // carries[i * g + t]: nation i carries the tag of group weight t.
    let g = weights.len();
    let mut carries = vec![false; n * g];
    for (i, nation) in nations.iter().enumerate() {
        for (t, (tag, _)) in weights.iter().enumerate() {
            carries[i * g + t] = nation.groups.iter().any(|own| own == tag);
        }
    }
    // With at most 64 group weights, the tags a pair shares are one AND of bitmasks, and the
    // factors multiply in the same (ascending t) order as the general loop, so the same bits.
    let masks: Option<Vec<u64>> = (g <= 64).then(|| {
        (0..n)
            .map(|i| {
                (0..g)
                    .filter(|&t| carries[i * g + t])
                    .fold(0, |m, t| m | 1 << t)
            })
            .collect()
    });
    let factor = |i: usize, j: usize| -> f64 {
        if let Some(masks) = &masks {
            let mut shared = masks[i] & masks[j];
            let mut product = 1.0;
            while shared != 0 {
                product *= weights[shared.trailing_zeros() as usize].1;
                shared &= shared - 1;
            }
            return product;
        }
        weights
            .iter()
            .enumerate()
            .filter(|(t, _)| carries[i * g + t] && carries[j * g + t])
            .map(|(_, (_, f))| *f)
            .product()
    };
    // Whether any tie can be reweighted at all.
    let reweights = weights
        .iter()
        .enumerate()
        .any(|(t, (_, f))| *f != 1.0 && (0..n).filter(|&i| carries[i * g + t]).nth(1).is_some());

    let mut adjacency: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
    match &scenario.network.kind {
        NetworkKind::Complete => {
            if !reweights {
                return vec![Ties::Everyone; n];
            }
            for (i, list) in adjacency.iter_mut().enumerate() {
                list.reserve_exact(n.saturating_sub(1));
                list.extend((0..n).filter(|&j| j != i).map(|j| (j as u32, 1.0)));
            }
        }
        NetworkKind::Random { p } => {
            for i in 0..n {
                for j in i + 1..n {
                    if rng.random::<f64>() < *p {
                        adjacency[i].push((j as u32, 1.0));
                        adjacency[j].push((i as u32, 1.0));
                    }
                }
            }
        }
        NetworkKind::Lattice { side } => {
            let side = *side as usize;
            for (i, list) in adjacency.iter_mut().enumerate() {
                // Von Neumann neighbours in index order: up, left, right, down.
                let (row, col) = (i / side.max(1), i % side.max(1));
                let mut near = Vec::with_capacity(4);
                if row > 0 {
                    near.push(i - side);
                }
                if col > 0 {
                    near.push(i - 1);
                }
                if col + 1 < side {
                    near.push(i + 1);
                }
                if row + 1 < side {
                    near.push(i + side);
                }
                list.extend(near.into_iter().filter(|&j| j < n).map(|j| (j as u32, 1.0)));
            }
        }
        NetworkKind::Explicit { ties } => {
            let mut unique: BTreeMap<(usize, usize), f64> = BTreeMap::new();
            for &(a, b, w) in ties {
                if a != b && a < n && b < n {
                    unique.insert((a.min(b), a.max(b)), w);
                }
            }
            for ((a, b), w) in unique {
                adjacency[a].push((b as u32, w));
                adjacency[b].push((a as u32, w));
            }
            for list in &mut adjacency {
                list.sort_by_key(|(j, _)| *j);
            }
        }
    }
    adjacency
        .into_iter()
        .enumerate()
        .map(|(i, list)| {
            Ties::List(TieList::new(list.into_iter().map(|(j, w)| {
                let w = if g == 0 { w } else { w * factor(i, j as usize) };
                (j, w)
            })))
        })
        .collect()
}

/// The symmetric rivalry table: every (a, b) with a from one side and b from the other,
/// a ≠ b; later entries override earlier ones.
fn build_rivalries(scenario: &Scenario, groups: &GroupTable, n: usize) -> Rivalries {
    let mut table: BTreeMap<(u32, u32), f64> = BTreeMap::new();
    let (mut a_side, mut b_side) = (Vec::new(), Vec::new());
    for rivalry in &scenario.rivalries {
        groups.resolve(std::slice::from_ref(&rivalry.a), &mut a_side);
        groups.resolve(std::slice::from_ref(&rivalry.b), &mut b_side);
        for &a in &a_side {
            for &b in &b_side {
                if a != b {
                    table.insert((a.min(b), a.max(b)), rivalry.strength);
                }
            }
        }
    }
    let mut by_nation = vec![Vec::new(); n];
    for (&(a, b), &sigma) in &table {
        if let Some(list) = by_nation.get_mut(a as usize) {
            list.push((b, sigma));
        }
        if let Some(list) = by_nation.get_mut(b as usize) {
            list.push((a, sigma));
        }
    }
    for list in &mut by_nation {
        list.sort_by_key(|(j, _)| *j);
    }
    Rivalries {
        pairs: table.into_iter().collect(),
        by_nation,
    }
}
