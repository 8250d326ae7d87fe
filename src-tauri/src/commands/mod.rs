//! One module per domain; each command is a one-line adapter over a core operation. The list
//! of operations, their names and types is `redress_core::ops`; this list must match it (a test
//! compares them).

pub mod app;
pub mod cases;
pub mod demo;
pub mod system;

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app::app_set_language,
        cases::cases_list,
        cases::cases_get,
        demo::demo_generate,
        system::system_info,
    ]
}

/// The operation commands above, by name, for the test against the core's catalogue.
#[cfg(test)]
pub const OPERATION_COMMANDS: &[&str] =
    &["cases_list", "cases_get", "demo_generate", "system_info"];

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
