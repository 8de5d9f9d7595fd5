//! The analyst's command line: one language in the help and the flags, the variables `check`
//! knows, the library without the command line.

mod common;

use common::run_with_stdin as consignado;

#[test]
fn check_knows_the_variables_the_rules_supply() {
    // A 438 formula: the margin sent to the institution, capped by 35 % of the RD.
    let f438 = "SE MARGEM > RD*0.35 ENTAO RD*0.35 SENAO MARGEM FIMSE";
    let (code, out, err) = consignado(&["check", "--estrito", "-"], f438);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = consignado(&["check", "--estrito", "--codigo", "438", "-"], f438);
    assert_eq!(code, 0, "{out}{err}");
    // The 444 formula has no MARGEM (it computes it): refused for that code, with the name.
    let (code, _, err) = consignado(&["check", "--estrito", "--codigo", "444", "-"], f438);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("MARGEM"), "{err}");
    // A name the rules do not give is refused, unless the analyst says it exists.
    let other = "SE TETO > 0 ENTAO TETO SENAO RD*0.35 FIMSE";
    let (code, _, err) = consignado(&["check", "--estrito", "-"], other);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("TETO"), "{err}");
    let (code, out, err) = consignado(&["check", "--estrito", "--variavel", "TETO", "-"], other);
    assert_eq!(code, 0, "{out}{err}");
    // An unknown code is a usage error that lists the codes.
    let (code, _, err) = consignado(&["check", "--codigo", "439", "-"], f438);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("444"), "{err}");
}

#[test]
fn the_help_speaks_portuguese_everywhere() {
    let commands: [&[&str]; 9] = [
        &["--ajuda"],
        &["check", "--ajuda"],
        &["eval", "-h"],
        &["fmt", "--help"],
        &["test", "-h"],
        &["batch", "-h"],
        &["importar", "-h"],
        &["importar", "credito-trabalhador", "-h"],
        &["gerar", "-h"],
    ];
    for args in commands {
        let (code, out, err) = consignado(args, "");
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(out.contains("Uso: consignado"), "{args:?}:\n{out}");
        assert!(out.contains("Opções:"), "{args:?}:\n{out}");
        assert!(out.contains("-h, --ajuda"), "{args:?}:\n{out}");
        for english in [
            "Usage:",
            "Options:",
            "Arguments:",
            "Commands:",
            "Print help",
            "Print version",
            "[OPTIONS]",
            "possible values",
            "[default:",
        ] {
            assert!(!out.contains(english), "{args:?} has '{english}':\n{out}");
        }
    }
    let (code, out, _) = consignado(&["--versao"], "");
    assert_eq!(code, 0);
    assert!(out.starts_with("consignado "), "{out}");
}

#[test]
fn the_english_flags_stay_as_aliases() {
    let f = "SE C('0439') > 0 ENTAO C('0439') SENAO 0 FIMSE";
    let (pt, _, _) = consignado(&["check", "--estrito", "-"], f);
    let (en, _, _) = consignado(&["check", "--strict", "-"], f);
    assert_eq!((pt, en), (0, 0));
    let (pt, out_pt, _) = consignado(&["fmt", "--conferir", "-"], f);
    let (en, out_en, _) = consignado(&["fmt", "--check", "-"], f);
    assert_eq!((pt, out_pt), (en, out_en));
}

#[test]
fn explain_shows_a_parenthesised_value_whole() {
    use consignado::formula::{CompileOptions, MapContext, Program};
    let program = Program::compile(
        "SE C('0439') > 0 ENTAO SE C('0439') >= (L*0.3) ENTAO L*0.3 SENAO C('0439') FIMSE FIMSE",
        &CompileOptions::default(),
    )
    .unwrap();
    let mut ctx = MapContext::new(2025, 6);
    ctx.events.insert("0439".into(), "500.00".parse().unwrap());
    ctx.variables.insert("L".into(), "1200.00".parse().unwrap());
    let (value, trace) = program.explain(&ctx);
    let expected: consignado::Decimal = "360".parse().unwrap();
    assert!(
        matches!(value, Ok(consignado::formula::Value::Number(n)) if n == expected),
        "{value:?}"
    );
    let text = trace.to_string();
    assert!(
        text.contains("condição C('0439') >= (L*0.3) → verdadeiro"),
        "{text}"
    );
}
