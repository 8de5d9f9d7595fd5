//! The compiled form of a formula: typed, with names resolved to slots. Numbers and booleans
//! are separate node types, so the evaluator never checks a type at run time, and every
//! look-up is an index, never a string comparison or a hash.

use super::span::Span;
use rust_decimal::Decimal;

/// Arithmetic operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// Numeric built-ins evaluated at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    Arred,
    Arredonda,
    Abs,
    IncMes,
    DecMes,
    IncAno,
    Min,
    Max,
}

/// A numeric node.
#[derive(Debug, Clone)]
pub(crate) enum Num {
    Const(Decimal),
    /// `C('code')`: slot into `References::events`.
    Event(u32, Span),
    /// A context variable (`L`, `RC`, …): slot into `References::variables`.
    Var(u32, Span),
    /// A formula-local variable (`DECL`).
    Local(u32, Span),
    Mes(Span),
    Ano(Span),
    Periodo(Span),
    Neg(Box<Num>),
    Arith(Arith, Box<Num>, Box<Num>, Span),
    If(Box<Bool>, Box<Num>, Option<Box<Num>>, Span),
    SetVar(u32, Box<Num>, Span),
    LiquidoOff(Box<[Num; 3]>, Span),
    Call(Builtin, Box<[Num]>, Span),
}

/// A boolean node.
#[derive(Debug, Clone)]
pub(crate) enum Bool {
    Cmp(Cmp, Box<Num>, Box<Num>, Span),
    And(Box<Bool>, Box<Bool>),
    Or(Box<Bool>, Box<Bool>),
    Not(Box<Bool>),
    /// A number used as a condition (lenient): true when ≠ 0.
    NonZero(Box<Num>, Span),
    If(Box<Bool>, Box<Bool>, Box<Bool>, Span),
}

/// A compiled statement.
#[derive(Debug, Clone)]
pub(crate) enum Stmt {
    Num(Num),
    Bool(Bool),
    /// `DECL`: nothing to do at run time; its value is 0.
    Decl,
}
