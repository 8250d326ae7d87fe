//! Document numbers (发文字号): agency code, year, sequence — `客服通〔2026〕3号`.
//!
//! Each issuing site numbers its bulletins, reports and incidents in a sequence of its own for
//! the year, so sites issuing offline never print the same number. Headquarters uses the agency
//! code as configured; any other site adds its site code to it (`客服通SH01〔2026〕3号`), as a
//! branch's documents carry an agency code of its own.

use sqlx::SqliteConnection;

use crate::case_no;
use crate::error::CoreResult;
use crate::ownership;
use crate::storage::Site;

/// The tables whose rows are numbered in the year, each by `(site_id, year, seq)`.
#[derive(Debug, Clone, Copy)]
pub enum Numbered {
    Bulletins,
    Reports,
    Incidents,
}

impl Numbered {
    fn table(self) -> &'static str {
        match self {
            Numbered::Bulletins => "bulletins",
            Numbered::Reports => "reports",
            Numbered::Incidents => "incidents",
        }
    }
}

/// A number taken for a document, not yet written anywhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocNo {
    pub year: i32,
    pub seq: i64,
    /// Added to the agency code: empty at headquarters, the site code elsewhere.
    pub site_mark: String,
}

impl DocNo {
    /// The number as printed: `{prefix}{site_mark}〔{year}〕{seq}号`.
    pub fn format(&self, prefix: &str) -> String {
        format!("{prefix}{}〔{}〕{}号", self.site_mark, self.year, self.seq)
    }
}

/// The next number of this site's documents of `kind` in `year`, read inside the caller's
/// write transaction under the site code as it stands there (the projection keeps the number
/// unique per site and year).
pub async fn next(conn: &mut SqliteConnection, kind: Numbered, year: i32) -> CoreResult<DocNo> {
    let site = case_no::this_site(conn).await?;
    let seq: i64 = sqlx::query_scalar(&format!(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM {} WHERE site_id = ? AND year = ?",
        kind.table()
    ))
    .bind(&site.site_id)
    .bind(year)
    .fetch_one(&mut *conn)
    .await?;
    let site_mark =
        if is_headquarters(conn, &site).await? { String::new() } else { site.site_code };
    Ok(DocNo { year, seq, site_mark })
}

/// Headquarters as the hub knows it, or, before any sync, a site still under the code `HQ`
/// (a local app without a hub is its own headquarters).
async fn is_headquarters(conn: &mut SqliteConnection, site: &Site) -> CoreResult<bool> {
    Ok(match ownership::known_site(conn, &site.site_id).await? {
        Some(known) => known.is_hq,
        None => site.site_code == crate::storage::HEADQUARTERS_CODE,
    })
}
