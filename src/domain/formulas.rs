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
use super::types::{ClosedMovement, Competencia, Movement};
use crate::formula::{CompileOptions, Context, Diagnostic, Mode, Program, Value};
use crate::money::RoundingPolicy;
use rust_decimal::Decimal;

/// A compiled formula with the field it came from.
#[derive(Debug, Clone)]
pub(crate) struct CompiledFormula {
    field: String,
    program: Program,
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
        Ok((
            CompiledFormula {
                field: field.to_owned(),
                program,
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
        let mut events = Vec::with_capacity(refs.events.len());
        for code in &refs.events {
            let value = match inputs.event_overrides.iter().find(|(c, _)| c == code) {
                Some((_, v)) => *v,
                None => inputs.movement.event_value(code)?,
            };
            events.push(value);
        }
        let variables = refs
            .variables
            .iter()
            .map(|name| {
                inputs
                    .variables
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(name))
                    .and_then(|(_, v)| *v)
            })
            .collect();
        let ctx = Ctx {
            competencia: inputs.competencia,
            events,
            variables,
            history: inputs.history,
        };
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
            self.program
                .evaluate_money(&ctx)
                .map(|v| (v, None))
                .map_err(|e| fail(e.to_string()))
        }
    }
}

/// The domain's view of one evaluation.
pub(crate) struct FormulaInputs<'a> {
    pub competencia: Competencia,
    pub movement: &'a Movement,
    pub event_overrides: Vec<(String, Decimal)>,
    pub variables: Vec<(&'static str, Option<Decimal>)>,
    pub history: &'a [ClosedMovement],
}

struct Ctx<'a> {
    competencia: Competencia,
    events: Vec<Decimal>,
    variables: Vec<Option<Decimal>>,
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
