//! `--jq EXPR`: filters what a command prints under `-o json` with a jq
//! expression (jaq: jaq-core, jaq-std, jaq-json), as `gh --jq` does, so a
//! script needs no jq installed. A string result prints raw (as `jq -r`),
//! anything else as compact JSON, one result a line. The expression is
//! compiled before the command runs: a bad one is a usage error and
//! nothing is sent.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::{Val, read};

/// Compiles `code`, or says why it is not a jq expression.
pub fn check(code: &str) -> Result<(), String> {
    compile(code).map(|_| ())
}

type Filter = jaq_core::compile::Filter<jaq_core::Native<data::JustLut<Val>>>;

fn compile(code: &str) -> Result<Filter, String> {
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = loader
        .load(&arena, File { code, path: () })
        .map_err(|e| format!("--jq: cannot parse \"{code}\" ({} error(s))", e.len()))?;
    Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map_err(|e| format!("--jq: cannot compile \"{code}\" ({} error(s))", e.len()))
}

thread_local! {
    /// The expression last compiled on this thread: `--jq` is one expression
    /// for the whole run, and every printed value goes through it.
    static COMPILED: std::cell::RefCell<Option<(String, std::rc::Rc<Filter>)>> =
        const { std::cell::RefCell::new(None) };
}

/// `code` compiled, once per thread and expression.
fn compiled(code: &str) -> Result<std::rc::Rc<Filter>, String> {
    if let Some(f) = COMPILED.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(k, _)| k == code)
            .map(|(_, f)| f.clone())
    }) {
        return Ok(f);
    }
    let f = std::rc::Rc::new(compile(code)?);
    COMPILED.with(|c| *c.borrow_mut() = Some((code.to_string(), f.clone())));
    Ok(f)
}

/// The lines `code` makes of `input`: strings raw, the rest as JSON.
pub fn run(code: &str, input: &serde_json::Value) -> Result<Vec<String>, String> {
    let filter = compiled(code)?;
    let text = input.to_string();
    let val = read::parse_single(text.as_bytes()).map_err(|e| format!("--jq: {e}"))?;
    let ctx = Ctx::<data::JustLut<Val>>::new(&filter.lut, Vars::new([]));
    let mut out = Vec::new();
    for r in filter.id.run((ctx, val)).map(unwrap_valr) {
        let v = r.map_err(|e| format!("--jq \"{code}\": {e}"))?;
        out.push(match &v {
            Val::TStr(b) => String::from_utf8_lossy(b).into_owned(),
            other => other.to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_print_raw_the_rest_as_json() {
        let v = json!({"room_id": "r1", "seats": [{"index": 0}, {"index": 1}], "n": null});
        assert_eq!(run(".room_id", &v).unwrap(), ["r1"]);
        assert_eq!(run(".seats[].index", &v).unwrap(), ["0", "1"]);
        assert_eq!(run("{id: .room_id}", &v).unwrap(), [r#"{"id":"r1"}"#]);
        assert_eq!(run("select(.n != null)", &v).unwrap(), Vec::<String>::new());
        assert_eq!(run(".seats | length", &v).unwrap(), ["2"]);
        assert!(check(".[").is_err());
        assert!(check("nosuchfunction(1)").is_err());
        assert!(run(".room_id | tonumber", &v).is_err());
    }
}
