//! The checker: walks the AST once, before any evaluation, and reports every problem it can
//! find — unknown names and functions (with a "você quis dizer" hint), arity, types (text vs
//! number, a number as a condition), `SETVAR` on an undeclared variable — while it builds the
//! typed, slot-resolved program ([`super::ir`]). It does not stop at the first problem.

use super::ast::*;
use super::diagnostic::{did_you_mean, Diagnostic};
use super::ir::{Arith, Bool, Builtin, Cmp, Num, Stmt};
use super::span::Span;
use super::{CompileOptions, Mode, References};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// Names the language defines by itself (docs/language.md, "Names").
pub(crate) const BUILTIN_NAMES: &[&str] = &["MES", "ANO", "PERIODO"];
/// Context variables every formula may read (docs/language.md, "Names"): net pay and contractual pay.
pub const STANDARD_VARIABLES: &[&str] = &["L", "RC"];

/// Every function, its arity (minimum, maximum) and what it does, for hints and docs.
pub(crate) const FUNCTIONS: &[(&str, usize, usize, &str)] = &[
    ("C", 1, 1, "C('EEEE')"),
    ("LIQUIDOFF", 3, 3, "LIQUIDOFF(ano, mes, periodo)"),
    ("ARRED", 1, 1, "ARRED(x)"),
    ("ARREDONDA", 2, 2, "ARREDONDA(x, casas)"),
    ("ABS", 1, 1, "ABS(x)"),
    ("INCMES", 2, 2, "INCMES(mes, n)"),
    ("DECMES", 2, 2, "DECMES(mes, n)"),
    ("INCANO", 3, 3, "INCANO(mes, ano, n)"),
    ("ANODT", 1, 1, "ANODT('dd/mm/aaaa')"),
    ("MIN", 2, usize::MAX, "MIN(a, b, …)"),
    ("MAX", 2, usize::MAX, "MAX(a, b, …)"),
    ("SETVAR", 2, 2, "SETVAR(variavel, valor)"),
];

/// Most local variables a formula may declare.
pub const MAX_LOCALS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Num,
    Bool,
    Text,
}

/// A checked expression: one of the typed node kinds, or text (only valid as an argument).
enum Typed {
    Num(Num),
    Bool(Bool),
    Text,
    /// Already reported; keeps checking the rest.
    Poisoned,
}

impl Typed {
    fn ty(&self) -> Option<Ty> {
        match self {
            Typed::Num(_) => Some(Ty::Num),
            Typed::Bool(_) => Some(Ty::Bool),
            Typed::Text => Some(Ty::Text),
            Typed::Poisoned => None,
        }
    }
}

/// The result of checking: the compiled statements, what the formula reads, and diagnostics.
pub(crate) struct Checked {
    pub statements: Vec<Stmt>,
    pub references: References,
    pub locals: usize,
    pub periodo_spans: Vec<Span>,
    pub diagnostics: Vec<Diagnostic>,
}

pub(crate) fn check(formula: &Formula, options: &CompileOptions) -> Checked {
    let mut c = Checker {
        options,
        known_variables: STANDARD_VARIABLES
            .iter()
            .map(|s| s.to_string())
            .chain(options.variables.iter().map(|v| v.to_uppercase()))
            .collect(),
        locals: Vec::new(),
        references: References::default(),
        periodo_spans: Vec::new(),
        diagnostics: Vec::new(),
    };
    let mut statements = Vec::new();
    let last = formula.statements.len().saturating_sub(1);
    for (i, s) in formula.statements.iter().enumerate() {
        match &s.kind {
            StatementKind::Decl(names) => {
                for n in names {
                    c.declare(n);
                }
                statements.push(Stmt::Decl);
            }
            StatementKind::Expr(e) => match c.expr(e) {
                Typed::Num(n) => statements.push(Stmt::Num(n)),
                Typed::Bool(b) => statements.push(Stmt::Bool(b)),
                Typed::Text => {
                    c.error(
                        "E013",
                        e.span,
                        if i == last {
                            "o valor de uma fórmula não pode ser um texto"
                        } else {
                            "um texto sozinho não é uma instrução"
                        },
                    );
                }
                Typed::Poisoned => {}
            },
        }
    }
    Checked {
        statements,
        references: c.references,
        locals: c.locals.len(),
        periodo_spans: c.periodo_spans,
        diagnostics: c.diagnostics,
    }
}

struct Checker<'o> {
    options: &'o CompileOptions,
    known_variables: Vec<String>,
    locals: Vec<String>,
    references: References,
    periodo_spans: Vec<Span>,
    diagnostics: Vec<Diagnostic>,
}

fn slot(list: &mut Vec<String>, name: &str) -> u32 {
    let index = list.iter().position(|n| n == name).unwrap_or_else(|| {
        list.push(name.to_string());
        list.len() - 1
    });
    u32::try_from(index).unwrap_or(u32::MAX)
}

fn integer(value: Decimal) -> Option<i64> {
    if value.fract().is_zero() {
        i64::try_from(value.trunc()).ok()
    } else {
        None
    }
}

impl Checker<'_> {
    fn error(&mut self, code: &'static str, span: Span, message: impl Into<String>) {
        self.diagnostics
            .push(Diagnostic::error(code, span, message));
    }

    fn declare(&mut self, ident: &Ident) {
        let reserved = BUILTIN_NAMES.contains(&ident.name.as_str())
            || STANDARD_VARIABLES.contains(&ident.name.as_str())
            || FUNCTIONS.iter().any(|f| f.0 == ident.name);
        if reserved {
            self.error(
                "E020",
                ident.span,
                format!(
                    "`{}` é um nome reservado e não pode ser declarado",
                    ident.name
                ),
            );
        } else if self.locals.contains(&ident.name) {
            self.error(
                "E020",
                ident.span,
                format!("a variável `{}` já foi declarada", ident.name),
            );
        } else if self.locals.len() >= MAX_LOCALS {
            self.error(
                "E020",
                ident.span,
                format!("mais de {MAX_LOCALS} variáveis locais"),
            );
        } else {
            self.locals.push(ident.name.clone());
        }
    }

    fn all_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = BUILTIN_NAMES.to_vec();
        names.extend(self.known_variables.iter().map(String::as_str));
        names.extend(self.locals.iter().map(String::as_str));
        names
    }

    fn name(&mut self, name: &str, span: Span) -> Typed {
        if let Some(i) = self.locals.iter().position(|l| l == name) {
            return Typed::Num(Num::Local(i as u32, span));
        }
        match name {
            "MES" => return Typed::Num(Num::Mes(span)),
            "ANO" => return Typed::Num(Num::Ano(span)),
            "PERIODO" => {
                self.references.periodo = true;
                self.periodo_spans.push(span);
                return match self.options.periodo {
                    Some(p) => Typed::Num(Num::Const(Decimal::from(p))),
                    None => Typed::Num(Num::Periodo(span)),
                };
            }
            _ => {}
        }
        if self.known_variables.iter().any(|v| v == name) {
            let s = slot(&mut self.references.variables, name);
            return Typed::Num(Num::Var(s, span));
        }
        let mut d = Diagnostic::error("E010", span, format!("nome desconhecido: `{name}`"));
        let names = self.all_names();
        if let Some(best) = did_you_mean(name, names) {
            d = d.with_help(format!("você quis dizer `{best}`?"));
        } else if FUNCTIONS.iter().any(|f| f.0 == name) {
            d = d.with_help(format!("`{name}` é uma função: escreva `{name}(…)`"));
        } else {
            d = d.with_help(
                "informe a variável no contexto (\"variaveis\") ou declare-a com DECL".to_string(),
            );
        }
        self.diagnostics.push(d);
        Typed::Poisoned
    }

    fn want_num(&mut self, t: Typed, span: Span, what: &str) -> Option<Num> {
        match t {
            Typed::Num(n) => Some(n),
            Typed::Bool(_) => {
                self.error(
                    "E013",
                    span,
                    format!("{what} espera um número, mas recebeu um valor lógico"),
                );
                None
            }
            Typed::Text => {
                self.error(
                    "E013",
                    span,
                    format!("{what} espera um número, mas recebeu um texto"),
                );
                None
            }
            Typed::Poisoned => None,
        }
    }

    fn want_bool(&mut self, t: Typed, span: Span) -> Option<Bool> {
        match t {
            Typed::Bool(b) => Some(b),
            Typed::Num(n) => {
                let message = "número usado como condição (vale como \"diferente de zero\")";
                let help = "escreva a comparação explícita, por exemplo `… <> 0`";
                let d = match self.options.mode {
                    Mode::Lenient => Diagnostic::warning("W003", span, message),
                    Mode::Strict => Diagnostic::error("W003", span, message),
                };
                self.diagnostics.push(d.with_help(help));
                Some(Bool::NonZero(Box::new(n), span))
            }
            Typed::Text => {
                self.error("E013", span, "um texto não pode ser usado como condição");
                None
            }
            Typed::Poisoned => None,
        }
    }

    fn expr(&mut self, e: &Expr) -> Typed {
        match &e.kind {
            ExprKind::Number(v) => Typed::Num(Num::Const(*v)),
            ExprKind::Text(_) => Typed::Text,
            ExprKind::Name(n) => self.name(n, e.span),
            ExprKind::Unary(op, inner) => {
                let t = self.expr(inner);
                match op {
                    UnaryOp::Not => match self.want_bool(t, inner.span) {
                        Some(b) => Typed::Bool(Bool::Not(Box::new(b))),
                        None => Typed::Poisoned,
                    },
                    UnaryOp::Neg => match self.want_num(t, inner.span, "o sinal `-`") {
                        Some(n) => Typed::Num(match n {
                            Num::Const(v) => Num::Const(-v),
                            n => Num::Neg(Box::new(n)),
                        }),
                        None => Typed::Poisoned,
                    },
                    UnaryOp::Pos => match self.want_num(t, inner.span, "o sinal `+`") {
                        Some(n) => Typed::Num(n),
                        None => Typed::Poisoned,
                    },
                }
            }
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, e.span),
            ExprKind::Call(name, args) => self.call(name, args, e.span),
            ExprKind::If(i) => self.conditional(i, e.span),
        }
    }

    fn binary(&mut self, op: BinaryOp, l: &Expr, r: &Expr, span: Span) -> Typed {
        let lt = self.expr(l);
        let rt = self.expr(r);
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let lb = self.want_bool(lt, l.span);
                let rb = self.want_bool(rt, r.span);
                match (lb, rb) {
                    (Some(a), Some(b)) => Typed::Bool(if op == BinaryOp::And {
                        Bool::And(Box::new(a), Box::new(b))
                    } else {
                        Bool::Or(Box::new(a), Box::new(b))
                    }),
                    _ => Typed::Poisoned,
                }
            }
            _ => {
                let what = format!("o operador `{}`", op.symbol());
                if lt.ty() == Some(Ty::Text) && rt.ty() == Some(Ty::Num)
                    || lt.ty() == Some(Ty::Num) && rt.ty() == Some(Ty::Text)
                {
                    self.error("E013", span, format!("{what} não mistura número e texto"));
                    return Typed::Poisoned;
                }
                let ln = self.want_num(lt, l.span, &what);
                let rn = self.want_num(rt, r.span, &what);
                let (Some(a), Some(b)) = (ln, rn) else {
                    return Typed::Poisoned;
                };
                let (a, b) = (Box::new(a), Box::new(b));
                match op {
                    BinaryOp::Add => Typed::Num(Num::Arith(Arith::Add, a, b, span)),
                    BinaryOp::Sub => Typed::Num(Num::Arith(Arith::Sub, a, b, span)),
                    BinaryOp::Mul => Typed::Num(Num::Arith(Arith::Mul, a, b, span)),
                    BinaryOp::Div => Typed::Num(Num::Arith(Arith::Div, a, b, span)),
                    BinaryOp::Eq => Typed::Bool(Bool::Cmp(Cmp::Eq, a, b, span)),
                    BinaryOp::Ne => Typed::Bool(Bool::Cmp(Cmp::Ne, a, b, span)),
                    BinaryOp::Lt => Typed::Bool(Bool::Cmp(Cmp::Lt, a, b, span)),
                    BinaryOp::Gt => Typed::Bool(Bool::Cmp(Cmp::Gt, a, b, span)),
                    BinaryOp::Le => Typed::Bool(Bool::Cmp(Cmp::Le, a, b, span)),
                    BinaryOp::Ge => Typed::Bool(Bool::Cmp(Cmp::Ge, a, b, span)),
                    BinaryOp::And | BinaryOp::Or => Typed::Poisoned,
                }
            }
        }
    }

    fn conditional(&mut self, i: &IfExpr, span: Span) -> Typed {
        let ct = self.expr(&i.cond);
        let cond = self.want_bool(ct, i.cond.span);
        let then = self.expr(&i.then);
        let otherwise = i.otherwise.as_ref().map(|o| (self.expr(o), o.span));
        let Some(cond) = cond else {
            return Typed::Poisoned;
        };
        match (then, otherwise) {
            (Typed::Poisoned, _) | (_, Some((Typed::Poisoned, _))) => Typed::Poisoned,
            (Typed::Num(t), None) => Typed::Num(Num::If(Box::new(cond), Box::new(t), None, span)),
            (Typed::Num(t), Some((Typed::Num(o), _))) => Typed::Num(Num::If(
                Box::new(cond),
                Box::new(t),
                Some(Box::new(o)),
                span,
            )),
            (Typed::Bool(t), Some((Typed::Bool(o), _))) => {
                Typed::Bool(Bool::If(Box::new(cond), Box::new(t), Box::new(o), span))
            }
            (Typed::Bool(_), None) => {
                self.error(
                    "E013",
                    i.then.span,
                    "SE sem SENAO vale 0 quando a condição é falsa; o ENTAO deve ser um número",
                );
                Typed::Poisoned
            }
            (Typed::Text, _) | (_, Some((Typed::Text, _))) => {
                self.error("E013", span, "um SE não pode resultar em texto");
                Typed::Poisoned
            }
            (_, Some((_, ospan))) => {
                self.error(
                    "E013",
                    i.then.span.to(ospan),
                    "ENTAO e SENAO devem ter o mesmo tipo (número ou lógico)",
                );
                Typed::Poisoned
            }
        }
    }

    fn call(&mut self, name: &Ident, args: &[Expr], span: Span) -> Typed {
        let Some(&(fname, min, max, usage)) = FUNCTIONS.iter().find(|f| f.0 == name.name) else {
            let mut d = Diagnostic::error(
                "E011",
                name.span,
                format!("função desconhecida: `{}`", name.name),
            );
            if let Some(best) = did_you_mean(&name.name, FUNCTIONS.iter().map(|f| f.0)) {
                d = d.with_help(format!("você quis dizer `{best}`?"));
            }
            self.diagnostics.push(d);
            for a in args {
                let _ = self.expr(a);
            }
            return Typed::Poisoned;
        };
        if args.len() < min || args.len() > max {
            let expected = if min == max {
                format!("{min}")
            } else {
                format!("ao menos {min}")
            };
            self.diagnostics.push(
                Diagnostic::error(
                    "E012",
                    span,
                    format!(
                        "`{fname}` recebe {expected} argumento(s), mas recebeu {}",
                        args.len()
                    ),
                )
                .with_help(format!("uso: {usage}")),
            );
            for a in args {
                let _ = self.expr(a);
            }
            return Typed::Poisoned;
        }
        match fname {
            "C" => match &args[0].kind {
                ExprKind::Text(code) => {
                    let code = code.trim();
                    let s = slot(&mut self.references.events, code);
                    Typed::Num(Num::Event(s, span))
                }
                _ => {
                    let _ = self.expr(&args[0]);
                    self.diagnostics.push(
                        Diagnostic::error(
                            "E018",
                            args[0].span,
                            "C() recebe o código do evento como texto literal",
                        )
                        .with_help("por exemplo C('0439')"),
                    );
                    Typed::Poisoned
                }
            },
            "ANODT" => match &args[0].kind {
                ExprKind::Text(date) => match NaiveDate::parse_from_str(date.trim(), "%d/%m/%Y") {
                    Ok(d) => Typed::Num(Num::Const(Decimal::from(d.year()))),
                    Err(_) => {
                        self.diagnostics.push(
                            Diagnostic::error(
                                "E019",
                                args[0].span,
                                format!("data inválida: '{date}'"),
                            )
                            .with_help("use o formato 'dd/mm/aaaa', por exemplo '24/10/2018'"),
                        );
                        Typed::Poisoned
                    }
                },
                _ => {
                    let _ = self.expr(&args[0]);
                    self.error(
                        "E019",
                        args[0].span,
                        "ANODT() recebe uma data como texto literal 'dd/mm/aaaa'",
                    );
                    Typed::Poisoned
                }
            },
            "SETVAR" => self.setvar(&args[0], &args[1], span),
            _ => {
                let mut nums = Vec::with_capacity(args.len());
                let mut ok = true;
                for a in args {
                    let t = self.expr(a);
                    match self.want_num(t, a.span, &format!("`{fname}`")) {
                        Some(n) => nums.push(n),
                        None => ok = false,
                    }
                }
                if !ok {
                    return Typed::Poisoned;
                }
                if fname == "LIQUIDOFF" {
                    self.references.history = true;
                    let mut it = nums.into_iter();
                    let (Some(a), Some(m), Some(p)) = (it.next(), it.next(), it.next()) else {
                        return Typed::Poisoned;
                    };
                    if let Num::Const(v) = &m {
                        match integer(*v) {
                            None if v.fract().is_zero() => {
                                self.error("E032", args[1].span, format!("mês {v} fora de 1..12"))
                            }
                            None => self.error(
                                "E035",
                                args[1].span,
                                format!("o mês deve ser um número inteiro, mas vale {v}"),
                            ),
                            Some(month) if !(1..=12).contains(&month) => {
                                self.error("E032", args[1].span, format!("mês {v} fora de 1..12"))
                            }
                            Some(_) => {}
                        }
                    }
                    return Typed::Num(Num::LiquidoOff(Box::new([a, m, p]), span));
                }
                let builtin = match fname {
                    "ARRED" => Builtin::Arred,
                    "ARREDONDA" => Builtin::Arredonda,
                    "ABS" => Builtin::Abs,
                    "INCMES" => Builtin::IncMes,
                    "DECMES" => Builtin::DecMes,
                    "INCANO" => Builtin::IncAno,
                    "MIN" => Builtin::Min,
                    _ => Builtin::Max,
                };
                Typed::Num(Num::Call(builtin, nums.into_boxed_slice(), span))
            }
        }
    }

    fn setvar(&mut self, target: &Expr, value: &Expr, span: Span) -> Typed {
        let name = match &target.kind {
            ExprKind::Name(n) => Some(n.clone()),
            ExprKind::Text(t) => Some(t.trim().to_uppercase()),
            _ => None,
        };
        let vt = self.expr(value);
        let v = self.want_num(vt, value.span, "SETVAR");
        let Some(name) = name else {
            self.error(
                "E017",
                target.span,
                "SETVAR recebe o nome de uma variável declarada com DECL",
            );
            return Typed::Poisoned;
        };
        let Some(index) = self.locals.iter().position(|l| *l == name) else {
            self.diagnostics.push(
                Diagnostic::error(
                    "E017",
                    target.span,
                    format!("variável local não declarada: `{name}`"),
                )
                .with_help(format!("declare-a antes: `DECL {name};`")),
            );
            return Typed::Poisoned;
        };
        match v {
            Some(v) => Typed::Num(Num::SetVar(index as u32, Box::new(v), span)),
            None => Typed::Poisoned,
        }
    }
}
