//! The worked example of `docs/choice-format.md`, run from `docs/examples/choice/`: its
//! commitment, seed, outputs, explanation, statistics and verification must be exactly what
//! the example's `expected/` files and the document say, so the document cannot drift from
//! the engine. Set `SGS_BLESS=1` to rewrite `expected/` after an intended change (then update
//! the document, which this test also reads).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sgs_match::format::read_from;
use sgs_match::verify::{commit, outputs, verify, SeedOrigin};
use sgs_match::{run_with, Inputs, Lang};

/// The public value of the example, as the document announces it.
const PUBLIC_VALUE: &str = "public draw 2027-03-01: 04 17 23 38 45";

fn example_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/choice")
}

fn load(dir: &Path) -> Inputs {
    read_from(|name| match std::fs::read(dir.join(name)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    })
    .unwrap()
}

fn doc() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/choice-format.md"),
    )
    .unwrap()
}

/// Compares `text` with `expected/<name>`, or writes it when blessing.
fn expect_file(name: &str, text: &str) {
    let path = example_dir().join("expected").join(name);
    if std::env::var_os("SGS_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(
        text, want,
        "{name} differs from docs/examples/choice/expected"
    );
}

#[test]
fn the_documented_example_gives_the_documented_results() {
    let inputs = load(&example_dir());
    let (market, policy) = (&inputs.market, &inputs.policy);
    let (commitment, published) = commit(market, policy, &inputs.changes);
    let origin = SeedOrigin {
        input_digest: commitment.input_digest.clone(),
        public_value: PUBLIC_VALUE.to_string(),
    };
    let seed = origin.seed();
    let run = run_with(market, policy, seed, &inputs.changes).unwrap();
    let out = outputs(&run, Some(&origin));

    // The published inputs are de-identified: no planning area, student group or family id.
    for (name, text) in &published {
        for private in [
            "riverside",
            "hillside",
            "downtown",
            "econ_disadv",
            "ell",
            "fam-7",
        ] {
            assert!(!text.contains(private), "{name} publishes {private:?}");
        }
        expect_file(&format!("published/{name}"), text);
    }
    for (name, text) in &out.files {
        expect_file(name, text);
    }
    expect_file("run.json", &out.record_json());
    let mut explanation = String::new();
    for lang in [Lang::En, Lang::Es] {
        let s = market.find_student("A06").unwrap();
        for line in run.explanation_text(&run.explain(s), lang) {
            explanation.push_str(&line);
            explanation.push('\n');
        }
    }
    expect_file("explain-A06.txt", &explanation);
    let summary = sgs_match::stats::summarize(&run, &inputs.attributes);
    expect_file(
        "stats.json",
        &(serde_json::to_string_pretty(&summary).unwrap() + "\n"),
    );

    // The document quotes the digest, the seed, the offers and a lottery number.
    let doc = doc();
    assert!(
        doc.contains(&commitment.input_digest),
        "the doc's digest is stale"
    );
    assert!(doc.contains(&seed.to_string()), "the doc's seed is stale");
    assert!(doc.contains(PUBLIC_VALUE));
    let assignments = &out.files[0].1;
    assert!(
        doc.contains(assignments.as_str()),
        "the doc's assignments are stale"
    );
    let a01 = run
        .lottery_number(market.find_student("A01").unwrap())
        .unwrap();
    assert!(
        doc.contains(&a01.to_string()),
        "the doc's lottery number is stale"
    );
    assert!(doc.contains(&explanation), "the doc's explanation is stale");
    assert!(out.record.checks.passed());
    assert!(run.outcome.converged);

    // Anyone can verify from the published files alone.
    let republished = load(&example_dir().join("expected/published"));
    let files: BTreeMap<String, Vec<u8>> = out
        .files
        .iter()
        .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
        .collect();
    let verification = verify(
        &republished.market,
        &republished.policy,
        &republished.changes,
        &out.record,
        &files,
        Some(PUBLIC_VALUE),
    )
    .unwrap();
    assert!(verification.passed(), "{verification:?}");
    assert_eq!(
        verification.offers_confirmed as usize,
        market.student_count()
    );
}
