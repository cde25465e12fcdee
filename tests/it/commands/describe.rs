//! `accord describe`: ODD headings in order, and every parameter path an arm sets.

use crate::support::{accord, shipped};

fn describe(name: &str) -> String {
    let out = accord()
        .arg("describe")
        .arg(shipped(name))
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("UTF-8 Markdown")
}

const HEADINGS: [&str; 7] = [
    "## 1. Purpose and patterns",
    "## 2. Entities, state variables and scales",
    "## 3. Process overview and scheduling",
    "## 4. Design concepts",
    "## 5. Initialisation",
    "## 6. Input data",
    "## 7. Submodels",
];

#[test]
fn odd_headings_appear_once_each_in_order() {
    for name in ["quickstart.toml", "world2025.toml"] {
        let text = describe(name);
        let lines: Vec<&str> = text.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(lines, HEADINGS, "{name}");
    }
}

#[test]
fn every_arm_assignment_is_listed_under_its_arm() {
    for name in ["quickstart.toml", "world2025.toml"] {
        let text = describe(name);
        let s = accord::scenario::load(&shipped(name)).unwrap();
        assert!(s.arms.len() >= 3, "{name}");
        for arm in &s.arms {
            let prefix = format!("- `{}`: ", arm.name);
            let line = text
                .lines()
                .find(|l| l.starts_with(&prefix))
                .unwrap_or_else(|| panic!("{name}: no line for arm {}", arm.name));
            for a in &arm.set {
                assert!(
                    line.contains(&format!("`{}` = ", a.text)),
                    "{name}: arm {} lacks {}: {line}",
                    arm.name,
                    a.text
                );
            }
        }
    }
}

#[test]
fn quickstart_arms_and_values_are_exact() {
    let text = describe("quickstart.toml");
    for expected in [
        "- `baseline`: `bodies.waico.enabled` = false, `diffusion.enabled` = false",
        "- `cooperation_body`: `bodies.waico.enabled` = true, `diffusion.enabled` = false",
        "- `body_and_open_source`: `bodies.waico.enabled` = true, `diffusion.enabled` = true",
        "Here ε = 0.25, μ = 0.1, s = 0.2, ρ = 0.05, noise σ = 0.01.",
        "Here g = 0.03, α = 0.2, ν = 0.3.",
        "- step 0: export controls from USA to CHN, strength 0.9",
    ] {
        assert!(text.contains(expected), "missing: {expected}");
    }
}
