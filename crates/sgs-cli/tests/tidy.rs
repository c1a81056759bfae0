//! Repository hygiene that a reviewer would otherwise have to remember: every Rust file opens
//! with a `//!` paragraph saying what it is for, and every doc the README names exists.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn every_rust_file_opens_with_a_module_doc() {
    let mut files = Vec::new();
    rust_files(&workspace().join("crates"), &mut files);
    assert!(files.len() > 20, "found only {} files", files.len());
    let missing: Vec<String> = files
        .iter()
        .filter(|f| {
            !std::fs::read_to_string(f)
                .unwrap()
                .trim_start()
                .starts_with("//!")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "files without a //! module doc: {missing:#?}"
    );
}

#[test]
fn the_docs_the_readme_names_exist() {
    let readme = std::fs::read_to_string(workspace().join("README.md")).unwrap();
    let named: Vec<&str> = readme
        .split('`')
        .filter(|s| s.starts_with("docs/") && s.ends_with(".md"))
        .collect();
    assert!(named.len() >= 4, "{named:?}");
    for doc in named {
        assert!(
            workspace().join(doc).exists(),
            "README names {doc}, which does not exist"
        );
    }
}
