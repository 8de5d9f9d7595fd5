//! Explicação: which rule or formula produced a value, from which inputs.
//!
//! Every result of the domain layer carries an [`Explanation`]: the rule's stable name
//! (`margem.padrao`, `desconto.regra_legal`, …), its source (SPEC section, law, seed guide), a
//! sentence in Portuguese, the named inputs, the result, and — when a formula produced the value —
//! the formula layer's evaluation tree ([`FormulaTrace`]).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A named input of a rule (`base`, `percentual`, `parcela`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// Name (Portuguese, as in the configuration and the docs).
    pub name: String,
    /// Value.
    #[serde(with = "super::serde_util::dec")]
    pub value: Decimal,
}

/// The formula layer's account of an evaluation, kept as text and JSON so this record stays
/// independent of the formula layer's types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormulaTrace {
    /// Which formula (`margem.formula`, `instituicoes[0].formula_438`).
    pub field: String,
    /// The formula's source text.
    pub source: String,
    /// The evaluation tree, human text.
    pub text: String,
    /// The evaluation tree, JSON (the formula layer's versioned schema).
    pub json: serde_json::Value,
}

/// How one value was produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// Stable rule name (`margem.formula`, `margem.padrao`, `rateio.fator`, …).
    pub rule: String,
    /// Source of the rule (SPEC section; law, portaria or seed guide).
    pub source: String,
    /// What happened, in Portuguese.
    pub description: String,
    /// Named inputs.
    pub inputs: Vec<Input>,
    /// Result.
    #[serde(with = "super::serde_util::dec")]
    pub result: Decimal,
    /// The formula trace, when a formula produced the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<FormulaTrace>,
}

impl Explanation {
    /// An explanation without inputs yet.
    #[inline]
    pub fn new(rule: &str, source: &str, description: impl Into<String>, result: Decimal) -> Self {
        Explanation {
            rule: rule.to_owned(),
            source: source.to_owned(),
            description: description.into(),
            inputs: Vec::new(),
            result,
            formula: None,
        }
    }

    /// The placeholder recorded when explanations are turned off
    /// ([`ComputeOptions::explanations`](super::ComputeOptions::explanations)): only the
    /// result, with empty rule, source and description and no inputs. Allocates nothing.
    #[inline]
    pub fn off(result: Decimal) -> Self {
        Explanation {
            rule: String::new(),
            source: String::new(),
            description: String::new(),
            inputs: Vec::new(),
            result,
            formula: None,
        }
    }

    /// [`Explanation::new`] when `on`, else [`Explanation::off`]; the description is only
    /// built when `on`.
    #[inline]
    pub fn new_if<D: Into<String>>(
        on: bool,
        rule: &str,
        source: &str,
        description: impl FnOnce() -> D,
        result: Decimal,
    ) -> Self {
        if on {
            Explanation::new(rule, source, description(), result)
        } else {
            Explanation::off(result)
        }
    }

    /// True for the placeholder of [`Explanation::off`] (an explanation always names its rule).
    #[inline]
    pub fn is_off(&self) -> bool {
        self.rule.is_empty()
    }

    /// Adds a named input (builder style); ignored by an [`Explanation::off`].
    #[inline]
    pub fn with(mut self, name: &str, value: Decimal) -> Self {
        if !self.is_off() {
            self.inputs.push(Input {
                name: name.to_owned(),
                value,
            });
        }
        self
    }

    /// [`Explanation::with`] with a name built only when the explanation is not off.
    #[inline]
    pub fn with_named(mut self, name: impl FnOnce() -> String, value: Decimal) -> Self {
        if !self.is_off() {
            self.inputs.push(Input {
                name: name(),
                value,
            });
        }
        self
    }

    /// Attaches a formula trace (builder style); ignored by an [`Explanation::off`].
    #[inline]
    pub fn with_formula(mut self, trace: Option<FormulaTrace>) -> Self {
        if !self.is_off() {
            self.formula = trace;
        }
        self
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} = {} — {} [{}]",
            self.rule, self.result, self.description, self.source
        )?;
        for input in &self.inputs {
            writeln!(f, "  {} = {}", input.name, input.value)?;
        }
        if let Some(trace) = &self.formula {
            writeln!(f, "  fórmula {}:", trace.field)?;
            for line in trace.text.lines() {
                writeln!(f, "    {line}")?;
            }
        }
        Ok(())
    }
}
