//! The `keysweep` binary: parses the command line and wires library parts together.

use std::{
    io::{BufWriter, Write},
    path::PathBuf,
    process::ExitCode,
    time::Instant,
};

mod cli;

use anyhow::{Context, Result};
use clap::Parser;

use keysweep::action;
use keysweep::app::{has_errors, load_rules, print_notices, scan_filtered, validate_findings};
use keysweep::baseline::Baseline;
use keysweep::exit;
use keysweep::hook;
use keysweep::matcher::Matcher;
use keysweep::matcher::check;
use keysweep::plural;
use keysweep::private_file;
use keysweep::redact;
use keysweep::report;
use keysweep::rules::list;
use keysweep::store::Store;
use keysweep::sweep;

use cli::{
    BaselineCommand, Cli, Command, FindingsCommand, HookCommand, ListFormat, RulesCommand, ScanArgs,
};

/// Where `baseline create` writes without `--output`.
const DEFAULT_BASELINE: &str = ".keysweep-baseline.json";

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Rules { command } => run_rules(command),
        Command::Hook { command } => run_hook(command),
        Command::GithubAction => run_github_action(),
        Command::Sweep(args) => {
            let plan = args.plan();
            init_thread_pool(plan.threads).and_then(|()| sweep::run(&plan))
        }
        Command::Report(args) => sweep::report::run(&args.request()),
        Command::Findings {
            command:
                FindingsCommand::Triage {
                    store,
                    status,
                    note,
                    fingerprints,
                    from,
                },
        } => match from {
            Some(file) => run_triage_file(&store, &file),
            None => run_triage(
                &store,
                status.as_deref().unwrap_or_default(),
                note.as_deref(),
                &fingerprints,
            ),
        },
        Command::Merge { into, stores } => run_merge(&into, &stores),
        Command::Version => run_version(),
        Command::Baseline {
            command: BaselineCommand::Create(args),
        } => run_baseline_create(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader went away (`keysweep rules list | head`): nothing left to say.
        Err(e) if is_broken_pipe(&e) => ExitCode::from(exit::ERROR),
        Err(e) => {
            eprintln!("keysweep: error: {e:#}");
            ExitCode::from(exit::ERROR)
        }
    }
}

fn run_triage(
    store: &std::path::Path,
    status: &str,
    note: Option<&str>,
    fingerprints: &[String],
) -> Result<u8> {
    let status: keysweep::store::TriageStatus = status.parse().map_err(anyhow::Error::msg)?;
    let changed = Store::open_existing(store)?.triage(fingerprints, status, note)?;
    eprintln!(
        "keysweep: {} marked {status}, in every repository that holds them",
        plural::count(changed, "secret")
    );
    Ok(exit::CLEAN)
}

/// `findings triage --from FILE`: the marks made in an HTML report's page.
fn run_triage_file(store: &std::path::Path, file: &std::path::Path) -> Result<u8> {
    let triage = keysweep::store::TriageFile::read(file)?;
    let changed = Store::open_existing(store)?.triage_all(&triage.changes)?;
    eprintln!(
        "keysweep: {} from {} applied: {} changed, in every repository that holds them",
        plural::count(triage.changes.len(), "mark"),
        file.display(),
        plural::count(changed, "finding")
    );
    Ok(exit::CLEAN)
}

fn run_version() -> Result<u8> {
    let rules = load_rules(&Default::default())?;
    println!("keysweep {}", env!("CARGO_PKG_VERSION"));
    println!("rules: {} built in", rules.rules.len());
    println!("prefilter: {}", prefilter_engines(&rules)?);
    Ok(exit::CLEAN)
}

/// The prefilter engines this machine runs: one for whole histories, one for everything
/// smaller (they differ when Vectorscan is installed).
fn prefilter_engines(rules: &keysweep::rules::RuleSet) -> Result<String> {
    use keysweep::matcher::InputSize;
    let large = Matcher::for_input(rules, InputSize::Large)?.prefilter_engine();
    let small = Matcher::for_input(rules, InputSize::Small)?.prefilter_engine();
    Ok(if large == small {
        large
    } else {
        format!("{large} for whole histories, {small} for work trees, directories and pushes")
    })
}

fn run_merge(into: &std::path::Path, stores: &[PathBuf]) -> Result<u8> {
    let mut target = Store::open(into)?;
    for store in stores {
        let merged = target.merge_from(store)?;
        eprintln!(
            "keysweep: merged {}: {} repositories, {} new blobs",
            store.display(),
            merged.repos,
            merged.blobs
        );
    }
    Ok(exit::CLEAN)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The scanning commands' threads: rayon's global pool, set once, here and nowhere in the
/// library.
fn init_thread_pool(threads: usize) -> Result<()> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build_global()
        .context("starting the worker threads")
}

/// `keysweep github-action`: the Action's inputs, its `args` input read as `scan` arguments.
fn run_github_action() -> Result<u8> {
    let inputs = action::Inputs::from_env()?;
    let argv = ["keysweep".to_string(), "scan".to_string()]
        .into_iter()
        .chain([inputs.path.display().to_string()])
        .chain(inputs.args.iter().cloned());
    // A bad `args` input fails the step like a failed scan: outputs and SARIF are still left.
    let request = Cli::try_parse_from(argv)
        .context("the `args` input")
        .and_then(|cli| match cli.command {
            Command::Scan(args) if args.exit_code != exit::FINDINGS => Err(anyhow::anyhow!(
                "the `args` input: --exit-code does not apply to the Action; set its `fail-on-findings` input"
            )),
            Command::Scan(args) => Ok(args.request()),
            _ => unreachable!("argv starts with `scan`"),
        })
        .inspect_err(|error| action::leave_failure_outputs(&inputs, error))?;
    init_thread_pool(request.threads)?;
    action::run(&inputs, request)
}

fn run_scan(args: ScanArgs) -> Result<u8> {
    anyhow::ensure!(
        !args.show_secrets || args.format == cli::ReportFormat::Html,
        "--show-secrets is for --format html (the other formats show secrets unless --redact)"
    );
    let started = Instant::now();
    let request = args.request();
    init_thread_pool(request.threads)?;
    let (mut outcome, rules) = scan_filtered(&request)?;
    validate_findings(&request, &mut outcome, &rules)?;
    let redacted = args.redacted();
    if redacted {
        redact::apply(&mut outcome.findings);
    }

    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            // Unredacted reports hold secrets: owner-only.
            private_file::create(path, !redacted)
                .with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    let target = if args.path.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        keysweep::escape::os_name(args.path.as_os_str())
    };
    let subject = report::Subject {
        target: &target,
        secrets_shown: !redacted,
        color: args.color.enabled(args.output.is_none()),
    };
    report::write(args.format.into(), &outcome, &rules, subject, &mut out)?;
    drop(out);
    finish(&outcome, &args, &rules, started)
}

/// `keysweep baseline create`: scan, then record every finding's fingerprint.
fn run_baseline_create(args: ScanArgs) -> Result<u8> {
    // A baseline is always its own JSON: a report format would only mislabel it.
    anyhow::ensure!(
        args.format == cli::ReportFormat::Text,
        "baseline create writes a baseline (JSON of fingerprints, no secrets): --format does not apply"
    );
    let started = Instant::now();
    let request = args.request();
    init_thread_pool(request.threads)?;
    let (outcome, rules) = scan_filtered(&request)?;
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_BASELINE));
    let baseline = Baseline::from_findings(&outcome.findings);
    std::fs::write(&path, baseline.to_json())
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!(
        "keysweep: baseline of {} written to {}",
        plural::count(baseline.findings.len(), "finding"),
        path.display()
    );
    let code = finish(&outcome, &args, &rules, started)?;
    // Recording findings is the point here: only an incomplete scan is a failure.
    Ok(if code == exit::ERROR {
        exit::ERROR
    } else {
        exit::CLEAN
    })
}

/// What a scan ran with, for `--verbose`: the rules, threads, scope and decoding depth.
fn ran_with(args: &ScanArgs, rules: &keysweep::rules::RuleSet) -> String {
    let request = args.request();
    format!(
        "scanned with {}, {}, scope: {}, decoding depth {}",
        plural::count(rules.rules.len(), "rule"),
        plural::count(request.threads, "thread"),
        request.scope.describe(),
        args.max_decode_depth
    )
}

/// Notices and the summary on stderr; the exit code.
fn finish(
    outcome: &keysweep::model::ScanOutcome,
    args: &ScanArgs,
    rules: &keysweep::rules::RuleSet,
    started: Instant,
) -> Result<u8> {
    print_notices(&outcome.notices, args.verbosity());
    if args.verbose {
        eprintln!("keysweep: {}", ran_with(args, rules));
    }
    if !args.quiet {
        eprintln!(
            "{}",
            report::summary_line(outcome, started.elapsed().as_secs_f64())
        );
    }
    let code = exit::code(
        has_errors(outcome) && !args.ignore_errors,
        !outcome.findings.is_empty(),
    );
    Ok(if code == exit::FINDINGS {
        args.exit_code
    } else {
        code
    })
}

fn run_rules(command: RulesCommand) -> Result<u8> {
    match command {
        RulesCommand::List { rules, format } => {
            let set = load_rules(&rules.selection())?;
            let mut out = std::io::stdout().lock();
            match format {
                ListFormat::Json => list::json(&set, &mut out)?,
                ListFormat::Text => list::text(&set, &prefilter_engines(&set)?, &mut out)?,
            }
            Ok(exit::CLEAN)
        }
        RulesCommand::Explain {
            file,
            rules,
            format,
        } => {
            let set = load_rules(&rules.selection())?;
            // Bounded as a scanned file is by default: explain is for one file, not a disk.
            let limit = keysweep::config::parse_size(cli::DEFAULT_MAX_FILE_SIZE)
                .map_err(anyhow::Error::msg)?;
            let text = keysweep::untrusted::read_capped_bytes(&file, limit)?;
            let outcomes = check::explain(&set, &text)?;
            match format {
                ListFormat::Json => {
                    serde_json::to_writer_pretty(std::io::stdout().lock(), &outcomes)?;
                    println!();
                }
                ListFormat::Text => {
                    for o in &outcomes {
                        println!(
                            "{}: {}",
                            keysweep::escape::text(&o.rule),
                            keysweep::escape::text(&o.outcome)
                        );
                    }
                    if outcomes.is_empty() {
                        println!("no rule's keyword occurs in it");
                    }
                }
            }
            Ok(exit::CLEAN)
        }
        RulesCommand::Check { rules } => {
            let set = load_rules(&rules.selection())?;
            let problems = check::check(&set)?;
            for p in &problems {
                // Rule files may come from anywhere: their text reaches the terminal escaped.
                println!(
                    "{}: {}",
                    keysweep::escape::text(&p.rule),
                    keysweep::escape::text(&p.message)
                );
            }
            if problems.is_empty() {
                println!(
                    "{} rules checked: all examples match, no negative example matches",
                    set.rules.len()
                );
                Ok(exit::CLEAN)
            } else {
                println!(
                    "{} in {} rules",
                    plural::count(problems.len(), "problem"),
                    set.rules.len()
                );
                Ok(exit::FINDINGS)
            }
        }
    }
}

fn run_hook(command: HookCommand) -> Result<u8> {
    match command {
        HookCommand::Install { repo, force, chain } => {
            let existing = if chain {
                hook::Existing::Chain
            } else if force {
                hook::Existing::Overwrite
            } else {
                hook::Existing::Refuse
            };
            let exe = std::env::current_exe().context("locating the keysweep binary")?;
            let path = hook::install(&repo, &exe, existing)?;
            eprintln!(
                "keysweep: installed the pre-push hook at {}",
                path.display()
            );
            Ok(exit::CLEAN)
        }
        HookCommand::PrePush { remote, url, rules } => {
            hook::run_pre_push(&rules.selection(), remote, url)
        }
    }
}
