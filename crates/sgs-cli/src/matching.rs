//! `sgs match`: the school-choice match on files in the open choice-data format
//! (`docs/choice-format.md`). Every command reads and writes files only; none opens the
//! database.
//!
//! Exit codes: 0 when the command did what it was asked, 1 when `verify` found a difference,
//! 2 when the command could not run (a refused input file, a missing directory, a bad seed).
//! Errors are printed as one plain message, with the file, line and reason of a refused row.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context};
use clap::{Subcommand, ValueEnum};
use sgs_match::format::LoadError;
use sgs_match::verify::{self, RunRecord, SeedOrigin};
use sgs_match::{Inputs, Lang, Seed};

/// The text combined with the input digest when `chance` is given no seed.
const CHANCE_VALUE: &str = "chance of offer";
/// The text combined with the input digest when `compare` is given no seed.
const COMPARE_VALUE: &str = "policy comparison";

#[derive(Subcommand)]
pub enum MatchCommand {
    /// Run the match: read the choice files in --input, write assignments.csv, cutoffs.csv,
    /// waitlists.csv, lottery.csv and run.json into --output.
    ///
    /// The seed is derived from the digest of the canonical inputs (what `sgs match commit`
    /// published) and the public value announced after it: SHA-256 of "<digest>\n<public
    /// value>". Give --public-value for that, or --seed to use a seed as is; without either the
    /// seed in policy.json is used, and without that the command refuses to run.
    #[command(after_long_help = RUN_EXAMPLE)]
    Run {
        /// Directory with programs.csv, students.csv, preferences.csv and the optional
        /// reserves.csv, eligibility.csv, policy.json and changes.csv.
        #[arg(long, value_name = "DIR")]
        input: PathBuf,
        /// Directory to write the outputs into (created when missing).
        #[arg(long, value_name = "DIR")]
        output: PathBuf,
        /// The seed as 64 hex characters, used as given.
        #[arg(long, value_name = "HEX", conflicts_with = "public_value")]
        seed: Option<String>,
        /// The public value announced after the commitment (a public draw, a beacon value);
        /// the seed is derived from it and the input digest.
        #[arg(long, value_name = "TEXT")]
        public_value: Option<String>,
        /// For a later round: the first round's digest, which the public value is combined
        /// with so that every lottery number stays what families were told (default: the
        /// digest of these inputs).
        #[arg(long, value_name = "HEX", requires = "public_value")]
        seed_digest: Option<String>,
    },
    /// Commit to the inputs before the seed exists: print the SHA-256 digest of the canonical,
    /// de-identified inputs and policy, and write the files to publish with it.
    ///
    /// The canonical files hold what the match needs and nothing else: planning areas and
    /// student groups are left out, and family ids become opaque family keys.
    #[command(after_long_help = COMMIT_EXAMPLE)]
    Commit {
        /// Directory with the choice files.
        #[arg(long, value_name = "DIR")]
        input: PathBuf,
        /// Also write the commitment (engine, digest, counts, how the seed will be fixed) as
        /// JSON to this file.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Write the canonical, de-identified input files to publish into this directory.
        #[arg(long, value_name = "DIR")]
        publish: Option<PathBuf>,
    },
    /// Verify a published match: re-derive the digest and the seed, re-run the match and
    /// confirm every offer and every output file. Exits with 1 and names the first difference
    /// when something does not match.
    #[command(after_long_help = VERIFY_EXAMPLE)]
    Verify {
        /// Directory with the inputs: the published canonical files or the district's own.
        #[arg(long, value_name = "DIR")]
        input: PathBuf,
        /// Directory with the published outputs and run.json.
        #[arg(long, value_name = "DIR")]
        output: PathBuf,
        /// The public value as announced; the seed is re-derived from it (default: the value
        /// recorded in run.json).
        #[arg(long, value_name = "TEXT")]
        public_value: Option<String>,
    },
    /// Explain one student's result in plain words: for every program ranked above the
    /// offer, why it was not offered.
    #[command(after_long_help = EXPLAIN_EXAMPLE)]
    Explain {
        /// Directory with the inputs of the run.
        #[arg(long, value_name = "DIR")]
        input: PathBuf,
        /// Directory with the run's outputs (run.json gives the seed).
        #[arg(long, value_name = "DIR")]
        output: PathBuf,
        /// The student's id (student_id in students.csv).
        #[arg(long, value_name = "ID")]
        student: String,
        /// Language: en (English) or es (Spanish).
        #[arg(long, default_value = "en")]
        lang: ExplainLang,
    },
    /// Summary statistics of a run: shares offered their first, a top-three or any choice and
    /// unassigned, overall, by priority group at the first choice, by student group, planning
    /// area and grade (when students.csv gives them), and demand per seat by program.
    #[command(after_long_help = STATS_EXAMPLE)]
    Stats {
        /// Directory with the inputs of the run (with the private columns planning_area and
        /// student_groups for statistics by area and group).
        #[arg(long, value_name = "DIR")]
        input: PathBuf,
        /// Directory with the run's outputs (run.json gives the seed).
        #[arg(long, value_name = "DIR")]
        output: PathBuf,
        /// csv (one row per breakdown, group and measure) or json.
        #[arg(long, default_value = "csv")]
        format: Format,
    },
    /// Chance of an offer: redraw the lottery many times over the same applications and
    /// report, per program and priority group, the chance that an applicant who ranks the
    /// program first is offered it, with the 5th to 95th percentile across redraws.
    ///
    /// With --choice, estimate one new applicant's whole list instead: the chance of an offer
    /// from each choice, from any, and of none (see
    /// docs/choice-format.md).
    ///
    /// Redraw i uses the seed SHA-256 of "<seed>\nredraw\n<i>". The base seed is --seed, or
    /// derived from the input digest and --public-value, or the seed in policy.json, or else
    /// derived from the input digest and the text "chance of offer".
    #[command(after_long_help = CHANCE_EXAMPLE)]
    Chance {
        /// Directory with the choice files.
        #[arg(long, value_name = "DIR")]
        input: PathBuf,
        /// How many times to redraw the lottery.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
        redraws: u32,
        /// Threads to run redraws on.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=64))]
        threads: u32,
        /// The base seed as 64 hex characters.
        #[arg(long, value_name = "HEX", conflicts_with = "public_value")]
        seed: Option<String>,
        /// A public value to derive the base seed from, with the input digest.
        #[arg(long, value_name = "TEXT")]
        public_value: Option<String>,
        /// A choice of the list to estimate, as PROGRAM=GROUP (the program id and the
        /// applicant's priority group there), first choice first; repeat for each choice.
        #[arg(long = "choice", value_name = "PROGRAM=GROUP")]
        choices: Vec<String>,
        /// csv (one row per program and priority group, or per choice) or json (with the
        /// overall shares).
        #[arg(long, default_value = "csv")]
        format: Format,
    },
    /// Compare two policies on the same applications: who gains and who loses a seat,
    /// overall, by priority group, by student group and by planning area.
    ///
    /// Both policies run with the same seed, so only the policy differs: --seed, or derived
    /// from the input digest (under policy A) and --public-value, or policy A's seed, or else
    /// derived from that digest and the text "policy comparison".
    #[command(after_long_help = COMPARE_EXAMPLE)]
    Compare {
        /// Directory with the choice files (its policy.json, if any, is not used).
        #[arg(long, value_name = "DIR")]
        input: PathBuf,
        /// The current policy (policy.json format).
        #[arg(long, value_name = "FILE")]
        policy_a: PathBuf,
        /// The proposed policy (policy.json format).
        #[arg(long, value_name = "FILE")]
        policy_b: PathBuf,
        /// The seed as 64 hex characters.
        #[arg(long, value_name = "HEX", conflicts_with = "public_value")]
        seed: Option<String>,
        /// A public value to derive the seed from, with the input digest under policy A.
        #[arg(long, value_name = "TEXT")]
        public_value: Option<String>,
        /// csv (one row per breakdown and group) or json (with per-program offers and every
        /// student whose result changed).
        #[arg(long, default_value = "csv")]
        format: Format,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExplainLang {
    En,
    Es,
}

const RUN_EXAMPLE: &str = "Example (the worked example in docs/examples/choice):
  sgs match run --input docs/examples/choice --output out \\
    --public-value 'public draw 2027-03-01: 04 17 23 38 45'

Format of every file: docs/choice-format.md";

const COMMIT_EXAMPLE: &str = "Example:
  sgs match commit --input docs/examples/choice --publish published --out commitment.json
Publish the digest and the files in published/ when applications close; announce the public
value later; then run with --public-value.";

const VERIFY_EXAMPLE: &str = "Example:
  sgs match verify --input published --output out \\
    --public-value 'public draw 2027-03-01: 04 17 23 38 45'";

const EXPLAIN_EXAMPLE: &str = "Example:
  sgs match explain --input docs/examples/choice --output out --student A06 --lang es";

const STATS_EXAMPLE: &str = "Example:
  sgs match stats --input docs/examples/choice --output out --format json";

const CHANCE_EXAMPLE: &str = "Examples:
  sgs match chance --input docs/examples/choice --redraws 1000 --threads 2
  sgs match chance --input docs/examples/choice --redraws 1000 --choice south-k=3 --choice north-k=2";

const COMPARE_EXAMPLE: &str = "Example:
  sgs match compare --input docs/examples/choice --policy-a current.json --policy-b proposed.json";

/// Runs a match command and returns the process exit code; errors are printed here, as one
/// plain message (no backtrace), so that a refused file reads as its file, line and reason.
pub fn main(command: &MatchCommand) -> i32 {
    let code = match dispatch(command) {
        Ok(code) => code,
        Err(e) => {
            let _ = std::io::stdout().flush();
            eprintln!("error: {e:#}");
            2
        }
    };
    let _ = std::io::stdout().flush();
    code
}

fn dispatch(command: &MatchCommand) -> anyhow::Result<i32> {
    match command {
        MatchCommand::Run {
            input,
            output,
            seed,
            public_value,
            seed_digest,
        } => run(
            input,
            output,
            seed.as_deref(),
            public_value.as_deref(),
            seed_digest.as_deref(),
        ),
        MatchCommand::Commit {
            input,
            out,
            publish,
        } => commit(input, out.as_deref(), publish.as_deref()),
        MatchCommand::Verify {
            input,
            output,
            public_value,
        } => verify_run(input, output, public_value.as_deref()),
        MatchCommand::Explain {
            input,
            output,
            student,
            lang,
        } => explain(input, output, student, *lang),
        MatchCommand::Stats {
            input,
            output,
            format,
        } => stats(input, output, *format),
        MatchCommand::Chance {
            input,
            redraws,
            threads,
            seed,
            public_value,
            choices,
            format,
        } => chance(
            input,
            *redraws,
            *threads,
            seed.as_deref(),
            public_value.as_deref(),
            choices,
            *format,
        ),
        MatchCommand::Compare {
            input,
            policy_a,
            policy_b,
            seed,
            public_value,
            format,
        } => compare(
            input,
            policy_a,
            policy_b,
            seed.as_deref(),
            public_value.as_deref(),
            *format,
        ),
    }
}

/// Reads the choice files of `dir`; `policy`, when given, replaces `dir/policy.json`. A
/// refused file is named by its path.
fn load(dir: &Path, policy: Option<&Path>) -> anyhow::Result<Inputs> {
    if !dir.is_dir() {
        bail!(
            "{}: not a directory (--input names the directory that holds programs.csv, \
             students.csv and preferences.csv)",
            dir.display()
        );
    }
    let policy_bytes = match policy {
        Some(path) => {
            Some(std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?)
        }
        None => None,
    };
    let path_of = |name: &str| -> String {
        match policy {
            Some(p) if name == "policy.json" => p.display().to_string(),
            _ => dir.join(name).display().to_string(),
        }
    };
    let mut policy_bytes = policy_bytes;
    sgs_match::read_from(|name| {
        if name == "policy.json" && policy.is_some() {
            return Ok(policy_bytes.take());
        }
        match std::fs::read(dir.join(name)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    })
    .map_err(|e| match e {
        LoadError::Format(mut refused) => {
            refused.file = path_of(&refused.file);
            anyhow!(refused)
        }
        LoadError::Missing(name) => anyhow!("{}: the file is required", path_of(&name)),
        LoadError::Io { file, source } => anyhow!("{}: {source}", path_of(&file)),
    })
}

fn parse_seed(hex: &str) -> anyhow::Result<Seed> {
    hex.parse::<Seed>().map_err(|e| anyhow!("--seed: {e}"))
}

/// Reads `run.json` from an output directory.
fn load_record(output: &Path) -> anyhow::Result<RunRecord> {
    let path = output.join("run.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            anyhow!(
                "{}: not found (--output names the directory `sgs match run` wrote)",
                path.display()
            )
        } else {
            anyhow!("{}: {e}", path.display())
        }
    })?;
    serde_json::from_str(&text).map_err(|e| {
        anyhow!(
            "{}:{}: not a run record as `sgs match run` writes it: {e}",
            path.display(),
            e.line()
        )
    })
}

/// Re-runs the match a record describes on `inputs`, after checking that the inputs are the
/// ones the record's digest covers.
fn rerun<'m>(
    inputs: &'m Inputs,
    record: &RunRecord,
    input: &Path,
    output: &Path,
) -> anyhow::Result<sgs_match::Run<'m>> {
    let digest = verify::input_digest(&inputs.market, &inputs.policy, &inputs.changes);
    if digest != record.input_digest {
        bail!(
            "the inputs in {} have digest {digest}, but {} records {}: these outputs were not \
             produced from these inputs",
            input.display(),
            output.join("run.json").display(),
            record.input_digest
        );
    }
    Ok(sgs_match::run_with(
        &inputs.market,
        &inputs.policy,
        record.seed,
        &inputs.changes,
    )?)
}

fn run(
    input: &Path,
    output: &Path,
    seed: Option<&str>,
    public_value: Option<&str>,
    seed_digest: Option<&str>,
) -> anyhow::Result<i32> {
    let stages = Stages::new();
    let inputs = load(input, None)?;
    stages.mark("read");
    let (market, policy, changes) = (&inputs.market, &inputs.policy, &inputs.changes);
    let digest = verify::input_digest(market, policy, changes);
    stages.mark("digest");
    let (seed, origin) = match (seed, public_value) {
        (Some(hex), _) => (parse_seed(hex)?, None),
        (None, Some(value)) => {
            let seed_digest = match seed_digest {
                Some(d) => {
                    let d = d.trim().to_ascii_lowercase();
                    if d.len() != 64 || !d.bytes().all(|b| b.is_ascii_hexdigit()) {
                        bail!("--seed-digest {d:?}: expected 64 hex characters");
                    }
                    d
                }
                None => digest.clone(),
            };
            let origin = SeedOrigin {
                input_digest: seed_digest,
                public_value: value.trim().to_string(),
            };
            (origin.seed(), Some(origin))
        }
        (None, None) => match policy.seed {
            Some(seed) => (seed, None),
            None => bail!(
                "no seed: give --public-value TEXT, the value announced after `sgs match \
                 commit` (the seed is then SHA-256 of the input digest {digest} and that \
                 value), or --seed HEX to use a seed as given"
            ),
        },
    };
    let run = sgs_match::run_with(market, policy, seed, changes)?;
    stages.mark("match");
    std::fs::create_dir_all(output)
        .with_context(|| format!("{}: cannot create the directory", output.display()))?;
    // Each file is written as soon as it is made, while the others are still being made.
    let out = verify::write_outputs(&run, origin.as_ref(), digest, &|name, bytes| {
        std::fs::write(output.join(name), bytes)
    })
    .with_context(|| format!("{}: cannot write the outputs", output.display()))?;
    stages.mark("outputs and write");

    let record = &out.record;
    let c = &record.counts;
    let mut text = String::new();
    let _ = writeln!(text, "input digest  {}", record.input_digest);
    match &record.seed_origin {
        Some(o) => {
            let _ = writeln!(
                text,
                "seed          {} (from digest {} and public value {:?})",
                record.seed, o.input_digest, o.public_value
            );
        }
        None => {
            let _ = writeln!(text, "seed          {} (given)", record.seed);
        }
    }
    let _ = writeln!(
        text,
        "students      {}: {} offered a seat ({} their first choice, {} a top-three choice), {} unassigned",
        c.students, c.offered, c.first_choice, c.top_three, c.unassigned
    );
    let _ = writeln!(
        text,
        "checks        {}",
        if record.checks.passed() {
            "every check the policy guarantees holds".to_string()
        } else {
            format!("FAILED: {}", record.checks.problems.join("; "))
        }
    );
    let _ = writeln!(
        text,
        "wrote         {}: {}, run.json",
        output.display(),
        out.files
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    );
    print!("{text}");
    Ok(if record.checks.passed() { 0 } else { 1 })
}

/// With `SGS_MATCH_STAGES` set, prints how long each stage of a command took, to standard
/// error (for profiling).
struct Stages(Option<std::cell::Cell<std::time::Instant>>);

impl Stages {
    fn new() -> Self {
        Stages(
            std::env::var_os("SGS_MATCH_STAGES")
                .map(|_| std::cell::Cell::new(std::time::Instant::now())),
        )
    }

    fn mark(&self, stage: &str) {
        if let Some(last) = &self.0 {
            let now = std::time::Instant::now();
            eprintln!(
                "{stage}: {:.1} ms",
                (now - last.get()).as_secs_f64() * 1000.0
            );
            last.set(now);
        }
    }
}

fn commit(input: &Path, out: Option<&Path>, publish: Option<&Path>) -> anyhow::Result<i32> {
    let inputs = load(input, None)?;
    let (commitment, files) = verify::commit(&inputs.market, &inputs.policy, &inputs.changes);
    if let Some(dir) = publish {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot create the directory", dir.display()))?;
        for (name, text) in &files {
            let path = dir.join(name);
            std::fs::write(&path, text)
                .with_context(|| format!("{}: cannot write", path.display()))?;
        }
    }
    if let Some(path) = out {
        let mut json = serde_json::to_string_pretty(&commitment)?;
        json.push('\n');
        std::fs::write(path, json).with_context(|| format!("{}: cannot write", path.display()))?;
    }
    println!("{}", commitment.input_digest);
    eprintln!(
        "{} students, {} programs, {} ranked choices. Publish this digest{} now; the seed \
         will be SHA-256 of \"<digest>\\n<public value>\" with the value announced later.",
        commitment.students,
        commitment.programs,
        commitment.choices,
        match publish {
            Some(dir) => format!(" and the files in {}", dir.display()),
            None => String::new(),
        }
    );
    Ok(0)
}

fn verify_run(input: &Path, output: &Path, public_value: Option<&str>) -> anyhow::Result<i32> {
    let inputs = load(input, None)?;
    let record = load_record(output)?;
    let mut published: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for name in [
        "assignments.csv",
        "cutoffs.csv",
        "waitlists.csv",
        "lottery.csv",
    ] {
        match std::fs::read(output.join(name)) {
            Ok(bytes) => {
                published.insert(name.to_string(), bytes);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => bail!("{}: {e}", output.join(name).display()),
        }
    }
    if !published.contains_key("assignments.csv") {
        bail!(
            "{}: not found: the offers to verify",
            output.join("assignments.csv").display()
        );
    }
    // Without a public value on the command line, the one recorded is used, so the seed is
    // still re-derived from the digest rather than taken as recorded.
    let value = public_value
        .map(str::to_string)
        .or_else(|| record.seed_origin.as_ref().map(|o| o.public_value.clone()));
    let v = verify::verify(
        &inputs.market,
        &inputs.policy,
        &inputs.changes,
        &record,
        &published,
        value.as_deref(),
    )?;
    let run_json = output.join("run.json");
    let mut differences: Vec<String> = Vec::new();
    if !v.digest_matches {
        differences.push(format!(
            "input digest: the inputs in {} give {}, but {} records {}",
            input.display(),
            v.input_digest,
            run_json.display(),
            record.input_digest
        ));
    }
    if v.seed_derived == Some(false) {
        differences.push(format!(
            "seed: digest {} and public value {:?} give {}, but {} records {}",
            v.seed_input_digest,
            value.as_deref().unwrap_or_default().trim(),
            v.seed,
            run_json.display(),
            record.seed
        ));
    }
    for offer in &v.offers_differing {
        differences.push(format!("assignments.csv: {offer}"));
    }
    if v.rows_missing > 0 {
        differences.push(format!(
            "assignments.csv: {} students are in the re-run or the published file but not both",
            v.rows_missing
        ));
    }
    for file in &v.files {
        if file.published && !file.identical {
            differences.push(format!(
                "{}: differs from the re-run's",
                output.join(&file.name).display()
            ));
        }
    }
    for problem in &v.checks.problems {
        differences.push(format!("checks: {problem}"));
    }
    if !v.passed() && differences.is_empty() {
        differences.push("a check the policy guarantees does not hold".into());
    }
    if let Some(first) = differences.first() {
        eprintln!("verification FAILED: {first}");
        if differences.len() > 1 {
            eprintln!("{} more differences:", differences.len() - 1);
            for d in differences.iter().skip(1).take(10) {
                eprintln!("  {d}");
            }
        }
        return Ok(1);
    }
    let mut text = String::new();
    let _ = writeln!(
        text,
        "verified: input digest {} matches {}",
        v.input_digest,
        run_json.display()
    );
    match (v.seed_derived, &value) {
        (Some(true), Some(value)) => {
            let _ = writeln!(
                text,
                "  seed {} derived from digest {} and public value {:?}",
                v.seed,
                v.seed_input_digest,
                value.trim()
            );
        }
        _ => {
            let _ = writeln!(
                text,
                "  seed {} as recorded (no public value to derive it from)",
                v.seed
            );
        }
    }
    let _ = writeln!(text, "  {} offers confirmed", v.offers_confirmed);
    let identical: Vec<&str> = v
        .files
        .iter()
        .filter(|f| f.published)
        .map(|f| f.name.as_str())
        .collect();
    let _ = writeln!(text, "  identical to the re-run: {}", identical.join(", "));
    let _ = writeln!(text, "  every check the policy guarantees holds");
    print!("{text}");
    Ok(0)
}

fn explain(input: &Path, output: &Path, student: &str, lang: ExplainLang) -> anyhow::Result<i32> {
    let inputs = load(input, None)?;
    let record = load_record(output)?;
    let run = rerun(&inputs, &record, input, output)?;
    let s = inputs.market.find_student(student.trim()).ok_or_else(|| {
        anyhow!(
            "student {student:?} is not in {}",
            input.join("students.csv").display()
        )
    })?;
    let lang = match lang {
        ExplainLang::En => Lang::En,
        ExplainLang::Es => Lang::Es,
    };
    let mut text = String::new();
    for line in run.explanation_text(&run.explain(s), lang) {
        text.push_str(&line);
        text.push('\n');
    }
    print!("{text}");
    Ok(0)
}

/// A share as a decimal with four places, empty when there are no students.
fn share(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.4}")).unwrap_or_default()
}

/// One CSV field, quoted when it needs it.
fn cell(value: &str) -> String {
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

fn stats(input: &Path, output: &Path, format: Format) -> anyhow::Result<i32> {
    let inputs = load(input, None)?;
    let record = load_record(output)?;
    let run = rerun(&inputs, &record, input, output)?;
    let summary = sgs_match::stats::summarize(&run, &inputs.attributes);
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&summary)? + "\n",
        Format::Csv => stats_csv(&summary),
    };
    print!("{text}");
    Ok(0)
}

/// The summary as one long table: `breakdown,group,measure,value`.
fn stats_csv(summary: &sgs_match::stats::Summary) -> String {
    use sgs_match::stats::Rates;
    let mut out = String::from("breakdown,group,measure,value\n");
    let rates = |out: &mut String, breakdown: &str, group: &str, r: &Rates| {
        let group = cell(group);
        for (measure, value) in [
            ("students", r.students.to_string()),
            ("first_choice", r.first_choice.to_string()),
            ("top_three", r.top_three.to_string()),
            ("any_choice", r.any_choice.to_string()),
            ("guaranteed_only", r.guaranteed_only.to_string()),
            ("unassigned", r.unassigned.to_string()),
            ("first_choice_share", share(r.share(r.first_choice))),
            ("top_three_share", share(r.share(r.top_three))),
            ("any_choice_share", share(r.share(r.any_choice))),
            ("unassigned_share", share(r.share(r.unassigned))),
        ] {
            let _ = writeln!(out, "{breakdown},{group},{measure},{value}");
        }
    };
    rates(&mut out, "overall", "", &summary.overall);
    for (g, r) in &summary.by_priority_group {
        rates(&mut out, "priority_group", &g.to_string(), r);
    }
    for (g, r) in &summary.by_student_group {
        rates(&mut out, "student_group", g, r);
    }
    for (a, r) in &summary.by_planning_area {
        rates(&mut out, "planning_area", a, r);
    }
    for (g, r) in &summary.by_grade {
        rates(&mut out, "grade", g, r);
    }
    let ratio = |v: Option<f64>| v.map(|v| format!("{v:.4}")).unwrap_or_default();
    for p in &summary.programs {
        let id = cell(&p.program_id);
        for (measure, value) in [
            ("capacity", p.capacity.to_string()),
            ("offered", p.offered.to_string()),
            (
                "first_choice_applicants",
                p.first_choice_applicants.to_string(),
            ),
            ("applicants", p.applicants.to_string()),
            ("first_choice_per_seat", ratio(p.first_choice_per_seat)),
            ("applicants_per_seat", ratio(p.applicants_per_seat)),
        ] {
            let _ = writeln!(out, "program,{id},{measure},{value}");
        }
    }
    out
}

/// The seed of a simulation: `--seed`, or derived from the digest and `--public-value`, or the
/// policy's, or derived from the digest and `fallback`.
fn simulation_seed(
    inputs: &Inputs,
    seed: Option<&str>,
    public_value: Option<&str>,
    fallback: &str,
) -> anyhow::Result<Seed> {
    if let Some(hex) = seed {
        return parse_seed(hex);
    }
    if public_value.is_none() {
        if let Some(seed) = inputs.policy.seed {
            return Ok(seed);
        }
    }
    let digest = verify::input_digest(&inputs.market, &inputs.policy, &inputs.changes);
    Ok(Seed::derive(&digest, public_value.unwrap_or(fallback)))
}

fn chance(
    input: &Path,
    redraws: u32,
    threads: u32,
    seed: Option<&str>,
    public_value: Option<&str>,
    choices: &[String],
    format: Format,
) -> anyhow::Result<i32> {
    // A list is checked before the redraws, so a typo costs nothing.
    let list = choices
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let (program, group) = c.rsplit_once('=').ok_or_else(|| {
                anyhow::anyhow!("--choice {c:?} (choice {}): expected PROGRAM=GROUP", k + 1)
            })?;
            let group: u32 = group.trim().parse().map_err(|_| {
                anyhow::anyhow!(
                    "--choice {c:?} (choice {}): the priority group {group:?} is not a whole number",
                    k + 1
                )
            })?;
            Ok((program.trim(), group))
        })
        .collect::<anyhow::Result<Vec<(&str, u32)>>>()?;
    let inputs = load(input, None)?;
    let seed = simulation_seed(&inputs, seed, public_value, CHANCE_VALUE)?;
    let report = sgs_match::chance::chance_of_offer(
        &inputs.market,
        &inputs.policy,
        seed,
        redraws,
        threads as usize,
    )?;
    if !list.is_empty() {
        let chances = report.lists.chances(&list)?;
        let text = match format {
            Format::Json => {
                let choices: Vec<serde_json::Value> = list
                    .iter()
                    .zip(&chances.at)
                    .map(|((p, g), band)| serde_json::json!({"program_id": p, "priority_group": g, "chance": band}))
                    .collect();
                serde_json::to_string_pretty(&serde_json::json!({
                    "redraws": report.redraws,
                    "seed": report.seed,
                    "choices": choices,
                    "any": chances.any,
                    "none": chances.none,
                }))? + "\n"
            }
            Format::Csv => {
                let mut out = String::from("choice,program_id,priority_group,chance,low,high\n");
                let mut row =
                    |choice: &str, program: &str, group: &str, b: &sgs_match::chance::Band| {
                        let _ = writeln!(
                            out,
                            "{choice},{},{group},{:.4},{:.4},{:.4}",
                            cell(program),
                            b.mean,
                            b.low,
                            b.high
                        );
                    };
                for (k, ((p, g), band)) in list.iter().zip(&chances.at).enumerate() {
                    row(&(k + 1).to_string(), p, &g.to_string(), band);
                }
                row("any", "", "", &chances.any);
                row("none", "", "", &chances.none);
                out
            }
        };
        print!("{text}");
        return Ok(0);
    }
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
        Format::Csv => {
            let mut out = String::from(
                "program_id,capacity,score_based,priority_group,applicants,chance,low,high\n",
            );
            for p in &report.programs {
                for g in &p.groups {
                    let _ = writeln!(
                        out,
                        "{},{},{},{},{},{:.4},{:.4},{:.4}",
                        cell(&p.program_id),
                        p.capacity,
                        p.score_based,
                        g.priority,
                        g.applicants,
                        g.chance.mean,
                        g.chance.low,
                        g.chance.high
                    );
                }
            }
            let band = |b: &sgs_match::chance::Band| {
                format!("{:.3} [{:.3}, {:.3}]", b.mean, b.low, b.high)
            };
            eprintln!(
                "{} redraws from seed {}: first choice {}, top three {}, unassigned {} (mean [5th, 95th percentile])",
                report.redraws,
                report.seed,
                band(&report.first_choice),
                band(&report.top_three),
                band(&report.unassigned)
            );
            out
        }
    };
    print!("{text}");
    Ok(0)
}

fn compare(
    input: &Path,
    policy_a: &Path,
    policy_b: &Path,
    seed: Option<&str>,
    public_value: Option<&str>,
    format: Format,
) -> anyhow::Result<i32> {
    let a = load(input, Some(policy_a))?;
    let b = load(input, Some(policy_b))?;
    let seed = simulation_seed(&a, seed, public_value, COMPARE_VALUE)?;
    let run_a = sgs_match::run_with(&a.market, &a.policy, seed, &a.changes)
        .with_context(|| format!("{}", policy_a.display()))?;
    let run_b = sgs_match::run_with(&b.market, &b.policy, seed, &b.changes)
        .with_context(|| format!("{}", policy_b.display()))?;
    let comparison = sgs_match::compare::compare(&run_a, &run_b, &a.attributes)?;
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&comparison)? + "\n",
        Format::Csv => {
            let mut out = String::from(
                "breakdown,group,students,same,better,worse,newly_assigned,newly_unassigned,gains,losses,first_choice_a,first_choice_b,unassigned_a,unassigned_b\n",
            );
            let mut row = |breakdown: &str, group: &str, t: &sgs_match::compare::Tally| {
                let _ = writeln!(
                    out,
                    "{breakdown},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    cell(group),
                    t.students,
                    t.same,
                    t.better,
                    t.worse,
                    t.newly_assigned,
                    t.newly_unassigned,
                    t.gains(),
                    t.losses(),
                    t.first_choice_before,
                    t.first_choice_after,
                    t.unassigned_before,
                    t.unassigned_after
                );
            };
            row("overall", "", &comparison.overall);
            for (g, t) in &comparison.by_priority_group {
                row("priority_group", &g.to_string(), t);
            }
            for (g, t) in &comparison.by_student_group {
                row("student_group", g, t);
            }
            for (area, t) in &comparison.by_planning_area {
                row("planning_area", area, t);
            }
            eprintln!(
                "seed {seed}: under {} rather than {}, {} students gain a seat or a better one and {} lose one or get a worse one",
                policy_b.display(),
                policy_a.display(),
                comparison.overall.gains(),
                comparison.overall.losses()
            );
            out
        }
    };
    print!("{text}");
    Ok(0)
}
