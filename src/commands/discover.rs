//! `accord discover`: scenario discovery (PRIM) on a sweep's output folder.
//!
//! The search runs on the folder's tables; its tables, `discovery.json` and charts are staged
//! beside `<OUTPUT_DIR>/discovery/` and renamed into place whole, replacing a previous
//! discovery (a derived view, recomputed by the same command) but never a `discovery/`
//! folder that accord did not write.

use crate::analysis::prim::Options;
use crate::atomic::{self, DISCOVERY_MANIFEST};
use crate::charts;
use crate::cli::args::DiscoverArgs;
use crate::error::{Error, Result};
use crate::output;
use crate::output::discovery::{self, DISCOVERY_DIR, Query, Threshold};

/// Runs `accord discover`.
pub fn run(args: &DiscoverArgs) -> Result<()> {
    let threshold = match (args.below, args.above) {
        (Some(x), None) => Threshold::Below(x),
        (None, Some(x)) => Threshold::Above(x),
        // clap's argument group allows exactly one.
        _ => {
            return Err(Error::Usage(
                "give exactly one of --below X and --above X".to_owned(),
            ));
        }
    };
    let query = Query {
        arm: args.arm.clone(),
        metric: args.metric.clone(),
        threshold,
        effect: args.effect,
        options: Options {
            peel_alpha: args.peel_alpha,
            mass_min: args.mass_min,
            ..Options::default()
        },
        chosen: args.chosen,
    };
    let found = discovery::discover(&args.output_dir, &query)?;
    let target = args.output_dir.join(DISCOVERY_DIR);
    let staged = atomic::StagedDir::create(&target, true).map_err(|e| match e {
        Error::ForeignFolder(path) => Error::Usage(format!(
            "`{}` was not written by `accord discover` (it has no {DISCOVERY_MANIFEST}), so it \
             is not replaced; move it away first",
            path.display()
        )),
        other => other,
    })?;
    let format = output::replay::read_manifest(&args.output_dir)?.table_format;
    discovery::write_discovery(staged.path(), &found, format)?;
    charts::draw_discovery(staged.path(), &found, args.format)?;
    let final_path = staged.commit()?;
    out!("{}", discovery::box_table(&found))?;
    outln!("output: {}", final_path.display())?;
    Ok(())
}
