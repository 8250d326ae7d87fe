//! Every operation a person can perform, by name. Each is one async function
//! `(db, actor, request) -> Result<response, CoreError>`; the Tauri commands, `redress-cli
//! call` and (later) the hub call these and nothing else. The list below is the single source
//! for dispatch by name and for the generated TypeScript bindings.

pub mod cases;
pub mod demo;
pub mod system;

use serde::de::DeserializeOwned;

use crate::actor::Actor;
use crate::error::{CoreError, CoreResult};
use crate::storage::Db;

macro_rules! operations {
    ($($name:literal => $command:ident = $func:path : $req:ty => $res:ty;)+) => {
        /// Runs the operation `name` on a JSON request, giving the JSON response.
        pub async fn dispatch(
            db: &Db,
            actor: &Actor,
            name: &str,
            request: &str,
        ) -> CoreResult<serde_json::Value> {
            match name {
                $($name => {
                    let req: $req = parse_request(name, request)?;
                    let res: $res = $func(db, actor, req).await?;
                    serde_json::to_value(res).map_err(|e| CoreError::Internal(e.to_string()))
                })+
                _ => Err(CoreError::UnknownOperation(name.to_owned())),
            }
        }

        /// Every operation: its name, the Tauri command that serves it, and its types.
        pub fn catalogue() -> Vec<crate::bindings::OperationSignature> {
            vec![$(crate::bindings::OperationSignature::of::<$req, $res>($name, stringify!($command)),)+]
        }
    };
}

operations! {
    "cases.list" => cases_list = cases::list : cases::CasesListRequest => cases::CasesListResponse;
    "cases.get" => cases_get = cases::get : cases::CaseGetRequest => cases::CaseDetail;
    "demo.generate" => demo_generate = demo::generate : demo::DemoRequest => demo::DemoResponse;
    "system.info" => system_info = system::info : system::SystemInfoRequest => system::SystemInfo;
}

/// Reads a request, turning serde's complaint into a typed error that names the field.
fn parse_request<T: DeserializeOwned>(operation: &str, json: &str) -> CoreResult<T> {
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        CoreError::MalformedRequest {
            operation: operation.to_owned(),
            detail: e.into_inner().to_string(),
            field: (path != ".").then_some(path),
        }
    })
}
