//! The committed TypeScript bindings must be what the Rust types generate today.

#[test]
fn committed_typescript_bindings_are_current() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = root.join(redress_core::bindings::BINDINGS_PATH);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = redress_core::bindings::typescript();
    assert!(
        committed == generated,
        "{} is stale: run `cargo run -p redress-cli -- bindings` and commit the result",
        path.display()
    );
}
