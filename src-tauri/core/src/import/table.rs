//! Reading a spreadsheet into rows of text: CSV in UTF-8, UTF-16 or GB18030 (GBK's superset),
//! detected or chosen; .xlsx and .xls through calamine. Broken records are kept, marked, so the
//! importer can report them instead of importing what is left of them.

use std::io::Cursor;

use calamine::{Data, Reader};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How a CSV file's bytes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// UTF-8 if the bytes are valid UTF-8 (or start with a byte-order mark), else GB18030.
    #[default]
    Auto,
    Utf8,
    /// GB18030, which reads GBK and GB2312 files too.
    Gb18030,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
    Xls,
}

impl FileKind {
    pub fn of(name: &str) -> Option<FileKind> {
        let lower = name.to_lowercase();
        if lower.ends_with(".csv") || lower.ends_with(".txt") {
            Some(FileKind::Csv)
        } else if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
            Some(FileKind::Xlsx)
        } else if lower.ends_with(".xls") {
            Some(FileKind::Xls)
        } else {
            None
        }
    }
}

/// A record of the file.
#[derive(Debug, Clone)]
pub struct RawRow {
    /// Its row number as a spreadsheet shows it: the header is row 1.
    pub row: u64,
    pub cells: Vec<String>,
    /// Why the record cannot be trusted (a field count that does not match the header, a
    /// record cut off at the end of the file).
    pub broken: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Table {
    /// `utf-8`, `utf-16`, `gb18030`, or `xlsx`/`xls` for workbooks.
    pub encoding: String,
    pub sheets: Vec<String>,
    pub headers: Vec<String>,
    pub rows: Vec<RawRow>,
}

/// Why a file cannot be read at all.
#[derive(Debug, Clone, PartialEq)]
pub enum TableError {
    UnknownKind,
    NotUtf8,
    Undecodable,
    Empty,
    NoSheet(String),
    Workbook(String),
}

impl TableError {
    pub fn detail(&self) -> String {
        match self {
            TableError::UnknownKind => "只能导入 .xlsx、.xls 或 .csv 文件".into(),
            TableError::NotUtf8 => "文件不是 UTF-8 编码：请选择 GBK/GB18030".into(),
            TableError::Undecodable => "文件既不是 UTF-8 也不是 GBK/GB18030 编码".into(),
            TableError::Empty => "文件没有表头行".into(),
            TableError::NoSheet(s) => format!("工作簿中没有工作表「{s}」"),
            TableError::Workbook(e) => format!("无法读取工作簿：{e}"),
        }
    }
}

pub fn read(
    file_name: &str,
    bytes: &[u8],
    encoding: Encoding,
    sheet: Option<&str>,
) -> Result<Table, TableError> {
    match FileKind::of(file_name).ok_or(TableError::UnknownKind)? {
        FileKind::Csv => read_csv(bytes, encoding),
        kind => read_workbook(bytes, kind, sheet),
    }
}

/// The text of a CSV file and the encoding it was in; `truncated` when the file ends inside
/// a multi-byte character (cut off).
fn decode(bytes: &[u8], encoding: Encoding) -> Result<(String, &'static str, bool), TableError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (text, _, errors) = encoding_rs::UTF_16LE.decode(bytes);
        return if errors {
            Err(TableError::Undecodable)
        } else {
            Ok((text.into_owned(), "utf-16", false))
        };
    }
    match encoding {
        Encoding::Utf8 => utf8(bytes),
        Encoding::Gb18030 => gb18030(bytes),
        Encoding::Auto => utf8(bytes).or_else(|_| gb18030(bytes)),
    }
}

fn utf8(bytes: &[u8]) -> Result<(String, &'static str, bool), TableError> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_owned(), "utf-8", false)),
        // Valid up to a character cut off by the end of the file.
        Err(e) if e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4 => {
            let text = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
            Ok((text, "utf-8", true))
        }
        Err(_) => Err(TableError::NotUtf8),
    }
}

fn gb18030(bytes: &[u8]) -> Result<(String, &'static str, bool), TableError> {
    let (text, errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if errors {
        return Err(TableError::Undecodable);
    }
    Ok((text.into_owned(), "gb18030", false))
}

fn read_csv(bytes: &[u8], encoding: Encoding) -> Result<Table, TableError> {
    let (text, encoding, cut_in_char) = decode(bytes, encoding)?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers: Vec<String> = match records.next() {
        Some(Ok(h)) => h.iter().map(|c| c.trim().to_owned()).collect(),
        _ => return Err(TableError::Empty),
    };
    if headers.iter().all(String::is_empty) {
        return Err(TableError::Empty);
    }
    let mut rows = Vec::new();
    let mut last_start = 0usize;
    // The header is row 1.
    for (row, record) in (2u64..).zip(records) {
        match record {
            Ok(r) => {
                last_start = usize::try_from(r.position().map_or(0, |p| p.byte())).unwrap_or(0);
                let cells: Vec<String> = r.iter().map(str::to_owned).collect();
                if cells.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                let broken = (cells.len() != headers.len())
                    .then(|| format!("字段数为 {}，表头为 {} 列", cells.len(), headers.len()));
                rows.push(RawRow { row, cells, broken });
            }
            Err(e) => rows.push(RawRow { row, cells: Vec::new(), broken: Some(e.to_string()) }),
        }
    }
    // A file cut off inside its last record: an open quotation mark at the end, or a
    // character cut in half. What remains of that record is never imported.
    let tail = &text.as_bytes()[last_start.min(text.len())..];
    let open_quote = tail.iter().filter(|b| **b == b'"').count() % 2 == 1;
    if open_quote || cut_in_char {
        if let Some(last) = rows.last_mut() {
            last.broken = Some("记录不完整：文件在此记录中间截断".into());
        }
    }
    Ok(Table { encoding: encoding.to_owned(), sheets: Vec::new(), headers, rows })
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => match d.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.format("%Y-%m-%d").to_string(),
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => d.as_f64().to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
    }
}

fn read_workbook(bytes: &[u8], kind: FileKind, sheet: Option<&str>) -> Result<Table, TableError> {
    let cursor = Cursor::new(bytes.to_vec());
    let fail = |e: String| TableError::Workbook(e);
    let (sheets, range) = match kind {
        FileKind::Xls => {
            let mut book = calamine::Xls::new(cursor).map_err(|e| fail(e.to_string()))?;
            let sheets = book.sheet_names();
            let name = pick_sheet(&sheets, sheet)?;
            let range = book.worksheet_range(&name).map_err(|e| fail(e.to_string()))?;
            (sheets, range)
        }
        _ => {
            let mut book = calamine::Xlsx::new(cursor).map_err(|e| fail(e.to_string()))?;
            let sheets = book.sheet_names();
            let name = pick_sheet(&sheets, sheet)?;
            let range = book.worksheet_range(&name).map_err(|e| fail(e.to_string()))?;
            (sheets, range)
        }
    };
    let first_row = u64::from(range.start().map_or(0, |(r, _)| r));
    let mut lines = range.rows();
    let headers: Vec<String> = match lines.next() {
        Some(h) => h.iter().map(|c| cell_text(c).trim().to_owned()).collect(),
        None => return Err(TableError::Empty),
    };
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        let cells: Vec<String> = line.iter().map(cell_text).collect();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push(RawRow { row: first_row + 2 + i as u64, cells, broken: None });
    }
    let encoding = if kind == FileKind::Xls { "xls" } else { "xlsx" };
    Ok(Table { encoding: encoding.into(), sheets, headers, rows })
}

fn pick_sheet(sheets: &[String], wanted: Option<&str>) -> Result<String, TableError> {
    match wanted.filter(|w| !w.is_empty()) {
        Some(w) => {
            sheets.iter().find(|s| *s == w).cloned().ok_or_else(|| TableError::NoSheet(w.into()))
        }
        None => sheets.first().cloned().ok_or(TableError::Empty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_is_detected_and_a_cut_record_is_marked() {
        let (gbk, _, _) = encoding_rs::GBK.encode("编号,问题\r\n1,漏水\r\n2,\"异响");
        let table = read("a.csv", &gbk, Encoding::Auto, None).expect("reads");
        assert_eq!(table.encoding, "gb18030");
        assert_eq!(table.headers, ["编号", "问题"]);
        assert_eq!(table.rows[0].cells, ["1", "漏水"]);
        assert!(table.rows[0].broken.is_none());
        assert!(table.rows[1].broken.is_some(), "{:?}", table.rows[1]);
        assert_eq!(table.rows[1].row, 3);
    }

    #[test]
    fn utf8_chosen_for_gbk_bytes_is_refused() {
        let (gbk, _, _) = encoding_rs::GBK.encode("编号,问题\n1,漏水\n");
        assert_eq!(read("a.csv", &gbk, Encoding::Utf8, None).err(), Some(TableError::NotUtf8));
    }

    #[test]
    fn bom_and_short_records() {
        let table =
            read("a.csv", "\u{feff}a,b\n1\n2,3\n".as_bytes(), Encoding::Auto, None).expect("reads");
        assert_eq!(table.headers, ["a", "b"]);
        assert!(table.rows[0].broken.is_some());
        assert!(table.rows[1].broken.is_none());
    }
}
