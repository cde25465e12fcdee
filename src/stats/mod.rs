//! Statistics that depend on nothing else in the crate: a leaf any module may use (the stance
//! chart projects stances with [`pca`]; `sobol` sweeps draw their base samples from
//! [`sobol_sequence`]; noise draws come from [`normal`]) without pulling in the model or the experiment.

mod joe_kuo;
pub mod normal;
pub mod pca;
pub mod shuffle;
pub mod sobol_sequence;
