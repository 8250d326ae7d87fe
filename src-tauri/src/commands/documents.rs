//! Documents: notices and bulletins (the operations), and saving or printing a generated PDF
//! through the native save dialog and the operating system's PDF viewer.

use base64::Engine;
use redress_core::ops::documents::{
    self, BulletinDraftRequest, BulletinRequest, BulletinSaveRequest, BulletinSummary,
    BulletinView, BulletinsListRequest, DocumentSettings, DocumentSettingsRequest,
    DocumentSettingsSave, GeneratedPdf, NoticeRequest,
};
use redress_core::{ApiError, CoreError, Lang};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;

use super::operation;
use crate::state::AppState;

#[tauri::command]
pub async fn documents_notice(
    state: State<'_, AppState>,
    request: NoticeRequest,
) -> Result<GeneratedPdf, ApiError> {
    operation!(state, "documents.notice", documents::notice, request)
}

#[tauri::command]
pub async fn documents_settings(
    state: State<'_, AppState>,
    request: DocumentSettingsRequest,
) -> Result<DocumentSettings, ApiError> {
    operation!(state, "documents.settings", documents::settings, request)
}

#[tauri::command]
pub async fn documents_settings_save(
    state: State<'_, AppState>,
    request: DocumentSettingsSave,
) -> Result<DocumentSettings, ApiError> {
    operation!(state, "documents.settings_save", documents::settings_save, request)
}

#[tauri::command]
pub async fn bulletins_list(
    state: State<'_, AppState>,
    request: BulletinsListRequest,
) -> Result<Vec<BulletinSummary>, ApiError> {
    operation!(state, "bulletins.list", documents::list, request)
}

#[tauri::command]
pub async fn bulletins_get(
    state: State<'_, AppState>,
    request: BulletinRequest,
) -> Result<BulletinView, ApiError> {
    operation!(state, "bulletins.get", documents::get, request)
}

#[tauri::command]
pub async fn bulletins_draft(
    state: State<'_, AppState>,
    request: BulletinDraftRequest,
) -> Result<BulletinView, ApiError> {
    operation!(state, "bulletins.draft", documents::draft, request)
}

#[tauri::command]
pub async fn bulletins_save(
    state: State<'_, AppState>,
    request: BulletinSaveRequest,
) -> Result<BulletinView, ApiError> {
    operation!(state, "bulletins.save", documents::save, request)
}

#[tauri::command]
pub async fn bulletins_pdf(
    state: State<'_, AppState>,
    request: BulletinRequest,
) -> Result<GeneratedPdf, ApiError> {
    operation!(state, "bulletins.pdf", documents::pdf, request)
}

#[tauri::command]
pub async fn bulletins_issue(
    state: State<'_, AppState>,
    request: BulletinRequest,
) -> Result<BulletinView, ApiError> {
    operation!(state, "bulletins.issue", documents::issue, request)
}

#[tauri::command]
pub async fn bulletins_discard(
    state: State<'_, AppState>,
    request: BulletinRequest,
) -> Result<BulletinView, ApiError> {
    operation!(state, "bulletins.discard", documents::discard, request)
}

fn io_error(e: std::io::Error, lang: Lang) -> ApiError {
    CoreError::Io(e).to_api(lang)
}

fn decode(data: &str, lang: Lang) -> Result<Vec<u8>, ApiError> {
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| CoreError::Internal(format!("pdf: {e}")).to_api(lang))
}

/// A file name without path separators or characters Windows refuses.
fn safe_name(name: &str) -> String {
    let cleaned = redress_core::evidence::safe_file_name(name);
    if cleaned.to_lowercase().ends_with(".pdf") {
        cleaned
    } else {
        format!("{cleaned}.pdf")
    }
}

/// The native "save as" dialog for a generated PDF; where it was written (none if cancelled).
#[tauri::command]
pub async fn document_save(
    app: AppHandle,
    state: State<'_, AppState>,
    file_name: String,
    data: String,
    title: String,
) -> Result<Option<String>, ApiError> {
    let lang = state.lang();
    let bytes = decode(&data, lang)?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(safe_name(&file_name))
        .add_filter("PDF", &["pdf"])
        .save_file(move |path| {
            let _ = tx.send(path);
        });
    let Some(path) = rx.await.ok().flatten().and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    std::fs::write(&path, bytes).map_err(|e| io_error(e, lang))?;
    Ok(Some(path.to_string_lossy().into_owned()))
}

/// Opens a generated PDF in the system's PDF viewer, from which it prints on any printer the
/// operating system knows. The file is written to the app's cache folder first.
#[tauri::command]
pub async fn document_print(
    app: AppHandle,
    state: State<'_, AppState>,
    file_name: String,
    data: String,
) -> Result<String, ApiError> {
    let lang = state.lang();
    let bytes = decode(&data, lang)?;
    let dir = app
        .path()
        .app_cache_dir()
        .map_err(|e| CoreError::Internal(e.to_string()).to_api(lang))?
        .join("print");
    std::fs::create_dir_all(&dir).map_err(|e| io_error(e, lang))?;
    let path = dir.join(safe_name(&file_name));
    std::fs::write(&path, bytes).map_err(|e| io_error(e, lang))?;
    open_with_system(&path).map_err(|e| io_error(e, lang))?;
    Ok(path.to_string_lossy().into_owned())
}

fn open_with_system(path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(target_os = "windows")]
    let mut cmd = {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]).arg(path);
        c
    };
    #[cfg(target_os = "macos")]
    let mut cmd = {
        let mut c = std::process::Command::new("open");
        c.arg(path);
        c
    };
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    let mut cmd = {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(path);
        c
    };
    cmd.spawn().map(|_| ())
}
