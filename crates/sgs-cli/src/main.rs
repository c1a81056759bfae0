//! `sgs`: run the SGS app, load the demo district, import and export district data.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use sgs_domain::{DistrictId, Role, SchoolYear};
use sgs_import::FileKind;

mod matching;

// The matching commands read and write tens of megabytes in many small allocations; mimalloc
// keeps freed memory for reuse instead of returning it to the system, which spares a fresh
// process most of its page faults (docs/PERFORMANCE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "sgs",
    version,
    about = "SGS: run a System of Great Schools strategy end to end"
)]
struct Cli {
    /// Database URL: sqlite://path/to/sgs.db or postgres://user@host/db. Default: SQLite in --data-dir.
    #[arg(long, global = true, env = "SGS_DATABASE_URL")]
    database_url: Option<String>,
    /// Directory for the embedded SQLite database.
    #[arg(long, global = true, env = "SGS_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create or refresh the demo district (Riverbend ISD) and serve it, printing the URL and accounts.
    Demo {
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// Load the demo and print the accounts, but do not serve.
        #[arg(long)]
        no_serve: bool,
    },
    /// Serve the app.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Import district data files. Every file is read and checked before anything is written;
    /// one bad value refuses the whole import.
    #[command(after_long_help = import_help())]
    Import {
        /// TEA district id (six digits, e.g. 015907); rows of other districts are skipped.
        #[arg(long)]
        district: String,
        /// Kind of every file; detected from the header when omitted.
        #[arg(long, value_parser = parse_kind)]
        kind: Option<FileKind>,
        /// School year for templates whose rows have no year column (e.g. 2022-2023).
        #[arg(long)]
        year: Option<String>,
        /// District name as in the boundary file, e.g. "San Antonio Independent School District".
        #[arg(long)]
        district_name: Option<String>,
        /// Files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Write a district's whole data as a CSV/GeoJSON bundle that `sgs import` reads back.
    Export {
        /// TEA district id.
        #[arg(long)]
        district: String,
        /// Directory to write into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Quality Seats Analysis: print the North Star or the seat gaps as CSV or JSON.
    Qsa {
        #[command(subcommand)]
        analysis: QsaCommand,
    },
    /// Projections: print every campus's cohort-survival projection as CSV or JSON.
    Project {
        #[command(subcommand)]
        what: ProjectCommand,
    },
    /// The annual school plan: candidate actions per campus, and the recorded decisions.
    Plan {
        #[command(subcommand)]
        what: PlanCommand,
    },
    /// What-if scenarios: print a stored scenario's comparison with the baseline.
    Scenario {
        #[command(subcommand)]
        what: ScenarioCommand,
    },
    /// Run charts and control charts: name the signals of a series.
    Chart {
        #[command(subcommand)]
        what: ChartCommand,
    },
    /// School-choice match on files in the choice-data format (docs/choice-format.md): run,
    /// commit, verify, explain, statistics, chance of offer, policy comparison. No database.
    Match {
        #[command(subcommand)]
        what: matching::MatchCommand,
    },
    /// Create or update an account. The password is read from SGS_PASSWORD.
    User {
        /// Login email.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Role: state_admin, admin, analyst, enrollment, reviewer, partner or family.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// District the account belongs to (not for state_admin).
        #[arg(long)]
        district: Option<String>,
    },
}

#[derive(Subcommand)]
enum QsaCommand {
    /// Students and schools by tier per year, against the goal when one is set.
    NorthStar {
        /// TEA district id.
        #[arg(long)]
        district: String,
        /// csv or json.
        #[arg(long, default_value = "csv")]
        format: OutputFormat,
    },
    /// Demand, quality-seat supply, gap, service level and rank per planning area and grade band.
    SeatGaps {
        /// TEA district id.
        #[arg(long)]
        district: String,
        /// Count a campus's seats for every area whose centre is within this many miles
        /// (default: only the area the campus is in).
        #[arg(long)]
        within: Option<f64>,
        /// Count a campus's seats for the areas its attendance zone covers (needs
        /// attendance_zones.geojson imported).
        #[arg(long, conflicts_with = "within")]
        by_zone: bool,
        /// csv or json.
        #[arg(long, default_value = "csv")]
        format: OutputFormat,
    },
    /// Students and schools in each tier of the district's definition of great, per year.
    Tiers {
        /// TEA district id.
        #[arg(long)]
        district: String,
    },
    /// Texas accountability triggers: consecutive unacceptable years per campus and the
    /// intervention they require.
    Triggers {
        /// TEA district id.
        #[arg(long)]
        district: String,
        /// csv or json.
        #[arg(long, default_value = "csv")]
        format: OutputFormat,
    },
}

#[derive(Subcommand)]
enum ChartCommand {
    /// Reads a series as CSV (a header naming `period` and `value`; a blank value is missing)
    /// from FILE or standard input and prints, as JSON, the run chart (median, runs, crossings,
    /// IHI and Anhøj signals), the XmR chart (mean, limits, Shewhart signals) and every signal
    /// with the points it involves, in English and Spanish: what the measure pages show.
    Signals {
        /// The CSV file; `-` or nothing reads standard input.
        file: Option<PathBuf>,
        /// A period at which a deliberate change started a new phase (limits recomputed);
        /// repeat for several.
        #[arg(long = "phase-start")]
        phase_starts: Vec<String>,
        /// Run-chart rules: ihi, anhoj or both.
        #[arg(long, default_value = "both")]
        rules: ChartRules,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ChartRules {
    Ihi,
    Anhoj,
    Both,
}

#[derive(Subcommand)]
enum PlanCommand {
    /// Every open campus with its tier, intervention, utilization, priority-area flag and
    /// enrollment change, and the actions the district's school-action policy proposes.
    Candidates {
        /// TEA district id.
        #[arg(long)]
        district: String,
        /// csv or json.
        #[arg(long, default_value = "csv")]
        format: OutputFormat,
    },
    /// The decisions recorded in the annual school plan.
    Decisions {
        /// TEA district id.
        #[arg(long)]
        district: String,
    },
}

#[derive(Subcommand)]
enum ScenarioCommand {
    /// List a district's scenarios.
    List {
        /// TEA district id.
        #[arg(long)]
        district: String,
    },
    /// Run a scenario: North Star, seat gaps, utilization and displaced students, before and after.
    Run {
        /// TEA district id.
        #[arg(long)]
        district: String,
        /// Scenario id (see `sgs scenario list`).
        #[arg(long)]
        id: i64,
        /// csv (the seat gaps) or json (everything).
        #[arg(long, default_value = "json")]
        format: OutputFormat,
    },
}

#[derive(Subcommand)]
enum ProjectCommand {
    /// Every open campus: latest enrollment, low / likely / high in five years, back-test error,
    /// utilization.
    Enrollment {
        /// TEA district id.
        #[arg(long)]
        district: String,
        /// Years ahead (1 to 10).
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..=10))]
        horizon: u8,
        /// Past transitions to average (1 to 10).
        #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u8).range(1..=10))]
        transitions: u8,
        /// How to average the progression ratios: mean, median or recent (weighted to recent years).
        #[arg(long, default_value = "mean")]
        average: RatioAverage,
        /// csv or json.
        #[arg(long, default_value = "csv")]
        format: OutputFormat,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum RatioAverage {
    Mean,
    Median,
    Recent,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum OutputFormat {
    Csv,
    Json,
}

fn parse_kind(value: &str) -> Result<FileKind, String> {
    FileKind::parse(value).ok_or_else(|| {
        let codes: Vec<&str> = FileKind::all().iter().map(|k| k.code()).collect();
        format!(
            "unknown kind {value:?}; expected one of {}",
            codes.join(", ")
        )
    })
}

fn parse_role(value: &str) -> Result<Role, String> {
    Role::parse(value).ok_or_else(|| {
        let codes: Vec<&str> = Role::all().iter().map(|r| r.code()).collect();
        format!(
            "unknown role {value:?}; expected one of {}",
            codes.join(", ")
        )
    })
}

fn import_help() -> String {
    let mut help = String::from("File kinds (--kind):\n");
    for kind in FileKind::all() {
        help.push_str(&format!("  {:<26} {}\n", kind.code(), kind.description()));
    }
    help.push_str(
        "\nExample, San Antonio ISD from the published TEA files:\n  sgs import --district 015907 \
         --district-name \"San Antonio Independent School District\" \\\n    \
         tea_askted_directory_2019.csv tea_campus_enrollment_by_grade_2019_2023.csv \\\n    \
         tea_campus_ratings_2019_CAMPRATE.csv tea_campus_accountability_2021_22.csv \\\n    \
         nces_ccd_tx_schools_2013_14_latlon.csv tx_school_districts_2016.geojson\n\n\
         Formats: docs/data-formats.md",
    );
    help
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    // Charts read a file, not the database.
    if let Command::Chart { what } = &cli.command {
        return chart(what);
    }
    // The match reads and writes files, not the database; it prints its own errors.
    if let Command::Match { what } = &cli.command {
        std::process::exit(matching::main(what));
    }
    let store = sgs_cli::open_store(cli.database_url.as_deref(), &cli.data_dir).await?;

    match cli.command {
        Command::Demo { addr, no_serve } => {
            sgs_cli::load_demo(&store).await?;
            println!(
                "Demo district loaded: {} ({})",
                sgs_demo::DEMO_DISTRICT_NAME,
                sgs_demo::DEMO_DISTRICT_ID
            );
            println!("Accounts (password for all: {}):", sgs_cli::DEMO_PASSWORD);
            for (email, _, role) in sgs_cli::demo_accounts() {
                println!("  {email:<32} {}", role.label());
            }
            if !no_serve {
                serve(store, addr).await?;
            }
        }
        Command::Serve { addr } => serve(store, addr).await?,
        Command::Migrate => println!("Database is at the latest schema."),
        Command::Import {
            district,
            kind,
            year,
            district_name,
            files,
        } => {
            let request = sgs_cli::ImportRequest {
                district: DistrictId::parse(&district).context("--district")?,
                files,
                kind,
                school_year: year
                    .as_deref()
                    .map(SchoolYear::parse)
                    .transpose()
                    .context("--year")?,
                district_name,
                actor: "cli".into(),
            };
            let results = sgs_cli::import(&store, &request).await?;
            for (batch, report) in results {
                println!(
                    "{}: {} ({} rows; {} campus-years, {} campuses created)",
                    batch.file,
                    batch.kind.code(),
                    batch.rows,
                    report.campus_years,
                    report.campuses_created
                );
            }
        }
        Command::Export { district, out } => {
            for file in sgs_cli::export(&store, &district, &out).await? {
                println!("{}", file.display());
            }
        }
        Command::Qsa { analysis } => match analysis {
            QsaCommand::NorthStar { district, format } => {
                let data = sgs_web::lever1::load(&store, &district).await?;
                let years = sgs_analysis::north_star(
                    &data.campuses,
                    &data.years,
                    &data.framework,
                    data.goal.as_ref(),
                );
                match format {
                    OutputFormat::Csv => print!("{}", sgs_web::lever1::north_star_table(&years)),
                    OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&years)?),
                }
            }
            QsaCommand::SeatGaps {
                district,
                within,
                by_zone,
                format,
            } => {
                let data = sgs_web::lever1::load(&store, &district).await?;
                let report = sgs_web::lever1::qsa(
                    &data,
                    &sgs_web::lever1::GapQuery {
                        within,
                        by: by_zone.then(|| "zone".to_string()),
                    },
                );
                match format {
                    OutputFormat::Csv => print!("{}", sgs_web::lever1::seat_gap_table(&report)),
                    OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
                }
            }
            QsaCommand::Tiers { district } => {
                let data = sgs_web::lever1::load(&store, &district).await?;
                let years = sgs_analysis::north_star(
                    &data.campuses,
                    &data.years,
                    &data.framework,
                    data.goal.as_ref(),
                );
                print!("{}", sgs_web::lever1::tiers_table(&years));
            }
            QsaCommand::Triggers { district, format } => {
                let data = sgs_web::lever1::load(&store, &district).await?;
                match format {
                    OutputFormat::Csv => print!("{}", sgs_web::lever1::trigger_table(&data)),
                    OutputFormat::Json => println!(
                        "{}",
                        serde_json::to_string_pretty(&sgs_analysis::triggers::triggers(
                            &data.campuses,
                            &data.years
                        ))?
                    ),
                }
            }
        },
        Command::Plan { what } => match what {
            PlanCommand::Candidates { district, format } => {
                let data = sgs_web::lever1::load(&store, &district).await?;
                let policy = sgs_web::plan::policy_of(&store, &district).await?;
                match format {
                    OutputFormat::Csv => {
                        print!("{}", sgs_web::plan::candidates_table(&data, &policy))
                    }
                    OutputFormat::Json => {
                        let rows: Vec<serde_json::Value> = sgs_web::plan::campus_facts(&data)
                            .into_iter()
                            .map(|(id, facts)| {
                                let proposed: Vec<serde_json::Value> =
                                    sgs_analysis::portfolio::candidates(&policy, &facts)
                                        .into_iter()
                                        .map(|(action, reason)| serde_json::json!({"action": action.code(), "reason": reason}))
                                        .collect();
                                serde_json::json!({"campus_id": id, "facts": facts, "candidates": proposed})
                            })
                            .collect();
                        println!("{}", serde_json::to_string_pretty(&rows)?);
                    }
                }
            }
            PlanCommand::Decisions { district } => {
                let rows = store.decisions(&district).await?.into_iter().map(|d| {
                    vec![
                        d.campus_id,
                        d.school_year,
                        d.action,
                        d.rationale,
                        d.owner,
                        d.decided_at.to_string(),
                    ]
                });
                print!(
                    "{}",
                    sgs_web::lever1::csv_table(
                        "campus_id,school_year,action,rationale,owner,decided_at",
                        rows
                    )
                );
            }
        },
        Command::Project {
            what:
                ProjectCommand::Enrollment {
                    district,
                    horizon,
                    transitions,
                    average,
                    format,
                },
        } => {
            let data = sgs_web::lever1::load(&store, &district).await?;
            let settings = sgs_analysis::projection::Settings {
                transitions: usize::from(transitions),
                horizon: usize::from(horizon),
                average: match average {
                    RatioAverage::Mean => sgs_analysis::projection::Average::Mean,
                    RatioAverage::Median => sgs_analysis::projection::Average::Median,
                    RatioAverage::Recent => sgs_analysis::projection::Average::WeightedRecent,
                },
            };
            match format {
                OutputFormat::Csv => {
                    print!("{}", sgs_web::lever1::projection_table(&data, &settings))
                }
                OutputFormat::Json => {
                    let rows: Vec<serde_json::Value> = sgs_web::lever1::campus_projections(&data, &settings)
                        .iter()
                        .map(|r| serde_json::json!({
                            "campus_id": r.campus.id,
                            "name": r.campus.name,
                            "latest_enrollment": r.latest,
                            "projected": {"low": r.projected.0, "likely": r.projected.1, "high": r.projected.2},
                            "horizon_years": settings.horizon,
                            "backtest_mape_percent": r.backtest,
                            "utilization": r.utilization.map(|(u, _)| u),
                        }))
                        .collect();
                    println!("{}", serde_json::to_string_pretty(&rows)?);
                }
            }
        }
        Command::Scenario { what } => match what {
            ScenarioCommand::List { district } => {
                let rows = store.scenarios(&district).await?.into_iter().map(|s| {
                    let actions = s.actions.as_array().map(|a| a.len()).unwrap_or(0);
                    vec![s.id.to_string(), s.name, actions.to_string(), s.updated_by]
                });
                print!(
                    "{}",
                    sgs_web::lever1::csv_table("id,name,actions,updated_by", rows)
                );
            }
            ScenarioCommand::Run {
                district,
                id,
                format,
            } => {
                let stored = store
                    .scenario(&district, id)
                    .await?
                    .with_context(|| format!("no scenario {id} in district {district}"))?;
                let scenario = sgs_analysis::scenario::Scenario {
                    name: stored.name,
                    actions: serde_json::from_value(stored.actions)
                        .context("the stored actions")?,
                };
                let data = sgs_web::lever1::load(&store, &district).await?;
                let result = sgs_web::scenarios::evaluate(&data, &scenario)
                    .context("the scenario needs a year with letter ratings")?;
                match format {
                    OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&result)?),
                    OutputFormat::Csv => {
                        print!("{}", sgs_web::scenarios::comparison_table(&result))
                    }
                }
            }
        },
        Command::Chart { .. } => unreachable!("charts are drawn before the store is opened"),
        Command::Match { .. } => unreachable!("matches are run before the store is opened"),
        Command::User {
            email,
            name,
            role,
            district,
        } => {
            let password =
                std::env::var("SGS_PASSWORD").context("set the password in SGS_PASSWORD")?;
            if password.len() < 12 {
                anyhow::bail!("password too short: expected at least 12 characters");
            }
            if role != Role::StateAdmin && district.is_none() {
                anyhow::bail!("--district is required for role {}", role.code());
            }
            let hash = sgs_web::auth::hash_password(&password);
            store
                .upsert_user(district.as_deref(), &email, &name, role, &hash, "cli")
                .await?;
            println!("account {email} ({}) saved", role.code());
        }
    }
    Ok(())
}

fn chart(what: &ChartCommand) -> anyhow::Result<()> {
    let ChartCommand::Signals {
        file,
        phase_starts,
        rules,
    } = what;
    let (name, text) = match file.as_deref().filter(|f| f.as_os_str() != "-") {
        Some(path) => (
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string()),
            std::fs::read_to_string(path)
                .with_context(|| format!("Failed to read {}", path.display()))?,
        ),
        None => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .context("Failed to read standard input")?;
            ("standard input".to_string(), text)
        }
    };
    let points = sgs_web::innovation::parse_series_csv(&name, &text).map_err(anyhow::Error::msg)?;
    let mut starts = Vec::new();
    for period in phase_starts {
        let index = points
            .iter()
            .position(|p| &p.period == period)
            .with_context(|| format!("--phase-start {period:?} is not a period of {name}"))?;
        starts.push(index);
    }
    let options = sgs_improve::Options {
        phase_starts: starts,
        run_rules: match rules {
            ChartRules::Ihi => sgs_improve::RunRules::Ihi,
            ChartRules::Anhoj => sgs_improve::RunRules::Anhoj,
            ChartRules::Both => sgs_improve::RunRules::Both,
        },
        ..Default::default()
    };
    let analysis = sgs_improve::analyze(&points, &options).map_err(anyhow::Error::msg)?;
    println!("{}", serde_json::to_string_pretty(&analysis)?);
    Ok(())
}

async fn serve(store: sgs_store::Store, addr: SocketAddr) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("Failed to listen on {addr}"))?;
    let local = listener.local_addr()?;
    println!("SGS is running at http://{local}/  (Ctrl-C to stop)");
    sgs_web::serve_on(store, listener).await?;
    Ok(())
}
