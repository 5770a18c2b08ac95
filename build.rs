//! Embeds every `signatures/*.toml` into the binary, so the built-in rule set needs no files at
//! run time. Generates `$OUT_DIR/embedded_signatures.rs`: a sorted list of (file name, the
//! file's rules as JSON).
//!
//! JSON, because parsing 900 rules' TOML took 35 ms of every start, a pre-push hook's included;
//! serde_json reads the same in a tenth of that. A rule file that is not valid TOML fails the
//! build, naming the file.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("signatures");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("signatures/ directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("pub static EMBEDDED_SIGNATURES: &[(&str, &str)] = &[\n");
    let out_dir = env::var("OUT_DIR").unwrap();
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy();
        let text = fs::read_to_string(path).expect("signature file is UTF-8");
        let value: toml::Value = toml::from_str(&text)
            .unwrap_or_else(|e| panic!("signatures/{name} is not valid TOML: {e}"));
        let json = Path::new(&out_dir).join(format!("{name}.json"));
        fs::write(&json, serde_json::to_string(&value).unwrap()).expect("write signature JSON");
        out.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            json.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&out_dir).join("embedded_signatures.rs");
    fs::write(dest, out).expect("write embedded_signatures.rs");
}
