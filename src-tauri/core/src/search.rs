//! Chinese full-text search over cases (issue: the ledger).
//!
//! SQLite's trigram tokenizer cannot match queries shorter than three characters, yet most
//! Chinese words are two (退款, 质量, 漏水) and one-character queries (漏, 修) are common. So the
//! text is indexed as **overlapping character bigrams** in one column and **single characters**
//! in another, in an FTS5 table with the plain `unicode61` tokenizer:
//!
//! - a one-character query matches the unigram column;
//! - a query of n ≥ 2 Chinese characters is the phrase of its n − 1 bigrams, which matches
//!   exactly where the string occurs (a sentinel token between fields and between runs of
//!   Chinese keeps a phrase from spanning them);
//! - Latin words and numbers are whole lower-case tokens matched by prefix (`jsq` finds
//!   `JSQ30-16A`).
//!
//! Recall for Chinese queries is therefore exact: the same set of cases as a substring scan
//! (tested). Consumers' names sit in their own columns, searched only by roles that see
//! consumers' contact data. Queries are built from the user's text token by token, quoted, so
//! no input can produce an FTS syntax error.
//!
//! The index is derived from the projections: each appended event on a case re-indexes that
//! case ([`reindex`]); cases waiting in `search_dirty` (all of them after a rebuild, those of a
//! database made before search existed) are indexed together by [`flush`].

use sqlx::SqliteConnection;

use crate::error::CoreResult;

/// Between fields and runs: never produced by a query, so a phrase cannot span it.
const BREAK: &str = "qzxbreak";

/// Han characters (CJK unified ideographs, extension A and beyond, compatibility).
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// A piece of text as search sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// A run of Han characters.
    Han(String),
    /// A Latin word or number, lower case.
    Word(String),
}

/// The Han runs and Latin/digit words of `text`; everything else separates them.
pub fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut han = String::new();
    let mut word = String::new();
    let flush = |han: &mut String, word: &mut String, out: &mut Vec<Piece>| {
        if !han.is_empty() {
            out.push(Piece::Han(std::mem::take(han)));
        }
        if !word.is_empty() {
            out.push(Piece::Word(std::mem::take(word).to_lowercase()));
        }
    };
    for c in text.chars() {
        if is_han(c) {
            if !word.is_empty() {
                flush(&mut han, &mut word, &mut out);
            }
            han.push(c);
        } else if c.is_alphanumeric() {
            if !han.is_empty() {
                flush(&mut han, &mut word, &mut out);
            }
            word.push(c);
        } else {
            flush(&mut han, &mut word, &mut out);
        }
    }
    flush(&mut han, &mut word, &mut out);
    out
}

/// The bigram and unigram token streams of some fields of text.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub bigrams: String,
    pub unigrams: String,
}

impl Tokens {
    pub fn push_field(&mut self, text: &str) {
        for piece in pieces(text) {
            match piece {
                Piece::Han(run) => {
                    let chars: Vec<char> = run.chars().collect();
                    for pair in chars.windows(2) {
                        self.bigrams.push(pair[0]);
                        self.bigrams.push(pair[1]);
                        self.bigrams.push(' ');
                    }
                    for c in &chars {
                        self.unigrams.push(*c);
                        self.unigrams.push(' ');
                    }
                }
                Piece::Word(w) => {
                    self.bigrams.push_str(&w);
                    self.bigrams.push(' ');
                }
            }
            self.bigrams.push_str(BREAK);
            self.bigrams.push(' ');
        }
    }
}

/// The FTS5 query for what a person typed, or `None` if it holds nothing searchable.
/// `people`: also search consumers' names.
pub fn match_expression(query: &str, people: bool) -> Option<String> {
    let (bi, uni) = if people { ("{bi who_bi}", "{uni who_uni}") } else { ("bi", "uni") };
    let mut terms = Vec::new();
    for piece in pieces(query) {
        match piece {
            Piece::Han(run) => {
                let chars: Vec<char> = run.chars().collect();
                if chars.len() == 1 {
                    terms.push(format!("{uni} : \"{}\"", chars[0]));
                } else {
                    let grams: Vec<String> =
                        chars.windows(2).map(|p| p.iter().collect::<String>()).collect();
                    terms.push(format!("{bi} : \"{}\"", grams.join(" ")));
                }
            }
            Piece::Word(w) => terms.push(format!("{bi} : \"{w}\" *")),
        }
    }
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

/// The searchable text of a case: its fields (for the index and for snippets), and the
/// consumer's name apart.
pub struct CaseText {
    pub fields: Vec<(&'static str, String)>,
    pub person: String,
}

type TextRow = (String, String, Option<String>, Option<String>, Option<String>, String);

/// Reads what is searchable of one case.
pub async fn case_text(conn: &mut SqliteConnection, case_id: &str) -> CoreResult<Option<CaseText>> {
    let row: Option<TextRow> = sqlx::query_as(
        "SELECT c.content, c.product_name, c.product_model, c.result, c.order_no, p.name \
         FROM cases c JOIN consumers p ON p.id = c.consumer_id WHERE c.id = ?",
    )
    .bind(case_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((content, product, model, result, order_no, person)) = row else { return Ok(None) };
    let notes: Vec<(String,)> =
        sqlx::query_as("SELECT fact FROM case_notes WHERE case_id = ? ORDER BY recorded_at")
            .bind(case_id)
            .fetch_all(&mut *conn)
            .await?;
    let plans: Vec<(String,)> =
        sqlx::query_as("SELECT summary FROM case_plans WHERE case_id = ? ORDER BY version")
            .bind(case_id)
            .fetch_all(&mut *conn)
            .await?;
    let mut fields = vec![("content", content), ("product", product)];
    if let Some(m) = model {
        fields.push(("product_model", m));
    }
    if let Some(o) = order_no {
        fields.push(("order_no", o));
    }
    if let Some(r) = result {
        fields.push(("result", r));
    }
    fields.extend(notes.into_iter().map(|(f,)| ("investigation", f)));
    fields.extend(plans.into_iter().map(|(s,)| ("plan", s)));
    Ok(Some(CaseText { fields, person }))
}

/// What the index holds for a case: the tokens of its text, and of its consumer's name.
pub fn tokens(text: &CaseText) -> (Tokens, Tokens) {
    let mut body = Tokens::default();
    for (_, f) in &text.fields {
        body.push_field(f);
    }
    let mut who = Tokens::default();
    who.push_field(&text.person);
    (body, who)
}

/// Re-indexes the cases marked dirty.
pub async fn flush(conn: &mut SqliteConnection) -> CoreResult<u64> {
    let dirty: Vec<(String,)> =
        sqlx::query_as("SELECT case_id FROM search_dirty").fetch_all(&mut *conn).await?;
    if dirty.is_empty() {
        return Ok(0);
    }
    for (case_id,) in &dirty {
        reindex(conn, case_id).await?;
    }
    sqlx::query("DELETE FROM search_dirty").execute(&mut *conn).await?;
    Ok(dirty.len() as u64)
}

/// Indexes one case afresh (every event on a case calls this, in its transaction).
pub async fn reindex(conn: &mut SqliteConnection, case_id: &str) -> CoreResult<()> {
    let row: Option<i64> = sqlx::query_scalar("SELECT row FROM search_rows WHERE case_id = ?")
        .bind(case_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(text) = case_text(conn, case_id).await? else { return Ok(()) };
    let row = match row {
        Some(r) => {
            sqlx::query("DELETE FROM case_search WHERE rowid = ?")
                .bind(r)
                .execute(&mut *conn)
                .await?;
            r
        }
        None => {
            let r: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(row), 0) + 1 FROM search_rows")
                .fetch_one(&mut *conn)
                .await?;
            sqlx::query("INSERT INTO search_rows (case_id, row) VALUES (?, ?)")
                .bind(case_id)
                .bind(r)
                .execute(&mut *conn)
                .await?;
            r
        }
    };
    let (body, who) = tokens(&text);
    sqlx::query("INSERT INTO case_search (rowid, bi, uni, who_bi, who_uni) VALUES (?, ?, ?, ?, ?)")
        .bind(row)
        .bind(&body.bigrams)
        .bind(&body.unigrams)
        .bind(&who.bigrams)
        .bind(&who.unigrams)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Where the query's pieces occur in `text`, as char ranges (Latin case-insensitive).
pub fn marks(text: &str, query: &str) -> Vec<(usize, usize)> {
    let hay: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    // Lower-casing can change the length of some characters; keep it simple and only mark
    // when it did not.
    if hay.len() != text.chars().count() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for piece in pieces(query) {
        let needle: Vec<char> = match piece {
            Piece::Han(s) | Piece::Word(s) => s.chars().collect(),
        };
        if needle.is_empty() || needle.len() > hay.len() {
            continue;
        }
        for start in 0..=hay.len() - needle.len() {
            if hay[start..start + needle.len()] == needle[..] {
                out.push((start, start + needle.len()));
            }
        }
    }
    out.sort_unstable();
    // Overlapping marks merge.
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in out {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_bigrams_unigrams_and_words() {
        let mut t = Tokens::default();
        t.push_field("热水器漏水，型号JSQ30");
        assert_eq!(t.bigrams, "热水 水器 器漏 漏水 qzxbreak 型号 qzxbreak jsq30 qzxbreak ");
        assert_eq!(t.unigrams, "热 水 器 漏 水 型 号 ");
    }

    #[test]
    fn queries_are_quoted_token_by_token_and_never_malformed() {
        assert_eq!(match_expression("漏", false).as_deref(), Some("uni : \"漏\""));
        assert_eq!(match_expression("热水器", false).as_deref(), Some("bi : \"热水 水器\""));
        assert_eq!(
            match_expression("JSQ 退款", true).as_deref(),
            Some("{bi who_bi} : \"jsq\" * AND {bi who_bi} : \"退款\"")
        );
        assert_eq!(
            match_expression("\" OR * NEAR( )", false),
            Some("bi : \"or\" * AND bi : \"near\" *".into())
        );
        assert_eq!(match_expression("，。！", false), None);
    }

    #[test]
    fn marks_find_every_occurrence() {
        assert_eq!(marks("漏水，又漏水", "漏水"), vec![(0, 2), (4, 6)]);
        assert_eq!(marks("型号JSQ30", "jsq"), vec![(2, 5)]);
    }
}
