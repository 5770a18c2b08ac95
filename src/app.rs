//! What the front ends share: loading rules under a config, a scan followed by its filters,
//! live validation and printing notices. The command line, the hooks and the Action each build a
//! [`ScanRequest`] and call these.

use std::path::Path;

use anyhow::{Context, Result};

use crate::baseline::Baseline;
use crate::config::{Config, RuleText};
use crate::filter;
use crate::model::{Level, Notice, Occurrence, Status};
use crate::request::{DEFAULT_MAX_FILE_SIZE, RuleSelection, ScanRequest};
use crate::rules::{RuleSet, gitleaks};
use crate::scan::Target;
use crate::scan::{self, ScanOptions};
use crate::untrusted;
use crate::validate::{self, Endpoints};

/// At most this many notices of one level are printed on stderr (all are in the reports).
const MAX_NOTICES_PRINTED: usize = 20;

/// The built-in rules and the selection's extra files, under no configuration.
pub fn load_rules(selection: &RuleSelection) -> Result<RuleSet> {
    load_rules_with(selection, &mut Config::default())
}

/// Built-in rules, plus the config's and the command line's extra files, minus what the config
/// disables or ranks below its confidence floor, narrowed by `selection.only`.
/// A gitleaks or Betterleaks config among the rule files brings its rules and its allowlist.
pub fn load_rules_with(selection: &RuleSelection, config: &mut Config) -> Result<RuleSet> {
    let mut set = RuleSet::builtin()?;
    // A configuration file may sit in the scanned repository: its rules must not decide
    // where `--validate` sends secrets. Live checks come from built-in rules and --rules.
    for file in std::mem::take(&mut config.rule_files) {
        add_rule_file(&mut set, config, &file, false)?;
    }
    for path in &selection.extra {
        for file in rule_files_at(path)? {
            add_rule_file(&mut set, config, &file, true)?;
        }
    }
    // Checked before the configuration narrows the set: a typo is an error, a rule the
    // configuration disabled is not.
    let unknown = set.unknown_ids(&selection.only);
    anyhow::ensure!(
        unknown.is_empty(),
        "--only-rules: no rule has the id or id prefix {} (see `keysweep rules list`)",
        crate::escape::text(&unknown.join(", "))
    );
    set.remove_ids(&config.disabled_rules);
    if let Some(min) = config.min_confidence {
        set.rules.retain(|r| r.confidence >= min);
    }
    if !selection.only.is_empty() {
        set.retain_ids(&selection.only);
        anyhow::ensure!(!set.rules.is_empty(), "--only-rules selects no rule");
    }
    Ok(set)
}

/// A rule file named on the command line, or each `*.toml` file of a directory named there.
fn rule_files_at(path: &Path) -> Result<Vec<RuleText>> {
    let mut paths = vec![path.to_path_buf()];
    if path.is_dir() {
        paths = std::fs::read_dir(path)
            .with_context(|| format!("reading rules directory {}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
    }
    paths
        .into_iter()
        .map(|p| {
            Ok(RuleText {
                text: untrusted::read_capped(&p)?,
                origin: p.display().to_string(),
            })
        })
        .collect()
}

/// Adds one rule file: keysweep's format, or a gitleaks or Betterleaks config (its rules, and
/// its allowlist into `config`). `live_checks: false` drops the file's validation requests.
fn add_rule_file(
    set: &mut RuleSet,
    config: &mut Config,
    file: &RuleText,
    live_checks: bool,
) -> Result<()> {
    let before = set.rules.len();
    if gitleaks::is_gitleaks(&file.text) {
        let imported = gitleaks::import(&file.text, &file.origin)?;
        config.absorb(&imported)?;
        for note in &imported.skipped {
            eprintln!("keysweep: note: {}: not imported: {note}", file.origin);
        }
        set.add_rules(imported.rules)?;
    } else {
        set.add_file(&file.text, &file.origin)?;
    }
    if !live_checks {
        for rule in &mut set.rules[before..] {
            rule.validate = None;
        }
    }
    Ok(())
}

/// The scan and its filters (config allowlists, inline allows, baseline).
pub fn scan_filtered(request: &ScanRequest) -> Result<(crate::model::ScanOutcome, RuleSet)> {
    let config = Config::discover(request.config.as_deref(), &request.target.root())?;
    scan_filtered_under(request, config)
}

/// [`scan_filtered`] under a configuration the caller chose (a pull request's base's).
pub fn scan_filtered_under(
    request: &ScanRequest,
    mut config: Config,
) -> Result<(crate::model::ScanOutcome, RuleSet)> {
    if let Target::Path(path) = &request.target {
        anyhow::ensure!(path.exists(), "{} does not exist", path.display());
    }
    let rules = load_rules_with(&request.rules, &mut config)?;
    let options = ScanOptions {
        scope: request.scope.clone(),
        respect_ignore: request.respect_ignore,
        include_binary: request.include_binary,
        max_file_size: request
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(DEFAULT_MAX_FILE_SIZE),
        threads: request.threads,
        progress: request.progress,
        decode: request.decode.clone(),
    };
    let mut outcome = scan::scan(&request.target, &rules, &options)?;
    let baseline = request
        .baseline
        .as_deref()
        .map(Baseline::load)
        .transpose()?;
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

/// Whether the outcome holds an error notice: part of the input was not read.
pub fn has_errors(outcome: &crate::model::ScanOutcome) -> bool {
    outcome.notices.iter().any(|n| n.level == Level::Error)
}

/// Prints notices on stderr, errors first, at most 20 of each level unless verbose (the
/// reports list all); quiet prints errors only. Text from scanned bytes is escaped.
pub fn print_notices(notices: &[Notice], verbosity: Verbosity) {
    for level in [Level::Error, Level::Warning, Level::Note] {
        if verbosity == Verbosity::Quiet && level != Level::Error {
            continue;
        }
        let of_level: Vec<&Notice> = notices.iter().filter(|n| n.level == level).collect();
        let name = match level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        };
        let shown = match verbosity {
            Verbosity::Verbose => of_level.len(),
            _ => MAX_NOTICES_PRINTED,
        };
        for notice in of_level.iter().take(shown) {
            eprintln!(
                "keysweep: {name}: {}: {}",
                crate::escape::text(&notice.subject),
                crate::escape::text(&notice.message)
            );
        }
        if of_level.len() > shown {
            eprintln!(
                "keysweep: {name}: ... and {} more (--verbose prints them all; the JSON and SARIF reports list them)",
                of_level.len() - shown
            );
        }
    }
}

/// How much a command says on standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    /// Errors only (`--quiet`).
    Quiet,
    /// Errors, then the first [`MAX_NOTICES_PRINTED`] warnings and notes of each level.
    Normal,
    /// Every notice, and what the scan ran with (`--verbose`).
    Verbose,
}

/// The request's live validation: asks the providers about the findings that survived the
/// filters (so allowlisted secrets are never sent anywhere).
pub fn validate_findings(
    request: &ScanRequest,
    outcome: &mut crate::model::ScanOutcome,
    rules: &RuleSet,
) -> Result<()> {
    let asked = &request.validation;
    if !asked.is_asked() {
        return Ok(());
    }
    let options = validate::Options {
        dry_run: asked.dry_run,
        concurrency: asked.concurrency.max(1),
        total_timeout: asked.timeout.max(std::time::Duration::from_secs(1)),
        per_provider_interval: std::time::Duration::from_secs(1) / asked.rate.max(1),
        endpoints: Endpoints::from_args_and_env(&asked.endpoints)?,
        map_access: asked.map_access,
        network_hosts: asked.network_hosts,
        ..validate::Options::default()
    };
    let root = request.target.root();
    // Checks that need more than the secret (a GCP key file) re-read where it was found.
    let repo = if outcome.repository {
        crate::source::git::open(&root)?
    } else {
        None
    };
    let load = |o: &Occurrence| -> Option<Vec<u8>> {
        if let (Some(repo), Some(blob)) = (&repo, &o.blob) {
            let id = gix::ObjectId::from_hex(blob.as_bytes()).ok()?;
            return repo.find_object(id).ok().map(|object| object.data.to_vec());
        }
        std::fs::read(request.target.reread_path(&o.path)?).ok()
    };
    let planned = validate::run(&mut outcome.findings, rules, &options, &load);
    if asked.dry_run {
        for p in &planned {
            eprintln!(
                "keysweep: would send {} ({}, {}): {} {}{} for {}",
                p.purpose, p.rule_id, p.provider, p.method, p.host, p.path, p.redacted_secret
            );
        }
        eprintln!(
            "keysweep: {} would be sent; none was (--validate-dry-run)",
            crate::plural::count(planned.len(), "request")
        );
        return Ok(());
    }
    if !request.quiet {
        let count = |status| {
            outcome
                .findings
                .iter()
                .filter(|f| f.validation.as_ref().is_some_and(|v| v.status == status))
                .count()
        };
        eprintln!(
            "keysweep: validation: {} valid, {} invalid, {} error, {} unsupported",
            count(Status::Valid),
            count(Status::Invalid),
            count(Status::Error),
            count(Status::Unsupported)
        );
    }
    if asked.only_valid {
        outcome.findings.retain(|f| {
            f.validation
                .as_ref()
                .is_some_and(|v| v.status == Status::Valid)
        });
    }
    Ok(())
}
