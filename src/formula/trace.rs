//! Explanation of an evaluation: a tree of the conditions (with their value and the branch
//! taken) and of every look-up (`C`, `LIQUIDOFF`, variables, `MES`, …) with the value found.
//! Printed as text for people ([`Trace`]'s `Display`) and as JSON for tools (serde), with a
//! schema version.

use super::span::Span;
use super::Value;
use serde::Serialize;
use std::fmt;

/// Version of the JSON layout of [`Trace`]; bumped on any incompatible change.
pub const TRACE_SCHEMA_VERSION: u32 = 1;

/// What a trace node records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceKind {
    /// A `SE … FIMSE`.
    If,
    /// The condition of a `SE`, with its boolean value.
    Condition,
    /// The `ENTAO` branch was taken.
    Then,
    /// The `SENAO` branch was taken.
    Else,
    /// The condition was false and there is no `SENAO`: the value is 0.
    NoElse,
    /// `C('…')`: an event of the current movement.
    Event,
    /// A context variable (`L`, `RC`, …).
    Variable,
    /// A formula-local variable.
    Local,
    /// `MES`, `ANO`, `PERIODO`.
    Builtin,
    /// `LIQUIDOFF(…)`: net pay of a closed movement.
    History,
    /// A built-in function call.
    Function,
    /// `SETVAR(…)`.
    SetVar,
}

/// One step of the evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceNode {
    /// What kind of step.
    pub kind: TraceKind,
    /// The source text of the step, white space collapsed.
    pub text: String,
    /// 1-based line of the step in the formula.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The value it produced (`"840.00"`, `"verdadeiro"`); absent if evaluation stopped there.
    pub value: Option<String>,
    /// Steps inside it, in evaluation order.
    pub children: Vec<TraceNode>,
}

/// The whole explanation of one evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    /// [`TRACE_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The value of the formula (exact), if it evaluated.
    pub result: Option<String>,
    /// The error that stopped it, if any.
    pub error: Option<String>,
    /// The top-level steps.
    pub steps: Vec<TraceNode>,
    /// Steps evaluated but not recorded, past [`MAX_TRACE_STEPS`] (0 when all are there).
    #[serde(skip_serializing_if = "is_zero")]
    pub omitted_steps: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Most steps an explanation records; the evaluation goes on, the rest are counted.
pub const MAX_TRACE_STEPS: usize = 10_000;

/// Renders a value the way explanations show it.
pub(crate) fn show(value: &Value) -> String {
    match value {
        Value::Number(n) => n.to_string(),
        Value::Bool(true) => "verdadeiro".to_string(),
        Value::Bool(false) => "falso".to_string(),
    }
}

/// Builds a [`Trace`] while the evaluator runs.
pub(crate) struct Recorder<'s> {
    source: &'s str,
    /// Byte offset of the start of each line: a step's line is a binary search, not a scan of
    /// the source (a scan per step made long explanations quadratic).
    line_starts: Vec<usize>,
    stack: Vec<TraceNode>,
    roots: Vec<TraceNode>,
    recorded: usize,
    /// Depth of the steps opened past the limit (not recorded).
    skipped_depth: usize,
    omitted: usize,
}

impl<'s> Recorder<'s> {
    pub(crate) fn new(source: &'s str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Recorder {
            source,
            line_starts,
            stack: Vec::new(),
            roots: Vec::new(),
            recorded: 0,
            skipped_depth: 0,
            omitted: 0,
        }
    }

    /// (line, column) of a byte offset, 1-based, the column in characters.
    fn place(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self
            .source
            .get(start..offset)
            .map_or(0, |s| s.chars().count())
            + 1;
        (line, column)
    }

    pub(crate) fn open(&mut self, kind: TraceKind, span: Span) {
        if self.skipped_depth > 0 || self.recorded >= MAX_TRACE_STEPS {
            self.skipped_depth += 1;
            self.omitted += 1;
            return;
        }
        self.recorded += 1;
        let (line, column) = self.place(span.start as usize);
        let text = span
            .text(self.source)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        self.stack.push(TraceNode {
            kind,
            text,
            line,
            column,
            value: None,
            children: Vec::new(),
        });
    }

    pub(crate) fn close(&mut self, value: Option<Value>) {
        if self.skipped_depth > 0 {
            self.skipped_depth -= 1;
            return;
        }
        if let Some(mut node) = self.stack.pop() {
            node.value = value.as_ref().map(show);
            self.attach(node);
        }
    }

    fn attach(&mut self, node: TraceNode) {
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(node),
            None => self.roots.push(node),
        }
    }

    pub(crate) fn finish(mut self, result: Option<String>, error: Option<String>) -> Trace {
        while let Some(node) = self.stack.pop() {
            self.attach(node);
        }
        Trace {
            schema_version: TRACE_SCHEMA_VERSION,
            result,
            error,
            steps: self.roots,
            omitted_steps: self.omitted,
        }
    }
}

fn write_node(f: &mut fmt::Formatter<'_>, node: &TraceNode, depth: usize) -> fmt::Result {
    let pad = "  ".repeat(depth);
    let value = node.value.as_deref().unwrap_or("(interrompido)");
    let short = |t: &str| -> String {
        if t.chars().count() > 60 {
            format!("{}…", t.chars().take(59).collect::<String>())
        } else {
            t.to_string()
        }
    };
    match node.kind {
        TraceKind::If => writeln!(f, "{pad}SE (linha {}) → {value}", node.line)?,
        TraceKind::Condition => writeln!(f, "{pad}condição {} → {value}", short(&node.text))?,
        TraceKind::Then => writeln!(f, "{pad}ENTAO → {value}")?,
        TraceKind::Else => writeln!(f, "{pad}SENAO → {value}")?,
        TraceKind::NoElse => writeln!(f, "{pad}sem SENAO → {value}")?,
        TraceKind::Event
        | TraceKind::Variable
        | TraceKind::Local
        | TraceKind::Builtin
        | TraceKind::History
        | TraceKind::Function
        | TraceKind::SetVar => writeln!(f, "{pad}{} = {value}", short(&node.text))?,
    }
    for child in &node.children {
        write_node(f, child, depth + 1)?;
    }
    Ok(())
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for node in &self.steps {
            write_node(f, node, 0)?;
        }
        if self.omitted_steps > 0 {
            writeln!(
                f,
                "… e mais {} passos não mostrados (o limite é {MAX_TRACE_STEPS})",
                self.omitted_steps
            )?;
        }
        match (&self.result, &self.error) {
            (_, Some(e)) => writeln!(f, "erro: {e}"),
            (Some(r), None) => writeln!(f, "resultado: {r}"),
            (None, None) => Ok(()),
        }
    }
}
