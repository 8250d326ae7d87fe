//! Commands of the shell itself, not business operations.

use redress_core::Lang;
use tauri::State;

use crate::state::AppState;

/// The language of messages from the core, switched with the UI's.
#[tauri::command]
pub fn app_set_language(state: State<'_, AppState>, lang: Lang) {
    state.set_lang(lang);
}
