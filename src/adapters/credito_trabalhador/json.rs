//! JSON: the array of records (flat or nested keys), the API envelope and the API's error
//! reply. Record lines come from each element's offset in the text (serde_json `RawValue`).

use super::read::{strip_bom, RawRecord, ReadError, RecordMap};
use base64::Engine as _;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

/// Deepest nesting of objects in a JSON record (`a.b.c…`); the layout needs 2.
const MAX_DEPTH: usize = 8;

/// A serde_json error as a positioned Portuguese message. `context` says which text the
/// position refers to (empty for the file itself).
fn json_error(e: &serde_json::Error, path: &Path, context: &str) -> ReadError {
    let what = match e.classify() {
        serde_json::error::Category::Eof => {
            "o texto termina no meio de um valor (arquivo incompleto ou cortado?)".to_string()
        }
        serde_json::error::Category::Data => {
            format!(
                "estrutura inesperada ({})",
                crate::messages::json_message(e)
            )
        }
        _ => format!("sintaxe inválida ({})", crate::messages::json_message(e)),
    };
    let mut err = ReadError::new(path, format!("JSON inválido{context}: {what}"));
    if e.line() > 0 {
        err.line = Some(u32::try_from(e.line()).unwrap_or(u32::MAX));
        err.column = Some(u32::try_from(e.column()).unwrap_or(u32::MAX));
    }
    err
}

/// A JSON array of records in memory (the decoded envelope, or bytes given by the caller):
/// read by the same block scanner as a file ([`super::json_stream`]). `context` says which
/// text the positions refer to.
pub(super) fn read_json_array<T: Send>(
    text: &[u8],
    path: &Path,
    context: &str,
    map: &RecordMap<'_, T>,
) -> Result<Vec<T>, ReadError> {
    let size = Some(text.len() as u64);
    super::json_stream::read_array(std::io::Cursor::new(text), size, path, map).map_err(|mut e| {
        if !context.is_empty() {
            e.message = format!("{}{context}", e.message);
        }
        e
    })
}

/// One element of the array as a record; `line` and `column` are where it starts.
pub(super) fn record(
    json: &str,
    index: usize,
    (line, column): (u32, u32),
    path: &Path,
    context: &str,
) -> Result<RawRecord, ReadError> {
    let fail = |message: String| {
        ReadError::new(path, format!("registro {index}{context}: {message}"))
            .at_line(line)
            .at_record(index)
    };
    if !json.starts_with('{') {
        return Err(fail(format!(
            "não é um objeto (é {}); cada registro deve ser um objeto {{\"cpf\": …, \"contrato\": …}}",
            json_kind(json)
        )));
    }
    let entries: Entries = serde_json::from_str(json).map_err(|e| {
        if e.classify() == serde_json::error::Category::Data {
            return fail(format!(
                "estrutura inválida ({})",
                crate::messages::json_message(&e)
            ));
        }
        // A syntax fault, placed in the file: serde_json counts from the element's start.
        let mut err = json_error(&e, path, context).at_record(index);
        let inner = u32::try_from(e.line()).unwrap_or(u32::MAX).max(1);
        let inner_column = u32::try_from(e.column()).unwrap_or(u32::MAX);
        err.line = Some(line.saturating_add(inner - 1));
        err.column = Some(if inner == 1 {
            column.saturating_add(inner_column.saturating_sub(1))
        } else {
            inner_column
        });
        err
    })?;
    let mut fields = BTreeMap::new();
    for (key, value) in entries.0 {
        flatten(key, value, 1, &mut fields).map_err(fail)?;
    }
    Ok(RawRecord {
        index,
        line,
        fields,
    })
}

fn json_kind(json: &str) -> &'static str {
    match json.as_bytes().first() {
        Some(b'[') => "uma lista",
        Some(b'"') => "um texto",
        Some(b't' | b'f') => "um booleano",
        Some(b'n') => "null",
        _ => "um número",
    }
}

/// The entries of a record object in file order, keeping repeated keys (serde_json's `Map`
/// would keep only the last one, silently).
struct Entries(Vec<(String, Field)>);

/// A value of a record, as text: what the layout has (text, numbers with their exact digits,
/// booleans, null, nested objects). Read straight from the parser, without serde_json's
/// `Value` (no map per nested object, no copy of a number's digits), and a key repeated inside
/// a nested object is caught too.
enum Field {
    Text(String),
    Object(Vec<(String, Field)>),
    List,
}

/// The key serde_json (feature `arbitrary_precision`) gives a number's exact digits under.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FieldVisitor;
        impl<'de> Visitor<'de> for FieldVisitor {
            type Value = Field;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("um valor")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Field, E> {
                Ok(Field::Text(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Field, E> {
                Ok(Field::Text(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Field, E> {
                Ok(Field::Text(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Field, E> {
                Ok(Field::Text(v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Field, E> {
                Ok(Field::Text(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Field, E> {
                Ok(Field::Text(v))
            }
            fn visit_unit<E>(self) -> Result<Field, E> {
                Ok(Field::Text(String::new()))
            }
            fn visit_none<E>(self) -> Result<Field, E> {
                Ok(Field::Text(String::new()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Field, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Field::List)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if entries.is_empty() && key == NUMBER_TOKEN {
                        return Ok(Field::Text(map.next_value::<String>()?));
                    }
                    entries.push((key, map.next_value::<Field>()?));
                }
                Ok(Field::Object(entries))
            }
        }
        d.deserialize_any(FieldVisitor)
    }
}

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct EntriesVisitor;
        impl<'de> Visitor<'de> for EntriesVisitor {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("um objeto")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                let mut entries = Vec::with_capacity(32);
                while let Some(key) = map.next_key::<String>()? {
                    entries.push((key, map.next_value::<Field>()?));
                }
                Ok(Entries(entries))
            }
        }
        d.deserialize_map(EntriesVisitor)
    }
}

/// Flattens `value` under `key` into `out` (nested objects joined with `.`).
fn flatten(
    key: String,
    value: Field,
    depth: usize,
    out: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    let text = match value {
        Field::Text(s) => s,
        Field::List => {
            return Err(format!(
                "o campo '{key}' é uma lista; o leiaute só tem valores simples e objetos"
            ))
        }
        Field::Object(entries) => {
            if depth >= MAX_DEPTH {
                return Err(format!(
                    "objetos aninhados demais em '{key}' (mais de {MAX_DEPTH} níveis)"
                ));
            }
            for (sub, v) in entries {
                flatten(format!("{key}.{sub}"), v, depth + 1, out)?;
            }
            return Ok(());
        }
    };
    match out.entry(key) {
        std::collections::btree_map::Entry::Vacant(slot) => {
            slot.insert(text);
            Ok(())
        }
        std::collections::btree_map::Entry::Occupied(slot) => Err(format!(
            "a chave '{}' aparece mais de uma vez no registro (chave pontuada e objeto aninhado?)",
            slot.key()
        )),
    }
}

/// A top-level object: the API envelope, or the API's error reply.
pub(super) fn read_json_object<T: Send>(
    body: &[u8],
    path: &Path,
    turn: &RecordMap<'_, T>,
) -> Result<Vec<T>, ReadError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| json_error(&e, path, ""))?;
    let Value::Object(map) = value else {
        return Err(ReadError::new(path, "JSON inválido: esperado um objeto"));
    };
    let get = |name: &str| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    };
    if let Some(errors) = get("erros") {
        return Err(api_error(errors, path));
    }
    match get("arquivo") {
        Some(Value::String(encoded)) => {
            let compact: Vec<u8> = encoded
                .bytes()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            let engine = base64::engine::GeneralPurpose::new(
                &base64::alphabet::STANDARD,
                base64::engine::GeneralPurposeConfig::new()
                    .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
            );
            let decoded = engine.decode(&compact).map_err(|e| {
                ReadError::new(
                    path,
                    format!(
                        "o campo 'Arquivo' do envelope da API não é base64 válido ({})",
                        match e {
                            base64::DecodeError::InvalidByte(at, _) => format!("caractere inválido na posição {at}"),
                            base64::DecodeError::InvalidLastSymbol { offset, .. } => format!("fim inválido na posição {offset}"),
                            base64::DecodeError::InvalidLength(_) => "tamanho inválido: o texto foi cortado?".to_owned(),
                            base64::DecodeError::InvalidPadding => "preenchimento '=' inválido".to_owned(),
                        }
                    ),
                )
            })?;
            let inner = strip_bom(&decoded);
            match inner.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'[') => {
                    read_json_array(
                        inner,
                        path,
                        " (no conteúdo decodificado de 'Arquivo')",
                        turn,
                    )
                }
                _ => Err(ReadError::new(
                    path,
                    "o conteúdo decodificado de 'Arquivo' não é uma lista JSON de registros",
                )),
            }
        }
        Some(_) => Err(ReadError::new(
            path,
            "o campo 'Arquivo' do envelope da API deve ser um texto base64",
        )),
        None => Err(ReadError::new(
            path,
            "objeto JSON não reconhecido: são aceitos uma lista de registros [ {…}, … ], o envelope da API {\"Ambiente\": …, \"Arquivo\": \"<base64>\"} e a resposta de erro {\"erros\": [ … ]}",
        )),
    }
}

/// The API's error reply as one message quoting every code and message.
fn api_error(errors: &Value, path: &Path) -> ReadError {
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let items: Vec<String> = match errors {
        Value::Array(list) if !list.is_empty() => list
            .iter()
            .map(|e| {
                let code = text(e.get("codigo"));
                let message = text(e.get("mensagem"));
                format!("{code} «{message}»{}", meaning(&code))
            })
            .collect(),
        other => vec![other.to_string()],
    };
    ReadError::new(
        path,
        format!(
            "o arquivo é uma resposta de erro da API do Crédito do Trabalhador, não uma lista de parcelas: {}",
            items.join("; ")
        ),
    )
}

/// What a return code of the Dataprev employer API means.
fn meaning(code: &str) -> &'static str {
    match code.trim().to_ascii_uppercase().as_str() {
        "LF" => " (não há parcelas para este empregador nesta competência: nada a descontar)",
        "CT" => " (competência inválida ou ainda não fechada; a competência fecha no dia 20)",
        "OZ" => " (serviço Crédito do Trabalhador suspenso; tente mais tarde)",
        "PR" => " (sem procuração para consultar este empregador; cadastre-a no portal)",
        "SJ" | "SP" | "SQ" | "SU" => " (CNPJ/CPF do empregador consultado recusado)",
        c if c.starts_with("PARAM") => " (parâmetro da consulta ausente ou inválido)",
        _ => "",
    }
}
