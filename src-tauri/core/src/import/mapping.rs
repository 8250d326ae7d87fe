//! A mapping: how a file's columns become a case's fields. The same structure is written as
//! TOML for the CLI (docs/IMPORT.md) and as JSON by the import wizard, and is saved for reuse.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::table::Encoding;
use crate::time::china;

/// A case field an import can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    /// When the complaint was received (required).
    ReceivedAt,
    /// A channel code (required).
    Channel,
    /// Required.
    ProductName,
    ProductModel,
    /// What the consumer complains about (required).
    Content,
    /// A category code (required).
    Category,
    /// A severity code; default `general`.
    Severity,
    /// A demand code; default `other`.
    Demand,
    DemandAmount,
    AmountPaid,
    OrderNo,
    PurchasedAt,
    /// A department: its code or its name.
    Department,
    /// A store or branch: its code or its name.
    Store,
    /// Default: 未留名.
    ConsumerName,
    ConsumerMobile,
    ConsumerAddress,
    /// A status code; default `received`.
    Status,
    /// For closed cases: the result.
    Result,
    /// A satisfaction code, for closed cases.
    Satisfaction,
    /// When a closed case was closed; default: when it was received.
    ClosedAt,
    /// The handler's name as written.
    Handler,
}

impl ImportField {
    pub const ALL: [ImportField; 22] = [
        ImportField::ReceivedAt,
        ImportField::Channel,
        ImportField::ProductName,
        ImportField::ProductModel,
        ImportField::Content,
        ImportField::Category,
        ImportField::Severity,
        ImportField::Demand,
        ImportField::DemandAmount,
        ImportField::AmountPaid,
        ImportField::OrderNo,
        ImportField::PurchasedAt,
        ImportField::Department,
        ImportField::Store,
        ImportField::ConsumerName,
        ImportField::ConsumerMobile,
        ImportField::ConsumerAddress,
        ImportField::Status,
        ImportField::Result,
        ImportField::Satisfaction,
        ImportField::ClosedAt,
        ImportField::Handler,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ImportField::ReceivedAt => "received_at",
            ImportField::Channel => "channel",
            ImportField::ProductName => "product_name",
            ImportField::ProductModel => "product_model",
            ImportField::Content => "content",
            ImportField::Category => "category",
            ImportField::Severity => "severity",
            ImportField::Demand => "demand",
            ImportField::DemandAmount => "demand_amount",
            ImportField::AmountPaid => "amount_paid",
            ImportField::OrderNo => "order_no",
            ImportField::PurchasedAt => "purchased_at",
            ImportField::Department => "department",
            ImportField::Store => "store",
            ImportField::ConsumerName => "consumer_name",
            ImportField::ConsumerMobile => "consumer_mobile",
            ImportField::ConsumerAddress => "consumer_address",
            ImportField::Status => "status",
            ImportField::Result => "result",
            ImportField::Satisfaction => "satisfaction",
            ImportField::ClosedAt => "closed_at",
            ImportField::Handler => "handler",
        }
    }

    pub fn required(self) -> bool {
        matches!(
            self,
            ImportField::ReceivedAt
                | ImportField::Channel
                | ImportField::ProductName
                | ImportField::Content
                | ImportField::Category
        )
    }

    /// Header texts that usually mean this field, for the wizard's first guess.
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            ImportField::ReceivedAt => &[
                "受理时间",
                "受理日期",
                "投诉时间",
                "投诉日期",
                "接收日期",
                "登记时间",
                "日期",
                "date received",
                "date_received",
                "received",
            ],
            ImportField::Channel => &[
                "渠道",
                "受理渠道",
                "投诉渠道",
                "来源",
                "submitted via",
                "submitted_via",
                "channel",
            ],
            ImportField::ProductName => {
                &["商品", "产品", "商品名称", "产品名称", "投诉品牌", "product"]
            }
            ImportField::ProductModel => {
                &["型号", "规格型号", "投诉车型", "sub-product", "sub_product", "model"]
            }
            ImportField::Content => &[
                "投诉内容",
                "问题描述",
                "问题简述",
                "内容",
                "诉求内容",
                "consumer complaint narrative",
                "issue",
                "content",
            ],
            ImportField::Category => &["类别", "纠纷类别", "投诉类别", "问题类型", "category"],
            ImportField::Severity => &["严重程度", "等级", "severity"],
            ImportField::Demand => &["诉求", "消费者诉求", "demand"],
            ImportField::DemandAmount => &["诉求金额", "索赔金额"],
            ImportField::AmountPaid => &["金额", "购买金额", "实付金额", "amount"],
            ImportField::OrderNo => &["订单号", "单号", "order", "order no"],
            ImportField::PurchasedAt => &["购买日期", "购买时间", "purchased"],
            ImportField::Department => &["部门", "责任部门", "department"],
            ImportField::Store => &["门店", "分公司", "网点", "store", "branch"],
            ImportField::ConsumerName => {
                &["姓名", "消费者", "消费者姓名", "客户", "客户姓名", "name"]
            }
            ImportField::ConsumerMobile => {
                &["手机", "手机号", "电话", "联系电话", "mobile", "phone"]
            }
            ImportField::ConsumerAddress => &["地址", "联系地址", "address"],
            ImportField::Status => &["状态", "处理状态", "投诉状态", "status"],
            ImportField::Result => &[
                "处理结果",
                "结果",
                "company response to consumer",
                "company_response_to_consumer",
                "result",
            ],
            ImportField::Satisfaction => &["满意度", "评价", "satisfaction"],
            ImportField::ClosedAt => &["办结时间", "结案时间", "closed"],
            ImportField::Handler => &["处理人", "经办人", "handler"],
        }
    }
}

/// Where one field's value comes from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct FieldSource {
    /// The column (its header text).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Several columns, their non-empty values joined (by `join`, default a newline).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join: Option<String>,
    /// A fixed value for every row (instead of a column).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The file's values and what they mean (`"电话" = "hotline"`); compared ignoring case
    /// and surrounding spaces.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, String>,
    /// What an empty cell, or a value not in `values`, becomes. Without it such a row is
    /// rejected (for coded fields) or the field left empty.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ImportMapping {
    /// Where the file comes from (e.g. `cfpb`, `excel-2024`): rows are recognised as already
    /// imported within the same source.
    pub source: String,
    #[serde(default)]
    pub encoding: Encoding,
    /// The workbook's sheet (default: the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub sheet: Option<String>,
    /// Date formats tried in order (chrono `strftime` syntax), before the built-in ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub date_formats: Vec<String>,
    /// The columns that identify a row in its source. Without them a row is identified by a
    /// fingerprint of all its cells.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_id: Vec<String>,
    pub fields: BTreeMap<ImportField, FieldSource>,
}

/// Formats tried after the mapping's own.
const BUILT_IN_DATES: [&str; 8] = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M",
];
const BUILT_IN_DAYS: [&str; 5] = ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d", "%m/%d/%Y"];

/// A date or time as written, read in China time. A date without a time is taken at noon, so
/// that it stays on the same calendar day wherever it is later read.
pub fn parse_instant(raw: &str, formats: &[String]) -> Option<DateTime<Utc>> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    let local =
        |t: NaiveDateTime| china().from_local_datetime(&t).single().map(|t| t.with_timezone(&Utc));
    for f in formats.iter().map(String::as_str).chain(BUILT_IN_DATES) {
        if let Ok(t) = NaiveDateTime::parse_from_str(raw, f) {
            return local(t);
        }
        if let Ok(d) = NaiveDate::parse_from_str(raw, f) {
            return d.and_hms_opt(12, 0, 0).and_then(local);
        }
    }
    for f in BUILT_IN_DAYS {
        if let Ok(d) = NaiveDate::parse_from_str(raw, f) {
            return d.and_hms_opt(12, 0, 0).and_then(local);
        }
    }
    None
}

impl ImportMapping {
    pub fn from_toml(text: &str) -> Result<ImportMapping, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    pub fn to_toml(&self) -> Result<String, String> {
        toml::to_string_pretty(self).map_err(|e| e.to_string())
    }

    /// A first guess from the headers: each field to the column whose header is one of its
    /// synonyms; the required coded fields without a column get a fixed `other`.
    pub fn guess(source: &str, headers: &[String]) -> ImportMapping {
        let mut fields = BTreeMap::new();
        for field in ImportField::ALL {
            let found = headers.iter().find(|h| {
                let h = h.trim().to_lowercase();
                field.synonyms().iter().any(|s| h == s.to_lowercase())
            });
            if let Some(column) = found {
                fields.insert(
                    field,
                    FieldSource { column: Some(column.clone()), ..FieldSource::default() },
                );
            }
        }
        for field in [ImportField::Channel, ImportField::Category] {
            fields.entry(field).or_insert_with(|| FieldSource {
                value: Some("other".into()),
                ..FieldSource::default()
            });
        }
        ImportMapping {
            source: source.to_owned(),
            encoding: Encoding::Auto,
            sheet: None,
            date_formats: Vec::new(),
            external_id: Vec::new(),
            fields,
        }
    }
}
