//! Input values quoted in rejects and messages, bounded: a huge field is quoted as an excerpt
//! with its length, never copied whole into every reject.

/// Longest input value quoted whole in a reject or a message; longer ones are cut.
pub const MAX_QUOTED_CHARS: usize = 60;

/// `text` as a reject quotes it: whole up to [`MAX_QUOTED_CHARS`] characters, otherwise its
/// first 40 characters, `…` and its length (a 10 MB field is never copied into the rejects).
pub fn excerpt(text: &str) -> std::borrow::Cow<'_, str> {
    let mut chars = text.char_indices();
    match chars.nth(MAX_QUOTED_CHARS) {
        None => std::borrow::Cow::Borrowed(text),
        Some(_) => {
            let cut = text.char_indices().nth(40).map_or(text.len(), |(i, _)| i);
            std::borrow::Cow::Owned(format!(
                "{}… ({} caracteres)",
                &text[..cut],
                text.chars().count()
            ))
        }
    }
}

/// `reason` with every quoted value (`'…'`) longer than [`MAX_QUOTED_CHARS`] cut by
/// [`excerpt`], and the whole bounded to 1 000 characters.
pub fn bound_quoted(reason: String) -> String {
    if reason.len() <= MAX_QUOTED_CHARS {
        return reason;
    }
    let mut out = String::with_capacity(reason.len().min(1024));
    let mut rest = reason.as_str();
    while let Some(open) = rest.find('\'') {
        out.push_str(&rest[..=open]);
        let after = &rest[open + 1..];
        match after.find('\'') {
            Some(close) => {
                out.push_str(&excerpt(&after[..close]));
                out.push('\'');
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&excerpt(after));
                rest = "";
            }
        }
    }
    out.push_str(rest);
    if out.chars().count() > 1000 {
        let cut = out.char_indices().nth(1000).map_or(out.len(), |(i, _)| i);
        out.truncate(cut);
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_quoted_as_excerpts() {
        assert_eq!(excerpt("curto"), "curto");
        let long = "x".repeat(10_000_000);
        let cut = excerpt(&long);
        assert_eq!(cut, format!("{}… (10000000 caracteres)", "x".repeat(40)));
        let reason = bound_quoted(format!("valor monetário inválido: '{long}' (use 1234,56)"));
        assert_eq!(
            reason,
            format!(
                "valor monetário inválido: '{}… (10000000 caracteres)' (use 1234,56)",
                "x".repeat(40)
            )
        );
        let accents = "é".repeat(100);
        assert!(excerpt(&accents).starts_with(&"é".repeat(40)));
        assert_eq!(bound_quoted("sem aspas".to_owned()), "sem aspas");
        assert!(bound_quoted("a".repeat(5000)).chars().count() <= 1001);
    }
}
