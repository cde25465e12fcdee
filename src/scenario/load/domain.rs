//! Numeric domains that only the whole scenario determines: what can be known before a run
//! is refused here, with the key to change, rather than overflowing mid-ensemble.

use super::Table;
use crate::scenario::reader::Ctx;
use crate::scenario::types::*;

/// Capabilities stay below this, so sums over nations and pairs (Gini, means) stay finite.
pub const MAX_CAPABILITY: f64 = 1e200;

/// Every assignment of the scenario: arms, sweep points and `set` events, which may raise
/// growth or capability beyond the base values.
fn assignments(s: &Scenario) -> impl Iterator<Item = &Assignment> {
    let arms = s.arms.iter().flat_map(|a| a.set.iter());
    let points = s.sweep.iter().flat_map(|w| w.points.iter().flatten());
    let events = s.events.iter().filter_map(|e| match &e.kind {
        EventKind::Set(a) => Some(a),
        _ => None,
    });
    arms.chain(points).chain(events)
}

/// log10 of the largest capability any run can reach: the largest capability it can start
/// from (or be set to) times (1 + g)^steps for the largest growth g. Absorption moves a
/// nation at most up to the best open offer and capacity building toward the members' mean,
/// so neither exceeds the largest grown capability.
pub fn max_capability_log10(s: &Scenario) -> f64 {
    let diffusion_can_run = s.diffusion.enabled
        || assignments(s).any(|a| a.path == ParamPath::Diffusion(DiffusionKey::Enabled));
    let growth = if diffusion_can_run {
        assignments(s)
            .filter(|a| a.path == ParamPath::Diffusion(DiffusionKey::Growth))
            .map(|a| a.value.number())
            .fold(s.diffusion.growth, f64::max)
    } else {
        0.0
    };
    let start = s
        .nations
        .iter()
        .map(|n| n.capability)
        .chain(s.population.iter().map(|p| p.capability))
        .chain(
            assignments(s)
                .filter(|a| {
                    matches!(
                        &a.path,
                        ParamPath::Nation(_, NationKey::Capability)
                            | ParamPath::Group(_, NationKey::Capability)
                    )
                })
                .map(|a| a.value.number()),
        )
        .fold(0.0, f64::max);
    libm::log10(start.max(f64::MIN_POSITIVE))
        + f64::from(s.steps) * libm::log1p(growth) / std::f64::consts::LN_10
}

/// Refuses a scenario whose capabilities could grow past [`MAX_CAPABILITY`], located at
/// `diffusion.growth` when the file sets it, else at `steps`.
pub fn check_capability_growth(ctx: &mut Ctx<'_>, top: &Table<'_, '_>, s: &Scenario) {
    let reach = max_capability_log10(s);
    if reach < libm::log10(MAX_CAPABILITY) {
        return;
    }
    let growth = top
        .get("diffusion")
        .and_then(|d| d.get_ref().get("growth"))
        .map(|g| (g.span(), "diffusion.growth"));
    let (span, key) = growth
        .or_else(|| top.get("steps").map(|v| (v.span(), "steps")))
        .unwrap_or((top.span.clone(), "steps"));
    ctx.error(
        &span,
        key,
        format!(
            "capabilities could grow to about 1e{reach:.0} by step {} (growth compounds each step), \
             beyond the limit of 1e200 that keeps metrics finite; lower `diffusion.growth` or `steps`",
            s.steps
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_compounds_over_steps_from_the_largest_capability() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/quickstart.toml");
        let s = crate::scenario::load(&path).unwrap();
        let biggest = s.nations.iter().map(|n| n.capability).fold(0.0, f64::max);
        let g = s.diffusion.growth;
        let expect = biggest.log10() + f64::from(s.steps) * (1.0 + g).log10();
        assert!((max_capability_log10(&s) - expect).abs() < 1e-9);
        let mut off = s.clone();
        off.diffusion.enabled = false;
        off.arms.clear();
        assert!((max_capability_log10(&off) - biggest.log10()).abs() < 1e-12);
    }
}
