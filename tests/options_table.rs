//! The option table in Rust (`config::SETTINGS`) is the source of every other list of
//! options: the README's configuration table and the TypeScript `JwtSessionOptions` must say
//! the same, in the same order.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use worker_jwt_session::config::{Kind, SETTINGS};

fn file(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

#[test]
fn the_readme_table_is_the_option_table() {
    let readme = file("README.md");
    let rows: Vec<&str> = readme
        .lines()
        .skip_while(|l| !l.starts_with("| binding | default | meaning |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    let want: Vec<String> =
        SETTINGS.iter().map(|s| format!("| `{}` | {} | {} |", s.binding, s.default_text(), s.meaning())).collect();
    assert_eq!(rows, want, "README.md's configuration table must be generated from config::SETTINGS");
}

#[test]
fn the_typescript_options_are_the_option_table() {
    let dts = file("js/worker.d.ts");
    let body: Vec<&str> = dts
        .lines()
        .skip_while(|l| !l.starts_with("export interface JwtSessionOptions"))
        .skip(1)
        .take_while(|l| !l.starts_with('}'))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("/**") && !l.starts_with('*') && !l.starts_with("//"))
        .collect();
    let names: Vec<&str> = body.iter().filter_map(|l| l.split_once("?:").map(|(name, _)| name)).collect();
    let want: Vec<&str> = SETTINGS.iter().map(|s| s.js_name).collect();
    assert_eq!(names, want, "js/worker.d.ts JwtSessionOptions must list config::SETTINGS' js_name, in order");
    for (line, setting) in body.iter().zip(SETTINGS) {
        let ty = line.split_once("?:").map(|(_, t)| t.trim().trim_end_matches(';')).unwrap_or_default();
        let ok = match setting.kind {
            Kind::Secret | Kind::Text => ty == "string",
            Kind::SecretList | Kind::TextList => ty == "string | string[]",
            Kind::Seconds | Kind::Count => ty == "number",
            Kind::Flag => ty == "boolean",
            Kind::Choice(words) | Kind::ChoiceList(words) => words.iter().all(|w| ty.contains(&format!("\"{w}\""))),
        };
        assert!(ok, "{}: type `{ty}` does not fit {:?}", setting.js_name, setting.kind);
    }
}
