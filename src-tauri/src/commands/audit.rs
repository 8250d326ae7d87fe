use redress_core::ops::audit::{self, AuditReport, AuditVerifyRequest};
use redress_core::ApiError;
use tauri::State;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn audit_verify(
    state: State<'_, AppState>,
    request: AuditVerifyRequest,
) -> Result<AuditReport, ApiError> {
    operation!(state, "audit.verify", audit::verify, request)
}
