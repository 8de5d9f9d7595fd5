//! The output folder, replaced whole or not at all.
//!
//! A run writes everything into a hidden sibling of the output folder
//! (`.<saida>.consignado-<pid>`), flushes it to disk (`syncfs`), carries the files that are not
//! the program's into it (hard links; folders are moved), and then swaps it with the output
//! folder in **one atomic step** (`renameat2(RENAME_EXCHANGE)`, Linux); the previous run's
//! folder, now at the hidden name, is deleted. Whoever reads the output folder sees the
//! previous run whole or this run whole, whatever moment a run is killed at, and two runs into
//! the same folder at once each swap in a whole result (the last one stays).
//!
//! A run killed before its swap leaves its hidden folder behind; the next run into the same
//! folder deletes the hidden folders whose process is gone. Where the exchange is not
//! available (another system, a file system without it), the files are moved in one by one,
//! as before, and the summary of the docs says so (`fixtures/README.md`, "Saída do lote").

use super::BatchError;
use crate::adapters::output::{
    Formats, OutputFile, MESSAGES_TXT, REJECTS_CSV, REJECTS_JSONL, SUMMARY_TXT,
};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The marker of the hidden folders of the runs: `.<saida>.consignado-<pid>`.
const MARK: &str = ".consignado-";

/// The folders an older version left inside the output folder (`.consignado-parcial-<pid>`).
const OLD_MARK: &str = ".consignado-parcial-";

fn write_error(path: &Path, e: &std::io::Error) -> BatchError {
    BatchError::Write {
        path: path.to_path_buf(),
        message: crate::adapters::company::io_message(e),
    }
}

/// Is process `pid` gone?
fn dead(pid: u32) -> bool {
    if pid == std::process::id() {
        return false;
    }
    match i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        Some(p) => matches!(
            rustix::process::test_kill_process(p),
            Err(rustix::io::Errno::SRCH)
        ),
        None => false,
    }
}

/// The pid at the end of a hidden folder's name, after `prefix`.
fn pid_of(name: &str, prefix: &str) -> Option<u32> {
    name.strip_prefix(prefix)?.parse().ok()
}

/// Deletes what dead runs left: `.<saida>.consignado-<pid>` beside the output folder and the
/// older `.consignado-parcial-<pid>` inside it.
fn clean_leftovers(parent: &Path, name: &str, dir: &Path) {
    let prefix = format!(".{name}{MARK}");
    for (folder, prefix) in [(parent, prefix.as_str()), (dir, OLD_MARK)] {
        let Ok(entries) = std::fs::read_dir(folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(text) = file_name.to_str() else {
                continue;
            };
            if pid_of(text, prefix).is_some_and(dead) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// The program's own file names in an output folder.
fn known_names() -> impl Iterator<Item = &'static str> {
    OutputFile::ALL.iter().map(|f| f.file_name()).chain([
        REJECTS_CSV,
        REJECTS_JSONL,
        MESSAGES_TXT,
        SUMMARY_TXT,
        crate::adapters::esocial::EVENTS_DIR,
    ])
}

/// Puts the complete folder `tmp` in place of `dir` in one step: `dir` absent or an empty
/// folder is replaced by a rename, an existing one is exchanged (`RENAME_EXCHANGE`) and its old
/// content, then at `tmp`, deleted. Everything is flushed to disk before the switch.
pub(crate) fn swap_in(tmp: &Path, dir: &Path) -> std::io::Result<()> {
    if let Ok(d) = std::fs::File::open(tmp) {
        let _ = rustix::fs::syncfs(&d);
    }
    if std::fs::rename(tmp, dir).is_err() {
        rustix::fs::renameat_with(
            rustix::fs::CWD,
            tmp,
            rustix::fs::CWD,
            dir,
            rustix::fs::RenameFlags::EXCHANGE,
        )?;
        std::fs::remove_dir_all(tmp)?;
    }
    if let Some(parent) = dir.parent() {
        if let Ok(d) = std::fs::File::open(parent) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// The hidden sibling of `dir` of this process (`.<nome>.consignado-<pid>`), when `dir` has a
/// name.
pub(crate) fn hidden(dir: &Path) -> Option<PathBuf> {
    let absolute = std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .ok()?;
    hidden_of(&absolute).map(|(_, _, path)| path)
}

/// (parent, name, hidden sibling of this process) of an absolute folder path with a name.
fn hidden_of(absolute: &Path) -> Option<(&Path, &str, PathBuf)> {
    let parent = absolute.parent()?;
    let name = absolute.file_name()?.to_str()?;
    let path = parent.join(format!(".{name}{MARK}{}", std::process::id()));
    Some((parent, name, path))
}

/// A write error as the user should read it: the hidden folder's paths named as the output
/// folder they are written for.
pub(crate) fn as_user_sees(e: BatchError, dir: &Path) -> BatchError {
    let BatchError::Write { path, message } = e else {
        return e;
    };
    let Some(tmp) = hidden(dir) else {
        return BatchError::Write { path, message };
    };
    let shown = std::fs::canonicalize(dir)
        .or_else(|_| std::path::absolute(dir))
        .unwrap_or_else(|_| dir.to_path_buf());
    let path = match path.strip_prefix(&tmp) {
        Ok(rest) => shown.join(rest),
        Err(_) => path,
    };
    let message = message.replace(&*tmp.to_string_lossy(), &shown.to_string_lossy());
    BatchError::Write { path, message }
}

/// A hidden sibling of `dir` for the run of this process: `.<nome>.consignado-<pid>`, after
/// deleting the ones of dead runs.
pub(crate) fn sibling(dir: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(dir)?;
    let (parent, name, path) = hidden_of(&absolute).ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "use uma pasta com nome (não a raiz do sistema)",
        )
    })?;
    clean_leftovers(parent, name, &absolute);
    Ok(path)
}

/// The output folder being written.
pub(crate) struct OutputSink {
    dir: PathBuf,
    /// The hidden folder the run writes into.
    pub(crate) tmp: PathBuf,
    writers: Vec<(OutputFile, std::io::BufWriter<std::fs::File>)>,
    done: bool,
}

impl OutputSink {
    /// Creates the output folder (if absent) and the run's hidden sibling, after deleting what
    /// dead runs left.
    pub(crate) fn create(
        dir: &Path,
        formats: Formats,
        esocial: bool,
    ) -> Result<OutputSink, BatchError> {
        std::fs::create_dir_all(dir).map_err(|e| write_error(dir, &e))?;
        let dir = dir.canonicalize().map_err(|e| write_error(dir, &e))?;
        let tmp = sibling(&dir).map_err(|e| write_error(&dir, &e))?;
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir(&tmp).map_err(|e| write_error(&tmp, &e))?;
        let mut sink = OutputSink {
            dir: dir.clone(),
            tmp,
            writers: Vec::new(),
            done: false,
        };
        for f in OutputFile::ALL {
            let wanted = match f {
                _ if f.is_esocial() && !esocial => false,
                OutputFile::ProvisoesAbertas => true,
                _ if f.is_jsonl() => formats.jsonl,
                _ => formats.csv,
            };
            if !wanted {
                continue;
            }
            let path = sink.tmp.join(f.file_name());
            let file = std::fs::File::create(&path).map_err(|e| write_error(&path, &e))?;
            // Chunks of 64 KiB or more go straight to the file, smaller ones are gathered.
            let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
            w.write_all(f.header().as_bytes())
                .map_err(|e| write_error(&path, &e))?;
            sink.writers.push((f, w));
        }
        Ok(sink)
    }

    /// Appends a chunk's buffers to their files.
    pub(crate) fn write_chunk(
        &mut self,
        bufs: &crate::adapters::output::Buffers,
    ) -> Result<(), BatchError> {
        for (f, w) in &mut self.writers {
            w.write_all(&bufs.text[*f as usize])
                .map_err(|e| write_error(&self.tmp.join(f.file_name()), &e))?;
        }
        Ok(())
    }

    /// Writes a whole file.
    pub(crate) fn write_file(
        &mut self,
        name: &'static str,
        text: impl AsRef<[u8]>,
    ) -> Result<(), BatchError> {
        let path = self.tmp.join(name);
        std::fs::write(&path, text).map_err(|e| write_error(&path, &e))
    }

    /// Puts the run in place of the output folder, whole.
    pub(crate) fn commit(mut self) -> Result<(), BatchError> {
        for (f, w) in std::mem::take(&mut self.writers) {
            let path = self.tmp.join(f.file_name());
            w.into_inner()
                .map(drop)
                .map_err(|e| e.into_error())
                .map_err(|e| write_error(&path, &e))?;
        }
        // The files that are not the program's stay in the output folder: hard links (the
        // same file, nothing copied), folders moved.
        let known: Vec<&str> = known_names().collect();
        let entries = std::fs::read_dir(&self.dir).map_err(|e| write_error(&self.dir, &e))?;
        for entry in entries {
            let entry = entry.map_err(|e| write_error(&self.dir, &e))?;
            let file_name = entry.file_name();
            let text = file_name.to_string_lossy();
            if known.contains(&text.as_ref()) || text.starts_with(OLD_MARK) {
                continue;
            }
            let to = self.tmp.join(&file_name);
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            let carried = if is_dir {
                std::fs::rename(entry.path(), &to)
            } else {
                std::fs::hard_link(entry.path(), &to)
            };
            carried.map_err(|e| write_error(&entry.path(), &e))?;
        }
        // On disk before the switch: a crash after it finds the new folder complete.
        if let Ok(d) = std::fs::File::open(&self.tmp) {
            let _ = rustix::fs::syncfs(&d);
        }
        let exchanged = rustix::fs::renameat_with(
            rustix::fs::CWD,
            &self.tmp,
            rustix::fs::CWD,
            &self.dir,
            rustix::fs::RenameFlags::EXCHANGE,
        );
        match exchanged {
            Ok(()) => {
                if let Some(parent) = self.dir.parent() {
                    if let Ok(d) = std::fs::File::open(parent) {
                        let _ = d.sync_all();
                    }
                }
            }
            Err(_) => self.move_one_by_one()?,
        }
        self.done = true;
        let _ = std::fs::remove_dir_all(&self.tmp);
        Ok(())
    }

    /// Where the exchange is not available: the run's files are moved in one by one (the
    /// previous run's files, moved aside first, go back if a move fails), and the program's
    /// files this run did not write are removed.
    fn move_one_by_one(&mut self) -> Result<(), BatchError> {
        let names: Vec<&'static str> = known_names()
            .filter(|n| self.tmp.join(n).exists())
            .collect();
        let previous = self.tmp.join(".anterior");
        std::fs::create_dir(&previous).map_err(|e| write_error(&previous, &e))?;
        for &name in &names {
            let from = self.tmp.join(name);
            let to = self.dir.join(name);
            let aside = previous.join(name);
            let moved_aside = std::fs::rename(&to, &aside).is_ok();
            if let Err(e) = std::fs::rename(&from, &to) {
                if moved_aside {
                    let _ = std::fs::rename(&aside, &to);
                }
                return Err(write_error(&to, &e));
            }
        }
        for name in known_names().filter(|n| !names.contains(n)) {
            let path = self.dir.join(name);
            let removed = if name == crate::adapters::esocial::EVENTS_DIR {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            match removed {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(write_error(&path, &e));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Deletes the run's hidden folder: nothing changes in the output folder.
    pub(crate) fn abandon(&mut self) {
        self.writers.clear();
        let _ = std::fs::remove_dir_all(&self.tmp);
        self.done = true;
    }
}

impl Drop for OutputSink {
    fn drop(&mut self) {
        if !self.done {
            self.abandon();
        }
    }
}
