//! The evidence store: files kept by their SHA-256 in a folder beside the database
//! (`<name>.evidence/sha256/ab/cdef…`). Files are streamed in fixed-size blocks, never read
//! whole; the original is only read; the same content attached twice is stored once. Blocks of
//! zeros are skipped on write, so a sparse original stays sparse. Stored files are read-only and
//! never change: `verify` re-hashes them to prove it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{CoreError, CoreResult};

/// Bytes read and written at a time: memory use does not grow with the file.
pub const BLOCK: usize = 1 << 20;

#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

/// A file as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub size: u64,
    /// The content was already in the store.
    pub existed: bool,
}

/// What re-hashing a stored file found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Intact,
    Changed,
    Missing,
}

impl Store {
    /// A store in the folder `root` (the hub's blob folder).
    pub fn at(root: PathBuf) -> Store {
        Store { root }
    }

    /// The store that belongs to the database at `db_path`.
    pub fn for_database(db_path: &Path) -> Store {
        let stem = db_path.file_stem().map_or_else(|| "redress".into(), |s| s.to_string_lossy());
        let dir = db_path.parent().unwrap_or_else(|| Path::new("."));
        Store { root: dir.join(format!("{stem}.evidence")) }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the content with this hash is (or would be) kept.
    pub fn path_of(&self, sha256: &str) -> CoreResult<PathBuf> {
        let valid =
            sha256.len() == 64 && sha256.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !valid {
            return Err(CoreError::Internal(format!("not a SHA-256: {sha256}")));
        }
        Ok(self.root.join("sha256").join(&sha256[..2]).join(&sha256[2..4]).join(sha256))
    }

    /// Copies `source` into the store, hashing it on the way. Blocking: run it off the async
    /// threads (`tokio::task::spawn_blocking`).
    pub fn put(&self, source: &Path) -> CoreResult<Stored> {
        let mut input = File::open(source)?;
        if !input.metadata()?.is_file() {
            return Err(CoreError::Io(io::Error::new(io::ErrorKind::InvalidInput, "not a file")));
        }
        self.take_in(&mut input, None)
    }

    /// Stores what `input` yields (a file arriving from the hub, another site or a bundle),
    /// only if its SHA-256 is `expected`: anything else is refused and leaves nothing behind.
    /// Blocking.
    pub fn receive(&self, input: &mut impl Read, expected: &str) -> CoreResult<Stored> {
        self.path_of(expected)?;
        self.take_in(input, Some(expected))
    }

    /// Streams `input` into a temporary file, hashing it, then moves it into place by its hash
    /// (read-only). With `expected`, a different hash is `evidence.changed`.
    fn take_in(&self, input: &mut impl Read, expected: Option<&str>) -> CoreResult<Stored> {
        let tmp_dir = self.root.join("tmp");
        fs::create_dir_all(&tmp_dir)?;
        let tmp = tmp_dir.join(uuid::Uuid::now_v7().to_string());
        let result = copy_hashing(input, &tmp).and_then(|(sha256, size)| match expected {
            Some(want) if want != sha256 => Err(CoreError::EvidenceChanged(want.to_owned())),
            _ => Ok((sha256, size)),
        });
        let (sha256, size) = match result {
            Ok(done) => done,
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        };
        let target = self.path_of(&sha256)?;
        if target.exists() {
            fs::remove_file(&tmp)?;
            return Ok(Stored { sha256, size, existed: true });
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)?;
        }
        let mut perms = fs::metadata(&tmp)?.permissions();
        perms.set_readonly(true);
        fs::set_permissions(&tmp, perms)?;
        fs::rename(&tmp, &target)?;
        Ok(Stored { sha256, size, existed: false })
    }

    /// Removes what a copy cut short left in the store's `tmp` folder (a process killed or a
    /// disk that filled mid-copy): files untouched for `idle` or longer. A copy in progress
    /// writes its file block by block, so its modification time stays fresh. How many were
    /// removed.
    pub fn sweep_tmp(&self, idle: std::time::Duration) -> CoreResult<usize> {
        let entries = match fs::read_dir(self.root.join("tmp")) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e.into()),
        };
        let mut removed = 0;
        for entry in entries {
            let entry = entry?;
            let meta = entry.metadata()?;
            let age = meta.modified()?.elapsed().unwrap_or_default();
            if meta.is_file() && age >= idle {
                // Windows refuses to delete a read-only file (a copy killed after being made
                // read-only, before its rename); elsewhere the folder's permission is enough.
                #[cfg(windows)]
                if meta.permissions().readonly() {
                    let mut perms = meta.permissions();
                    #[allow(clippy::permissions_set_readonly_false)]
                    perms.set_readonly(false);
                    fs::set_permissions(entry.path(), perms)?;
                }
                fs::remove_file(entry.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Whether the content with this hash is here (not checked: see `check`).
    pub fn has(&self, sha256: &str) -> bool {
        self.path_of(sha256).is_ok_and(|p| p.is_file())
    }

    /// Stores `bytes` (a generated document) like a file. Blocking.
    pub fn put_bytes(&self, bytes: &[u8]) -> CoreResult<Stored> {
        let tmp_dir = self.root.join("tmp");
        fs::create_dir_all(&tmp_dir)?;
        let staging = tmp_dir.join(format!("{}.in", uuid::Uuid::now_v7()));
        fs::write(&staging, bytes)?;
        let stored = self.put(&staging);
        let _ = fs::remove_file(&staging);
        stored
    }

    /// The stored content with this hash, checked against it.
    pub fn read_verified(&self, sha256: &str) -> CoreResult<Vec<u8>> {
        let bytes = fs::read(self.path_of(sha256)?)?;
        let (found, _) = stream(&mut bytes.as_slice(), |_| Ok(()))?;
        if found != sha256 {
            return Err(CoreError::EvidenceChanged(sha256.to_owned()));
        }
        Ok(bytes)
    }

    /// Re-hashes a stored file.
    pub fn check(&self, sha256: &str) -> CoreResult<Check> {
        let path = self.path_of(sha256)?;
        match hash_file(&path) {
            Ok((found, _)) if found == sha256 => Ok(Check::Intact),
            Ok(_) => Ok(Check::Changed),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Check::Missing),
            Err(e) => Err(e.into()),
        }
    }

    /// Copies a stored file out to `dest` (streamed, and checked against its hash on the way).
    pub fn copy_out(&self, sha256: &str, dest: &Path) -> CoreResult<u64> {
        let mut input = File::open(self.path_of(sha256)?)?;
        let mut output = OpenOptions::new().write(true).create_new(true).open(dest)?;
        let (found, size) = stream(&mut input, |block| output.write_all(block))?;
        output.sync_all()?;
        if found != sha256 {
            drop(output);
            let _ = fs::remove_file(dest);
            return Err(CoreError::EvidenceChanged(sha256.to_owned()));
        }
        Ok(size)
    }
}

/// Writes `input` to a new file at `tmp`, block by block, leaving blocks of zeros as holes:
/// its SHA-256 and size.
fn copy_hashing(input: &mut impl Read, tmp: &Path) -> CoreResult<(String, u64)> {
    let mut output = OpenOptions::new().write(true).create_new(true).open(tmp)?;
    let (sha256, size) = stream(input, |block| {
        if block.iter().all(|b| *b == 0) {
            // A hole: skip it; set_len below gives the file its length.
            output.seek(SeekFrom::Current(block.len() as i64)).map(|_| ())
        } else {
            output.write_all(block)
        }
    })?;
    output.set_len(size)?;
    output.sync_all()?;
    Ok((sha256, size))
}

/// Reads until `buf` is full or the file ends.
fn read_full(input: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// SHA-256 and size of a file, streamed.
pub fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    stream(&mut File::open(path)?, |_| Ok(()))
}

/// Reads `input` block by block, hashing it and handing each block to `sink`: its SHA-256 (hex)
/// and size.
fn stream(
    input: &mut impl Read,
    mut sink: impl FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; BLOCK];
    let mut size = 0u64;
    loop {
        let n = read_full(input, &mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        sink(&buf[..n])?;
        size += n as u64;
    }
    Ok((hex::encode(hasher.finalize()), size))
}

/// At most this many bytes (UTF-8) in a kept file name. ext4 and most Unix file systems take
/// 255 bytes, NTFS and APFS 255 UTF-16 units; 200 bytes fits all of them with room for the
/// `NN-` an export puts in front. (Characters would not do: 120 Chinese ones are 360 bytes.)
pub const MAX_NAME_BYTES: usize = 200;

/// A file name safe to write on Windows, macOS and Linux: the last path component only; no
/// control, bidirectional-override or reserved characters; not hidden; not a reserved device
/// name with or without an extension (`CON`, `nul.tar.gz`, `COM1`); at most `MAX_NAME_BYTES`
/// bytes, the extension kept.
pub fn safe_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| if c.is_control() || is_format(c) || "<>:\"/\\|?*".contains(c) { '_' } else { c })
        .collect();
    let cleaned = trim_name(&cleaned);
    let (stem, ext) = match cleaned.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() && !e.is_empty() && e.chars().count() <= 10 => {
            (s, format!(".{e}"))
        }
        _ => (cleaned, String::new()),
    };
    let guard = if is_reserved_device(stem) { "_" } else { "" };
    let room = MAX_NAME_BYTES - ext.len() - guard.len();
    let mut cut = stem.len().min(room);
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    // Without an extension the stem's end is the name's: no trailing dot or space there.
    let stem = if ext.is_empty() { trim_name(&stem[..cut]) } else { &stem[..cut] };
    let stem = if stem.is_empty() { "file" } else { stem };
    format!("{guard}{stem}{ext}")
}

/// Leading dots (hidden files) and spaces, trailing dots and spaces (Windows drops them) off.
fn trim_name(name: &str) -> &str {
    name.trim_matches(|c: char| c == '.' || c.is_whitespace())
}

/// Invisible characters that change how a name reads: zero-width ones and the bidirectional
/// overrides of the `发票\u{202E}fdp.exe` trick.
fn is_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Windows' device names, which it reserves with any extension and trailing spaces.
fn is_reserved_device(stem: &str) -> bool {
    let device = stem.split('.').next().unwrap_or_default().trim_end().to_uppercase();
    const NAMES: [&str; 6] = ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"];
    if NAMES.contains(&device.as_str()) {
        return true;
    }
    let numbered = device.strip_prefix("COM").or_else(|| device.strip_prefix("LPT"));
    numbered.is_some_and(|n| {
        let mut chars = n.chars();
        matches!((chars.next(), chars.next()), (Some('0'..='9' | '¹' | '²' | '³'), None))
    })
}

/// The MIME type the app previews a file as, from its name.
pub fn mime_of(file_name: &str) -> &'static str {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "heic" => "image/heic",
        "pdf" => "application/pdf",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "wav" => "audio/wav",
        "amr" => "audio/amr",
        "ogg" => "audio/ogg",
        "mp4" | "m4v" => "video/mp4",
        "mov" => "video/quicktime",
        "webm" => "video/webm",
        "txt" | "log" => "text/plain",
        "csv" => "text/csv",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_safe_for_every_platform() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_file_name("C:\\Users\\a\\发票.jpg"), "发票.jpg");
        assert_eq!(safe_file_name("CON.txt"), "_CON.txt");
        assert_eq!(safe_file_name("aux"), "_aux");
        assert_eq!(safe_file_name("a<b>:c|d?.pdf"), "a_b__c_d_.pdf");
        assert_eq!(safe_file_name("...hidden. "), "hidden");
        assert_eq!(safe_file_name(""), "file");
        assert_eq!(safe_file_name("\u{0}\u{7}x.png"), "__x.png");
        assert_eq!(safe_file_name("nul.tar.gz"), "_nul.tar.gz");
        assert_eq!(safe_file_name("COM1 .txt"), "_COM1 .txt");
        assert_eq!(safe_file_name("lpt¹"), "_lpt¹");
        assert_eq!(safe_file_name("COM10.txt"), "COM10.txt");
        assert_eq!(safe_file_name("发票\u{202E}fdp.exe"), "发票_fdp.exe");
        assert_eq!(safe_file_name(" . .x. "), "x");
        // Cut by bytes, at a character: 65 Chinese characters (195 bytes) and the extension.
        let long = format!("{}.mp4", "长".repeat(300));
        let safe = safe_file_name(&long);
        assert_eq!(safe, format!("{}.mp4", "长".repeat(65)));
        assert!(safe.len() <= MAX_NAME_BYTES);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]
        /// Whatever name a file arrives with (a path, a device name, control and invisible
        /// characters, hundreds of Chinese characters), the kept name is one a file can have
        /// here, alone and with an export's `NN-` in front, and reads as itself.
        #[test]
        fn any_name_becomes_one_a_file_can_have(
            raw in "([\\PC]|[\\x00-\\x1f\\u{202E}\\u{200B}/\\\\.<>:\"|?* ]|长|CON|nul|com1|LPT9|\\.tar\\.gz|\\.\\.){0,300}"
        ) {
            let safe = safe_file_name(&raw);
            proptest::prop_assert!(!safe.is_empty() && safe.len() <= MAX_NAME_BYTES, "{safe:?}");
            proptest::prop_assert!(
                !safe.chars().any(|c| c.is_control() || is_format(c) || "<>:\"/\\|?*".contains(c)),
                "{safe:?}"
            );
            proptest::prop_assert!(!safe.starts_with(['.', ' ']) && !safe.ends_with(['.', ' ']));
            proptest::prop_assert!(!is_reserved_device(&safe), "{safe:?}");
            proptest::prop_assert_eq!(safe_file_name(&safe), safe.clone(), "kept names are stable");
            let dir = tempfile::tempdir().expect("dir");
            for name in [safe.clone(), format!("07-{safe}")] {
                fs::write(dir.path().join(&name), b"x").expect("a file of that name");
            }
            let mut listed: Vec<String> = fs::read_dir(dir.path())
                .expect("list")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .collect();
            listed.sort();
            let mut want = vec![safe.clone(), format!("07-{safe}")];
            want.sort();
            proptest::prop_assert_eq!(listed, want);
        }
    }

    #[test]
    fn what_a_cut_short_copy_left_is_swept_once_idle() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::for_database(&dir.path().join("redress.db"));
        assert_eq!(store.sweep_tmp(std::time::Duration::ZERO).expect("no tmp yet"), 0);
        let tmp = store.root().join("tmp");
        fs::create_dir_all(&tmp).expect("tmp");
        let old = tmp.join("0190a-old");
        let fresh = tmp.join("0190b-fresh");
        fs::write(&old, vec![7u8; 4096]).expect("old");
        fs::write(&fresh, vec![8u8; 4096]).expect("fresh");
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        File::options()
            .write(true)
            .open(&old)
            .expect("open")
            .set_modified(two_hours_ago)
            .expect("mtime");
        let mut perms = fs::metadata(&old).expect("meta").permissions();
        perms.set_readonly(true);
        fs::set_permissions(&old, perms).expect("read-only, as a finished copy is");
        let stored = store.put_bytes(b"kept").expect("put");
        assert_eq!(store.sweep_tmp(std::time::Duration::from_secs(3600)).expect("sweep"), 1);
        assert!(!old.exists() && fresh.exists(), "only the idle file goes");
        assert_eq!(store.check(&stored.sha256).expect("check"), Check::Intact, "stored files stay");
    }

    #[test]
    fn the_same_content_is_stored_once_and_the_original_is_left_alone() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::for_database(&dir.path().join("redress.db"));
        let a = dir.path().join("a.txt");
        let b = dir.path().join("b.txt");
        fs::write(&a, "发票 No.123").expect("write");
        fs::write(&b, "发票 No.123").expect("write");
        let first = store.put(&a).expect("put");
        let second = store.put(&b).expect("put");
        assert!(!first.existed);
        assert!(second.existed);
        assert_eq!(first.sha256, second.sha256);
        assert_eq!(fs::read_to_string(&a).expect("read"), "发票 No.123");
        assert_eq!(store.check(&first.sha256).expect("check"), Check::Intact);
        assert!(store.root().join("tmp").read_dir().expect("tmp").next().is_none());
    }

    #[test]
    fn a_file_received_is_kept_only_under_its_own_hash() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::for_database(&dir.path().join("redress.db"));
        let body = "检测报告 第2号".as_bytes();
        let want = hex::encode(Sha256::digest(body));
        assert!(!store.has(&want));
        let got = store.receive(&mut &body[..], &want).expect("receive");
        assert_eq!(
            (got.sha256.as_str(), got.size, got.existed),
            (want.as_str(), body.len() as u64, false)
        );
        assert!(store.has(&want));
        assert!(store.receive(&mut &body[..], &want).expect("again").existed);

        // A changed byte is refused and leaves nothing behind.
        let other = hex::encode(Sha256::digest(b"other"));
        let err = store.receive(&mut &body[..], &other).expect_err("refused");
        assert_eq!(err.code(), "evidence.changed");
        assert!(!store.has(&other));
        assert!(store.root().join("tmp").read_dir().expect("tmp").next().is_none());
        assert!(store.receive(&mut &body[..], "../../etc").is_err());
    }
}
