//! Benchmarks of the matching engine on generated markets, printed as a Markdown table:
//!
//! * a New York City-sized market (80,000 students, 700 programs, 12 choices each): the match
//!   in memory (lottery and deferred acceptance), the whole command from CSV files to written
//!   outputs, and 1,000 lottery redraws on 2 threads (chance of offer);
//! * a state-sized market (5,000,000 students, 9,000 programs, 10 choices each), matched in a
//!   child process so that its peak memory is its own.
//!
//! ```sh
//! cargo bench -p sgs-match --bench market                  # everything
//! cargo bench -p sgs-match --bench market -- --city        # the city market only
//! cargo bench -p sgs-match --bench market -- --city --quick  # city match and command only
//! cargo bench -p sgs-match --bench market -- --export DIR N  # an N-student city-like market
//!                                      # in the choice format, with the engine's outputs
//! cargo bench -p sgs-match --bench market -- --export-city DIR  # the city market's inputs,
//!                                      # for timing `sgs match run` on them
//! ```
//!
//! For profiling one part under `perf`: `--profile-match` (50 city matches),
//! `--profile-pipeline` (7 whole commands; with `--read-only` just the reading, with
//! `--outputs-only` each output writer; `SGS_BENCH_STAGES=1` prints the stages), and
//! `--state-child` (the state market alone; `SGS_BENCH_STATE_STUDENTS` makes it smaller).
//!
//! **The generated markets.** Everything is deterministic (SplitMix64 from fixed seeds).
//! Programs of the city market take their seats and popularity from New York's 2019 high
//! school directory (`../shared/data/nyc/nyc_hs_programs_seats_applicants_2018_2019_2021.csv`):
//! the first 700 programs by program code with published general-education seats and
//! applicants; seats are general-education plus students-with-disabilities seats, scaled so
//! that all seats together are 95% of the students, and a program's popularity is its number of
//! applicants. Without the file, popularity follows a Zipf law (exponent 1) and seats are equal.
//! The state market uses a Zipf law with exponent 0.8 over 9,000 programs and seats between 100
//! and 950 scaled to 95% of the students. Each student ranks distinct programs drawn by
//! popularity; her priority group at each program is 1 (10%), 2 (30%) or 3 (60%), from a hash
//! of the student and the program. Single tie-breaking, the SHA-256 lottery.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sgs_match::chance::chance_of_offer;
use sgs_match::format::read_from;
use sgs_match::verify::{outputs, SeedOrigin};
use sgs_match::{run, Choice, Market, MarketBuilder, OpenSeats, Policy, Program, Seed, Student};

// The same allocator as the `sgs` binary, so the whole-command row measures what
// `sgs match run` does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CITY_STUDENTS: usize = 80_000;
const CITY_PROGRAMS: usize = 700;
const CITY_CHOICES: usize = 12;
const STATE_STUDENTS: usize = 5_000_000;
const STATE_PROGRAMS: usize = 9_000;
const STATE_CHOICES: usize = 10;

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Programs of a generated market: seats and cumulative popularity.
struct Programs {
    seats: Vec<u32>,
    cumulative: Vec<f64>,
    source: String,
}

impl Programs {
    fn from_weights(mut seats: Vec<f64>, weights: &[f64], students: usize, source: String) -> Self {
        let total: f64 = seats.iter().sum();
        let scale = 0.95 * students as f64 / total;
        for s in &mut seats {
            *s = (*s * scale).round().max(1.0);
        }
        let mut cumulative = Vec::with_capacity(weights.len());
        let mut sum = 0.0;
        for w in weights {
            sum += w.max(1e-9);
            cumulative.push(sum);
        }
        Programs {
            seats: seats.into_iter().map(|s| s as u32).collect(),
            cumulative,
            source,
        }
    }

    fn zipf(count: usize, exponent: f64, students: usize, rng: &mut Rng) -> Self {
        let weights: Vec<f64> = (0..count)
            .map(|i| 1.0 / ((i + 1) as f64).powf(exponent))
            .collect();
        let seats: Vec<f64> = (0..count).map(|_| 100.0 + 850.0 * rng.unit()).collect();
        Programs::from_weights(
            seats,
            &weights,
            students,
            format!("Zipf exponent {exponent}"),
        )
    }

    fn city() -> Self {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/nyc/nyc_hs_programs_seats_applicants_2018_2019_2021.csv");
        if let Ok(bytes) = std::fs::read(&path) {
            let mut reader = csv::Reader::from_reader(bytes.as_slice());
            let headers = reader.headers().unwrap().clone();
            let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
            let (year, code, ge, swd, ge_apps, swd_apps) = (
                col("directory_year"),
                col("program_code"),
                col("seats9ge"),
                col("seats9swd"),
                col("ge_applicants"),
                col("swd_applicants"),
            );
            let number = |text: &str| text.trim().parse::<f64>().ok();
            let mut rows: Vec<(String, f64, f64)> = reader
                .records()
                .filter_map(Result::ok)
                .filter(|r| &r[year] == "2019")
                .filter_map(|r| {
                    let seats = number(&r[ge])? + number(&r[swd]).unwrap_or(0.0);
                    let applicants = number(&r[ge_apps])? + number(&r[swd_apps]).unwrap_or(0.0);
                    Some((r[code].to_string(), seats, applicants))
                })
                .filter(|(_, seats, _)| *seats > 0.0)
                .collect();
            rows.sort_by(|a, b| a.0.cmp(&b.0));
            rows.dedup_by(|a, b| a.0 == b.0);
            if rows.len() >= CITY_PROGRAMS {
                rows.truncate(CITY_PROGRAMS);
                let seats = rows.iter().map(|r| r.1).collect();
                let weights: Vec<f64> = rows.iter().map(|r| r.2).collect();
                return Programs::from_weights(
                    seats,
                    &weights,
                    CITY_STUDENTS,
                    "NYC 2019 high school directory (seats and applicants)".into(),
                );
            }
        }
        Programs::zipf(CITY_PROGRAMS, 1.0, CITY_STUDENTS, &mut Rng(7))
    }

    fn len(&self) -> usize {
        self.seats.len()
    }

    /// A program drawn by popularity.
    fn draw(&self, rng: &mut Rng) -> u32 {
        let total = *self.cumulative.last().unwrap();
        let x = rng.unit() * total;
        self.cumulative
            .partition_point(|&c| c <= x)
            .min(self.len() - 1) as u32
    }
}

fn program_id(p: usize) -> String {
    format!("P{p:05}")
}

fn student_id(s: usize) -> String {
    format!("S{s:08}")
}

/// The priority group of a student at a program: 1 (10%), 2 (30%) or 3 (60%).
fn priority(s: usize, p: u32) -> u32 {
    let mut rng = Rng((s as u64) << 20 ^ p as u64);
    match rng.next() % 10 {
        0 => 1,
        1..=3 => 2,
        _ => 3,
    }
}

/// Calls `f` with each student's list, first choice first.
fn each_list(
    programs: &Programs,
    students: usize,
    choices: usize,
    mut f: impl FnMut(usize, &[u32]),
) {
    let mut rng = Rng(0x5eed_0000 ^ students as u64);
    let mut list: Vec<u32> = Vec::with_capacity(choices);
    let k = choices.min(programs.len());
    for s in 0..students {
        list.clear();
        while list.len() < k {
            let p = programs.draw(&mut rng);
            if !list.contains(&p) {
                list.push(p);
            }
        }
        f(s, &list);
    }
}

fn build_market(programs: &Programs, students: usize, choices: usize) -> Market {
    let mut b = MarketBuilder::new();
    for (p, &seats) in programs.seats.iter().enumerate() {
        b.program(Program {
            id: program_id(p),
            capacity: seats,
            school_id: None,
            grade: None,
            name: None,
        })
        .unwrap();
    }
    b.reserve_choices(students * choices);
    for s in 0..students {
        b.student(Student {
            id: student_id(s),
            ..Student::default()
        })
        .unwrap();
    }
    each_list(programs, students, choices, |s, list| {
        for &p in list {
            b.choice(
                s as u32,
                Choice {
                    program: p,
                    priority: priority(s, p),
                    score: None,
                },
            );
        }
    });
    b.finish(OpenSeats::First).unwrap()
}

/// Writes the market's input files in the choice format.
fn write_inputs(dir: &Path, programs: &Programs, students: usize, choices: usize, policy: &str) {
    std::fs::create_dir_all(dir).unwrap();
    let mut text = String::from("program_id,capacity\n");
    for (p, seats) in programs.seats.iter().enumerate() {
        let _ = writeln!(text, "{},{seats}", program_id(p));
    }
    std::fs::write(dir.join("programs.csv"), &text).unwrap();
    let mut text = String::from("student_id\n");
    for s in 0..students {
        let _ = writeln!(text, "{}", student_id(s));
    }
    std::fs::write(dir.join("students.csv"), &text).unwrap();
    let mut text = String::with_capacity(students * choices * 24);
    text.push_str("student_id,rank,program_id,priority\n");
    each_list(programs, students, choices, |s, list| {
        let id = student_id(s);
        for (r, &p) in list.iter().enumerate() {
            let _ = writeln!(
                text,
                "{id},{},{},{}",
                r + 1,
                program_id(p as usize),
                priority(s, p)
            );
        }
    });
    std::fs::write(dir.join("preferences.csv"), &text).unwrap();
    std::fs::write(dir.join("policy.json"), policy).unwrap();
}

/// The whole command: read the files, run, write the outputs and the record.
fn pipeline(input: &Path, output: &Path, origin: &SeedOrigin) -> (usize, usize) {
    let stages = std::env::var_os("SGS_BENCH_STAGES").is_some();
    let start = Instant::now();
    let inputs = read_from(|name| match std::fs::read(input.join(name)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    })
    .unwrap();
    let read = start.elapsed();
    let r = sgs_match::run_with(
        &inputs.market,
        &inputs.policy,
        origin.seed(),
        &inputs.changes,
    )
    .unwrap();
    let matched = start.elapsed();
    let out = outputs(&r, Some(origin));
    if stages {
        eprintln!(
            "read {} run {} outputs {}",
            ms(read),
            ms(matched - read),
            ms(start.elapsed() - matched)
        );
    }
    std::fs::create_dir_all(output).unwrap();
    let mut bytes = 0;
    out.write_each(|name, data| {
        bytes += data.len();
        std::fs::write(output.join(name), data)
    })
    .unwrap();
    (inputs.market.student_count(), bytes)
}

/// Peak resident memory of this process so far, in MiB (VmHWM).
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// The fastest run: set by LAST_MIN after each call of [`time`].
static LAST_MIN: std::sync::Mutex<Duration> = std::sync::Mutex::new(Duration::ZERO);

/// Runs `f` `runs` times; the median time and the last value. The fastest time is kept in
/// `LAST_MIN` (the machine is shared, so the fastest run shows the cost without interference).
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = f();
        times.push(start.elapsed());
        last = Some(value);
    }
    times.sort();
    *LAST_MIN.lock().unwrap() = times[0];
    (times[times.len() / 2], last.unwrap())
}

fn last_min() -> Duration {
    *LAST_MIN.lock().unwrap()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

struct Row {
    what: String,
    runs: usize,
    measured: String,
    fastest: String,
    target: String,
    ok: bool,
}

fn seed() -> Seed {
    Seed::derive(&"0".repeat(64), "sgs-match benchmark")
}

fn city(rows: &mut Vec<Row>) {
    let programs = Programs::city();
    eprintln!("city programs: {}", programs.source);
    let start = Instant::now();
    let market = build_market(&programs, CITY_STUDENTS, CITY_CHOICES);
    eprintln!(
        "city market built in {} ({} choices)",
        ms(start.elapsed()),
        market.choice_count()
    );
    let policy = Policy::default();
    let (t, r) = time(15, || run(&market, &policy, seed()).unwrap());
    let assigned = (0..market.student_count() as u32)
        .filter(|&s| r.offer(s).is_some())
        .count();
    let first = (0..market.student_count() as u32)
        .filter(|&s| r.offer(s).is_some_and(|o| o.rank == Some(0)))
        .count();
    rows.push(Row {
        what: format!(
            "city match in memory: lottery + deferred acceptance ({} proposals, {} assigned, {} first choice)",
            r.outcome.proposals, assigned, first
        ),
        runs: 15,
        measured: ms(t),
        fastest: ms(last_min()),
        target: "20 ms".into(),
        ok: t < Duration::from_millis(20),
    });
    drop(r);

    let dir = std::env::temp_dir().join(format!("sgs-match-bench-{}", std::process::id()));
    write_inputs(
        &dir.join("in"),
        &programs,
        CITY_STUDENTS,
        CITY_CHOICES,
        "{}\n",
    );
    let origin = SeedOrigin {
        input_digest: "0".repeat(64),
        public_value: "sgs-match benchmark".into(),
    };
    let (t, (_, bytes)) = time(7, || pipeline(&dir.join("in"), &dir.join("out"), &origin));
    rows.push(Row {
        what: format!(
            "city whole command: read CSV, digest, run, checks, write outputs ({:.1} MB written)",
            bytes as f64 / 1e6
        ),
        runs: 7,
        measured: ms(t),
        fastest: ms(last_min()),
        target: "200 ms".into(),
        ok: t < Duration::from_millis(200),
    });
    let _ = std::fs::remove_dir_all(&dir);
    if std::env::args().any(|a| a == "--quick") {
        return;
    }

    let start = Instant::now();
    let report = chance_of_offer(&market, &policy, seed(), 1000, 2).unwrap();
    let t = start.elapsed();
    rows.push(Row {
        what: format!(
            "city chance of offer: 1,000 redraws on 2 threads (first choice {:.3} [{:.3}, {:.3}])",
            report.first_choice.mean, report.first_choice.low, report.first_choice.high
        ),
        runs: 1,
        measured: format!("{:.2} s", t.as_secs_f64()),
        fastest: String::new(),
        target: "60 s".into(),
        ok: t < Duration::from_secs(60),
    });
    rows.push(Row {
        what: "city: peak resident memory of the process (VmHWM)".into(),
        runs: 1,
        measured: format!("{:.0} MiB", peak_mib()),
        fastest: String::new(),
        target: "".into(),
        ok: true,
    });
}

/// The state market, in this process (run as a child by [`state`]): prints
/// `build_s run_s peak_mib proposals assigned`.
fn state_child() {
    // A smaller state market for trying changes: SGS_BENCH_STATE_STUDENTS=1000000.
    let students = std::env::var("SGS_BENCH_STATE_STUDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(STATE_STUDENTS);
    let programs = Programs::zipf(STATE_PROGRAMS, 0.8, students, &mut Rng(11));
    let start = Instant::now();
    let market = build_market(&programs, students, STATE_CHOICES);
    let build = start.elapsed();
    let policy = Policy::default();
    let start = Instant::now();
    let r = run(&market, &policy, seed()).unwrap();
    let t = start.elapsed();
    let assigned = (0..market.student_count() as u32)
        .filter(|&s| r.offer(s).is_some())
        .count();
    println!(
        "{} {} {} {} {}",
        build.as_secs_f64(),
        t.as_secs_f64(),
        peak_mib(),
        r.outcome.proposals,
        assigned
    );
}

fn state(rows: &mut Vec<Row>) {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .arg("--state-child")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let v: Vec<f64> = text
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    rows.push(Row {
        what: format!(
            "state match in memory: lottery + deferred acceptance ({} proposals, {} assigned; building the market took {:.1} s)",
            v[3], v[4], v[0]
        ),
        runs: 1,
        measured: format!("{:.2} s", v[1]),
        fastest: String::new(),
        target: "5 s".into(),
        ok: v[1] < 5.0,
    });
    rows.push(Row {
        what: "state: peak resident memory of the child process (VmHWM)".into(),
        runs: 1,
        measured: format!("{:.0} MiB", v[2]),
        fastest: String::new(),
        target: "4096 MiB".into(),
        ok: v[2] < 4096.0,
    });
}

/// Writes an `n`-student city-like market (programs scaled down with it) and the engine's
/// outputs for it, for the comparison with other implementations.
fn export(dir: &Path, n: usize) {
    let programs_count = (n / 100).clamp(2, CITY_PROGRAMS);
    let programs = Programs::zipf(programs_count, 1.0, n, &mut Rng(3));
    let seed = seed();
    let policy = format!("{{\"seed\": \"{seed}\"}}\n");
    write_inputs(dir, &programs, n, CITY_CHOICES.min(programs_count), &policy);
    let inputs = read_from(|name| match std::fs::read(dir.join(name)) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    })
    .unwrap();
    let start = Instant::now();
    let r = run(&inputs.market, &inputs.policy, seed).unwrap();
    let t = start.elapsed();
    let out = outputs(&r, None);
    let out_dir: PathBuf = dir.join("sgs");
    std::fs::create_dir_all(&out_dir).unwrap();
    out.write_each(|name, data| std::fs::write(out_dir.join(name), data))
        .unwrap();
    println!(
        "exported {n} students x {programs_count} programs to {}; sgs-match ran in {}",
        dir.display(),
        ms(t)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--state-child") {
        state_child();
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--export-city") {
        // The city market's input files, as the whole-command bench reads them, for timing
        // `sgs match run` itself.
        let dir = PathBuf::from(&args[i + 1]);
        write_inputs(&dir, &Programs::city(), CITY_STUDENTS, CITY_CHOICES, "{}\n");
        println!("wrote the city market's inputs to {}", dir.display());
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--export") {
        let dir = PathBuf::from(&args[i + 1]);
        let n: usize = args[i + 2].parse().unwrap();
        export(&dir, n);
        return;
    }
    if args.iter().any(|a| a == "--profile-match") {
        let programs = Programs::city();
        let market = build_market(&programs, CITY_STUDENTS, CITY_CHOICES);
        let mut times: Vec<Duration> = (0..50)
            .map(|_| {
                let start = Instant::now();
                drop(run(&market, &Policy::default(), seed()).unwrap());
                start.elapsed()
            })
            .collect();
        times.sort();
        println!("city match min {} median {}", ms(times[0]), ms(times[25]));
        return;
    }
    if args.iter().any(|a| a == "--profile-pipeline") {
        let programs = Programs::city();
        let dir = std::env::temp_dir().join(format!("sgs-match-bench-{}", std::process::id()));
        write_inputs(
            &dir.join("in"),
            &programs,
            CITY_STUDENTS,
            CITY_CHOICES,
            "{}\n",
        );
        let origin = SeedOrigin {
            input_digest: "0".repeat(64),
            public_value: "sgs-match benchmark".into(),
        };
        if args.iter().any(|a| a == "--outputs-only") {
            let market = build_market(&programs, CITY_STUDENTS, CITY_CHOICES);
            let policy = Policy::default();
            let r = run(&market, &policy, seed()).unwrap();
            let none = sgs_match::RunChanges::default();
            let t = |name: &str, f: &mut dyn FnMut()| {
                let (d, _) = time(5, f);
                println!("{name}: {} (min {})", ms(d), ms(last_min()));
            };
            t("commit", &mut || {
                drop(sgs_match::verify::commit(&market, &policy, &none))
            });
            t("check", &mut || drop(sgs_match::check::check(&r)));
            t("assignments", &mut || {
                drop(sgs_match::format::write_assignments(&r))
            });
            t("cutoffs", &mut || {
                drop(sgs_match::format::write_cutoffs(&r))
            });
            t("waitlists", &mut || {
                drop(sgs_match::format::write_waitlists(&r))
            });
            t("waitlists (lists only)", &mut || drop(r.waitlists()));
            println!(
                "waitlist rows: {}",
                r.waitlists().iter().map(Vec::len).sum::<usize>()
            );
            t("lottery", &mut || {
                drop(sgs_match::format::write_lottery(&r))
            });
            t("summary", &mut || {
                drop(sgs_match::stats::summarize(
                    &r,
                    &sgs_match::Attributes::none(),
                ))
            });
            return;
        }
        if args.iter().any(|a| a == "--read-only") {
            let (t, _) = time(7, || {
                read_from(|name| match std::fs::read(dir.join("in").join(name)) {
                    Ok(bytes) => Ok(Some(bytes)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(e) => Err(e),
                })
                .unwrap()
            });
            println!("city read median {} min {}", ms(t), ms(last_min()));
        } else {
            let (t, _) = time(7, || pipeline(&dir.join("in"), &dir.join("out"), &origin));
            println!("city pipeline median {} min {}", ms(t), ms(last_min()));
        }
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let mut rows = Vec::new();
    city(&mut rows);
    if !args.iter().any(|a| a == "--city") {
        state(&mut rows);
    }
    println!("| what | runs | median | fastest | target | |");
    println!("|---|---|---|---|---|---|");
    for row in rows {
        println!(
            "| {} | {} | {} | {} | {} | {} |",
            row.what,
            row.runs,
            row.measured,
            row.fastest,
            row.target,
            if row.target.is_empty() {
                ""
            } else if row.ok {
                "ok"
            } else {
                "missed"
            }
        );
    }
}
