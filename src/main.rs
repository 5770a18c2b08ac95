//! The `keysweep` binary: parses the command line and wires library parts together.

use std::{
    io::{BufWriter, Write},
    path::PathBuf,
    process::ExitCode,
    time::Instant,
};

use anyhow::{Context, Result};
use clap::Parser;

use keysweep::action;
use keysweep::app::{
    EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, load_rules, print_notices, scan_filtered,
    validate_findings,
};
use keysweep::baseline::Baseline;
use keysweep::cli::{
    BaselineCommand, Cli, Command, FindingsCommand, HookCommand, ListFormat, RulesCommand, ScanArgs,
};
use keysweep::hook;
use keysweep::matcher::Matcher;
use keysweep::private_file;
use keysweep::report::{self, redact};
use keysweep::rules::{check, list};
use keysweep::scan;
use keysweep::source::Level;
use keysweep::store::Store;
use keysweep::sweep;

/// Where `baseline create` writes without `--output`.
const DEFAULT_BASELINE: &str = ".keysweep-baseline.json";

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Rules { command } => run_rules(command),
        Command::Hook { command } => run_hook(command),
        Command::GithubAction => action::run(),
        Command::Sweep(args) => sweep::run(&args),
        Command::Report(args) => sweep::report::run(&args),
        Command::Findings {
            command:
                FindingsCommand::Triage {
                    store,
                    status,
                    note,
                    fingerprints,
                },
        } => run_triage(&store, &status, note.as_deref(), &fingerprints),
        Command::Merge { into, stores } => run_merge(&into, &stores),
        Command::Baseline {
            command: BaselineCommand::Create(args),
        } => run_baseline_create(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader went away (`keysweep rules list | head`): nothing left to say.
        Err(e) if is_broken_pipe(&e) => ExitCode::from(EXIT_ERROR),
        Err(e) => {
            eprintln!("keysweep: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
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
    eprintln!("keysweep: {changed} secret(s) marked {status}, in every repository that holds them");
    Ok(EXIT_CLEAN)
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
    Ok(EXIT_CLEAN)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run_scan(args: ScanArgs) -> Result<u8> {
    let started = Instant::now();
    let (mut outcome, rules) = scan_filtered(&args)?;
    validate_findings(&args, &mut outcome, &rules)?;
    if args.redact {
        redact::apply(&mut outcome.findings);
    }

    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            // Unredacted reports hold secrets: owner-only.
            private_file::create(path, !args.redact)
                .with_context(|| format!("creating {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout().lock())),
    };
    report::write(args.format, &outcome, &rules, &mut out)?;
    drop(out);
    finish(&outcome, &args, started)
}

/// `keysweep baseline create`: scan, then record every finding's fingerprint.
fn run_baseline_create(args: ScanArgs) -> Result<u8> {
    let started = Instant::now();
    let (outcome, _) = scan_filtered(&args)?;
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_BASELINE));
    let baseline = Baseline::from_findings(&outcome.findings);
    std::fs::write(&path, baseline.to_json())
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!(
        "keysweep: baseline of {} finding(s) written to {}",
        baseline.findings.len(),
        path.display()
    );
    let code = finish(&outcome, &args, started)?;
    // Recording findings is the point here: only an incomplete scan is a failure.
    Ok(if code == EXIT_ERROR {
        EXIT_ERROR
    } else {
        EXIT_CLEAN
    })
}

/// Notices and the summary on stderr; the exit code.
fn finish(outcome: &scan::ScanOutcome, args: &ScanArgs, started: Instant) -> Result<u8> {
    print_notices(&outcome.notices, args.quiet);
    if !args.quiet {
        eprintln!(
            "{}",
            report::summary_line(outcome, started.elapsed().as_secs_f64())
        );
    }
    let errors = outcome.notices.iter().any(|n| n.level == Level::Error);
    Ok(if errors && !args.ignore_errors {
        EXIT_ERROR
    } else if outcome.findings.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

fn run_rules(command: RulesCommand) -> Result<u8> {
    match command {
        RulesCommand::List { rules, format } => {
            let set = load_rules(&rules)?;
            let mut out = std::io::stdout().lock();
            match format {
                ListFormat::Json => list::json(&set, &mut out)?,
                ListFormat::Text => {
                    let engine = Matcher::new(&set)?.prefilter_engine();
                    list::text(&set, &engine, &mut out)?
                }
            }
            Ok(EXIT_CLEAN)
        }
        RulesCommand::Check { rules } => {
            let set = load_rules(&rules)?;
            let problems = check::check(&set)?;
            for p in &problems {
                println!("{}: {}", p.rule, p.message);
            }
            if problems.is_empty() {
                println!(
                    "{} rules checked: all examples match, no negative example matches",
                    set.rules.len()
                );
                Ok(EXIT_CLEAN)
            } else {
                println!("{} problem(s) in {} rules", problems.len(), set.rules.len());
                Ok(EXIT_FINDINGS)
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
            Ok(EXIT_CLEAN)
        }
        HookCommand::PrePush { remote, url, rules } => hook::run_pre_push(&rules, remote, url),
    }
}
