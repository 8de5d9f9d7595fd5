//! The files of a company folder as files: what may be opened (regular files within a size
//! limit, checked before opening), text that must be UTF-8, and the system's I/O errors told in
//! Portuguese.

use super::LoadError;
use std::path::Path;

/// Largest input file read (a documented limit: a million-employee company's largest table is
/// well under 1 GiB).
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024 * 1024;

/// What an input path is, checked before it is opened (opening a FIFO would block, a device
/// would never end): `Ok(None)` when there is no file, `Ok(Some(size))` for a regular file
/// within [`MAX_INPUT_BYTES`], and an I/O error for a dangling symbolic link, a folder, a FIFO,
/// a device or socket, or a file over the limit.
pub fn check_input(path: &Path) -> Result<Option<u64>, LoadError> {
    let io = |message: String| LoadError::Io {
        path: path.to_path_buf(),
        message,
    };
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(io(
                    "link simbólico quebrado: o arquivo para onde ele aponta não existe".to_owned(),
                ));
            }
            Ok(None)
        }
        Err(e) => Err(io(io_message(&e))),
        Ok(m) if m.is_dir() => Err(io("é uma pasta, não um arquivo".to_owned())),
        Ok(m) if !m.is_file() => Err(io(
            "não é um arquivo comum (FIFO, dispositivo ou socket): copie os dados para um arquivo"
                .to_owned(),
        )),
        Ok(m) if m.len() > MAX_INPUT_BYTES => Err(io(format!(
            "{} bytes, acima do limite de {} GiB por arquivo de entrada",
            m.len(),
            MAX_INPUT_BYTES >> 30
        ))),
        Ok(m) => Ok(Some(m.len())),
    }
}

/// Text of a file that must be UTF-8, or where it stops being: `(line, column)` of the first
/// byte that is not UTF-8 (1-based) and a message saying what to do. A UTF-8 BOM is removed.
pub fn utf8_text(bytes: Vec<u8>) -> Result<String, (u64, u64, String)> {
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.drain(..3);
            }
            Ok(text)
        }
        Err(e) => {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let before = &bytes[..at];
            let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let col = String::from_utf8_lossy(&before[line_start..])
                .chars()
                .count() as u64
                + 1;
            Err((
                line,
                col,
                format!(
                    "o arquivo não está em UTF-8 (byte 0x{:02X} na linha {line}, coluna {col}): salve-o como UTF-8",
                    bytes[at]
                ),
            ))
        }
    }
}

/// A Portuguese phrase for an I/O error.
pub fn io_message(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "arquivo ou pasta não encontrado".to_owned(),
        K::PermissionDenied => "permissão negada".to_owned(),
        K::InvalidData => "o arquivo não está em UTF-8 (salve-o como CSV UTF-8)".to_owned(),
        K::AlreadyExists => "já existe um arquivo com esse nome (esperava-se uma pasta)".to_owned(),
        _ if e.raw_os_error() == Some(20) => {
            "um dos componentes do caminho é um arquivo, não uma pasta".to_owned()
        }
        _ if e.raw_os_error() == Some(21) => "é uma pasta, não um arquivo".to_owned(),
        _ => match e.raw_os_error() {
            Some(5) => "erro de entrada/saída no dispositivo (disco com defeito?)".to_owned(),
            Some(16) => "arquivo ou pasta em uso".to_owned(),
            Some(18) => "a pasta de destino está em outro sistema de arquivos".to_owned(),
            Some(24) => "arquivos abertos demais (aumente o limite: ulimit -n)".to_owned(),
            Some(27) => {
                "arquivo maior que o limite do sistema (ulimit -f) ou do sistema de arquivos"
                    .to_owned()
            }
            Some(28) => "disco cheio".to_owned(),
            Some(30) => "sistema de arquivos somente leitura".to_owned(),
            Some(36) => "nome de arquivo longo demais".to_owned(),
            Some(39) => "a pasta não está vazia".to_owned(),
            Some(40) => "links simbólicos em ciclo".to_owned(),
            Some(122) => "cota de disco excedida".to_owned(),
            Some(code) => format!("erro de leitura/escrita (código {code} do sistema)"),
            None => "erro de leitura/escrita".to_owned(),
        },
    }
}
