//! `world_nations.csv`: every UN member state with data, from the source CSVs.
//!
//! The rules (documented for analysts in `scenarios/README.md`, which must stay in step with
//! this file):
//!
//! * **Nations**: UN member states (`memberships.csv`, grouping `UN`, status `member`) that
//!   have a World Bank classification row, a GDP value and a GAIRI 2025 score. Every other UN
//!   member is returned in [`World::excluded`] with the reason, never dropped silently.
//! * **Tags**: memberships, World Bank region and income group, and `global_south`
//!   ([`global_south`]). Where the EU (`EUU`) is itself a party to a declaration or
//!   partnership, its member states carry that tag too, because the EU signed on their behalf.
//! * **Numbers**: GDP in US$ trillion, capability = GAIRI total / 100, openness a uniform
//!   default ([`OPENNESS`]) since no source measures open-weight release policy.
//! * **Stances**: [`stances`], one linear formula per dimension of GAIRI scores and
//!   membership flags, with weights chosen so every value lies in [0, 1].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::error::{Error, Problem, Result};
use crate::fmt::fmt_f64;

/// The six policy dimensions of the world scenario, in column order (as in quickstart).
pub const DIMENSIONS: [&str; 6] = [
    "risk_regulation",
    "state_direction",
    "data_governance",
    "open_models",
    "security_controls",
    "multilateralism",
];

/// Share of capability offered as open source, for every nation. No source in
/// `scenarios/data/` measures open-weight release policy, so one stated default is more honest
/// than guessed per-country values; the `open_source` arm raises it.
pub const OPENNESS: f64 = 0.40;

/// File names of the sources inside the data folder.
pub const FILES: [&str; 4] = [
    "wb_country_classification.csv",
    "wb_gdp_population.csv",
    "ai_readiness_gairi2025.csv",
    "memberships.csv",
];

/// One World Bank classification row.
#[derive(Clone, Debug, PartialEq)]
pub struct WbClass {
    /// World Bank name of the economy.
    pub economy: String,
    /// One of the 7 World Bank regions.
    pub region: String,
    /// Income group; `None` when unclassified (Venezuela).
    pub income_group: Option<String>,
}

/// The GAIRI 2025 scores the derivation uses (0–100 each).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gairi {
    /// Total score.
    pub total: f64,
    /// Dimension `governance_principles`.
    pub governance_principles: f64,
    /// Dimension `regulatory_compliance`.
    pub regulatory_compliance: f64,
    /// Dimension `safety_and_security`.
    pub safety_and_security: f64,
}

/// The parsed source tables, keyed by ISO3 code.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sources {
    /// `wb_country_classification.csv`.
    pub classification: BTreeMap<String, WbClass>,
    /// `wb_gdp_population.csv`: GDP in current US$, `None` when the source has none.
    pub gdp_usd: BTreeMap<String, Option<f64>>,
    /// `ai_readiness_gairi2025.csv`.
    pub gairi: BTreeMap<String, Gairi>,
    /// `memberships.csv`: iso3 → grouping → status.
    pub memberships: BTreeMap<String, BTreeMap<String, String>>,
}

/// One nation of `world_nations.csv`.
#[derive(Clone, Debug, PartialEq)]
pub struct NationRow {
    /// ISO3 code.
    pub id: String,
    /// World Bank name.
    pub name: String,
    /// Tags, in a fixed order (memberships, region, income, `global_south`).
    pub groups: Vec<String>,
    /// GDP, US$ trillion.
    pub gdp: f64,
    /// GAIRI 2025 total / 100.
    pub capability: f64,
    /// Open-source share ([`OPENNESS`]).
    pub openness: f64,
    /// One value per [`DIMENSIONS`] entry.
    pub stance: [f64; 6],
}

/// A UN member state left out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excluded {
    /// ISO3 code.
    pub id: String,
    /// Name as in the UN membership list.
    pub name: String,
    /// Which source lacks it.
    pub reason: String,
}

/// The derived world: nations sorted by id, and the UN members left out.
#[derive(Clone, Debug, PartialEq)]
pub struct World {
    /// Included nations, sorted by id.
    pub nations: Vec<NationRow>,
    /// Excluded UN members, sorted by id.
    pub excluded: Vec<Excluded>,
}

/// The membership facts the stance formulas read, as 0/1 flags.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Flags {
    /// G7 member.
    pub g7: bool,
    /// EU member (AI Act applies).
    pub eu: bool,
    /// OECD member.
    pub oecd: bool,
    /// BRICS full member.
    pub brics: bool,
    /// BRICS partner country.
    pub brics_partner: bool,
    /// Bletchley Declaration 2023 signatory (directly or via the EU).
    pub bletchley: bool,
    /// Council of Europe AI convention signatory (directly or via the EU).
    pub coe: bool,
    /// Paris 2025 statement signatory (directly or via the EU).
    pub paris: bool,
    /// Recorded as declining to sign the Paris 2025 statement.
    pub paris_declined: bool,
    /// In the Global South by [`global_south`].
    pub global_south: bool,
}

/// Whether a World Bank income group counts as Global South: every group below "High
/// income", and an unclassified economy (Venezuela, unclassified since FY2022 only for lack
/// of data; it was upper-middle income before). No explicit additions are needed: China,
/// India, Brazil, Indonesia and South Africa are all middle income in FY2025, and the
/// high-income Gulf states and Russia (high income since FY2025) are left out by the same rule.
pub fn global_south(income_group: Option<&str>) -> bool {
    income_group != Some("High income")
}

/// Initial stances from GAIRI scores (0–100) and membership flags; the formulas of
/// `scenarios/README.md`. Each weight set keeps the value in [0, 1] without clamping
/// (the clamp only guards against out-of-range source scores).
pub fn stances(g: &Gairi, f: &Flags) -> [f64; 6] {
    let b = |x: bool| f64::from(u8::from(x));
    let gp = g.governance_principles / 100.0;
    let rc = g.regulatory_compliance / 100.0;
    let ss = g.safety_and_security / 100.0;
    let values = [
        // risk_regulation: governance readiness, the EU AI Act, the CoE convention.
        0.30 * gp + 0.10 * rc + 0.35 * b(f.eu) + 0.25 * b(f.coe),
        // state_direction: BRICS state-led models vs OECD market economies.
        0.50 + 0.25 * b(f.brics) + 0.10 * b(f.brics_partner) - 0.20 * b(f.oecd),
        // data_governance: GDPR transfer rules, BRICS localisation, non-EU OECD free flow.
        0.45 + 0.20 * b(f.eu) + 0.25 * b(f.brics) + 0.10 * b(f.brics_partner)
            - 0.15 * b(f.oecd && !f.eu),
        // open_models: the Paris "open, inclusive" statement; Global South demand for access.
        0.50 + 0.15 * b(f.paris) - 0.15 * b(f.paris_declined) + 0.10 * b(f.global_south),
        // security_controls: GAIRI safety and security; G7 and BRICS security blocs.
        0.20 + 0.50 * ss + 0.20 * b(f.g7) + 0.10 * b(f.brics),
        // multilateralism: summit declarations and the Global South's UN-centred stance.
        0.40 + 0.20 * b(f.paris) - 0.20 * b(f.paris_declined)
            + 0.15 * b(f.bletchley)
            + 0.15 * b(f.global_south),
    ];
    values.map(|v| v.clamp(0.0, 1.0))
}

/// A tag from a World Bank region or income name: lower case, runs of other characters
/// become `_` (`"Europe & Central Asia"` → `europe_central_asia`).
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// Derives the world from parsed sources.
pub fn derive(s: &Sources) -> World {
    let status = |iso: &str, grouping: &str| -> Option<&str> {
        s.memberships
            .get(iso)
            .and_then(|m| m.get(grouping))
            .map(String::as_str)
    };
    // The EU's own signatures extend to its member states.
    let eu_signed = |grouping: &str, positive: &dyn Fn(&str) -> bool| {
        status("EUU", grouping).is_some_and(positive)
    };
    let un: BTreeSet<&str> = s
        .memberships
        .iter()
        .filter(|(_, m)| m.get("UN").is_some_and(|st| st == "member"))
        .map(|(iso, _)| iso.as_str())
        .collect();
    let mut nations = Vec::new();
    let mut excluded = Vec::new();
    for iso in un {
        let class = s.classification.get(iso);
        let gdp = s.gdp_usd.get(iso).copied().flatten();
        let gairi = s.gairi.get(iso);
        let (Some(class), Some(gdp), Some(gairi)) = (class, gdp, gairi) else {
            let mut missing = Vec::new();
            if class.is_none() {
                missing.push("World Bank classification");
            }
            if gdp.is_none() {
                missing.push("GDP (World Bank WDI)");
            }
            if gairi.is_none() {
                missing.push("GAIRI 2025 score");
            }
            excluded.push(Excluded {
                id: iso.to_string(),
                name: s
                    .classification
                    .get(iso)
                    .map_or_else(|| iso.to_string(), |c| c.economy.clone()),
                reason: format!("no {}", missing.join(", no ")),
            });
            continue;
        };
        let is = |grouping: &str, positive: &dyn Fn(&str) -> bool| {
            status(iso, grouping).is_some_and(positive)
        };
        let member = |st: &str| st.starts_with("member");
        let signed = |st: &str| st.starts_with("signed") || st == "signatory";
        let eu = is("EU", &member);
        let via_eu = |grouping: &str, positive: &dyn Fn(&str) -> bool| {
            is(grouping, positive) || (eu && eu_signed(grouping, positive))
        };
        let flags = Flags {
            g7: is("G7", &member),
            eu,
            oecd: is("OECD", &member),
            brics: is("BRICS", &member),
            brics_partner: is("BRICS", &|st: &str| st.starts_with("partner")),
            bletchley: via_eu("Bletchley_Declaration_2023", &signed),
            coe: via_eu("CoE_AI_Convention_CETS225", &signed),
            paris: via_eu("Paris_AI_Action_Statement_2025", &signed),
            paris_declined: is("Paris_AI_Action_Statement_2025", &|st: &str| {
                st == "did not sign"
            }),
            global_south: global_south(class.income_group.as_deref()),
        };
        let gpai = via_eu("GPAI", &|st: &str| st == "member" || st == "invited member");
        let g20 = is("G20", &member);
        let mut groups: Vec<String> = [
            ("g7", flags.g7),
            ("g20", g20),
            ("eu", flags.eu),
            ("oecd", flags.oecd),
            ("brics", flags.brics),
            ("brics_partner", flags.brics_partner),
            ("gpai", gpai),
            ("bletchley", flags.bletchley),
            ("coe_ai_convention", flags.coe),
            ("paris2025", flags.paris),
            ("paris2025_declined", flags.paris_declined),
        ]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(t, _)| t.to_string())
        .collect();
        groups.push(slug(&class.region));
        groups.push(match &class.income_group {
            Some(g) => format!("income_{}", slug(g.trim_end_matches(" income"))),
            None => "income_unclassified".to_string(),
        });
        if flags.global_south {
            groups.push("global_south".to_string());
        }
        nations.push(NationRow {
            id: iso.to_string(),
            name: class.economy.clone(),
            groups,
            gdp: gdp / 1e12,
            capability: gairi.total / 100.0,
            openness: OPENNESS,
            stance: stances(gairi, &flags),
        });
    }
    World { nations, excluded }
}

/// The nations in accord's `nations_file` format, floats with [`fmt_f64`]'s fixed 10 decimals.
pub fn to_nations_csv(nations: &[NationRow]) -> Result<String> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let mut header = vec![
        "id".to_string(),
        "name".to_string(),
        "groups".to_string(),
        "gdp".to_string(),
        "capability".to_string(),
        "openness".to_string(),
    ];
    header.extend(DIMENSIONS.iter().map(|d| format!("stance.{d}")));
    header.push("confidence".to_string());
    header.push("stubbornness".to_string());
    let fail = |e: csv::Error| Error::Usage(format!("cannot write nations CSV: {e}"));
    w.write_record(&header).map_err(fail)?;
    for n in nations {
        let mut rec = vec![
            n.id.clone(),
            n.name.clone(),
            n.groups.join(";"),
            fmt_f64(n.gdp),
            fmt_f64(n.capability),
            fmt_f64(n.openness),
        ];
        rec.extend(n.stance.iter().map(|&x| fmt_f64(x)));
        rec.push(String::new());
        rec.push(String::new());
        w.write_record(&rec).map_err(fail)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| Error::Usage(format!("cannot write nations CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Error::Usage(format!("nations CSV is not UTF-8: {e}")))
}

/// A CSV table: header-keyed rows with their 1-based line numbers.
type Rows = Vec<(usize, BTreeMap<String, String>)>;

fn problem(file: &Path, line: usize, key: &str, message: String) -> Problem {
    Problem {
        file: file.to_path_buf(),
        line,
        column: 0,
        key: key.to_string(),
        message,
    }
}

/// Reads a CSV and checks that every `required` column is present.
fn parse_rows(file: &Path, bytes: &[u8], required: &[&str]) -> Result<Rows, Vec<Problem>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| {
            vec![problem(
                file,
                1,
                "",
                format!("not a readable CSV file: {e}"),
            )]
        })?
        .clone();
    let missing: Vec<Problem> = required
        .iter()
        .filter(|c| !headers.iter().any(|h| h == **c))
        .map(|c| problem(file, 1, c, "required column is missing".to_string()))
        .collect();
    if !missing.is_empty() {
        return Err(missing);
    }
    let mut rows = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| vec![problem(file, line, "", format!("unreadable row: {e}"))])?;
        let row = headers
            .iter()
            .zip(rec.iter())
            .map(|(h, v)| (h.to_string(), v.to_string()))
            .collect();
        rows.push((line, row));
    }
    Ok(rows)
}

fn field<'a>(row: &'a BTreeMap<String, String>, key: &str) -> &'a str {
    row.get(key).map_or("", String::as_str)
}

/// An optional finite number (empty → `None`).
fn number(
    file: &Path,
    line: usize,
    row: &BTreeMap<String, String>,
    key: &str,
) -> Result<Option<f64>, Problem> {
    let text = field(row, key);
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(Some(x)),
        _ => Err(problem(
            file,
            line,
            key,
            format!("is `{text}`, but it must be a finite number or empty"),
        )),
    }
}

/// Parses the four sources from their bytes (`files[i]` names `bytes[i]` in messages, in
/// [`FILES`] order). All problems are collected.
pub fn parse_sources(files: &[PathBuf; 4], bytes: [&[u8]; 4]) -> Result<Sources> {
    let mut problems = Vec::new();
    let mut s = Sources::default();
    let dup = |file: &Path, line: usize, iso: &str, problems: &mut Vec<Problem>| {
        problems.push(problem(
            file,
            line,
            "iso3",
            format!("duplicate iso3 `{iso}`"),
        ));
    };

    let f = &files[0];
    match parse_rows(f, bytes[0], &["iso3", "economy", "region", "income_group"]) {
        Ok(rows) => {
            for (line, r) in rows {
                let iso = field(&r, "iso3").to_string();
                let income = field(&r, "income_group");
                let c = WbClass {
                    economy: field(&r, "economy").to_string(),
                    region: field(&r, "region").to_string(),
                    income_group: (!income.is_empty()).then(|| income.to_string()),
                };
                if s.classification.insert(iso.clone(), c).is_some() {
                    dup(f, line, &iso, &mut problems);
                }
            }
        }
        Err(p) => problems.extend(p),
    }

    let f = &files[1];
    match parse_rows(f, bytes[1], &["iso3", "gdp_current_usd"]) {
        Ok(rows) => {
            for (line, r) in rows {
                let iso = field(&r, "iso3").to_string();
                match number(f, line, &r, "gdp_current_usd") {
                    Ok(Some(x)) if x <= 0.0 => problems.push(problem(
                        f,
                        line,
                        "gdp_current_usd",
                        format!("is {x}, but GDP must be positive"),
                    )),
                    Ok(v) => {
                        if s.gdp_usd.insert(iso.clone(), v).is_some() {
                            dup(f, line, &iso, &mut problems);
                        }
                    }
                    Err(p) => problems.push(p),
                }
            }
        }
        Err(p) => problems.extend(p),
    }

    let f = &files[2];
    let cols = [
        "total_score",
        "governance_principles",
        "regulatory_compliance",
        "safety_and_security",
    ];
    let mut required = vec!["iso3"];
    required.extend(cols);
    match parse_rows(f, bytes[2], &required) {
        Ok(rows) => {
            for (line, r) in rows {
                let iso = field(&r, "iso3").to_string();
                let mut v = [0.0; 4];
                let mut ok = true;
                for (slot, key) in v.iter_mut().zip(cols) {
                    match number(f, line, &r, key) {
                        Ok(Some(x)) if (0.0..=100.0).contains(&x) => *slot = x,
                        Ok(Some(x)) => {
                            ok = false;
                            problems.push(problem(
                                f,
                                line,
                                key,
                                format!("is {x}, but scores lie in [0, 100]"),
                            ));
                        }
                        Ok(None) => {
                            ok = false;
                            problems.push(problem(f, line, key, "is empty".to_string()));
                        }
                        Err(p) => {
                            ok = false;
                            problems.push(p);
                        }
                    }
                }
                if ok {
                    let g = Gairi {
                        total: v[0],
                        governance_principles: v[1],
                        regulatory_compliance: v[2],
                        safety_and_security: v[3],
                    };
                    if s.gairi.insert(iso.clone(), g).is_some() {
                        dup(f, line, &iso, &mut problems);
                    }
                }
            }
        }
        Err(p) => problems.extend(p),
    }

    let f = &files[3];
    match parse_rows(f, bytes[3], &["iso3", "grouping", "status"]) {
        Ok(rows) => {
            for (line, r) in rows {
                let iso = field(&r, "iso3").to_string();
                let grouping = field(&r, "grouping").to_string();
                let entry = s.memberships.entry(iso.clone()).or_default();
                if entry
                    .insert(grouping.clone(), field(&r, "status").to_string())
                    .is_some()
                {
                    problems.push(problem(
                        f,
                        line,
                        "grouping",
                        format!("duplicate row for `{iso}` in `{grouping}`"),
                    ));
                }
            }
        }
        Err(p) => problems.extend(p),
    }

    if problems.is_empty() {
        Ok(s)
    } else {
        Err(Error::Scenario(problems))
    }
}

/// Reads the four source files from `dir`.
pub fn read_sources(dir: &Path) -> Result<Sources> {
    let files = FILES.map(|f| dir.join(f));
    let mut bytes = Vec::new();
    for f in &files {
        // A missing or unreadable source is bad input (exit 2), like a broken scenario.
        bytes.push(std::fs::read(f).map_err(|source| Error::Unreadable {
            path: f.clone(),
            source,
            hint: String::new(),
        })?);
    }
    parse_sources(
        &files,
        [&bytes[0], &bytes[1], &bytes[2], &bytes[3]].map(Vec::as_slice),
    )
}

/// Reads the sources in `data_dir`, derives the world and writes it to `out`.
pub fn regenerate(data_dir: &Path, out: &Path) -> Result<World> {
    let world = derive(&read_sources(data_dir)?);
    let text = to_nations_csv(&world.nations)?;
    std::fs::write(out, text).map_err(|e| Error::io("write", out, e))?;
    Ok(world)
}

#[cfg(test)]
mod tests;
