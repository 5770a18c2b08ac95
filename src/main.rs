//! The `keysweep` binary: parses the command line and wires library parts together.

use std::{
    fs::File,
    io::{BufWriter, IsTerminal, Write},
    path::PathBuf,
    process::ExitCode,
    time::Instant,
};

use anyhow::{Context, Result};
use clap::Parser;

use keysweep::action;
use keysweep::baseline::Baseline;
use keysweep::cli::{
    self, BaselineCommand, Cli, Command, HookCommand, ListFormat, RuleArgs, RulesCommand, ScanArgs,
};
use keysweep::config::Config;
use keysweep::filter;
use keysweep::hook;
use keysweep::report::{self, redact};
use keysweep::rules::{RuleSet, check, gitleaks};
use keysweep::scan::{self, ScanOptions, Scope};
use keysweep::source::git::range::Revisions;
use keysweep::source::{Level, Notice};

/// Exit codes: the contract CI systems and hooks rely on.
const EXIT_CLEAN: u8 = 0;
const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;

/// Where `baseline create` writes without `--output`.
const DEFAULT_BASELINE: &str = ".keysweep-baseline.json";

/// At most this many notices of one level are printed on stderr (all are in the reports).
const MAX_NOTICES_PRINTED: usize = 20;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Rules { command } => run_rules(command),
        Command::Hook { command } => run_hook(command),
        Command::GithubAction => run_github_action(),
        Command::Baseline {
            command: BaselineCommand::Create(args),
        } => run_baseline_create(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("keysweep: error: {e:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn load_rules(args: &RuleArgs) -> Result<RuleSet> {
    load_rules_with(args, &mut Config::default())
}

/// Built-in rules, plus the config's and the command line's extra files, minus what the config
/// disables or ranks below its confidence floor, narrowed by `--only-rules`.
/// A gitleaks or Betterleaks config among the rule files brings its rules and its allowlist.
fn load_rules_with(args: &RuleArgs, config: &mut Config) -> Result<RuleSet> {
    let mut set = RuleSet::builtin()?;
    let paths: Vec<PathBuf> = config
        .extra_rules
        .iter()
        .chain(&args.extra)
        .cloned()
        .collect();
    for path in &paths {
        let text = if path.is_file() {
            std::fs::read_to_string(path).ok()
        } else {
            None
        };
        match text.filter(|t| gitleaks::is_gitleaks(t)) {
            Some(text) => {
                let imported = gitleaks::import(&text, &path.display().to_string())?;
                config.absorb(&imported)?;
                for note in &imported.skipped {
                    eprintln!("keysweep: note: {}: not imported: {note}", path.display());
                }
                set.add_rules(imported.rules)?;
            }
            None => set.add_path(path)?,
        }
    }
    set.remove_ids(&config.disabled_rules);
    if let Some(min) = config.min_confidence {
        set.rules.retain(|r| r.confidence >= min);
    }
    if !args.only_rules.is_empty() {
        set.retain_ids(&args.only_rules);
        anyhow::ensure!(!set.rules.is_empty(), "--only-rules selects no rule");
    }
    Ok(set)
}

fn run_scan(args: ScanArgs) -> Result<u8> {
    let started = Instant::now();
    let (mut outcome, rules) = scan_filtered(&args)?;
    if args.redact {
        redact::apply(&mut outcome.findings);
    }

    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("creating {}", path.display()))?,
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

/// The scan and its filters (config allowlists, inline allows, baseline).
fn scan_filtered(args: &ScanArgs) -> Result<(scan::ScanOutcome, RuleSet)> {
    anyhow::ensure!(args.path.exists(), "{} does not exist", args.path.display());
    let mut config = Config::discover(args.config.as_deref(), &args.path)?;
    let rules = load_rules_with(&args.rules, &mut config)?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()?;
    let scope = if let Some(spec) = &args.range {
        Scope::Commits(Revisions::parse(spec))
    } else if let Some(from) = &args.since_commit {
        Scope::Commits(Revisions::parse(&format!("{from}..HEAD")))
    } else if args.staged {
        Scope::Staged
    } else if args.no_history {
        Scope::WorkTree
    } else if args.history_only {
        Scope::History
    } else {
        Scope::Everything
    };
    let default_size = cli::parse_size(cli::DEFAULT_MAX_FILE_SIZE).expect("valid default");
    let options = ScanOptions {
        scope,
        respect_ignore: !args.no_ignore,
        include_binary: args.include_binary,
        max_file_size: args
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(default_size),
        threads,
        progress: !args.no_progress && !args.quiet && std::io::stderr().is_terminal(),
    };
    let mut outcome = scan::scan(&args.path, &rules, &options)?;
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let (findings, suppressed, notices) = filter::apply(
        std::mem::take(&mut outcome.findings),
        &config,
        baseline.as_ref(),
    );
    outcome.findings = findings;
    outcome.suppressed = suppressed;
    outcome.notices.extend(notices);
    Ok((outcome, rules))
}

fn print_notices(notices: &[Notice], quiet: bool) {
    for level in [Level::Error, Level::Warning, Level::Note] {
        if quiet && level != Level::Error {
            continue;
        }
        let of_level: Vec<&Notice> = notices.iter().filter(|n| n.level == level).collect();
        let name = match level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        };
        for notice in of_level.iter().take(MAX_NOTICES_PRINTED) {
            eprintln!("keysweep: {name}: {}: {}", notice.subject, notice.message);
        }
        if of_level.len() > MAX_NOTICES_PRINTED {
            eprintln!(
                "keysweep: {name}: ... and {} more (all are listed in the JSON and SARIF reports)",
                of_level.len() - MAX_NOTICES_PRINTED
            );
        }
    }
}

fn run_rules(command: RulesCommand) -> Result<u8> {
    match command {
        RulesCommand::List { rules, format } => {
            let set = load_rules(&rules)?;
            let mut out = std::io::stdout().lock();
            match format {
                ListFormat::Json => {
                    let list: Vec<_> = set
                        .rules
                        .iter()
                        .map(|r| {
                            serde_json::json!({
                                "id": r.id, "name": r.name, "severity": r.severity,
                                "confidence": r.confidence, "checksum": r.checksum,
                                "entropy": r.entropy, "keywords": r.keywords, "origin": r.origin,
                            })
                        })
                        .collect();
                    serde_json::to_writer_pretty(&mut out, &list)?;
                    writeln!(out)?;
                }
                ListFormat::Text => {
                    for r in &set.rules {
                        let checks = match (&r.checksum, r.entropy) {
                            (Some(c), _) => format!("checksum:{c}"),
                            (None, Some(e)) => format!("entropy>={e}"),
                            (None, None) => "-".into(),
                        };
                        writeln!(
                            out,
                            "{:<40} {:<9} {:<7} {:<22} {}",
                            r.id, r.severity, r.confidence, checks, r.name
                        )?;
                    }
                    writeln!(out, "{} rules", set.rules.len())?;
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
        // The remote's name and URL are accepted as git passes them; what any remote has is
        // known from the remote-tracking refs.
        HookCommand::PrePush { rules, .. } => run_pre_push(&rules),
    }
}

/// git runs hooks from the work tree's root (or the git directory of a bare repository).
fn run_pre_push(rule_args: &RuleArgs) -> Result<u8> {
    let updates = match hook::update_from_pre_commit_env(|k| std::env::var(k).ok()) {
        Some(update) => vec![update],
        None => {
            let mut input = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut input)
                .context("reading git's pre-push input")?;
            hook::parse_updates(&input)?
        }
    };
    let here = std::env::current_dir()?;
    let repo = keysweep::source::git::open(&here)?
        .context("the pre-push hook must run inside a git repository")?;
    let revisions = hook::revisions_for_push(&repo, &updates);
    if revisions.include.is_empty() {
        return Ok(EXIT_CLEAN); // only deletions
    }
    // Same config as a scan of the repository: the hook and CI must agree on what is allowed.
    let mut config = Config::discover(None, &here)?;
    let rules = load_rules_with(rule_args, &mut config)?;
    let options = ScanOptions {
        scope: Scope::Commits(revisions),
        respect_ignore: true,
        include_binary: false,
        max_file_size: config
            .max_file_size
            .unwrap_or_else(|| cli::parse_size(cli::DEFAULT_MAX_FILE_SIZE).expect("valid default")),
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        progress: false,
    };
    let mut outcome = scan::scan(&here, &rules, &options)?;
    let (findings, suppressed, _) =
        filter::apply(std::mem::take(&mut outcome.findings), &config, None);
    outcome.findings = findings;
    outcome.suppressed = suppressed;
    redact::apply(&mut outcome.findings);
    print_notices(&outcome.notices, false);
    let errors = outcome.notices.iter().any(|n| n.level == Level::Error);
    if outcome.findings.is_empty() && !errors {
        return Ok(EXIT_CLEAN);
    }
    let mut err = std::io::stderr().lock();
    if !outcome.findings.is_empty() {
        writeln!(
            err,
            "keysweep: this push would publish {} secret(s):\n",
            outcome.findings.len()
        )?;
        report::text::write(&outcome, &mut err)?;
        writeln!(
            err,
            "What to do:\n  1. Rotate each secret at its provider now: a secret that reached any commit may\n     already be copied, and deleting the commit does not un-leak it.\n  2. Remove it from the commits being pushed (edit the file, then `git commit --amend` or\n     `git rebase -i`), and load it from the environment or a secret manager instead.\n  3. Push again. Only if it is a false positive: `git push --no-verify`."
        )?;
    } else {
        writeln!(
            err,
            "keysweep: the push was not fully scanned (see the errors above); blocking it to be safe"
        )?;
    }
    Ok(if errors { EXIT_ERROR } else { EXIT_FINDINGS })
}

/// The Action's scan step. Inputs arrive as `INPUT_<NAME>` variables (see action.yml).
fn run_github_action() -> Result<u8> {
    let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
    let input = |name: &str, default: &str| {
        env(&format!("INPUT_{}", name.to_uppercase().replace('-', "_")))
            .unwrap_or_else(|| default.to_string())
    };
    let flag = |name: &str, default: &str| input(name, default).trim().eq_ignore_ascii_case("true");
    if flag("only-verified", "false") {
        anyhow::bail!(
            "only-verified needs live validation of findings, which this version of keysweep does not do yet"
        );
    }
    let workspace = PathBuf::from(env("GITHUB_WORKSPACE").unwrap_or_else(|| ".".into()));
    let path = workspace.join(input("path", "."));
    let event_name = env("GITHUB_EVENT_NAME").unwrap_or_default();
    let event: serde_json::Value = match env("GITHUB_EVENT_PATH") {
        Some(p) => serde_json::from_str(
            &std::fs::read_to_string(&p).with_context(|| format!("reading the event {p}"))?,
        )
        .with_context(|| format!("parsing the event {p}"))?,
        None => serde_json::Value::Null,
    };
    let repo = keysweep::source::git::open(&path)?.with_context(|| {
        format!(
            "{} is not a git repository: run actions/checkout first",
            path.display()
        )
    })?;
    let plan = action::plan(&repo, &event_name, &event)?;
    let redact = flag("redact", "true");
    let sarif_file = workspace.join(input("sarif-file", "keysweep.sarif"));

    let mut argv: Vec<String> = vec!["keysweep".into(), "scan".into(), path.display().to_string()];
    let scanned = match &plan {
        action::Plan::Range(spec) => {
            argv.extend(["--range".into(), spec.clone()]);
            format!("the commits of `{spec}`")
        }
        action::Plan::FullHistory => "the full history and the work tree".to_string(),
        action::Plan::Nothing => "nothing (the push deleted a ref)".to_string(),
    };
    argv.extend(input("args", "").split_whitespace().map(str::to_string));
    let Command::Scan(args) = Cli::try_parse_from(&argv)
        .context("the `args` input")?
        .command
    else {
        unreachable!("argv starts with `scan`")
    };
    let started = Instant::now();
    let (mut outcome, rules) = if plan == action::Plan::Nothing {
        (scan::ScanOutcome::empty(), load_rules(&args.rules)?)
    } else {
        scan_filtered(&args)?
    };
    if redact {
        redact::apply(&mut outcome.findings);
    }
    let total = outcome.findings.len();
    let sarif = action::fit_sarif(&mut outcome, &rules)?;
    std::fs::write(&sarif_file, sarif)
        .with_context(|| format!("writing {}", sarif_file.display()))?;

    print!("{}", action::annotations(&outcome.findings));
    if let Some(summary) = env("GITHUB_STEP_SUMMARY") {
        append(&summary, &action::summary(&outcome.findings, &scanned))?;
    }
    if let Some(output) = env("GITHUB_OUTPUT") {
        append(
            &output,
            &format!("findings={total}\nsarif-file={}\n", sarif_file.display()),
        )?;
    }
    print_notices(&outcome.notices, false);
    eprintln!(
        "{}",
        report::summary_line(&outcome, started.elapsed().as_secs_f64())
    );
    let errors = outcome.notices.iter().any(|n| n.level == Level::Error);
    Ok(if errors {
        EXIT_ERROR
    } else if total > 0 && flag("fail-on-findings", "true") {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    })
}

fn append(path: &str, text: &str) -> Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening {path}"))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}
