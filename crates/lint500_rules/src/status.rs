//! HTTP statuses as handlers write them: `res.status(404)`, `res.sendStatus(401)`, `return {
//! statusCode: 400 }`, `raise HTTPException(status_code=422)`,
//! `status.HTTP_503_SERVICE_UNAVAILABLE`.

use lint500_engine::FileModel;
use tree_sitter::Node;

use crate::catch::{is_function, last_name};

/// How many nodes a look for the status a block answers with reads.
const MAX_NODES: usize = 256;

/// The status an expression names: an integer literal from 100 to 599, or a constant whose name
/// carries it (`HTTP_401_UNAUTHORIZED`, `status.HTTP_422_UNPROCESSABLE_ENTITY`).
pub(crate) fn status_code(node: Node<'_>, file: &FileModel<'_>) -> Option<u16> {
    let code = match node.kind() {
        "number" | "integer" => file.text(node).parse().ok()?,
        "identifier" | "member_expression" | "attribute" => {
            let digits = last_name(node, file).strip_prefix("HTTP_")?.get(..3)?;
            digits.parse().ok()?
        }
        _ => return None,
    };
    (100..600).contains(&code).then_some(code)
}

/// The statuses a block answers the request with (nested functions aside): `res.status(n)`,
/// `res.sendStatus(n)`, `next({ status: n })`, a returned `{ statusCode: n }`, a raised or returned
/// `HTTPException(status_code=n)` / `JSONResponse(..., status_code=n)`. Empty when the block is
/// too big to read.
pub(crate) fn answered_statuses(block: Node<'_>, file: &FileModel<'_>) -> Vec<u16> {
    let mut statuses = Vec::new();
    let mut stack = vec![block];
    let mut visited = 0;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > MAX_NODES {
            return Vec::new();
        }
        let status = match node.kind() {
            "call_expression" => js_call_status(node, file),
            "call" => python_call_status(node, file),
            "pair" => node
                .child_by_field_name("key")
                .filter(|key| file.text(*key) == "statusCode")
                .and_then(|_| node.child_by_field_name("value"))
                .and_then(|value| status_code(value, file)),
            _ if is_function(node) => continue,
            _ => None,
        };
        statuses.extend(status);
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    statuses
}

/// `res.status(404)`, `res.sendStatus(401)`, `res.writeHead(400)`, and the error handed to
/// Express with its status: `next({ status: 404, message: '…' })`.
fn js_call_status(call: Node<'_>, file: &FileModel<'_>) -> Option<u16> {
    let function = call.child_by_field_name("function")?;
    if function.kind() == "identifier" && file.text(function) == "next" {
        let error = call.child_by_field_name("arguments")?.named_child(0)?;
        if error.kind() != "object" {
            return None;
        }
        let mut cursor = error.walk();
        return error
            .named_children(&mut cursor)
            .filter(|pair| pair.kind() == "pair")
            .filter(|pair| {
                pair.child_by_field_name("key")
                    .is_some_and(|key| matches!(file.text(key), "status" | "statusCode"))
            })
            .find_map(|pair| status_code(pair.child_by_field_name("value")?, file));
    }
    if function.kind() != "member_expression"
        || !matches!(
            last_name(function, file),
            "status" | "sendStatus" | "writeHead"
        )
    {
        return None;
    }
    status_code(call.child_by_field_name("arguments")?.named_child(0)?, file)
}

/// `HTTPException(status_code=401)`, `HTTPException(404, "…")`, `JSONResponse(…,
/// status_code=500)`.
fn python_call_status(call: Node<'_>, file: &FileModel<'_>) -> Option<u16> {
    let arguments = call.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let keyword = arguments
        .named_children(&mut cursor)
        .filter(|argument| argument.kind() == "keyword_argument")
        .find(|argument| {
            argument
                .child_by_field_name("name")
                .is_some_and(|name| matches!(file.text(name), "status_code" | "status"))
        })
        .and_then(|argument| argument.child_by_field_name("value"));
    if let Some(value) = keyword {
        return status_code(value, file);
    }
    let function = call.child_by_field_name("function")?;
    if !last_name(function, file).ends_with("Exception") {
        return None;
    }
    status_code(arguments.named_child(0)?, file)
}
