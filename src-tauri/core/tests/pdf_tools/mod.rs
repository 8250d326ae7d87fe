//! Checks on real PDF files with qpdf and poppler's tools.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn write_temp(bytes: &[u8]) -> tempfile::TempPath {
    let file = tempfile::Builder::new().suffix(".pdf").tempfile().expect("temp file");
    std::fs::write(file.path(), bytes).expect("write pdf");
    file.into_temp_path()
}

fn run(cmd: &str, args: &[&str], file: &Path) -> (bool, String) {
    let out = Command::new(cmd).args(args).arg(file).output().unwrap_or_else(|e| {
        panic!("{cmd} is needed for this test (scripts/setup.sh installs it): {e}")
    });
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// `qpdf --check` finds no problem.
pub fn qpdf_check(file: &Path) {
    let (ok, out) = run("qpdf", &["--check"], file);
    assert!(ok && out.contains("No syntax or stream encoding errors"), "qpdf --check: {out}");
}

/// Every font `pdffonts` lists is embedded, subset and has a Unicode map.
pub fn fonts_all_embedded_subset(file: &Path) {
    let (ok, out) = run("pdffonts", &[], file);
    assert!(ok, "{out}");
    let rows: Vec<&str> = out.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
    assert!(!rows.is_empty(), "no fonts: {out}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // … emb sub uni object ID
        let n = cols.len();
        assert!(n >= 5, "{row}");
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "emb/sub/uni: {row}");
        let name = cols[0];
        assert!(name.len() > 7 && name.as_bytes()[6] == b'+', "subset prefix: {row}");
    }
}

/// The text `pdftotext` extracts (reading order, UTF-8).
pub fn text(file: &Path) -> String {
    let (ok, out) = run(
        "pdftotext",
        &["-raw", "-enc", "UTF-8"],
        &PathBuf::from(format!("{}", file.display())).with_extension("pdf"),
    );
    assert!(ok, "{out}");
    let txt = file.with_extension("txt");
    let text = std::fs::read_to_string(&txt).expect("pdftotext output");
    let _ = std::fs::remove_file(txt);
    text
}

/// `pdfinfo`'s report.
pub fn info(file: &Path) -> String {
    let (ok, out) = run("pdfinfo", &[], file);
    assert!(ok, "{out}");
    out
}

/// Text without any white space (line breaks fall anywhere in a paragraph).
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
