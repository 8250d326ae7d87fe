//! The wording of each document, which an administrator may edit within the document's fixed
//! structure, and the company's particulars (name, contacts, logo, seal). Both are settings:
//! defaults in code, changes as `setting.changed` events.

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use ts_rs::TS;

use super::text::placeholders;
use crate::error::{CoreError, CoreResult, FieldProblem, FieldRule};

pub const PROFILE: &str = "documents.profile";
pub const TEMPLATES: &str = "documents.templates";

/// Largest logo or seal image accepted (bytes, before base64).
pub const MAX_IMAGE_BYTES: usize = 512 * 1024;

/// The company as its documents name it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CompanyProfile {
    /// 企业名称: signs notices and is party 甲方 of settlements.
    pub company_name: String,
    /// 发文机关: the department that issues internal bulletins.
    pub issuing_department: String,
    /// The consumer hotline printed on notices.
    pub hotline: String,
    pub address: String,
    /// 发文字号's agency code: `{prefix}〔2026〕3号` (a branch adds its site code:
    /// `{prefix}SH01〔2026〕3号`).
    pub bulletin_prefix: String,
    /// Company logo (PNG or JPEG, base64), shown in notices' running head.
    pub logo: Option<String>,
    /// The seal (PNG with transparency, base64), laid under the signature.
    pub seal: Option<String>,
}

impl Default for CompanyProfile {
    fn default() -> Self {
        Self {
            company_name: "本公司".into(),
            issuing_department: "客户服务部".into(),
            hotline: "400-000-0000".into(),
            address: String::new(),
            bulletin_prefix: "客服通".into(),
            logo: None,
            seal: None,
        }
    }
}

/// The wording of a notice to a consumer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NoticeWording {
    pub title: String,
    /// The salutation line.
    pub salutation: String,
    /// Paragraphs, one per line.
    pub body: String,
    /// The paragraph after the particulars table.
    pub closing: String,
}

/// The wording of a settlement agreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct SettlementWording {
    pub title: String,
    /// The recital of facts before the terms.
    pub preamble: String,
    /// Standard terms after the agreed measures, one per line (numbered in the document).
    pub terms: String,
}

/// The wording around the cases of an internal bulletin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct BulletinWording {
    pub title: String,
    /// 主送机关.
    pub addressee: String,
    pub intro: String,
    /// The requirements that close the bulletin.
    pub closing: String,
    /// The default "lessons and rectification" of each case, before the author edits it.
    pub lessons: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Templates {
    pub acknowledgment: NoticeWording,
    pub progress: NoticeWording,
    pub result: NoticeWording,
    pub settlement: SettlementWording,
    pub bulletin: BulletinWording,
}

/// The placeholders every notice may use.
pub const NOTICE_FIELDS: [&str; 12] = [
    "company",
    "hotline",
    "consumer",
    "case_no",
    "received_date",
    "channel",
    "product",
    "category",
    "demand",
    "due_date",
    "handler",
    "today",
];

/// The placeholders only some documents have.
pub const PROGRESS_FIELDS: [&str; 3] = ["delay_reason", "old_date", "new_date"];
pub const RESULT_FIELDS: [&str; 3] = ["measures", "result", "closed_date"];
pub const SETTLEMENT_FIELDS: [&str; 5] =
    ["amount", "amount_upper", "purchased_date", "order_no", "pay_days"];
pub const BULLETIN_FIELDS: [&str; 4] = ["company", "department", "count", "year"];

impl Default for Templates {
    fn default() -> Self {
        Self {
            acknowledgment: NoticeWording {
                title: "受理回执".into(),
                salutation: "尊敬的{consumer}：".into(),
                body: "您于{received_date}通过{channel}反映的关于{product}的{category}问题，我公司已正式受理，受理编号为{case_no}。\n我们将依法、公正、及时地处理您的诉求，预计于{due_date}前办结。处理期间如有进展，我们会及时告知您。".into(),
                closing: "如需查询处理进度或补充材料，请拨打客户服务热线{hotline}，并告知受理编号。感谢您对我公司的信任与监督。".into(),
            },
            progress: NoticeWording {
                title: "处理进度告知书".into(),
                salutation: "尊敬的{consumer}：".into(),
                body: "您反映的关于{product}的{category}问题（受理编号{case_no}），我公司正在处理中。\n因{delay_reason}，原定于{old_date}完成的处理事项需延期至{new_date}完成。由此给您带来的不便，我们深表歉意。".into(),
                closing: "我们将在新的期限内尽快办理，并及时告知您结果。如有疑问，请拨打客户服务热线{hotline}。".into(),
            },
            result: NoticeWording {
                title: "处理结果告知书".into(),
                salutation: "尊敬的{consumer}：".into(),
                body: "您于{received_date}反映的关于{product}的{category}问题（受理编号{case_no}），经调查核实，我公司已采取以下措施：{measures}\n处理结果：{result}".into(),
                closing: "如您对处理结果有异议，可在收到本告知书之日起十五日内拨打客户服务热线{hotline}提出，我们将重新核查。感谢您的理解与支持。".into(),
            },
            settlement: SettlementWording {
                title: "和解协议书".into(),
                preamble: "乙方于{purchased_date}购买甲方销售的{product}（订单号：{order_no}），因{category}问题与甲方发生消费纠纷（受理编号{case_no}）。双方本着平等自愿、诚实信用的原则，经友好协商，根据《中华人民共和国消费者权益保护法》《中华人民共和国民法典》等法律规定，达成如下协议：".into(),
                terms: "甲方应于本协议签订之日起{pay_days}个工作日内履行上述约定，涉及款项的，款项合计{amount_upper}（{amount}）。\n乙方确认，本协议履行完毕后，双方就本次纠纷再无其他争议，乙方不再就同一事项向甲方主张其他权利。\n双方对本协议内容及乙方个人信息负有保密义务，法律法规另有规定的除外。\n本协议一式两份，甲乙双方各执一份，自双方签字（盖章）之日起生效。".into(),
            },
            bulletin: BulletinWording {
                title: "关于典型消费纠纷案例的通报".into(),
                addressee: "各分公司、各部门、各门店：".into(),
                intro: "为进一步规范消费纠纷处理工作，提升服务质量，现将近期{count}起典型消费纠纷案例通报如下，请各单位认真学习，引以为戒。".into(),
                closing: "各单位要以上述案例为鉴，举一反三，全面排查本单位在商品质量、服务规范和纠纷处理等环节存在的问题，于通报印发之日起一个月内完成整改，并将整改情况报{department}。".into(),
                lessons: "相关单位要对照本案查找问题根源，完善相关制度和操作规范，加强员工培训，防止同类纠纷再次发生。".into(),
            },
        }
    }
}

impl Templates {
    /// Problems with the wording: empty titles and placeholders the document does not have.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        let mut check = |field: String, text: &str, allowed: &[&[&str]], required: bool| {
            if required && text.trim().is_empty() {
                problems.push(FieldProblem { field: field.clone(), rule: FieldRule::Required });
            }
            if text.chars().count() > 4_000 {
                problems.push(FieldProblem {
                    field: field.clone(),
                    rule: FieldRule::TooLong { max: 4_000 },
                });
            }
            for name in placeholders(text) {
                if !allowed.iter().any(|set| set.contains(&name.as_str())) {
                    problems.push(FieldProblem {
                        field: field.clone(),
                        rule: FieldRule::Invalid { detail: format!("{{{name}}}") },
                    });
                }
            }
        };
        let notices = [
            ("acknowledgment", &self.acknowledgment, &[][..]),
            ("progress", &self.progress, &PROGRESS_FIELDS[..]),
            ("result", &self.result, &RESULT_FIELDS[..]),
        ];
        for (name, w, extra) in notices {
            let allowed: [&[&str]; 2] = [&NOTICE_FIELDS, extra];
            check(format!("templates.{name}.title"), &w.title, &allowed, true);
            check(format!("templates.{name}.salutation"), &w.salutation, &allowed, false);
            check(format!("templates.{name}.body"), &w.body, &allowed, true);
            check(format!("templates.{name}.closing"), &w.closing, &allowed, false);
        }
        let s = &self.settlement;
        let allowed: [&[&str]; 2] = [&NOTICE_FIELDS, &SETTLEMENT_FIELDS];
        check("templates.settlement.title".into(), &s.title, &allowed, true);
        check("templates.settlement.preamble".into(), &s.preamble, &allowed, true);
        check("templates.settlement.terms".into(), &s.terms, &allowed, false);
        let b = &self.bulletin;
        let allowed: [&[&str]; 1] = [&BULLETIN_FIELDS];
        check("templates.bulletin.title".into(), &b.title, &allowed, true);
        check("templates.bulletin.addressee".into(), &b.addressee, &allowed, false);
        check("templates.bulletin.intro".into(), &b.intro, &allowed, false);
        check("templates.bulletin.closing".into(), &b.closing, &allowed, false);
        check("templates.bulletin.lessons".into(), &b.lessons, &allowed, false);
        problems
    }
}

impl CompanyProfile {
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut problems = Vec::new();
        let mut text = |field: &str, value: &str, max: usize, required: bool| {
            if required && value.trim().is_empty() {
                problems.push(FieldProblem {
                    field: format!("profile.{field}"),
                    rule: FieldRule::Required,
                });
            } else if value.chars().count() > max {
                problems.push(FieldProblem {
                    field: format!("profile.{field}"),
                    rule: FieldRule::TooLong { max },
                });
            }
        };
        text("company_name", &self.company_name, 60, true);
        text("issuing_department", &self.issuing_department, 40, true);
        text("hotline", &self.hotline, 30, false);
        text("address", &self.address, 120, false);
        text("bulletin_prefix", &self.bulletin_prefix, 12, true);
        for (field, image) in [("logo", &self.logo), ("seal", &self.seal)] {
            if let Some(data) = image {
                let ok = decode_image(data)
                    .ok()
                    .filter(|b| b.len() <= MAX_IMAGE_BYTES)
                    .is_some_and(|b| super::pdf::Image::decode(&b).is_ok());
                if !ok {
                    problems.push(FieldProblem {
                        field: format!("profile.{field}"),
                        rule: FieldRule::Invalid { detail: "PNG/JPEG ≤ 512 KB".into() },
                    });
                }
            }
        }
        problems
    }
}

pub fn decode_image(data: &str) -> Result<Vec<u8>, base64::DecodeError> {
    use base64::Engine;
    let data =
        data.split_once(',').map_or(
            data,
            |(head, rest)| {
                if head.starts_with("data:") {
                    rest
                } else {
                    data
                }
            },
        );
    base64::engine::general_purpose::STANDARD.decode(data.trim())
}

async fn setting<T: serde::de::DeserializeOwned + Default>(
    conn: &mut SqliteConnection,
    key: &str,
) -> CoreResult<T> {
    let value: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
        .bind(key)
        .fetch_optional(&mut *conn)
        .await?;
    match value {
        Some(v) => serde_json::from_str(&v).map_err(|e| CoreError::Internal(format!("{key}: {e}"))),
        None => Ok(T::default()),
    }
}

pub async fn profile(conn: &mut SqliteConnection) -> CoreResult<CompanyProfile> {
    setting(conn, PROFILE).await
}

pub async fn templates(conn: &mut SqliteConnection) -> CoreResult<Templates> {
    setting(conn, TEMPLATES).await
}
