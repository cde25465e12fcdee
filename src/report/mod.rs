//! Documents generated for people and editors: `accord describe`'s Markdown account of a
//! scenario's model, and `accord schema`'s JSON Schema of the scenario format.

pub mod describe;
pub mod schema;
