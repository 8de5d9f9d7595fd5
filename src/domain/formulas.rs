//! Ponte com a camada de fórmulas: the only file of the domain that knows `crate::formula`.
//!
//! A formula of the configuration (444, 438 per institution, 442 per institution) is compiled
//! once into a [`CompiledFormula`] and evaluated per employee against a [`FormulaInputs`], the
//! domain's view of the employee's month:
//!
//! | formula name | value |
//! |---|---|
//! | `C('code')` | the event's value in the current movement (sum of its lines; absent is 0); the engine sets the 439/443 event of the institution being computed to its installment/amount when the movement does not carry it |
//! | `L` | líquido of the current movement, without the events the engine produces (for 438/442: minus the discounts already calculated for earlier institutions) |
//! | `RC` | salário contratual |
//! | `RD` | remuneração disponível, when known (otherwise reading it is an evaluation error) |
//! | `MARGEM` | the employee's margem consignável (444); 438 and 442 formulas only |
//! | `MES`, `ANO` | the competência |
//! | `PERIODO` | `periodo` of the configuration (a formula reading it without that setting fails the configuration check) |
//! | `LIQUIDOFF(a, m, p)` | líquido of the closed movement (a, m, p) of the history; none is 0 |

use super::error::{DomainError, DomainIssue, Severity};
use super::explain::FormulaTrace;
use super::fast;
use super::small::SmallVec;
use super::types::{ClosedMovement, Competencia, Movement};
use crate::formula::{CompileOptions, Context, Diagnostic, Mode, Program, Value};
use crate::money::RoundingPolicy;
use rust_decimal::Decimal;

/// A compiled formula with the field it came from.
#[derive(Debug, Clone)]
pub(crate) struct CompiledFormula {
    field: String,
    program: Program,
    /// For each variable slot of the program, the input it reads (resolved once here instead
    /// of by name on every evaluation).
    variable_sources: Vec<VariableSource>,
}

/// Which input of [`Variables`] a context variable of a formula reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VariableSource {
    L,
    Rc,
    Rd,
    Margem,
    /// A name the engine does not provide: always unknown.
    Unknown,
}

impl VariableSource {
    /// The input named `name` (case-insensitive, as the names the formula layer reports).
    fn of(name: &str) -> VariableSource {
        [
            ("L", VariableSource::L),
            ("RC", VariableSource::Rc),
            ("RD", VariableSource::Rd),
            ("MARGEM", VariableSource::Margem),
        ]
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map_or(VariableSource::Unknown, |(_, v)| v)
    }
}

fn issue(field: &str, source: &str, d: &Diagnostic) -> DomainIssue {
    let severity = if d.is_error() {
        Severity::Error
    } else {
        Severity::Warning
    };
    DomainIssue {
        code: d.code.to_owned(),
        severity,
        field: field.to_owned(),
        message: d.one_line(field, source),
    }
}

impl CompiledFormula {
    /// Compiles `source`; `variables` are the context variables besides `L` and `RC`.
    /// Returns the formula and its warnings, or every diagnostic as issues.
    pub(crate) fn compile(
        field: &str,
        source: &str,
        variables: &[&str],
        periodo: Option<i64>,
        strict: bool,
        known_events: &dyn Fn(&str) -> bool,
    ) -> Result<(CompiledFormula, Vec<DomainIssue>), Vec<DomainIssue>> {
        let options = CompileOptions {
            mode: if strict { Mode::Strict } else { Mode::Lenient },
            variables: variables.iter().map(|v| (*v).to_owned()).collect(),
            periodo,
        };
        let program = Program::compile(source, &options).map_err(|ds| {
            ds.iter()
                .map(|d| issue(field, source, d))
                .collect::<Vec<_>>()
        })?;
        let mut issues: Vec<DomainIssue> = program
            .warnings()
            .iter()
            .map(|d| issue(field, source, d))
            .collect();
        if let Some(d) = program.require_periodo(false) {
            issues.push(issue(field, source, &d));
        }
        for code in &program.references().events {
            if !known_events(code) {
                issues.push(DomainIssue::warning(
                    "D150",
                    field,
                    format!("a fórmula lê o evento '{code}', que não está cadastrado em [[eventos]] (C() valerá 0)"),
                ));
            }
        }
        if issues.iter().any(DomainIssue::is_error) {
            return Err(issues);
        }
        let variable_sources = program
            .references()
            .variables
            .iter()
            .map(|name| VariableSource::of(name))
            .collect();
        Ok((
            CompiledFormula {
                field: field.to_owned(),
                program,
                variable_sources,
            },
            issues,
        ))
    }

    /// Evaluates as money (SPEC §1.6) with an optional trace.
    pub(crate) fn evaluate(
        &self,
        inputs: &FormulaInputs<'_>,
        trace: bool,
    ) -> Result<(Decimal, Option<FormulaTrace>), DomainError> {
        let refs = self.program.references();
        // Every event is read before the evaluation (an event that cannot be summed fails the
        // formula even if its branch is not taken).
        let mut ctx = Ctx {
            competencia: inputs.competencia,
            events: SmallVec::new(),
            variables: SmallVec::new(),
            history: inputs.history,
        };
        for code in &refs.events {
            let value = match inputs.event_override {
                Some((c, v)) if c == code.as_str() => v,
                _ => inputs.movement.event_value(code)?,
            };
            ctx.events.push(value);
        }
        let v = &inputs.variables;
        for source in &self.variable_sources {
            ctx.variables.push(match source {
                VariableSource::L => v.l,
                VariableSource::Rc => v.rc,
                VariableSource::Rd => v.rd,
                VariableSource::Margem => v.margem,
                VariableSource::Unknown => None,
            });
        }
        let fail = |message: String| DomainError::Formula {
            field: self.field.clone(),
            message,
        };
        if trace {
            let (result, t) = self.program.explain(&ctx);
            let recorded = FormulaTrace {
                field: self.field.clone(),
                source: self.program.source().to_owned(),
                text: t.to_string(),
                json: serde_json::to_value(&t).unwrap_or(serde_json::Value::Null),
            };
            match result {
                Ok(Value::Number(n)) => Ok((RoundingPolicy::FORMULA.round(n), Some(recorded))),
                Ok(Value::Bool(_)) => Err(fail(
                    "a fórmula resulta em um valor lógico, não em um valor monetário".to_owned(),
                )),
                Err(e) => Err(fail(e.to_string())),
            }
        } else {
            // `Program::evaluate_money`, with the money rounding done by the domain's shortcut.
            match self.program.evaluate(&ctx) {
                Ok(Value::Number(n)) => Ok((fast::round(RoundingPolicy::FORMULA, n), None)),
                // Not money: `evaluate_money` says so, with its own error.
                Ok(Value::Bool(_)) => self
                    .program
                    .evaluate_money(&ctx)
                    .map(|v| (v, None))
                    .map_err(|e| fail(e.to_string())),
                Err(e) => Err(fail(e.to_string())),
            }
        }
    }
}

/// The domain's view of one evaluation.
pub(crate) struct FormulaInputs<'a> {
    pub competencia: Competencia,
    pub movement: &'a Movement,
    /// An event read as this value instead of the movement's (the 439/443 event of the
    /// institution being computed).
    pub event_override: Option<(&'a str, Decimal)>,
    pub variables: Variables,
    pub history: &'a [ClosedMovement],
}

/// The context variables a formula may read; `None` is unknown (reading it is an error).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Variables {
    /// `L`: líquido.
    pub l: Option<Decimal>,
    /// `RC`: salário contratual.
    pub rc: Option<Decimal>,
    /// `RD`: remuneração disponível.
    pub rd: Option<Decimal>,
    /// `MARGEM`: the employee's margin (438 and 442 formulas only).
    pub margem: Option<Decimal>,
}

/// Slots a formula reads, kept inline (the configured formulas read a handful).
const INLINE_SLOTS: usize = 8;

struct Ctx<'a> {
    competencia: Competencia,
    events: SmallVec<Decimal, INLINE_SLOTS>,
    variables: SmallVec<Option<Decimal>, INLINE_SLOTS>,
    history: &'a [ClosedMovement],
}

impl Context for Ctx<'_> {
    fn competencia(&self) -> (i32, u32) {
        (self.competencia.year(), self.competencia.month())
    }

    fn event(&self, slot: usize, _code: &str) -> Decimal {
        self.events.get(slot).copied().unwrap_or_default()
    }

    fn variable(&self, slot: usize, _name: &str) -> Option<Decimal> {
        self.variables.get(slot).copied().flatten()
    }

    fn liquido_off(&self, ano: i64, mes: u32, periodo: i64) -> Decimal {
        self.history
            .iter()
            .find(|m| {
                i64::from(m.competencia.year()) == ano
                    && m.competencia.month() == mes
                    && m.periodo == periodo
            })
            .map_or(Decimal::ZERO, |m| m.net_pay)
    }
}
