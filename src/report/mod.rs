//! Documents generated for people: `accord describe`'s Markdown account of a scenario's
//! model, and `report.html`, an output folder as one self-contained page. (The JSON Schema
//! for editors is generated beside the key table, in [`crate::scenario::schema`].)

pub mod describe;
pub mod html;
