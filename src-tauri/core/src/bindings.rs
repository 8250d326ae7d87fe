//! TypeScript bindings for the UI, generated from the Rust types of every operation
//! (`ops::catalogue`). The file is committed; a test fails when it is stale.

use std::any::TypeId;
use std::collections::BTreeMap;

use ts_rs::{Config, TypeVisitor, TS};

/// Where the generated file lives, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/api/bindings.ts";

pub struct OperationSignature {
    pub name: &'static str,
    pub command: &'static str,
    pub request: String,
    pub response: String,
    declarations: Vec<(String, String)>,
}

struct Collect<'a> {
    cfg: &'a Config,
    seen: Vec<TypeId>,
    out: Vec<(String, String)>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if self.seen.contains(&TypeId::of::<T>()) {
            return;
        }
        self.seen.push(TypeId::of::<T>());
        // Named types are declared; wrappers (Vec, Option) only lead to what they hold.
        if T::output_path().is_some() {
            self.out.push((T::name(self.cfg), T::decl(self.cfg)));
        }
        T::visit_dependencies(self);
        // A wrapper's own parameter (the `T` of `Vec<T>`) is a generic, not a dependency.
        T::visit_generics(self);
    }
}

fn config() -> Config {
    Config::new().with_large_int("number")
}

impl OperationSignature {
    pub fn of<Req: TS + 'static, Res: TS + 'static>(
        name: &'static str,
        command: &'static str,
    ) -> Self {
        let cfg = config();
        let mut collect = Collect { cfg: &cfg, seen: Vec::new(), out: Vec::new() };
        collect.visit::<Req>();
        collect.visit::<Res>();
        OperationSignature {
            name,
            command,
            request: Req::name(&cfg),
            response: Res::name(&cfg),
            declarations: collect.out,
        }
    }
}

/// The whole bindings file.
pub fn typescript() -> String {
    let ops = crate::ops::catalogue();
    let cfg = config();
    let mut decls: BTreeMap<String, String> = BTreeMap::new();
    for op in &ops {
        for (name, decl) in &op.declarations {
            // Two Rust types of one name would leave only one of them in the file.
            if let Some(other) = decls.insert(name.clone(), decl.clone()) {
                assert!(other == *decl, "two types are named {name} in the bindings: rename one");
            }
        }
    }
    // Types the shell's own commands use (errors, language, the signed-in session).
    let mut shell = Collect { cfg: &cfg, seen: Vec::new(), out: Vec::new() };
    shell.visit::<crate::error::ApiError>();
    shell.visit::<crate::i18n::Lang>();
    shell.visit::<crate::ops::auth::AuthStatus>();
    shell.visit::<crate::ops::auth::SetupRequest>();
    shell.visit::<crate::ops::auth::SignInRequest>();
    shell.visit::<crate::ops::auth::UnlockRequest>();
    shell.visit::<crate::ops::backup::BackupRestoreRequest>();
    shell.visit::<crate::backup::Restored>();
    decls.extend(shell.out);

    let mut out = String::from(
        "// Generated from the Rust types by `redress-cli bindings`. Do not edit by hand:\n\
         // change the Rust types and regenerate (a test fails while this file is stale).\n\n",
    );
    for decl in decls.values() {
        out.push_str("export ");
        out.push_str(decl.trim_end());
        out.push_str("\n\n");
    }
    out.push_str(
        "/** Every operation: its request and response types. */\nexport type Operations = {\n",
    );
    for op in &ops {
        out.push_str(&format!(
            "  \"{}\": {{ request: {}; response: {} }};\n",
            op.name, op.request, op.response
        ));
    }
    out.push_str(
        "};\n\n/** The Tauri command that serves each operation. */\nexport const COMMANDS = {\n",
    );
    for op in &ops {
        out.push_str(&format!("  \"{}\": \"{}\",\n", op.name, op.command));
    }
    out.push_str("} as const satisfies Record<keyof Operations, string>;\n");
    out
}
