//! The syntax tree of a formula: what the analyst wrote, with a [`Span`] on every node.
//! Names are stored upper-cased (the language is case-insensitive). Nothing here is resolved
//! or typed; that is the checker's job (`check`, private to the formula module).

use super::span::Span;
use rust_decimal::Decimal;

/// A whole formula: statements separated by `;`.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    /// The statements in order; the formula's value is the last one's.
    pub statements: Vec<Statement>,
    /// Comments found in the source, in order (kept for `fmt`).
    pub comments: Vec<Comment>,
}

/// A `/* … */` comment and where it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The full text, delimiters included.
    pub text: String,
    /// Where.
    pub span: Span,
}

/// One statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// What it is.
    pub kind: StatementKind,
    /// Where.
    pub span: Span,
}

/// The kinds of statement.
#[derive(Debug, Clone, PartialEq)]
pub enum StatementKind {
    /// `DECL A, B` — declares formula-local variables.
    Decl(Vec<Ident>),
    /// An expression; its value is the statement's.
    Expr(Expr),
}

/// A name as written, upper-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// Upper-cased name.
    pub name: String,
    /// Where.
    pub span: Span,
}

/// An expression node.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where.
    pub span: Span,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `+x`
    Pos,
    /// `NAO x`
    Not,
}

/// Binary operators, loosest first within each group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `OU`
    Or,
    /// `E`
    And,
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl BinaryOp {
    /// Binding power: higher binds tighter (docs/language.md, "Precedence").
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::And => 2,
            // 3 is NAO (prefix)
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Lt
            | BinaryOp::Gt
            | BinaryOp::Le
            | BinaryOp::Ge => 4,
            BinaryOp::Add | BinaryOp::Sub => 5,
            BinaryOp::Mul | BinaryOp::Div => 6,
        }
    }

    /// Whether this is a comparison (non-associative).
    pub fn is_comparison(self) -> bool {
        self.precedence() == 4
    }

    /// The operator as the canonical layout writes it.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "OU",
            BinaryOp::And => "E",
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::Gt => ">",
            BinaryOp::Le => "<=",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
        }
    }
}

/// Precedence of `NAO` (between `E` and the comparisons).
pub const NOT_PRECEDENCE: u8 = 3;
/// Precedence of unary `-`/`+` (tighter than `*`).
pub const UNARY_PRECEDENCE: u8 = 7;
/// Precedence of a primary (literal, name, call, parenthesis, conditional).
pub const PRIMARY_PRECEDENCE: u8 = 8;

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A decimal literal, exactly as written (`0.3`, `100.00`).
    Number(Decimal),
    /// A text literal (quotes removed).
    Text(String),
    /// A name: `L`, `RC`, `MES`, a context variable or a local.
    Name(String),
    /// A prefix operator.
    Unary(UnaryOp, Box<Expr>),
    /// An infix operator.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// A function call `NAME(args)`.
    Call(Ident, Vec<Expr>),
    /// `SE cond ENTAO then [SENAO else] FIMSE`.
    If(Box<IfExpr>),
}

/// A conditional.
#[derive(Debug, Clone, PartialEq)]
pub struct IfExpr {
    /// The condition.
    pub cond: Expr,
    /// The `ENTAO` branch.
    pub then: Expr,
    /// The `SENAO` branch, if any (otherwise the value is 0).
    pub otherwise: Option<Expr>,
    /// Whether the `FIMSE` was written (lenient mode closes it implicitly).
    pub closed: bool,
}

impl Expr {
    /// Binding power of this node, for the formatter's parentheses.
    pub fn precedence(&self) -> u8 {
        match &self.kind {
            ExprKind::Binary(op, _, _) => op.precedence(),
            ExprKind::Unary(UnaryOp::Not, _) => NOT_PRECEDENCE,
            ExprKind::Unary(_, _) => UNARY_PRECEDENCE,
            _ => PRIMARY_PRECEDENCE,
        }
    }
}
