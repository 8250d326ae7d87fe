//! One module per domain; each command is a one-line adapter over a core operation. The list
//! of operations, their names and types is `redress_core::ops`; `OPERATION_COMMANDS` below must
//! match it (a test compares them).

pub mod accounts;
pub mod app;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod demo;
pub mod documents;
pub mod evidence;
pub mod handling;
pub mod ledger;
pub mod org;
pub mod roles;
pub mod settings;
pub mod setup;
pub mod stats;
pub mod system;

/// Runs the core operation `$name` (function `$f`) as the signed-in person.
macro_rules! operation {
    ($state:ident, $name:literal, $f:path, $request:ident) => {
        $state.call($name, |db, actor| async move { $f(&db, &actor, $request).await }).await
    };
}
pub(crate) use operation;

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app::app_set_language,
        auth::auth_status,
        auth::auth_setup,
        auth::auth_sign_in,
        auth::auth_sign_out,
        auth::auth_unlock,
        auth::auth_touch,
        auth::auth_change_password,
        cases::cases_list,
        stats::stats_summary,
        stats::stats_hotspots,
        stats::reports_list,
        stats::reports_get,
        stats::reports_draft,
        stats::reports_save,
        stats::reports_pdf,
        stats::reports_issue,
        stats::kpi_summary,
        stats::kpi_targets,
        stats::kpi_target_set,
        stats::volume_list,
        stats::volume_set,
        stats::volume_import,
        cases::cases_get,
        cases::cases_search,
        cases::cases_create,
        cases::cases_related,
        cases::cases_pause,
        cases::cases_resume,
        cases::cases_acknowledge,
        cases::cases_link,
        cases::cases_unlink,
        cases::cases_merge,
        cases::consumers_get,
        cases::consumers_update,
        cases::consumers_merge,
        demo::demo_generate,
        system::system_info,
        accounts::accounts_list,
        accounts::accounts_create,
        accounts::accounts_update,
        accounts::accounts_reset_password,
        roles::roles_list,
        roles::roles_update,
        org::org_list,
        org::org_handlers,
        org::org_create,
        org::org_update,
        audit::audit_verify,
        settings::settings_get,
        settings::settings_update,
        setup::codes_list,
        setup::codes_save,
        setup::calendar_list,
        setup::calendar_set,
        setup::calendar_import,
        handling::cases_handling,
        handling::cases_advance,
        handling::cases_assign,
        handling::cases_team_set,
        handling::cases_investigate,
        handling::plans_draft,
        handling::plans_decide,
        handling::plans_offer,
        handling::cases_negotiate,
        handling::steps_complete,
        handling::steps_delay,
        handling::cases_feedback,
        handling::cases_close,
        handling::work_list,
        evidence::evidence_add,
        evidence::evidence_list,
        evidence::evidence_open,
        evidence::evidence_verify,
        evidence::evidence_export,
        evidence::dialog_pick_files,
        evidence::dialog_pick_folder,
        documents::documents_notice,
        documents::documents_settings,
        documents::documents_settings_save,
        documents::bulletins_list,
        documents::bulletins_get,
        documents::bulletins_draft,
        documents::bulletins_save,
        documents::bulletins_pdf,
        documents::bulletins_issue,
        documents::bulletins_discard,
        documents::document_save,
        documents::document_print,
        ledger::cases_export,
        ledger::imports_inspect,
        ledger::imports_preview,
        ledger::imports_run,
        ledger::imports_mappings,
        ledger::imports_mapping_save,
        ledger::imports_batches,
        ledger::jobs_status,
        ledger::jobs_cancel,
        ledger::preferences_get,
        ledger::preferences_save,
        ledger::dialog_pick_spreadsheet,
        ledger::dialog_save_spreadsheet,
        ledger::text_save,
    ]
}

/// The operation commands above, by name, for the test against the core's catalogue.
#[cfg(test)]
pub const OPERATION_COMMANDS: &[&str] = &[
    "auth_change_password",
    "cases_list",
    "stats_summary",
    "stats_hotspots",
    "reports_list",
    "reports_get",
    "reports_draft",
    "reports_save",
    "reports_pdf",
    "reports_issue",
    "kpi_summary",
    "kpi_targets",
    "kpi_target_set",
    "volume_list",
    "volume_set",
    "volume_import",
    "cases_get",
    "cases_search",
    "cases_create",
    "cases_related",
    "cases_pause",
    "cases_resume",
    "cases_acknowledge",
    "cases_link",
    "cases_unlink",
    "cases_merge",
    "demo_generate",
    "system_info",
    "accounts_list",
    "accounts_create",
    "accounts_update",
    "accounts_reset_password",
    "roles_list",
    "roles_update",
    "org_list",
    "org_handlers",
    "org_create",
    "org_update",
    "audit_verify",
    "settings_get",
    "settings_update",
    "codes_list",
    "codes_save",
    "calendar_list",
    "calendar_set",
    "calendar_import",
    "cases_handling",
    "cases_advance",
    "cases_assign",
    "cases_team_set",
    "cases_investigate",
    "plans_draft",
    "plans_decide",
    "plans_offer",
    "cases_negotiate",
    "steps_complete",
    "steps_delay",
    "cases_feedback",
    "cases_close",
    "work_list",
    "evidence_add",
    "evidence_list",
    "evidence_open",
    "evidence_verify",
    "evidence_export",
    "documents_notice",
    "documents_settings",
    "documents_settings_save",
    "bulletins_list",
    "bulletins_get",
    "bulletins_draft",
    "bulletins_save",
    "bulletins_pdf",
    "bulletins_issue",
    "bulletins_discard",
    "cases_export",
    "imports_inspect",
    "imports_preview",
    "imports_run",
    "imports_mappings",
    "imports_mapping_save",
    "imports_batches",
    "jobs_status",
    "jobs_cancel",
    "preferences_get",
    "preferences_save",
    "consumers_get",
    "consumers_update",
    "consumers_merge",
];

#[cfg(test)]
mod tests {
    #[test]
    fn every_core_operation_has_its_command() {
        let mut core: Vec<&str> =
            redress_core::ops::catalogue().iter().map(|op| op.command).collect();
        let mut shell = super::OPERATION_COMMANDS.to_vec();
        core.sort_unstable();
        shell.sort_unstable();
        assert_eq!(core, shell);
    }
}
