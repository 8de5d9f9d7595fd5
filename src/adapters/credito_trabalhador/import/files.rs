//! Writing the company folder: every file replaced whole (a temporary file renamed into
//! place), and the comparison that lets the same import again write nothing.

use super::ImportError;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// With `CONSIGNADO_TEMPOS` set, the time since `since` on stderr.
pub(super) fn timing(phase: &str, since: std::time::Instant) {
    if std::env::var_os("CONSIGNADO_TEMPOS").is_some() {
        eprintln!("[tempo] {phase}: {:.3} s", since.elapsed().as_secs_f64());
    }
}

pub(super) fn io_error(path: &Path, e: &std::io::Error) -> ImportError {
    ImportError::Io {
        path: path.to_path_buf(),
        message: crate::adapters::company::io_message(e),
    }
}

/// Does `file` hold exactly `bytes`? (Read in blocks: the file is not held beside them.)
pub(super) fn same_bytes(mut file: std::fs::File, bytes: &[u8]) -> bool {
    use std::io::Read as _;
    let mut block = vec![0u8; 1 << 20];
    let mut at = 0usize;
    loop {
        let n = match file.read(&mut block) {
            Ok(0) => return at == bytes.len(),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => return false,
        };
        if bytes.get(at..at + n) != Some(&block[..n]) {
            return false;
        }
        at += n;
    }
}

/// The temporary file beside `path` that is renamed onto it.
pub(super) fn temporary(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "arquivo".into(), |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// Writes `bytes` to `path` through a temporary file in the same folder, renamed into place:
/// the file is replaced whole or not at all.
pub(super) fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), ImportError> {
    let tmp = temporary(path);
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_error(path, &e));
    }
    Ok(())
}
