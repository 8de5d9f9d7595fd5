//! The JSON and TOML readers' errors as messages of our own, in Portuguese.
//!
//! The readers (serde_json, toml) describe a problem in English. Rather than replacing English
//! words inside their sentences (which gives half-translated text), each known kind of problem
//! is recognised and told anew; a problem not recognised gets a plain Portuguese sentence
//! of its kind, never the reader's English. Messages that are already ours (the custom errors of
//! the project's own readers, in Portuguese) pass through unchanged. The position (line and
//! column) is added by the caller.

/// Names of serde's expected types, in Portuguese.
fn kind(text: &str) -> String {
    let t = text.trim().trim_matches('`');
    let known = [
        ("a boolean", "true ou false"),
        ("boolean", "true ou false"),
        ("a string", "um texto entre aspas"),
        ("string", "um texto entre aspas"),
        ("an integer", "um número inteiro"),
        ("integer", "um número inteiro"),
        ("i64", "um número inteiro"),
        ("u8", "um número inteiro"),
        ("u16", "um número inteiro"),
        ("u32", "um número inteiro"),
        ("u64", "um número inteiro"),
        ("a floating point", "um número"),
        ("a sequence", "uma lista [..]"),
        ("sequence", "uma lista [..]"),
        ("a map", "uma tabela"),
        ("map", "uma tabela"),
        ("unit value", "null"),
        ("null", "null"),
    ];
    for (en, pt) in known {
        if t == en {
            return pt.to_owned();
        }
    }
    // `string "abc"`, `integer `5``, `boolean `true``: the value found.
    for (en, pt) in [
        ("string ", "o texto "),
        ("integer ", "o número "),
        ("boolean ", "o valor "),
        ("floating point ", "o número "),
    ] {
        if let Some(v) = t.strip_prefix(en) {
            return format!("{pt}{}", v.trim_matches('`'));
        }
    }
    "outro tipo de valor".to_owned()
}

/// The names listed after "expected one of": `` `a`, `b` `` → `a, b`.
fn names(list: &str) -> String {
    let list = list
        .strip_prefix("one of ")
        .unwrap_or(list)
        .replace("` or `", "`, `");
    list.split(", ")
        .map(|n| n.trim().trim_matches('`'))
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A serde data error (a field, a type, a variant) in Portuguese, or `None` when the message is
/// not serde's own.
pub fn data_message(message: &str) -> Option<String> {
    let one = message.trim().lines().next().unwrap_or("");
    let one = one.split(" at line ").next().unwrap_or(one);
    let (head, expected) = match one.split_once(", expected ") {
        Some((h, t)) => (h, Some(t)),
        None => (one, None),
    };
    let field = |rest: &str| rest.trim().trim_matches('`').to_owned();
    if let Some(rest) = head.strip_prefix("unknown field ") {
        return Some(match expected {
            Some(e) if !names(e).is_empty() => {
                format!(
                    "campo desconhecido '{}' (aceitos: {})",
                    field(rest),
                    names(e)
                )
            }
            _ => format!("campo desconhecido '{}'", field(rest)),
        });
    }
    if let Some(rest) = head.strip_prefix("unknown variant ") {
        return Some(match expected {
            Some(e) => format!(
                "valor desconhecido '{}' (aceitos: {})",
                field(rest),
                names(e)
            ),
            None => format!("valor desconhecido '{}'", field(rest)),
        });
    }
    if let Some(rest) = head.strip_prefix("missing field ") {
        return Some(format!("falta o campo obrigatório '{}'", field(rest)));
    }
    for prefix in ["duplicate field ", "duplicate key "] {
        if let Some(rest) = head.strip_prefix(prefix) {
            let name = rest.split(" in ").next().map_or_else(String::new, field);
            return Some(format!("campo '{name}' repetido: informe-o uma vez"));
        }
    }
    if let Some(rest) = head.strip_prefix("invalid type: ") {
        return Some(match expected {
            Some(e) => format!("tipo inválido: {}, esperado {}", kind(rest), kind(e)),
            None => format!("tipo inválido: {}", kind(rest)),
        });
    }
    if let Some(rest) = head.strip_prefix("invalid value: ") {
        return Some(match expected {
            Some(e) => format!("valor inválido: {}, esperado {}", kind(rest), kind(e)),
            None => format!("valor inválido: {}", kind(rest)),
        });
    }
    if head.starts_with("invalid length ") {
        return Some("quantidade de elementos inválida".to_owned());
    }
    None
}

/// A JSON reader's syntax problem in Portuguese.
pub fn json_syntax_message(message: &str) -> String {
    let m = message.split(" at line ").next().unwrap_or(message);
    let known = [
        ("expected `:`", "falta ':' entre a chave e o valor"),
        (
            "expected `,` or `}`",
            "falta ',' ou '}' (confira as vírgulas entre os campos)",
        ),
        (
            "expected `,` or `]`",
            "falta ',' ou ']' (confira as vírgulas entre os elementos)",
        ),
        (
            "expected value",
            "esperado um valor (um texto entre aspas, um número, true, false, null, [..] ou {..})",
        ),
        (
            "expected ident",
            "palavra inválida: use true, false ou null",
        ),
        (
            "trailing comma",
            "vírgula sobrando antes de fechar a lista ou o objeto",
        ),
        ("key must be a string", "a chave deve estar entre aspas"),
        (
            "invalid escape",
            "sequência de escape inválida num texto (use \\\\, \\\", \\n, \\uXXXX)",
        ),
        (
            "control character",
            "caractere de controle dentro de um texto: use \\n ou \\t",
        ),
        ("recursion limit exceeded", "aninhamento profundo demais"),
        ("trailing characters", "há conteúdo depois do fim do JSON"),
        ("invalid number", "número inválido"),
        ("number out of range", "número fora da faixa"),
        (
            "lone leading surrogate",
            "caractere unicode inválido num texto",
        ),
        ("unexpected end of hex escape", "escape \\u incompleto"),
        (
            "invalid unicode code point",
            "caractere unicode inválido num texto",
        ),
        (
            "EOF while parsing",
            "o arquivo termina no meio de um valor (falta fechar aspas, colchete ou chave)",
        ),
    ];
    for (en, pt) in known {
        if m.starts_with(en) {
            return pt.to_owned();
        }
    }
    "JSON inválido: confira aspas, vírgulas, colchetes e chaves perto da posição indicada"
        .to_owned()
}

/// A `serde_json` error in Portuguese (without its position, which the caller adds).
pub fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let text = text.split(" at line ").next().unwrap_or(&text).to_owned();
    match e.classify() {
        serde_json::error::Category::Data => data_message(&text).unwrap_or(text),
        serde_json::error::Category::Eof => {
            "o arquivo termina no meio de um valor (falta fechar aspas, colchete ou chave)"
                .to_owned()
        }
        serde_json::error::Category::Io => "erro de leitura".to_owned(),
        serde_json::error::Category::Syntax => json_syntax_message(&text),
    }
}

/// Words that only the TOML reader's own (English) messages hold.
const ENGLISH: [&str; 8] = [
    "expected",
    "invalid",
    "unexpected",
    "unclosed",
    "missing",
    "duplicate",
    "found",
    "unknown",
];

/// A TOML reader's error in Portuguese, on one line (without its position).
pub fn toml_message(message: &str) -> String {
    let m = message.trim();
    if let Some(pt) = data_message(m) {
        return pt;
    }
    let first = m.lines().next().unwrap_or(m);
    let known = [
        ("expected `.`, `=`", "falta '=' entre a chave e o valor"),
        ("expected `=`", "falta '=' entre a chave e o valor"),
        (
            "invalid table header",
            "cabeçalho de tabela inválido: use [nome] ou [[nome]]",
        ),
        ("unclosed table", "falta fechar ']' no cabeçalho da tabela"),
        ("invalid string", "texto inválido: confira as aspas"),
        (
            "invalid basic string",
            "texto inválido: confira as aspas e os escapes",
        ),
        (
            "invalid literal string",
            "texto inválido: confira as aspas simples",
        ),
        (
            "invalid unquoted key",
            "chave inválida: use letras, dígitos, _ e -, ou escreva-a entre aspas",
        ),
        (
            "invalid key",
            "chave inválida: use letras, dígitos, _ e -, ou escreva-a entre aspas",
        ),
        ("invalid number", "número inválido"),
        ("invalid integer", "número inteiro inválido"),
        ("invalid float", "número inválido"),
        (
            "invalid array",
            "lista inválida: separe os elementos com ',' e feche com ']'",
        ),
        (
            "invalid inline table",
            "tabela em linha inválida: use {chave = valor, …}",
        ),
        (
            "unexpected end of input",
            "o arquivo termina no meio de um valor",
        ),
        ("unexpected content", "conteúdo inesperado depois do valor"),
        (
            "expected newline",
            "esperado o fim da linha depois do valor",
        ),
        ("duplicate key", "chave repetida"),
    ];
    for (en, pt) in known {
        if first.contains(en) {
            return pt.to_owned();
        }
    }
    let lower = m.to_lowercase();
    if ENGLISH.iter().any(|w| lower.contains(w)) {
        return "sintaxe TOML inválida: confira colchetes, aspas e '=' na linha indicada"
            .to_owned();
    }
    // Not the reader's own: one of the project's messages, already in Portuguese.
    m.replace('\n', "; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_english_is_left() {
        for (text, want) in [
            (
                "unknown field `x`, expected one of `a`, `b`",
                "campo desconhecido 'x' (aceitos: a, b)",
            ),
            (
                "unknown field `x`, expected `a` or `b`",
                "campo desconhecido 'x' (aceitos: a, b)",
            ),
            (
                "missing field `competencia`",
                "falta o campo obrigatório 'competencia'",
            ),
            (
                "duplicate field `competencia`",
                "campo 'competencia' repetido: informe-o uma vez",
            ),
            (
                "invalid type: string \"x\", expected u8",
                "tipo inválido: o texto \"x\", esperado um número inteiro",
            ),
        ] {
            assert_eq!(data_message(text).as_deref(), Some(want));
        }
        assert_eq!(data_message("valor monetário inválido: 'x'"), None);
        for m in [
            "expected `.`, `=`",
            "invalid table header\nexpected `.`, `]`",
            "something else expected",
        ] {
            let pt = toml_message(m);
            assert!(!pt.contains("expected"), "{pt}");
        }
        assert_eq!(toml_message("ambiente 5 inválido"), "ambiente 5 inválido");
        let e = serde_json::from_str::<serde_json::Value>("{\"a\" 1}").unwrap_err();
        assert_eq!(json_message(&e), "falta ':' entre a chave e o valor");
        let e = serde_json::from_str::<serde_json::Value>("[1,]").unwrap_err();
        assert!(
            !json_message(&e).contains("trailing"),
            "{}",
            json_message(&e)
        );
    }
}
