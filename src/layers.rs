//! The one-way rule of ARCHITECTURE.md, checked: every top-level module sits on a layer, and
//! a module may import only from its own layer or those below it. A new module must be given
//! a layer here, so the question "may this import that?" is asked when it is added.

use std::collections::BTreeSet;
use std::path::Path;

/// Bottom first. Modules on one line are one layer and may import each other.
const LAYERS: &[&[&str]] = &[
    // Small helpers with no knowledge of secrets.
    &[
        "escape",
        "untrusted",
        "utc",
        "private_file",
        "exit",
        "http_url",
        "word_enum",
        "plural",
    ],
    // The signature vocabulary: rules, severities, checksum names, validation requests.
    &["rules"],
    // The types every later stage shares.
    &["model", "redact"],
    &["config"],
    // Bytes to matches to located hits, through decoding layers.
    &["matcher"],
    &["finding"],
    &["decode"],
    // Where bytes come from.
    &["source"],
    // What a finding may be dropped for, and who owns a path.
    &["baseline", "owners", "filter"],
    &["validate"],
    // The stages wired together per source.
    &["scan"],
    &["report"],
    &["store"],
    // Front ends' shared plumbing, and the front ends themselves.
    &["request", "app"],
    &["action", "hook", "sweep"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// `crate::X` paths in the code of `text` (comments are not code).
fn imported_modules(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The library's top-level module a source file belongs to; `None` for the crate root, this
/// file, and the binary's own modules (`main.rs`, `cli/`), which may import anything.
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (!matches!(name, "lib" | "main" | "cli" | "layers")).then(|| name.to_string())
}

#[test]
fn no_module_imports_a_later_stage() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let Some(module) = module_of(relative) else {
            continue;
        };
        let Some(own) = layer_of(&module) else {
            violations.push(format!("{module} has no layer in src/layers.rs"));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for imported in imported_modules(&text) {
            match layer_of(&imported) {
                Some(layer) if layer <= own => {}
                Some(_) => violations.push(format!(
                    "{}: {module} imports {imported}, a later stage",
                    relative.display()
                )),
                None => violations.push(format!(
                    "{}: {module} imports {imported}, which has no layer",
                    relative.display()
                )),
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_check_sees_an_upward_import() {
    let upward = "use crate::report::text;\n// use crate::sweep::run; (a comment)\n";
    assert_eq!(
        imported_modules(upward),
        BTreeSet::from(["report".to_string()])
    );
    assert!(layer_of("finding") < layer_of("report"));
}
