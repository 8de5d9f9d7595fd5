//! The formula language of TOTVS RM Labore, as used by the consignado events (docs/language.md; TOTVS TDN documents the RM built-ins it reproduces).
//!
//! Pipeline: **parse** (`grammar/formula.pest` → [`ast`]) → **check** (names, functions,
//! arity, types; every problem reported) → **compile** (typed nodes, names resolved to slots)
//! → **evaluate** (checked `Decimal` arithmetic). Also: [`Program::explain`] (the evaluation
//! as a tree) and [`format()`] (the canonical layout).
//!
//! This module knows nothing of payroll: events, variables and history come from the host
//! through the [`Context`] trait.
//!
//! ```
//! use consignado::formula::{CompileOptions, MapContext, Program};
//! use rust_decimal::Decimal;
//! let dec = |s: &str| s.parse::<Decimal>().unwrap();
//!
//! // Compile once (the TOTVS cap formula, exactly as printed: its outer SE has no FIMSE)…
//! let program = Program::compile(
//!     "Se C('0439') > 0 entao Se C('0439') >= (L*0.3) entao L*0.3 Senao C('0439') FimSe;",
//!     &CompileOptions::default(),
//! ).unwrap();
//! assert_eq!(program.warnings().len(), 1); // W001: SE sem FIMSE
//!
//! // …evaluate for each employee.
//! let mut ctx = MapContext::new(2025, 6);
//! ctx.set_variable("L", dec("1200.00"));
//! ctx.set_event("0439", dec("500.00"));
//! assert_eq!(program.evaluate_money(&ctx).unwrap(), dec("360.00"));
//! ```

pub mod ast;
mod check;
pub mod diagnostic;
mod eval;
pub mod fmt;
mod ir;
mod parser;
pub mod span;
pub mod trace;

pub use check::{MAX_LOCALS, STANDARD_VARIABLES};
pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use parser::MAX_DEPTH;
pub use span::Span;
pub use trace::{Trace, TraceKind, TraceNode, TRACE_SCHEMA_VERSION};

use crate::money::RoundingPolicy;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashMap;

/// Lenient (RM's behaviour, the default) or strict parsing and checking (docs/language.md, "Conditionals": RM accepts a missing or extra `FIMSE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A missing `FIMSE` is closed at `;` or the end, a stray `FIMSE` is ignored, a number
    /// is accepted as a condition: each with a warning.
    #[default]
    Lenient,
    /// Those warnings are errors.
    Strict,
}

/// How to compile a formula.
#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    /// Lenient or strict.
    pub mode: Mode,
    /// Context variables the formula may read besides `L` and `RC` (case-insensitive).
    pub variables: Vec<String>,
    /// `Some(n)`: `PERIODO` is the constant `n` (from configuration). `None`: it comes from
    /// [`Context::periodo`] at each evaluation, and is an error there if absent.
    pub periodo: Option<i64>,
}

impl CompileOptions {
    /// Strict mode, nothing else changed.
    pub fn strict() -> Self {
        CompileOptions {
            mode: Mode::Strict,
            ..Self::default()
        }
    }
}

/// The value of a formula or of one of its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A decimal number (money, months, years…).
    Number(Decimal),
    /// The result of a comparison or of `E`/`OU`/`NAO`.
    Bool(bool),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&trace::show(self))
    }
}

/// What a compiled formula reads from its context. Slot `i` of [`Context::event`] is
/// `events[i]`, slot `i` of [`Context::variable`] is `variables[i]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct References {
    /// Event codes read with `C('…')`, in order of first appearance.
    pub events: Vec<String>,
    /// Context variables read (`L`, `RC`, …), upper-cased, in order of first appearance.
    pub variables: Vec<String>,
    /// Whether it reads the payslip history (`LIQUIDOFF`).
    pub history: bool,
    /// Whether it reads `PERIODO`.
    pub periodo: bool,
}

/// The host's data, read by a formula while it evaluates. Implement it over your own
/// structures: the evaluator asks by slot (an index fixed at compile time, see
/// [`Program::references`]) and also passes the name, so a simple host may match on it.
pub trait Context {
    /// Competência being computed: (`ANO`, `MES`).
    fn competencia(&self) -> (i32, u32);
    /// `PERIODO`: the monthly-payroll period number, if the host supplies it.
    fn periodo(&self) -> Option<i64> {
        None
    }
    /// `C('code')`: value of the event in the current movement; absent is zero.
    fn event(&self, slot: usize, code: &str) -> Decimal;
    /// A context variable (`L`, `RC`, …); `None` when the host does not have it.
    fn variable(&self, slot: usize, name: &str) -> Option<Decimal>;
    /// `LIQUIDOFF(ano, mes, periodo)`: net pay of that closed movement; none is zero.
    fn liquido_off(&self, ano: i64, mes: u32, periodo: i64) -> Decimal;
}

/// An error while evaluating: what happened and where in the formula.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError(Box<EvalErrorInner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct EvalErrorInner {
    code: &'static str,
    span: Span,
    message: String,
}

impl EvalError {
    pub(crate) fn new(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        EvalError(Box::new(EvalErrorInner {
            code,
            span,
            message: message.into(),
        }))
    }

    /// Stable code (`E030` division by zero, `E031` overflow, …).
    pub fn code(&self) -> &'static str {
        self.0.code
    }

    /// Where in the formula.
    pub fn span(&self) -> Span {
        self.0.span
    }

    /// The message, in Portuguese.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// As a diagnostic, for rendering with the source.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error(self.0.code, self.0.span, self.0.message.clone())
    }
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}", self.0.code, self.0.message)
    }
}

impl std::error::Error for EvalError {}

/// A checked, compiled formula: compile once, evaluate many times. `Send + Sync`, so one
/// program serves every thread of a batch.
#[derive(Debug, Clone)]
pub struct Program {
    source: String,
    statements: Vec<ir::Stmt>,
    references: References,
    locals: usize,
    periodo_spans: Vec<Span>,
    periodo_constant: bool,
    warnings: Vec<Diagnostic>,
}

impl Program {
    /// Parses, checks and compiles `source`. On failure returns every diagnostic found
    /// (errors and warnings, in source order).
    pub fn compile(source: &str, options: &CompileOptions) -> Result<Program, Diagnostics> {
        let (formula, mut diagnostics) =
            parser::parse(source, options.mode).map_err(Diagnostics)?;
        let checked = check::check(&formula, options);
        diagnostics.extend(checked.diagnostics);
        diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
        if diagnostics.iter().any(Diagnostic::is_error) {
            return Err(Diagnostics(diagnostics));
        }
        Ok(Program {
            source: source.to_string(),
            statements: checked.statements,
            references: checked.references,
            locals: checked.locals,
            periodo_spans: checked.periodo_spans,
            periodo_constant: options.periodo.is_some(),
            warnings: diagnostics,
        })
    }

    /// The source it was compiled from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Warnings found while compiling (lenient mode only; strict turns them into errors).
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// What the formula reads: events, variables, history, `PERIODO`.
    pub fn references(&self) -> &References {
        &self.references
    }

    /// `E016` at the first `PERIODO` when the formula uses it but neither the options nor
    /// the context (`has_periodo`) supply it; lets a host report it before evaluating.
    pub fn require_periodo(&self, has_periodo: bool) -> Option<Diagnostic> {
        if self.periodo_constant || has_periodo {
            return None;
        }
        self.periodo_spans.first().map(|span| {
            Diagnostic::error(
                "E016",
                *span,
                "PERIODO não definido: informe o número do período da folha mensal",
            )
            .with_help("no contexto: \"periodo\": 1; na configuração: periodo = 1")
        })
    }

    /// Evaluates against `ctx`. Performs no heap allocation unless it fails.
    pub fn evaluate<C: Context + ?Sized>(&self, ctx: &C) -> Result<Value, EvalError> {
        if self.locals == 0 {
            // The common case: no DECL, so no local storage to initialise.
            return self.run(ctx, &mut [], eval::NoTrace).0;
        }
        let mut storage = [None; MAX_LOCALS];
        let locals = &mut storage[..self.locals.min(MAX_LOCALS)];
        self.run(ctx, locals, eval::NoTrace).0
    }

    fn run<C: Context + ?Sized, T: eval::Tracer>(
        &self,
        ctx: &C,
        locals: &mut [Option<Decimal>],
        tracer: T,
    ) -> (Result<Value, EvalError>, T) {
        let mut machine = eval::Machine {
            ctx,
            events: &self.references.events,
            variables: &self.references.variables,
            locals,
            tracer,
            error: None,
        };
        let result = machine.run(&self.statements);
        (result, machine.tracer)
    }

    /// Evaluates and rounds the number as money (2 places, half away from zero: docs/language.md, "Values").
    /// A boolean result is an error (`E013`).
    pub fn evaluate_money<C: Context + ?Sized>(&self, ctx: &C) -> Result<Decimal, EvalError> {
        self.evaluate_with(ctx, RoundingPolicy::FORMULA)
    }

    /// Evaluates and rounds the number with `policy`.
    pub fn evaluate_with<C: Context + ?Sized>(
        &self,
        ctx: &C,
        policy: RoundingPolicy,
    ) -> Result<Decimal, EvalError> {
        match self.evaluate(ctx)? {
            Value::Number(n) => Ok(policy.round(n)),
            Value::Bool(_) => Err(EvalError::new(
                "E013",
                Span::new(0, self.source.len()),
                "a fórmula resulta em um valor lógico, não em um valor monetário",
            )),
        }
    }

    /// Evaluates and records every condition and look-up. Same result as [`Self::evaluate`].
    pub fn explain<C: Context + ?Sized>(&self, ctx: &C) -> (Result<Value, EvalError>, Trace) {
        let mut storage = [None; MAX_LOCALS];
        let locals = &mut storage[..self.locals.min(MAX_LOCALS)];
        let (result, recorder) = self.run(ctx, locals, trace::Recorder::new(&self.source));
        let (value, error) = match &result {
            Ok(v) => (Some(trace::show(v)), None),
            Err(e) => (None, Some(e.to_string())),
        };
        (result, recorder.finish(value, error))
    }
}

/// Parses without checking: the syntax tree and the warnings, or the errors.
pub fn parse(source: &str, mode: Mode) -> Result<(ast::Formula, Vec<Diagnostic>), Diagnostics> {
    parser::parse(source, mode).map_err(Diagnostics)
}

/// Formats `source` in the canonical layout (see [`fmt`]).
pub fn format(source: &str) -> Result<String, Diagnostics> {
    let (formula, _) = parse(source, Mode::Lenient)?;
    Ok(fmt::format(&formula))
}

/// A ready-made [`Context`] over hash maps, for tools, tests and hosts that do not need the
/// slot interface. Names and codes are matched as given (names case-insensitively).
#[derive(Debug, Clone, Default)]
pub struct MapContext {
    /// `ANO`.
    pub ano: i32,
    /// `MES`.
    pub mes: u32,
    /// `PERIODO`.
    pub periodo: Option<i64>,
    /// Variables by upper-cased name.
    pub variables: HashMap<String, Decimal>,
    /// Events by code.
    pub events: HashMap<String, Decimal>,
    /// Net pay by (ano, mes, periodo).
    pub history: HashMap<(i64, u32, i64), Decimal>,
}

impl MapContext {
    /// An empty context for competência `mes/ano`.
    pub fn new(ano: i32, mes: u32) -> Self {
        MapContext {
            ano,
            mes,
            ..Self::default()
        }
    }

    /// Sets a variable (`L`, `RC`, …).
    pub fn set_variable(&mut self, name: &str, value: Decimal) -> &mut Self {
        self.variables.insert(name.to_uppercase(), value);
        self
    }

    /// Sets an event of the current movement.
    pub fn set_event(&mut self, code: &str, value: Decimal) -> &mut Self {
        self.events.insert(code.to_string(), value);
        self
    }

    /// Sets the net pay of a closed movement.
    pub fn set_history(&mut self, ano: i64, mes: u32, periodo: i64, liquido: Decimal) -> &mut Self {
        self.history.insert((ano, mes, periodo), liquido);
        self
    }
}

impl Context for MapContext {
    fn competencia(&self) -> (i32, u32) {
        (self.ano, self.mes)
    }
    fn periodo(&self) -> Option<i64> {
        self.periodo
    }
    fn event(&self, _slot: usize, code: &str) -> Decimal {
        self.events.get(code).copied().unwrap_or_default()
    }
    fn variable(&self, _slot: usize, name: &str) -> Option<Decimal> {
        self.variables.get(name).copied()
    }
    fn liquido_off(&self, ano: i64, mes: u32, periodo: i64) -> Decimal {
        self.history
            .get(&(ano, mes, periodo))
            .copied()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn program_is_send_and_sync() {
        assert_send_sync::<Program>();
    }
}
