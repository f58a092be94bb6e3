//! The README's "Use it in your Worker" project is `examples/router`: the same `src/lib.rs`,
//! `Cargo.toml` (but for the dependency's source) and `wrangler.toml`, so the README cannot
//! describe a project that does not build. (Its Rust blocks are also doc tests.)

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

fn file(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// Every fenced block of the README with this info string; Rust blocks without rustdoc's
/// hidden `# ` lines.
fn blocks(info: &str) -> Vec<String> {
    let readme = file("README.md");
    let mut out = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in readme.lines() {
        match (&mut current, line) {
            (None, l) if l == format!("```{info}") => current = Some(Vec::new()),
            (Some(lines), "```") => {
                out.push(lines.join("\n") + "\n");
                current = None;
            }
            (Some(lines), l) if !(info.starts_with("rust") && l.starts_with("# ")) => lines.push(l),
            _ => {}
        }
    }
    out
}

#[test]
fn the_readme_router_example_is_examples_router() {
    let lib = file("examples/router/src/lib.rs");
    assert!(blocks("rust,no_run").contains(&lib), "README.md must show examples/router/src/lib.rs as it is");
}

#[test]
fn the_readme_project_files_are_examples_router() {
    let toml = blocks("toml");
    let cargo = file("examples/router/Cargo.toml").replace(
        r#"worker-jwt-session = { path = "../..", features = ["worker"] }"#,
        r#"worker-jwt-session = { version = "0.1", features = ["worker"] } # or ["axum"], with axum = "0.8""#,
    );
    assert!(toml.contains(&cargo), "README.md's Cargo.toml must be examples/router/Cargo.toml");
    assert!(
        toml.contains(&file("examples/router/wrangler.toml")),
        "README.md's wrangler.toml must be examples/router's"
    );
}
