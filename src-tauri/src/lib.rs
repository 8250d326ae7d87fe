//! The Redress desktop shell: a thin Tauri host over redress-core. It opens the database,
//! sets up logging, and exposes each core operation as a one-line command.

mod commands;
mod logging;
mod protocol;
mod schedule;
mod state;

use tauri::Manager;

pub fn run() {
    let app = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let guard = logging::init(&app.path().app_log_dir()?)?;
            app.manage(logging::LogGuard::new(guard));
            // The fonts PDF documents embed are bundled as resources.
            if let Ok(dir) = app.path().resource_dir() {
                redress_core::documents::fonts::set_font_dir(dir.join("fonts"));
            }
            let db_path = state::db_path_from_args(std::env::args())
                .unwrap_or_else(redress_core::storage::default_db_path);
            let state = tauri::async_runtime::block_on(state::AppState::open(db_path));
            app.manage(state);
            tauri::async_runtime::spawn(schedule::daily(app.handle().clone()));
            tauri::async_runtime::spawn(schedule::sync(app.handle().clone()));
            Ok(())
        })
        .register_asynchronous_uri_scheme_protocol("evidence", protocol::handle)
        .invoke_handler(commands::handler())
        .build(tauri::generate_context!("tauri.conf.json"));
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            eprintln!("Redress could not start: {e}");
            std::process::exit(1);
        }
    };
    app.run(|handle, event| {
        if let tauri::RunEvent::Exit = event {
            if let Some(state) = handle.try_state::<state::AppState>() {
                tauri::async_runtime::block_on(state.close());
            }
            if let Some(guard) = handle.try_state::<logging::LogGuard>() {
                guard.flush();
            }
        }
    });
}
