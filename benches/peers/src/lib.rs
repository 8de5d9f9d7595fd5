//! The cap formula of the 438 discount, written once per engine, for the peer comparison
//! (`cargo bench -p consignado-peers`, see BENCHMARKS.md).
//!
//! The formula: "the installment of event 0439, capped at 30% of the net pay `L`; nothing when
//! there is no installment". Each engine is set up the way a payroll engine would use it:
//! compile once, then for every employee build that engine's per-employee context from the
//! employee's data and evaluate.
//!
//! | engine | compiled once | per employee |
//! | --- | --- | --- |
//! | [`floor`] (hand-written Rust over `Decimal`) | — | two `Decimal` arguments |
//! | [`Consignado`] | [`Program::compile`] | a slot-array [`Context`] on the stack |
//! | [`Zen`] (zen-expression, a `Decimal` bytecode VM) | bytecode (`compile_expression`) | a `Variable` object `{b, l}`, VM reused |
//! | [`Rhai`] (features `decimal`, `no_float`, `sync`) | AST (`compile_expression`) | a `Scope` with `b` and `l` |
//!
//! This crate is not a member of the default workspace build, so none of the peers enters the
//! dependency graph of `consignado` itself.

use consignado::formula::{CompileOptions, Context, Program, Value};
use rust_decimal::Decimal;

/// The cap formula in the TOTVS RM language (the balanced form of the 438 seed).
pub const CAP_RM: &str =
    "SE C('0439') > 0 ENTAO SE C('0439') >= L*0.3 ENTAO L*0.3 SENAO C('0439') FIMSE FIMSE";

/// The same formula in zen-expression (`b` = the installment, `l` = the net pay).
pub const CAP_ZEN: &str = "b > 0 ? (b >= l * 0.3 ? l * 0.3 : b) : 0";

/// The same formula in Rhai (`b` = the installment, `l` = the net pay).
pub const CAP_RHAI: &str = "if b > 0 { if b >= l * 0.3 { l * 0.3 } else { b } } else { 0 }";

/// How many employees the comparison evaluates per iteration.
pub const N_INPUTS: usize = 200_000;

/// One employee's data: the installment (event 0439) and the net pay (`L`), both money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    /// Event 0439: the loan installment (zero for about a fifth of the employees).
    pub parcela: Decimal,
    /// `L`: the net pay.
    pub liquido: Decimal,
}

/// A small deterministic generator (SplitMix64), so every run evaluates the same inputs.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator with this seed.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0; the modulo bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// `n` deterministic, varied employees: money with 2 places; about 20% without installment,
/// 5% whose installment equals the cap exactly (the `>=` edge), the rest spread so that both
/// the capped and the uncapped branch occur often.
pub fn inputs(n: usize) -> Vec<Input> {
    let mut rng = SplitMix64::new(0x00C0_4E51_6A4D_0438);
    (0..n)
        .map(|_| {
            // Net pay: 0.00 to 15 000.00.
            let liquido_cents = rng.below(1_500_001) as i64;
            let kind = rng.below(100);
            let parcela_cents = if kind < 20 {
                0
            } else if kind < 25 {
                // Exactly 30% of a net pay rounded to the ten centavos: b == L*0.3.
                let l = liquido_cents - liquido_cents % 10;
                return Input {
                    parcela: Decimal::new(l * 3 / 10, 2),
                    liquido: Decimal::new(l, 2),
                };
            } else {
                // 0.01 to 4 000.00: above the cap for the lower net pays, below it for the higher.
                1 + rng.below(400_000) as i64
            };
            Input {
                parcela: Decimal::new(parcela_cents, 2),
                liquido: Decimal::new(liquido_cents, 2),
            }
        })
        .collect()
}

/// The hand-written floor: the formula as a Rust programmer would write it over `Decimal`
/// (the cap computed once).
#[inline]
pub fn floor(parcela: Decimal, liquido: Decimal) -> Decimal {
    if parcela > Decimal::ZERO {
        let teto = liquido * Decimal::new(3, 1);
        if parcela >= teto {
            teto
        } else {
            parcela
        }
    } else {
        Decimal::ZERO
    }
}

/// The hand-written floor transliterated node by node: `L*0.3` computed twice, as the formula
/// says (what an interpreter without common-subexpression elimination must do at best).
#[inline]
pub fn floor_literal(parcela: Decimal, liquido: Decimal) -> Decimal {
    if parcela > Decimal::ZERO {
        if parcela >= liquido * Decimal::new(3, 1) {
            liquido * Decimal::new(3, 1)
        } else {
            parcela
        }
    } else {
        Decimal::ZERO
    }
}

/// What a payroll engine hands the formula: slot arrays filled from the employee's data.
/// Slot `i` of `events` is `Program::references().events[i]`, likewise for `variables`.
#[derive(Debug, Clone, Copy)]
pub struct SlotContext<const E: usize, const V: usize> {
    /// Competência (ano, mês).
    pub competencia: (i32, u32),
    /// Event values by slot.
    pub events: [Decimal; E],
    /// Variable values by slot.
    pub variables: [Decimal; V],
}

impl<const E: usize, const V: usize> Context for SlotContext<E, V> {
    #[inline]
    fn competencia(&self) -> (i32, u32) {
        self.competencia
    }
    #[inline]
    fn event(&self, slot: usize, _code: &str) -> Decimal {
        self.events.get(slot).copied().unwrap_or_default()
    }
    #[inline]
    fn variable(&self, slot: usize, _name: &str) -> Option<Decimal> {
        self.variables.get(slot).copied()
    }
    #[inline]
    fn liquido_off(&self, _ano: i64, _mes: u32, _periodo: i64) -> Decimal {
        Decimal::ZERO
    }
}

/// consignado: the cap formula compiled once, evaluated over a slot context.
#[derive(Debug, Clone)]
pub struct Consignado {
    program: Program,
}

impl Default for Consignado {
    fn default() -> Self {
        Self::new()
    }
}

impl Consignado {
    /// Compiles [`CAP_RM`] and checks its slots: event 0 is `0439`, variable 0 is `L`.
    pub fn new() -> Self {
        let program = Program::compile(CAP_RM, &CompileOptions::default())
            .unwrap_or_else(|d| panic!("the cap formula must compile: {d:?}"));
        let refs = program.references();
        assert_eq!(refs.events, ["0439"], "event slots");
        assert_eq!(refs.variables, ["L"], "variable slots");
        assert!(program.warnings().is_empty(), "{:?}", program.warnings());
        Consignado { program }
    }

    /// The compiled program.
    pub fn program(&self) -> &Program {
        &self.program
    }

    /// Builds the employee's slot context and evaluates (unrounded, like the peers).
    #[inline]
    pub fn eval(&self, input: &Input) -> Decimal {
        let ctx = SlotContext {
            competencia: (2025, 6),
            events: [input.parcela],
            variables: [input.liquido],
        };
        match self.program.evaluate(&ctx) {
            Ok(Value::Number(n)) => n,
            other => panic!("consignado: {other:?} for {input:?}"),
        }
    }
}

/// zen-expression: bytecode compiled once, one VM reused, a `Variable` object per employee.
#[derive(Debug)]
pub struct Zen {
    expression: zen_expression::Expression<zen_expression::expression::Standard>,
    vm: zen_expression::vm::VM,
}

impl Default for Zen {
    fn default() -> Self {
        Self::new()
    }
}

impl Zen {
    /// Compiles [`CAP_ZEN`].
    pub fn new() -> Self {
        let expression = zen_expression::compile_expression(CAP_ZEN)
            .unwrap_or_else(|e| panic!("zen-expression must compile the cap formula: {e}"));
        Zen {
            expression,
            vm: zen_expression::vm::VM::new(),
        }
    }

    /// Builds the employee's context `{ "b": parcela, "l": liquido }` and evaluates.
    #[inline]
    pub fn eval(&mut self, input: &Input) -> Decimal {
        use zen_expression::Variable;
        let context = Variable::empty_object();
        if let Some(object) = context.as_object() {
            let mut object = object.borrow_mut();
            object.insert("b".to_string(), Variable::Number(input.parcela));
            object.insert("l".to_string(), Variable::Number(input.liquido));
        }
        match self.expression.evaluate_with(context, &mut self.vm) {
            Ok(Variable::Number(n)) => n,
            other => panic!("zen-expression: {other:?} for {input:?}"),
        }
    }
}

/// Rhai (`decimal`, `no_float`, `sync`): AST compiled once, a `Scope` per employee.
#[derive(Debug)]
pub struct Rhai {
    engine: rhai::Engine,
    ast: rhai::AST,
}

impl Default for Rhai {
    fn default() -> Self {
        Self::new()
    }
}

impl Rhai {
    /// Compiles [`CAP_RHAI`] as an expression.
    pub fn new() -> Self {
        let engine = rhai::Engine::new();
        let ast = engine
            .compile_expression(CAP_RHAI)
            .unwrap_or_else(|e| panic!("rhai must compile the cap formula: {e}"));
        Rhai { engine, ast }
    }

    /// Builds the employee's scope `b`, `l` and evaluates. The `else { 0 }` branch yields an
    /// integer, which is converted to `Decimal`.
    #[inline]
    pub fn eval(&self, input: &Input) -> Decimal {
        let mut scope = rhai::Scope::new();
        scope.push("b", input.parcela);
        scope.push("l", input.liquido);
        let result: rhai::Dynamic = self
            .engine
            .eval_ast_with_scope(&mut scope, &self.ast)
            .unwrap_or_else(|e| panic!("rhai: {e} for {input:?}"));
        if let Some(d) = result.clone().try_cast::<Decimal>() {
            d
        } else if let Some(i) = result.clone().try_cast::<rhai::INT>() {
            Decimal::from(i)
        } else {
            panic!("rhai: unexpected result {result:?} for {input:?}")
        }
    }
}

/// How the inputs split over the formula's branches: (no installment, capped, uncapped).
pub fn branches(inputs: &[Input]) -> (usize, usize, usize) {
    let mut counts = (0, 0, 0);
    for i in inputs {
        if i.parcela <= Decimal::ZERO {
            counts.0 += 1;
        } else if i.parcela >= i.liquido * Decimal::new(3, 1) {
            counts.1 += 1;
        } else {
            counts.2 += 1;
        }
    }
    counts
}

/// Evaluates every input with the four engines and panics at the first disagreement (value
/// and scale: `360.000` and `360.00` would differ). Returns how many inputs were checked.
pub fn check_all_agree(inputs: &[Input]) -> usize {
    let consignado = Consignado::new();
    let mut zen = Zen::new();
    let rhai = Rhai::new();
    for input in inputs {
        let expected = floor(input.parcela, input.liquido);
        let results = [
            ("floor_literal", floor_literal(input.parcela, input.liquido)),
            ("consignado", consignado.eval(input)),
            ("zen-expression", zen.eval(input)),
            ("rhai", rhai.eval(input)),
        ];
        for (engine, got) in results {
            assert!(
                got == expected && got.scale() == expected.scale(),
                "{engine} gives {got} where the floor gives {expected}, for {input:?}"
            );
        }
    }
    inputs.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_engines_agree_on_a_sample() {
        let sample = inputs(5_000);
        let (zero, capped, uncapped) = branches(&sample);
        assert!(
            zero > 500 && capped > 500 && uncapped > 500,
            "{zero} {capped} {uncapped}"
        );
        assert_eq!(check_all_agree(&sample), 5_000);
    }

    #[test]
    fn the_edges() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let cases = [
            ("500.00", "1200.00", "360.000"),
            ("250.00", "1200.00", "250.00"),
            ("360.00", "1200.00", "360.000"),
            ("0.00", "1200.00", "0"),
            ("999.00", "1234.55", "370.365"),
        ];
        for (b, l, want) in cases {
            let input = Input {
                parcela: d(b),
                liquido: d(l),
            };
            assert_eq!(floor(input.parcela, input.liquido), d(want));
            assert_eq!(check_all_agree(&[input]), 1);
        }
    }
}
