//! `livectl get`, `update`, `destroy` (one room) and `list` against an
//! httpmock server: request path and exact body, text and JSON output, the
//! answer's type drift, 100004 handling, and list paging and failures.
//! One test crate; the commands' tests live in `tests/lifecycle/`.

mod common;

#[path = "lifecycle/destroy.rs"]
mod destroy;
#[path = "lifecycle/get.rs"]
mod get;
#[path = "lifecycle/list.rs"]
mod list;
#[path = "lifecycle/update.rs"]
mod update;

use common::json_lines;
use httpmock::HttpMockResponse;
use serde_json::{Value, json};

pub fn ok_with(response: Value) -> Value {
    json!({"ActionStatus": "OK", "ErrorInfo": "", "ErrorCode": 0, "RequestId": "Id-ok-1", "Response": response})
}

pub fn room_reply(info: Value) -> Value {
    ok_with(json!({"RoomInfo": info}))
}

pub fn list_reply(ids: &[&str], next: &str) -> Value {
    let rooms: Vec<Value> = ids
        .iter()
        .map(|id| json!({"RoomId": id, "RoomName": format!("name {id}"), "Owner_Account": "host", "ViewCount": 5, "CreateTime": 1_700_000_000}))
        .collect();
    ok_with(json!({"RoomList": rooms, "Next": next}))
}

pub fn json_response(v: &Value) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(200)
        .header("content-type", "application/json")
        .body(v.to_string())
        .build()
}

pub fn lines(out: &std::process::Output) -> Vec<Value> {
    json_lines(out)
}
