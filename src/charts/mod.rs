//! Charts of ensemble statistics, as PNG (for viewing) and SVG (for papers), drawn from an
//! output folder's files alone.
//!
//! Every figure is drawn by one generic function into either backend (`figure`), so the two
//! formats cannot drift apart; sizes, fonts and colours live in `theme`. Charts read the
//! folder's CSV files (their own readers, and `output`'s for the representative states) and
//! never simulate: `accord run` and `accord merge` write the folder, then draw its charts, and
//! `accord plot` redraws them from the same files.

mod discovery;
mod effects;
mod figure;
mod input;
mod output_dir;
mod sensitivity;
mod stances;
mod sweep;
mod theme;
mod time_series;

pub use discovery::draw_discovery;
pub use figure::Format;
pub use output_dir::draw_all;
pub use sensitivity::draw_sensitivity;
pub use time_series::{Band, time_series};
