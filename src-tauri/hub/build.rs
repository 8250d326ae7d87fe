// The embedded migrations change when a file is added to the folder.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
