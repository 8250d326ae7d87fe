//! The kinds of event and their payloads. An event's payload is what changed, and only that;
//! consumers' personal data travels sealed (`pii`). Payloads are add-only: a new field gets a
//! default so that old events still read.

use serde::{Deserialize, Serialize};

use super::case::{
    CaseStatus, Category, Channel, Complexity, ConsumerContact, Demand, Satisfaction, Severity,
};
use super::org::OrgUnitKind;
use crate::error::{CoreError, CoreResult};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload")]
pub enum EventBody {
    #[serde(rename = "org_unit.created")]
    OrgUnitCreated(OrgUnitCreated),
    #[serde(rename = "case.created")]
    CaseCreated(Box<CaseCreated>),
    #[serde(rename = "case.assigned")]
    CaseAssigned(CaseAssigned),
    #[serde(rename = "case.transitioned")]
    CaseTransitioned(CaseTransitioned),
    #[serde(rename = "case.closed")]
    CaseClosed(CaseClosed),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgUnitCreated {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: OrgUnitKind,
    pub parent_id: Option<String>,
    pub city: Option<String>,
}

/// A complaint received (§三(二)1–2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseCreated {
    pub case_no: String,
    pub received_at: String,
    pub channel: Channel,
    pub store_id: Option<String>,
    pub department_id: Option<String>,
    pub consumer_id: String,
    /// `SealedCaseText`, sealed with the consumer's key.
    pub sealed: String,
    pub product_name: String,
    pub product_model: Option<String>,
    pub quantity: i64,
    pub amount_paid_fen: Option<i64>,
    pub order_no: Option<String>,
    pub purchased_at: Option<String>,
    pub category: Category,
    pub severity: Severity,
    pub complexity: Complexity,
    pub demand: Demand,
    pub demand_amount_fen: Option<i64>,
    pub received_by: String,
    pub handler: Option<String>,
    pub due_at: Option<String>,
}

/// What a complaint says about and in the words of its consumer: personal data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SealedCaseText {
    pub consumer: ConsumerContact,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseAssigned {
    pub handler: String,
    pub department_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseTransitioned {
    pub from: CaseStatus,
    pub to: CaseStatus,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseClosed {
    pub result: String,
    pub satisfaction: Option<Satisfaction>,
    pub root_cause: Option<String>,
}

impl EventBody {
    /// Splits the body into the stored `kind` and `payload` text.
    pub fn encode(&self) -> CoreResult<(String, String)> {
        let value = serde_json::to_value(self).map_err(|e| CoreError::Internal(e.to_string()))?;
        let kind = value["kind"].as_str().unwrap_or_default().to_owned();
        let payload = serde_json::to_string(&value["payload"])
            .map_err(|e| CoreError::Internal(e.to_string()))?;
        Ok((kind, payload))
    }

    pub fn decode(kind: &str, payload: &str) -> CoreResult<Self> {
        let payload: serde_json::Value = serde_json::from_str(payload)
            .map_err(|e| CoreError::Internal(format!("event payload of {kind} unreadable: {e}")))?;
        serde_json::from_value(serde_json::json!({ "kind": kind, "payload": payload }))
            .map_err(|e| CoreError::Internal(format!("event {kind} unreadable: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode_round_trip() {
        let body = EventBody::CaseTransitioned(CaseTransitioned {
            from: CaseStatus::Received,
            to: CaseStatus::Investigating,
            note: Some("转调查".into()),
        });
        let (kind, payload) = body.encode().expect("encode");
        assert_eq!(kind, "case.transitioned");
        // Keys come out sorted: the stored text is canonical whatever the struct's field order.
        assert_eq!(payload, r#"{"from":"received","note":"转调查","to":"investigating"}"#);
        assert_eq!(EventBody::decode(&kind, &payload).expect("decode"), body);
    }
}
