//! `accord schema`: prints a draft-07 JSON Schema that the shipped scenarios satisfy and that
//! rejects what the loader rejects (unknown keys, out-of-range values).

use serde_json::{Value, json};

use crate::support::accord;

fn schema() -> Value {
    let out = accord()
        .arg("schema")
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).expect("accord schema prints JSON")
}

/// A scenario file as the JSON value an editor's TOML plugin would validate.
fn toml_as_json(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    serde_json::to_value(doc).unwrap()
}

#[test]
fn prints_a_draft_07_schema() {
    let s = schema();
    assert_eq!(
        s["$schema"],
        json!("http://json-schema.org/draft-07/schema#")
    );
    assert_eq!(s["type"], json!("object"));
    assert_eq!(s["additionalProperties"], json!(false));
    assert_eq!(s["required"], json!(["name", "steps", "dimensions"]));
}

#[test]
fn shipped_scenarios_satisfy_it() {
    let validator = jsonschema::draft7::new(&schema()).expect("a valid draft-07 schema");
    for path in [
        "scenarios/quickstart.toml",
        "scenarios/sweep_quickstart.toml",
        "scenarios/world2025.toml",
        "scenarios/classic/axelrod.toml",
        "scenarios/classic/deffuant.toml",
        "scenarios/classic/degroot.toml",
        "scenarios/classic/friedkin_johnsen.toml",
        "scenarios/classic/hegselmann_krause.toml",
        "src/templates/world.toml",
    ] {
        let doc = toml_as_json(path);
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{path}: {errors:?}");
    }
}

#[test]
fn rejects_unknown_keys_and_out_of_range_values() {
    let validator = jsonschema::draft7::new(&schema()).expect("a valid draft-07 schema");
    let mut doc = toml_as_json("scenarios/quickstart.toml");
    assert!(validator.is_valid(&doc));
    doc["alignment"] = json!({ "rate": 2.0 });
    assert!(!validator.is_valid(&doc));
    doc["alignment"] = json!({ "rul": "pairwise" });
    assert!(!validator.is_valid(&doc));
    doc["alignment"] = json!({ "rule": "culture", "traits": 3 });
    assert!(validator.is_valid(&doc));
    doc["network"] = json!({ "kind": "random" });
    assert!(!validator.is_valid(&doc), "random networks need p");
    doc["network"] = json!({ "kind": "random", "p": 0.5 });
    assert!(validator.is_valid(&doc));
    doc["name"] = json!("Not A Slug");
    assert!(!validator.is_valid(&doc));
}
