//! The vocabulary the key table is written in: what a key's value may be ([`ValueSpec`],
//! [`Ty`]), its default ([`Dflt`]), whether arms, sweeps and events may set it ([`Param`]),
//! and the two mechanisms every named thing shares: [`Named`] string enums and [`Slug`]
//! identifiers.
//!
//! This module knows nothing of the scenario's structs, so the structs (in `types`) can
//! declare their settable keys next to their fields with `param_keys!`, and the table of
//! every section (in `keys`) can be built from both without an import cycle.

use serde::{Deserialize, Serialize};

/// A value a parameter can take.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ParamValue {
    /// A number (integers are widened).
    Number(f64),
    /// A boolean switch.
    Bool(bool),
    /// An enumerated choice such as `alignment.rule`.
    Text(String),
}

impl ParamValue {
    /// The number, or 0 for other kinds (validation guarantees the kind matches the path).
    pub fn number(&self) -> f64 {
        match self {
            ParamValue::Number(x) => *x,
            ParamValue::Bool(b) => f64::from(u8::from(*b)),
            ParamValue::Text(_) => 0.0,
        }
    }

    /// The boolean, or `number != 0`.
    pub fn flag(&self) -> bool {
        match self {
            ParamValue::Bool(b) => *b,
            ParamValue::Number(x) => *x != 0.0,
            ParamValue::Text(_) => false,
        }
    }

    /// The text of a choice, or `""` for other kinds.
    pub fn text(&self) -> &str {
        match self {
            ParamValue::Text(t) => t,
            _ => "",
        }
    }
}

/// What a scalar value must be: the loader, parameter paths, the JSON Schema and the
/// README all read ranges from here.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ValueSpec {
    /// A finite number in `[lo, hi]` (`hi == f64::MAX`: unbounded above).
    Number(f64, f64),
    /// An integer in `[lo, hi]`.
    Integer(u64, u64),
    /// `true` or `false`.
    Bool,
    /// One of these strings.
    Choice(&'static [&'static str]),
}

impl ValueSpec {
    /// Whether an already-typed value lies in this spec: how a scenario that did not come
    /// through the loader (a manifest's) is checked against the same ranges.
    pub fn admits(self, v: &ParamValue) -> bool {
        match (self, v) {
            (ValueSpec::Number(lo, hi), ParamValue::Number(x)) => {
                x.is_finite() && (lo..=hi).contains(x)
            }
            (ValueSpec::Integer(lo, hi), ParamValue::Number(x)) => {
                x.fract() == 0.0 && (lo as f64..=hi as f64).contains(x)
            }
            (ValueSpec::Bool, ParamValue::Bool(_)) => true,
            (ValueSpec::Choice(names), ParamValue::Text(t)) => names.contains(&t.as_str()),
            _ => false,
        }
    }
}

impl std::fmt::Display for ValueSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValueSpec::Number(lo, hi) if *hi == f64::MAX => write!(f, "a number ≥ {lo}"),
            ValueSpec::Number(lo, hi) => write!(f, "a number in [{lo}, {hi}]"),
            ValueSpec::Integer(lo, hi) => write!(f, "an integer in [{lo}, {hi}]"),
            ValueSpec::Bool => write!(f, "`true` or `false`"),
            ValueSpec::Choice(c) => write!(
                f,
                "one of {}",
                c.iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// Numbers in [0, 1]: shares, rates, probabilities, distances.
pub const UNIT: ValueSpec = ValueSpec::Number(0.0, 1.0);
/// Numbers ≥ 0: weights and sizes.
pub const NON_NEG: ValueSpec = ValueSpec::Number(0.0, f64::MAX);

/// The shape of a key's value, for the loader's documentation, the JSON Schema and the
/// README. Scalars carry their [`ValueSpec`]; the rest name a shape the schema spells out.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ty {
    /// A scalar checked against its spec.
    Value(ValueSpec),
    /// Free text.
    Text,
    /// An identifier of the given kind (`[a-z0-9_-]+`, nation ids also upper case).
    Slug(Slug),
    /// One nation id or `group:<tag>`.
    Selector,
    /// A nation id, `group:<tag>`, or a list of them.
    Selectors,
    /// A group tag or a list of tags.
    Tags,
    /// One value in [0, 1] per dimension, keyed by dimension name.
    Stance,
    /// A table described by another section (its definition name).
    Table(&'static str),
    /// An array of tables of another section (its definition name).
    Tables(&'static str),
    /// A shape only the schema spells out (ties, `set`, sweep params, …).
    Shape(Shape),
}

/// Values whose shape is written out by hand in the JSON Schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// `dimensions = ["a", "b"]`.
    Dimensions,
    /// `ties = [["A", "B", w], …]`.
    Ties,
    /// `group_weights = { tag = w }`.
    GroupWeights,
    /// An arm's `set = { "path" = value }`.
    ArmSet,
    /// `[sweep] params = { "path" = [..] | { min, max } }`.
    SweepParams,
    /// A body's `standard`: `"members_mean"` or a stance table.
    Standard,
    /// A `set` event's `value`: a number, boolean or string.
    EventValue,
    /// `[metrics] compute = ["fragmentation", …]`: metric names.
    MetricNames,
}

/// A key's default, as the loader applies it and the documentation shows it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Dflt {
    /// The key must be given.
    Required,
    /// A number.
    Number(f64),
    /// An integer.
    Integer(u64),
    /// A boolean.
    Bool(bool),
    /// A string choice.
    Text(&'static str),
    /// Derived from elsewhere or absent; the text says how, e.g. "the id".
    Other(&'static str),
}

impl Dflt {
    /// The default as a parameter value (for keys read and applied generically).
    pub fn value(self) -> Option<ParamValue> {
        match self {
            Dflt::Number(x) => Some(ParamValue::Number(x)),
            Dflt::Integer(i) => Some(ParamValue::Number(i as f64)),
            Dflt::Bool(b) => Some(ParamValue::Bool(b)),
            Dflt::Text(t) => Some(ParamValue::Text(t.to_string())),
            Dflt::Required | Dflt::Other(_) => None,
        }
    }
}

impl std::fmt::Display for Dflt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Dflt::Required => write!(f, "required"),
            Dflt::Number(x) => write!(f, "{x:?}"),
            Dflt::Integer(i) => write!(f, "{i}"),
            Dflt::Bool(b) => write!(f, "{b}"),
            Dflt::Text(t) => write!(f, "`\"{t}\"`"),
            Dflt::Other(t) => write!(f, "{t}"),
        }
    }
}

/// Whether a key is also a parameter path that arms, sweeps and `set` events may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Param {
    /// Not a parameter: read once from the file.
    No,
    /// Arms, sweeps and events.
    Yes,
    /// Arms and sweeps only: the network is built at step 0, so events cannot change it.
    NotEvents,
}

/// One key of one section: everything the loader, the schema, `describe` and the README
/// need to know about it.
#[derive(Clone, Copy, Debug)]
pub struct KeyDef {
    /// The key as written in the file.
    pub name: &'static str,
    /// What its value must be.
    pub ty: Ty,
    /// Its default.
    pub default: Dflt,
    /// One line for the schema's description, the README and `describe`.
    pub doc: &'static str,
    /// Whether it is a parameter path too.
    pub param: Param,
}

impl KeyDef {
    /// A key that is not a parameter path.
    pub const fn new(name: &'static str, ty: Ty, default: Dflt, doc: &'static str) -> Self {
        KeyDef {
            name,
            ty,
            default,
            doc,
            param: Param::No,
        }
    }

    /// The key's scalar range, when it is a scalar.
    pub fn value_spec(&self) -> Option<ValueSpec> {
        match self.ty {
            Ty::Value(spec) => Some(spec),
            _ => None,
        }
    }

    /// The same key, settable as a parameter.
    pub const fn param(self, param: Param) -> Self {
        KeyDef { param, ..self }
    }
}

/// Declares the settable keys of one scenario struct next to its fields: an enum of keys
/// (serialised as the variant name, as manifests store them), its [`KeyDef`]s, and how a
/// value is applied. The loader reads and defaults these keys generically, so a new scalar
/// key is one line here plus its field.
macro_rules! param_keys {
    (
        $(#[$meta:meta])*
        $vis:vis enum $Key:ident for $Target:ty, param $param:path {
            $(
                $Variant:ident = $name:literal: $spec:expr, default $dflt:expr,
                $doc:literal, |$t:ident, $v:ident| $apply:expr;
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        $vis enum $Key {
            $( #[doc = $doc] $Variant, )*
        }

        impl $Key {
            /// Every key, in documentation order.
            pub const ALL: &'static [$Key] = &[$($Key::$Variant),*];
            /// The keys' definitions, in the order of [`Self::ALL`].
            pub const DEFS: &'static [$crate::scenario::spec::KeyDef] = &[$(
                $crate::scenario::spec::KeyDef {
                    name: $name,
                    ty: $crate::scenario::spec::Ty::Value($spec),
                    default: $dflt,
                    doc: $doc,
                    param: $param,
                }
            ),*];

        }

        impl $crate::scenario::spec::ParamKeys for $Key {
            type Target = $Target;
            const ALL: &'static [Self] = $Key::ALL;

            fn def(self) -> &'static $crate::scenario::spec::KeyDef {
                &Self::DEFS[self as usize]
            }

            fn apply(self, target: &mut $Target, value: &$crate::scenario::spec::ParamValue) {
                match self {
                    $( $Key::$Variant => {
                        let ($t, $v) = (&mut *target, value);
                        $apply;
                    } )*
                }
            }
        }
    };
}
pub(crate) use param_keys;

/// The settable keys of one scenario struct, as `param_keys!` declares them: the loader
/// reads and defaults them, and parameter paths set them, through this one interface.
pub trait ParamKeys: Copy + PartialEq + 'static {
    /// The struct the keys belong to.
    type Target;
    /// Every key, in documentation order.
    const ALL: &'static [Self];

    /// The key's definition.
    fn def(self) -> &'static KeyDef;

    /// Sets the key on `target` (the value has been checked against [`Self::spec`]).
    fn apply(self, target: &mut Self::Target, value: &ParamValue);

    /// The key as written in files and paths.
    fn name(self) -> &'static str {
        self.def().name
    }

    /// The key called `name`.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.name() == name)
    }

    /// The key's value range.
    fn spec(self) -> ValueSpec {
        // `param_keys!` only declares scalars, so the fallback is never taken.
        self.def().value_spec().unwrap_or(ValueSpec::Bool)
    }

    /// The struct with every key at its table default (fields that are not keys at their
    /// `Default`), for tests and code that build scenarios without a file.
    fn defaults() -> Self::Target
    where
        Self::Target: Default,
    {
        let mut t = Self::Target::default();
        Self::apply_defaults(&mut t);
        t
    }

    /// Sets every key to its default.
    fn apply_defaults(target: &mut Self::Target) {
        for k in Self::ALL {
            if let Some(v) = k.def().default.value() {
                k.apply(target, &v);
            }
        }
    }
}

/// Enums whose values are written as strings in scenario files (`rule = "culture"`).
pub trait Named: Sized + Copy + 'static {
    /// Every value, in documentation order.
    const ALL: &'static [Self];
    /// The names, in the order of [`Self::ALL`].
    const NAMES: &'static [&'static str];

    /// The name as written in files.
    fn name(self) -> &'static str;

    /// The value called `name`.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.name() == name)
    }
}

/// Implements [`Named`] for a fieldless enum from `Variant = "name"` pairs.
macro_rules! named {
    ($Enum:ty { $($Variant:ident = $name:literal),* $(,)? }) => {
        impl $crate::scenario::spec::Named for $Enum {
            const ALL: &'static [Self] = &[$(<$Enum>::$Variant),*];
            const NAMES: &'static [&'static str] = &[$($name),*];
            fn name(self) -> &'static str {
                match self { $(<$Enum>::$Variant => $name),* }
            }
        }
    };
}
pub(crate) use named;

/// The kinds of identifier a scenario names things with, and the one rule each follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slug {
    /// The scenario's `name`.
    ScenarioName,
    /// A policy dimension.
    Dimension,
    /// A group tag.
    Group,
    /// A nation id (upper case allowed, for ISO codes).
    Nation,
    /// A body id.
    Body,
    /// An arm name.
    Arm,
}

impl Slug {
    /// What the identifier is called in messages.
    pub fn what(self) -> &'static str {
        match self {
            Slug::ScenarioName => "scenario name",
            Slug::Dimension => "dimension name",
            Slug::Group => "group tag",
            Slug::Nation => "nation id",
            Slug::Body => "body id",
            Slug::Arm => "arm name",
        }
    }

    /// The characters allowed, as messages state them.
    pub fn charset(self) -> &'static str {
        match self {
            Slug::Nation => "letters, digits, `_` and `-`",
            _ => "a-z, 0-9, `_` and `-`",
        }
    }

    /// The same rule as a regular expression, for the JSON Schema.
    pub fn pattern(self) -> &'static str {
        match self {
            Slug::Nation => "^[A-Za-z0-9_-]+$",
            _ => "^[a-z0-9_-]+$",
        }
    }

    /// Whether `s` is a valid identifier of this kind.
    pub fn accepts(self, s: &str) -> bool {
        !s.is_empty()
            && s.chars().all(|c| {
                c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || c == '_'
                    || c == '-'
                    || (self == Slug::Nation && c.is_ascii_uppercase())
            })
    }

    /// `None` when `s` is valid, else the one message every identifier uses.
    pub fn check(self, s: &str) -> Option<String> {
        (!self.accepts(s)).then(|| {
            format!(
                "`{s}` is not a valid {}: use {}",
                self.what(),
                self.charset()
            )
        })
    }

    /// The message for an identifier used twice (`first` and `second` are 1-based).
    pub fn duplicate(self, s: &str, first: usize, second: usize) -> String {
        format!(
            "`{s}` is used twice (#{first} and #{second}); {}s must be unique",
            self.what()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_one_rule_with_upper_case_only_for_nations() {
        assert!(Slug::Arm.accepts("open_source-2"));
        assert!(!Slug::Arm.accepts("Open"));
        assert!(!Slug::Arm.accepts(""));
        assert!(Slug::Nation.accepts("CHN"));
        assert!(!Slug::Nation.accepts("C N"));
        assert_eq!(
            Slug::Group.check("G 7").as_deref(),
            Some("`G 7` is not a valid group tag: use a-z, 0-9, `_` and `-`")
        );
        assert_eq!(
            Slug::Body.duplicate("waico", 1, 3),
            "`waico` is used twice (#1 and #3); body ids must be unique"
        );
    }

    #[test]
    fn defaults_show_as_the_readme_writes_them() {
        assert_eq!(Dflt::Number(1.0).to_string(), "1.0");
        assert_eq!(Dflt::Integer(2).to_string(), "2");
        assert_eq!(Dflt::Text("gdp").to_string(), "`\"gdp\"`");
        assert_eq!(Dflt::Bool(true).value(), Some(ParamValue::Bool(true)));
        assert_eq!(Dflt::Required.value(), None);
    }
}
