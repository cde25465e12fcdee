//! Statistics that depend on nothing else in the crate: a leaf any module may use (the stance
//! chart projects stances with [`pca`]) without pulling in the model or the experiment.

pub mod normal;
pub mod pca;
