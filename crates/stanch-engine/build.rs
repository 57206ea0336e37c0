//! Embeds every `rules/*.toml` file in the binary: writes a table of
//! `(file name, TOML text, the same as JSON)` that `pack.rs` includes. New rule
//! files need no code change.
//!
//! The JSON form is what a process reads at start: parsing the pack's ~600 KB
//! of TOML took ~6 ms of a ~20 ms start, JSON ~1 ms. A unit test in `pack.rs`
//! checks that both forms give the same rules.
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let out_dir = env::var("OUT_DIR").unwrap();
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("rules/ directory")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut src = String::from(
        "/// Built-in rule files: (file name, contents, contents as JSON).\n\
         pub static BUILTIN_FILES: &[(&str, &str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().unwrap().to_string_lossy();
        let text = fs::read_to_string(f).unwrap();
        // A file that is not TOML is left for the run-time parser to report
        // (with its file name), as it always was: its JSON form is empty.
        let json = toml::from_str::<toml::Value>(&text)
            .ok()
            .map(|v| serde_json::to_string(&v).expect("TOML values are JSON values"))
            .unwrap_or_default();
        let json_path = Path::new(&out_dir).join(format!("{name}.json"));
        fs::write(&json_path, json).unwrap();
        src.push_str(&format!(
            "    ({:?}, include_str!({:?}), include_str!({:?})),\n",
            name,
            f.display().to_string(),
            json_path.display().to_string()
        ));
    }
    src.push_str("];\n");
    let out = Path::new(&out_dir).join("builtin_rules.rs");
    fs::write(out, src).unwrap();
}
