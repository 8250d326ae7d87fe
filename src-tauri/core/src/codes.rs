//! Configurable lists (字典): the intake channels and the category taxonomy. The defaults are
//! here in code; an administrator's additions and edits are `code_entry.saved` events, kept in
//! `code_entries`, and lie over the defaults. A code once used is never removed: it is retired
//! (inactive), so that old cases keep their label.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;

use crate::domain::case::Channel;
use crate::error::CoreResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CodeList {
    /// 受理渠道.
    Channel,
    /// 纠纷性质 / 类别.
    Category,
}

impl CodeList {
    pub fn code(self) -> &'static str {
        match self {
            CodeList::Channel => "channel",
            CodeList::Category => "category",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "channel" => Some(CodeList::Channel),
            "category" => Some(CodeList::Category),
            _ => None,
        }
    }
}

/// One entry of a list, as people read it in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CodeEntry {
    pub list: CodeList,
    /// Stable identifier stored on cases: lower-case letters, digits and `_`.
    pub code: String,
    pub label_zh: String,
    pub label_en: String,
    /// What belongs here, shown beside the choice.
    pub definition_zh: String,
    pub definition_en: String,
    /// Order in pick lists (ascending).
    pub position: i64,
    /// Retired entries stay readable on old cases but are no longer offered.
    pub active: bool,
    /// For channels: a case from this channel must name the store involved.
    pub requires_store: bool,
    /// Shipped with the program (it can be relabelled or retired, not removed).
    pub builtin: bool,
}

struct Default {
    code: &'static str,
    zh: &'static str,
    en: &'static str,
    def_zh: &'static str,
    def_en: &'static str,
}

const fn d(
    code: &'static str,
    zh: &'static str,
    en: &'static str,
    def_zh: &'static str,
    def_en: &'static str,
) -> Default {
    Default { code, zh, en, def_zh, def_en }
}

const CHANNELS: [Default; 9] = [
    d(
        "hotline",
        "客服热线",
        "Hotline",
        "消费者拨打客服电话投诉",
        "The consumer called the service hotline",
    ),
    d(
        "website",
        "官方网站",
        "Website",
        "通过官网在线客服或留言提交",
        "Submitted through the website's chat or form",
    ),
    d(
        "wechat",
        "微信公众号",
        "WeChat",
        "通过微信公众号或小程序提交",
        "Submitted through the WeChat account or mini-program",
    ),
    d("app", "APP", "App", "通过公司 APP 提交", "Submitted through the company's app"),
    d(
        "store",
        "实体门店",
        "Store",
        "消费者到门店当面投诉",
        "The consumer complained in person at a store",
    ),
    d(
        "regulator_referral",
        "12315/监管转办",
        "12315 / regulator referral",
        "市场监管部门、12315 平台转来的投诉",
        "Referred by the market regulator or the 12315 platform",
    ),
    d(
        "letter_email",
        "信函/邮件",
        "Letter / e-mail",
        "书面信函或电子邮件",
        "A letter or an e-mail",
    ),
    d(
        "media",
        "媒体/社交平台",
        "Media / social media",
        "媒体报道、微博、黑猫投诉等社交平台",
        "Press reports and social platforms (Weibo, Heimao and the like)",
    ),
    d("other", "其他", "Other", "以上渠道之外", "Any other way"),
];

const CATEGORIES: [Default; 10] = [
    d(
        "product_quality",
        "产品质量",
        "Product quality",
        "商品存在瑕疵、故障或不符合标准、说明",
        "The product is defective, faulty, or not as standards or its description say",
    ),
    d(
        "after_sales",
        "售后服务/三包",
        "After-sales / warranty",
        "维修、退换货、三包责任的履行",
        "Repair, return, exchange and statutory warranty (三包) duties",
    ),
    d(
        "price_charges",
        "价格收费",
        "Price and charges",
        "价格欺诈、多收费、未明码标价、优惠未兑现",
        "Overcharging, unmarked prices, promised discounts not given",
    ),
    d(
        "misleading_advertising",
        "虚假或引人误解宣传",
        "False or misleading advertising",
        "广告、宣传与商品或服务实际不符",
        "Advertising or claims that do not match the product or service",
    ),
    d(
        "contract_terms",
        "合同条款",
        "Contract terms",
        "格式条款、合同履行、定金与预付款争议",
        "Standard terms, performance of contracts, deposits and prepayments",
    ),
    d(
        "delivery_logistics",
        "配送物流",
        "Delivery and logistics",
        "延迟送货、送错、运输损坏、安装预约",
        "Late, wrong or damaged deliveries; installation appointments",
    ),
    d(
        "service_attitude",
        "服务态度",
        "Service attitude",
        "员工态度、推诿、承诺未兑现",
        "Staff conduct, being passed around, promises not kept",
    ),
    d(
        "safety_harm",
        "人身财产安全",
        "Personal or property safety",
        "商品或服务造成或可能造成人身、财产损害",
        "Harm, or risk of harm, to persons or property",
    ),
    d(
        "personal_information",
        "个人信息",
        "Personal information",
        "个人信息收集、使用、泄露或骚扰营销",
        "Collection, use or leaks of personal data; unwanted marketing",
    ),
    d("other", "其他", "Other", "以上类别之外", "Anything else"),
];

fn defaults(list: CodeList) -> &'static [Default] {
    match list {
        CodeList::Channel => &CHANNELS,
        CodeList::Category => &CATEGORIES,
    }
}

/// The built-in codes agree with the enums the rest of the program names them by.
pub fn builtin_codes(list: CodeList) -> Vec<&'static str> {
    defaults(list).iter().map(|d| d.code).collect()
}

fn builtin(list: CodeList) -> Vec<CodeEntry> {
    defaults(list)
        .iter()
        .enumerate()
        .map(|(i, d)| CodeEntry {
            list,
            code: d.code.to_owned(),
            label_zh: d.zh.to_owned(),
            label_en: d.en.to_owned(),
            definition_zh: d.def_zh.to_owned(),
            definition_en: d.def_en.to_owned(),
            position: (i as i64 + 1) * 10,
            active: true,
            requires_store: list == CodeList::Channel && d.code == Channel::Store.code(),
            builtin: true,
        })
        .collect()
}

type StoredRow = (String, String, String, String, String, i64, i64, i64);

/// A list as it stands: the defaults with an administrator's edits over them, in order.
pub async fn entries(conn: &mut SqliteConnection, list: CodeList) -> CoreResult<Vec<CodeEntry>> {
    let mut out = builtin(list);
    let stored: Vec<StoredRow> = sqlx::query_as(
        "SELECT code, label_zh, label_en, definition_zh, definition_en, position, active, \
         requires_store FROM code_entries WHERE list = ?",
    )
    .bind(list.code())
    .fetch_all(&mut *conn)
    .await?;
    for (code, label_zh, label_en, definition_zh, definition_en, position, active, store) in stored
    {
        let builtin = out.iter().position(|e| e.code == code);
        let entry = CodeEntry {
            list,
            builtin: builtin.is_some(),
            code,
            label_zh,
            label_en,
            definition_zh,
            definition_en,
            position,
            active: active != 0,
            requires_store: store != 0,
        };
        match builtin {
            Some(i) => out[i] = entry,
            None => out.push(entry),
        }
    }
    out.sort_by(|a, b| a.position.cmp(&b.position).then_with(|| a.code.cmp(&b.code)));
    Ok(out)
}

/// The entry `code` of `list`, if it exists (active or not).
pub async fn find(
    conn: &mut SqliteConnection,
    list: CodeList,
    code: &str,
) -> CoreResult<Option<CodeEntry>> {
    Ok(entries(conn, list).await?.into_iter().find(|e| e.code == code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::case::Category;

    #[test]
    fn the_defaults_are_the_enums() {
        let channels: Vec<&str> = Channel::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(builtin_codes(CodeList::Channel), channels);
        let categories: Vec<&str> = Category::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(builtin_codes(CodeList::Category), categories);
    }
}
