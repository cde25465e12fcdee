use super::*;

fn files() -> [PathBuf; 4] {
    FILES.map(PathBuf::from)
}

const CLASS: &str = "iso3,economy,region,income_group,lending_category,classification
AAA,Alphaland,Europe & Central Asia,High income,,FY2025
BBB,\"Beta, Rep.\",Sub-Saharan Africa,Lower middle income,IDA,FY2025
CCC,Gammastan,Latin America & Caribbean,,,FY2025
DDD,Deltia,South Asia,Low income,IDA,FY2025
";
const GDP: &str = "iso3,economy,gdp_current_usd,gdp_year,population,population_year
AAA,Alphaland,2500000000000,2023,1,2024
BBB,Beta,50000000000,2023,1,2024
CCC,Gammastan,100000000000,2014,1,2024
DDD,Deltia,,,1,2024
";
const GAIRI: &str =
    "iso3,total_score,governance_principles,regulatory_compliance,safety_and_security
AAA,80,100,80,100
BBB,40,50,20,40
CCC,25.5,25,10,30
DDD,10,0,0,0
";
const MEMBERS: &str = "iso3,name,grouping,status,as_of,source_id
AAA,Alphaland,UN,member,x,y
BBB,Beta,UN,member,x,y
CCC,Gammastan,UN,member,x,y
DDD,Deltia,UN,member,x,y
VAT,Holy See,UN,observer,x,y
AAA,Alphaland,EU,member,x,y
AAA,Alphaland,OECD,member,x,y
AAA,Alphaland,G7,member,x,y
EUU,European Union,Paris_AI_Action_Statement_2025,signed,x,y
EUU,European Union,CoE_AI_Convention_CETS225,signed (opening day),x,y
BBB,Beta,BRICS,partner (since 2025-01-01),x,y
BBB,Beta,Bletchley_Declaration_2023,signatory,x,y
CCC,Gammastan,BRICS,member (since 2024-01-01),x,y
CCC,Gammastan,Paris_AI_Action_Statement_2025,did not sign,x,y
CCC,Gammastan,GPAI,invited member,x,y
";

fn sources() -> Sources {
    parse_sources(&files(), [CLASS, GDP, GAIRI, MEMBERS].map(str::as_bytes)).unwrap()
}

fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() < 1e-12, "{a:?} vs {b:?}");
    }
}

#[test]
fn global_south_is_below_high_income_or_unclassified() {
    assert!(!global_south(Some("High income")));
    assert!(global_south(Some("Upper middle income")));
    assert!(global_south(Some("Low income")));
    assert!(global_south(None));
}

#[test]
fn slugs() {
    assert_eq!(slug("Europe & Central Asia"), "europe_central_asia");
    assert_eq!(slug("Lower middle"), "lower_middle");
    assert_eq!(slug(" Sub-Saharan Africa "), "sub_saharan_africa");
}

#[test]
fn stance_formulas_by_hand() {
    let g = Gairi {
        total: 80.0,
        governance_principles: 100.0,
        regulatory_compliance: 80.0,
        safety_and_security: 100.0,
    };
    // EU, OECD, G7, CoE and Paris via the EU, high income.
    let f = Flags {
        g7: true,
        eu: true,
        oecd: true,
        coe: true,
        paris: true,
        ..Flags::default()
    };
    // risk 0.30 + 0.08 + 0.35 + 0.25 = 0.98; state 0.5 - 0.2; data 0.45 + 0.2;
    // open 0.5 + 0.15; security 0.2 + 0.5 + 0.2; multi 0.4 + 0.2.
    close(&stances(&g, &f), &[0.98, 0.30, 0.65, 0.65, 0.90, 0.60]);
    // All-zero scores, no flags: the group defaults.
    let z = Gairi {
        total: 0.0,
        governance_principles: 0.0,
        regulatory_compliance: 0.0,
        safety_and_security: 0.0,
    };
    close(
        &stances(&z, &Flags::default()),
        &[0.0, 0.50, 0.45, 0.50, 0.20, 0.40],
    );
}

#[test]
fn derive_applies_every_rule() {
    let w = derive(&sources());
    let ids: Vec<&str> = w.nations.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids, vec!["AAA", "BBB", "CCC"]);
    // The observer is not a candidate; DDD has no GDP and is named.
    assert_eq!(
        w.excluded,
        vec![Excluded {
            id: "DDD".to_string(),
            name: "Deltia".to_string(),
            reason: "no GDP (World Bank WDI)".to_string(),
        }]
    );
    let a = &w.nations[0];
    assert_eq!(
        a.groups,
        vec![
            "g7",
            "eu",
            "oecd",
            "coe_ai_convention",
            "paris2025",
            "europe_central_asia",
            "income_high"
        ]
    );
    assert_eq!((a.gdp, a.capability, a.openness), (2.5, 0.8, 0.4));
    close(&a.stance, &[0.98, 0.30, 0.65, 0.65, 0.90, 0.60]);

    let b = &w.nations[1];
    assert_eq!(b.name, "Beta, Rep.");
    assert_eq!(
        b.groups,
        vec![
            "brics_partner",
            "bletchley",
            "sub_saharan_africa",
            "income_lower_middle",
            "global_south"
        ]
    );
    assert_eq!((b.gdp, b.capability), (0.05, 0.4));
    // risk 0.15 + 0.02; state 0.5 + 0.1; data 0.45 + 0.1; open 0.5 + 0.1;
    // security 0.2 + 0.2; multi 0.4 + 0.15 + 0.15.
    close(&b.stance, &[0.17, 0.60, 0.55, 0.60, 0.40, 0.70]);

    let c = &w.nations[2];
    assert_eq!(
        c.groups,
        vec![
            "brics",
            "gpai",
            "paris2025_declined",
            "latin_america_caribbean",
            "income_unclassified",
            "global_south"
        ]
    );
    // risk 0.075 + 0.01; state 0.75; data 0.70; open 0.5 - 0.15 + 0.1;
    // security 0.2 + 0.15 + 0.1; multi 0.4 - 0.2 + 0.15.
    close(&c.stance, &[0.085, 0.75, 0.70, 0.45, 0.45, 0.35]);
}

#[test]
fn csv_has_fixed_format() {
    let w = derive(&sources());
    let text = to_nations_csv(&w.nations[1..2]).unwrap();
    assert_eq!(
        text,
        "id,name,groups,gdp,capability,openness,stance.risk_regulation,stance.state_direction,stance.data_governance,stance.open_models,stance.security_controls,stance.multilateralism,confidence,stubbornness\n\
         BBB,\"Beta, Rep.\",brics_partner;bletchley;sub_saharan_africa;income_lower_middle;global_south,0.0500000000,0.4000000000,0.4000000000,0.1700000000,0.6000000000,0.5500000000,0.6000000000,0.4000000000,0.7000000000,,\n"
    );
}

#[test]
fn bad_sources_are_located_problems() {
    let gdp = "iso3,gdp_current_usd\nAAA,lots\nBBB,-1\n";
    let gairi = "iso3,total_score,governance_principles,regulatory_compliance\nAAA,1,2,3\n";
    let Err(Error::Scenario(p)) =
        parse_sources(&files(), [CLASS, gdp, gairi, MEMBERS].map(str::as_bytes))
    else {
        panic!("expected problems");
    };
    let got: Vec<(usize, &str)> = p.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (2, "gdp_current_usd"),
            (3, "gdp_current_usd"),
            (1, "safety_and_security")
        ]
    );
}
