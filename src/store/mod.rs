//! A sweep's datastore: one SQLite file (rusqlite, bundled) holding the repositories and their
//! scan state, every blob scanned and what matched in it, findings with provenance and triage,
//! notices, and one row per run.
//!
//! Crash safety comes from transactions: a blob is recorded as scanned in the same transaction
//! as its hits, and a repository as scanned in the same transaction as its findings. A sweep
//! killed at any point (even `kill -9`) leaves the store as of its last commit; the next run
//! skips what was committed and redoes the rest. Write-ahead logging lets report commands read
//! while a sweep writes.

pub mod merge;
mod stored;
mod triage_file;

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use gix::ObjectId;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

pub use stored::StoredHit;
pub use triage_file::TriageFile;

use crate::model::{Finding, Level, Notice, NoticeKind, Validation};
use crate::utc::now;
use crate::word_enum::word_enum;

const SCHEMA: &str = include_str!("schema.sql");
const SCHEMA_VERSION: &str = "1";

/// Fault injection for the crash-safety tests: with `KEYSWEEP_FAULT_ABORT_AT_COMMIT=N`, the
/// process aborts (no destructors, no flush, like `kill -9`) at its Nth commit, after the
/// transaction's statements ran and before it commits.
const FAULT_ABORT_AT_COMMIT: &str = "KEYSWEEP_FAULT_ABORT_AT_COMMIT";

word_enum! {
    /// Where a distinct secret stands in triage (`keysweep findings triage --status`).
    pub enum TriageStatus("status") {
        /// Not looked at yet: every secret starts here.
        New = "new",
        /// A real secret whose risk is accepted.
        Accepted = "accepted",
        /// Not a secret after all.
        FalsePositive = "false-positive",
        /// Revoked at its provider (still in history, so still reported).
        Revoked = "revoked",
    }
}

word_enum! {
    /// How far a sweep got with a repository.
    pub enum RepoState("repository state") {
        /// Not reached yet (the schema's default).
        Pending = "pending",
        /// Scanned completely; its findings are current.
        Scanned = "scanned",
        /// Could not be cloned, fetched or scanned; `reason` says why.
        Failed = "failed",
    }
}

/// These columns hold the words, as the schema's comments list them.
macro_rules! stored_as_word {
    ($($name:ident),+) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<$name> {
                value.as_str()?.parse().map_err(|e: String| FromSqlError::Other(e.into()))
            }
        }
    )+};
}

stored_as_word!(TriageStatus, RepoState);

/// An open connection to a sweep's datastore.
pub struct Store {
    conn: Connection,
    commits: Commits,
}

/// Counts commits, for the fault injection of the crash-safety tests.
#[derive(Default)]
struct Commits {
    made: u64,
    abort_at: Option<u64>,
}

impl Commits {
    /// Commits `tx` (or aborts the process there when fault injection asks for it).
    fn commit(&mut self, tx: Transaction) -> Result<()> {
        self.made += 1;
        if self.abort_at == Some(self.made) {
            std::process::abort();
        }
        tx.commit()?;
        Ok(())
    }
}

/// A repository as the store knows it.
#[derive(Debug, Clone)]
pub struct RepoRecord {
    /// Its row id: what [`RepoResult::repo`] and the per-repository queries take.
    pub id: i64,
    /// The name the sweep prints and `report --repo` takes (`owner/repo` for forge URLs).
    pub name: String,
    /// Where it was cloned from, or its local path.
    pub url: String,
    /// How far the sweep got with it.
    pub state: RepoState,
    /// Why it could not be cloned, fetched or scanned, when it could not.
    pub reason: Option<String>,
    /// The refs of the last complete scan.
    pub tips: BTreeMap<String, String>,
    pub(crate) rules_digest: Option<String>,
    pub(crate) scanned_at: Option<i64>,
    pub(crate) blobs: u64,
    pub(crate) new_blobs: u64,
    pub(crate) bytes: u64,
    /// Wall-clock seconds the last complete scan took; `None` before one.
    pub seconds: Option<f64>,
}

/// One scanned blob, as recorded.
pub struct BlobRecord {
    /// The blob's object id.
    pub id: ObjectId,
    /// Its size in bytes.
    pub size: u64,
    /// Why it was not matched (too large, binary); `None` when it was.
    pub skipped: Option<String>,
    /// What matched in it; empty when nothing did.
    pub hits: Vec<StoredHit>,
}

/// Everything a finished repository scan records, in one transaction.
pub struct RepoResult {
    /// The repository's [`RepoRecord::id`].
    pub repo: i64,
    /// Every ref (and `HEAD`) and the commit it points to, as scanned: a later sweep compares
    /// them to tell an unchanged repository.
    pub tips: BTreeMap<String, String>,
    /// The digest of the rules and scan options it was scanned under (see
    /// [`Store::use_rules`]).
    pub rules_digest: String,
    /// Blobs the scan looked at.
    pub blobs: u64,
    /// Of those, the blobs it scanned itself (the others were scanned before or by another
    /// repository's scan).
    pub new_blobs: u64,
    /// Bytes it scanned.
    pub bytes: u64,
    /// Wall-clock seconds the scan took.
    pub seconds: f64,
    /// The repository's findings, replacing those of its previous scan.
    pub findings: Vec<Finding>,
    /// What its scan could not read or left out, replacing the previous scan's notices.
    pub notices: Vec<Notice>,
}

/// A run's counters.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunRecord {
    id: i64,
    started: i64,
    pub(crate) finished: Option<i64>,
    shard: Option<String>,
    repos: u64,
    pub(crate) blobs_scanned: u64,
    pub(crate) bytes_scanned: u64,
}

impl Store {
    /// Opens the store at `path`, creating it (readable by its owner only: it holds secrets).
    pub fn open(path: &Path) -> Result<Store> {
        // Stores hold secrets in clear: owner-only, and tightened if found wider (a store
        // written by an older keysweep, or copied with a loose umask).
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        // A new store is born owner-only, so the note below is only for a store found wider.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(path)
            .with_context(|| format!("opening {}", path.display()))?;
        if crate::private_file::restrict(&file)? {
            eprintln!(
                "keysweep: note: {} was readable by others; it holds secrets, so it is now owner-only (0600)",
                path.display()
            );
        }
        let conn = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        Store::init(conn).with_context(|| format!("initialising {}", path.display()))
    }

    /// Opens a store that must already exist (reports, triage, merge inputs).
    pub fn open_existing(path: &Path) -> Result<Store> {
        anyhow::ensure!(
            path.is_file(),
            "{} does not exist: run `keysweep sweep --store {}` first",
            path.display(),
            path.display()
        );
        Store::open(path)
    }

    /// A second connection to a store another thread writes (WAL lets it read meanwhile).
    pub fn open_reader(path: &Path) -> Result<Store> {
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("opening {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        Ok(Store {
            conn,
            commits: Commits::default(),
        })
    }

    fn init(conn: Connection) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // In WAL mode NORMAL survives a crash of the process (not of the machine) intact.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(SCHEMA)?;
        add_notice_kinds(&conn)?;
        let version: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get(0)
            })
            .optional()?;
        match version.as_deref() {
            None => {
                conn.execute(
                    "INSERT INTO meta(key, value) VALUES ('schema', ?1)",
                    [SCHEMA_VERSION],
                )?;
            }
            Some(SCHEMA_VERSION) => {}
            Some(other) => anyhow::bail!(
                "store schema version {other} is not {SCHEMA_VERSION}: made by another keysweep version"
            ),
        }
        let abort_at = std::env::var(FAULT_ABORT_AT_COMMIT)
            .ok()
            .and_then(|v| v.parse().ok());
        Ok(Store {
            conn,
            commits: Commits { made: 0, abort_at },
        })
    }

    fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Makes `digest` the store's rules. Blobs scanned under other rules must be scanned again,
    /// so their records go (findings and triage stay). Returns whether the rules changed.
    pub fn use_rules(&mut self, digest: &str) -> Result<bool> {
        let previous = self.meta("rules_digest")?;
        if previous.as_deref() == Some(digest) {
            return Ok(false);
        }
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM blobs", [])?;
        tx.execute("DELETE FROM blob_hits", [])?;
        tx.execute(
            "INSERT INTO meta(key, value) VALUES ('rules_digest', ?1)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [digest],
        )?;
        self.commits.commit(tx)?;
        Ok(previous.is_some())
    }

    /// Starts a run; returns its id.
    pub fn start_run(&mut self, shard: Option<&str>, repos: usize) -> Result<i64> {
        self.conn.execute(
            "INSERT INTO runs(started, shard, repos) VALUES (?1, ?2, ?3)",
            params![now(), shard, repos as i64],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Marks run `run` as finished now.
    pub fn finish_run(&mut self, run: i64) -> Result<()> {
        self.conn.execute(
            "UPDATE runs SET finished = ?1 WHERE id = ?2",
            params![now(), run],
        )?;
        Ok(())
    }

    /// The repository named `name`, added as pending if new (its URL kept up to date).
    pub fn repo(&mut self, name: &str, url: &str) -> Result<RepoRecord> {
        self.conn.execute(
            "INSERT INTO repos(name, url) VALUES (?1, ?2)
             ON CONFLICT(name) DO UPDATE SET url = excluded.url",
            params![name, url],
        )?;
        self.repos(Some(name))?
            .pop()
            .context("repository vanished from the store")
    }

    /// Every repository (or the one named), by name.
    pub fn repos(&self, name: Option<&str>) -> Result<Vec<RepoRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT id, name, url, state, reason, tips, rules_digest, scanned_at, blobs,
                    new_blobs, bytes, seconds
             FROM repos WHERE ?1 IS NULL OR name = ?1 ORDER BY name",
        )?;
        let rows = statement.query_map([name], |r| {
            let tips: Option<String> = r.get(5)?;
            Ok(RepoRecord {
                id: r.get(0)?,
                name: r.get(1)?,
                url: r.get(2)?,
                state: r.get(3)?,
                reason: r.get(4)?,
                tips: tips
                    .and_then(|t| serde_json::from_str(&t).ok())
                    .unwrap_or_default(),
                rules_digest: r.get(6)?,
                scanned_at: r.get(7)?,
                blobs: r.get::<_, i64>(8)? as u64,
                new_blobs: r.get::<_, i64>(9)? as u64,
                bytes: r.get::<_, i64>(10)? as u64,
                seconds: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every blob scanned under the current rules, and the subset that matched.
    pub fn scanned_blobs(&self) -> Result<(Vec<ObjectId>, Vec<ObjectId>)> {
        let read = |sql: &str| -> Result<Vec<ObjectId>> {
            let mut statement = self.conn.prepare(sql)?;
            let ids = statement.query_map([], |r| r.get::<_, Vec<u8>>(0))?;
            let mut out = Vec::new();
            for id in ids {
                out.push(object_id(&id?)?);
            }
            Ok(out)
        };
        Ok((
            read("SELECT id FROM blobs")?,
            read("SELECT blob FROM blob_hits")?,
        ))
    }

    /// The stored hits of `blob`.
    pub fn hits_of(&self, blob: &gix::oid) -> Result<Vec<StoredHit>> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT hits FROM blob_hits WHERE blob = ?1")?
            .query_row([blob.as_bytes()], |r| r.get(0))
            .optional()?;
        match json {
            Some(json) => Ok(serde_json::from_str(&json)?),
            None => Ok(Vec::new()),
        }
    }

    /// Records scanned blobs and their hits, and counts them to `run`, in one transaction.
    pub fn record_blobs(&mut self, run: i64, blobs: &[BlobRecord]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut blob = tx.prepare_cached(
                "INSERT OR REPLACE INTO blobs(id, size, skipped) VALUES (?1, ?2, ?3)",
            )?;
            let mut hits =
                tx.prepare_cached("INSERT OR REPLACE INTO blob_hits(blob, hits) VALUES (?1, ?2)")?;
            for record in blobs {
                blob.execute(params![
                    record.id.as_bytes(),
                    record.size as i64,
                    record.skipped
                ])?;
                if !record.hits.is_empty() {
                    hits.execute(params![
                        record.id.as_bytes(),
                        serde_json::to_string(&record.hits)?
                    ])?;
                }
            }
            // Bytes the matcher read: blobs kept from it (binary, too large) do not count.
            let bytes: u64 = blobs
                .iter()
                .filter(|b| b.skipped.is_none())
                .map(|b| b.size)
                .sum();
            tx.execute(
                "UPDATE runs SET blobs_scanned = blobs_scanned + ?1,
                                 bytes_scanned = bytes_scanned + ?2 WHERE id = ?3",
                params![blobs.len() as i64, bytes as i64, run],
            )?;
        }
        self.commits.commit(tx)
    }

    /// Records a finished repository scan: its findings (replacing the previous scan's), new
    /// distinct secrets (existing ones keep their triage), notices and state.
    pub fn record_repo(&mut self, result: &RepoResult) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM repo_findings WHERE repo = ?1", [result.repo])?;
        tx.execute("DELETE FROM notices WHERE repo = ?1", [result.repo])?;
        {
            let mut secret = tx.prepare_cached(
                "INSERT OR IGNORE INTO findings(fingerprint, rule_id, first_seen) VALUES (?1, ?2, ?3)",
            )?;
            let mut finding = tx.prepare_cached(
                "INSERT INTO repo_findings(repo, fingerprint, finding) VALUES (?1, ?2, ?3)",
            )?;
            for f in &result.findings {
                secret.execute(params![f.fingerprint, f.rule_id, now()])?;
                finding.execute(params![
                    result.repo,
                    f.fingerprint,
                    serde_json::to_string(f)?
                ])?;
            }
            insert_notices(&tx, result.repo, &result.notices)?;
        }
        tx.execute(
            "UPDATE repos SET state = ?1, reason = NULL, tips = ?2, rules_digest = ?3,
                    scanned_at = ?4, blobs = ?5, new_blobs = ?6, bytes = ?7, seconds = ?8
             WHERE id = ?9",
            params![
                RepoState::Scanned,
                serde_json::to_string(&result.tips)?,
                result.rules_digest,
                now(),
                result.blobs as i64,
                result.new_blobs as i64,
                result.bytes as i64,
                result.seconds,
                result.repo
            ],
        )?;
        self.commits.commit(tx)
    }

    /// Records that a repository could not be cloned, fetched or scanned. Its findings from an
    /// earlier scan stay; the reason says they may be stale.
    pub fn record_failure(&mut self, repo: i64, reason: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE repos SET state = ?1, reason = ?2 WHERE id = ?3",
            params![RepoState::Failed, reason, repo],
        )?;
        tx.execute("DELETE FROM notices WHERE repo = ?1", [repo])?;
        insert_notices(
            &tx,
            repo,
            &[Notice::error(NoticeKind::Unreadable, "repository", reason)],
        )?;
        self.commits.commit(tx)
    }

    /// Every finding of a repository, as recorded, with its triage status.
    pub fn findings_of(&self, repo: i64) -> Result<Vec<(Finding, Triage)>> {
        let mut statement = self.conn.prepare(
            "SELECT rf.finding, f.status, f.note, f.validation FROM repo_findings rf
             JOIN findings f ON f.fingerprint = rf.fingerprint
             WHERE rf.repo = ?1",
        )?;
        let rows = statement.query_map([repo], |r| {
            Ok((
                r.get::<_, String>(0)?,
                Triage {
                    status: r.get(1)?,
                    note: r.get(2)?,
                },
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (json, triage, validation) = row?;
            let mut finding: Finding = serde_json::from_str(&json)?;
            // Every report shows a finding at its first occurrence; one without any is a damaged
            // store (a hand-edited or corrupted shard merged in), not a finding.
            anyhow::ensure!(
                !finding.occurrences.is_empty(),
                "the store holds finding {} without an occurrence",
                finding.fingerprint
            );
            if let Some(validation) = validation {
                finding.validation = Some(serde_json::from_str(&validation)?);
            }
            for occurrence in &mut finding.occurrences {
                occurrence.secret_in_context =
                    occurrence.context.find(&finding.secret).unwrap_or(0);
            }
            out.push((finding, triage));
        }
        Ok(out)
    }

    /// Records what a secret's provider said (a later sweep does not ask again).
    pub fn record_validation(&mut self, fingerprint: &str, validation: &Validation) -> Result<()> {
        self.conn.execute(
            "UPDATE findings SET validation = ?1 WHERE fingerprint = ?2",
            params![serde_json::to_string(validation)?, fingerprint],
        )?;
        Ok(())
    }

    /// The notices of a repository's last scan (or why it failed), sorted.
    pub fn notices_of(&self, repo: i64) -> Result<Vec<Notice>> {
        let mut statement = self
            .conn
            .prepare("SELECT level, subject, message, kind FROM notices WHERE repo = ?1")?;
        let rows = statement.query_map([repo], |r| {
            let level: String = r.get(0)?;
            let kind: String = r.get(3)?;
            Ok(Notice::new(
                match level.as_str() {
                    "error" => Level::Error,
                    "warning" => Level::Warning,
                    _ => Level::Note,
                },
                kind.parse().unwrap_or(NoticeKind::Other),
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut notices: Vec<Notice> = rows.collect::<rusqlite::Result<_>>()?;
        notices.sort();
        Ok(notices)
    }

    /// Every run, its own or merged in from a shard, in the order recorded.
    pub fn runs(&self) -> Result<Vec<RunRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT id, started, finished, shard, repos, blobs_scanned, bytes_scanned
             FROM runs ORDER BY id",
        )?;
        let rows = statement.query_map([], |r| {
            Ok(RunRecord {
                id: r.get(0)?,
                started: r.get(1)?,
                finished: r.get(2)?,
                shard: r.get(3)?,
                repos: r.get::<_, i64>(4)? as u64,
                blobs_scanned: r.get::<_, i64>(5)? as u64,
                bytes_scanned: r.get::<_, i64>(6)? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Distinct blobs, their bytes, and how many were skipped, per reason.
    pub fn blob_totals(&self) -> Result<(u64, u64, BTreeMap<String, u64>)> {
        let (count, bytes): (i64, i64) = self.conn.query_row(
            "SELECT count(*), coalesce(sum(size), 0) FROM blobs",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut statement = self.conn.prepare(
            "SELECT skipped, count(*) FROM blobs WHERE skipped IS NOT NULL GROUP BY skipped",
        )?;
        let skipped = statement
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok((count as u64, bytes as u64, skipped))
    }

    /// Sets the triage status of the findings with these fingerprints (or fingerprint
    /// prefixes of at least 8 digits). Returns how many findings changed.
    pub fn triage(
        &mut self,
        fingerprints: &[String],
        status: TriageStatus,
        note: Option<&str>,
    ) -> Result<usize> {
        let marks: Vec<TriageChange> = fingerprints
            .iter()
            .map(|fingerprint| TriageChange {
                fingerprint: fingerprint.clone(),
                status,
                note: note.map(str::to_string),
            })
            .collect();
        self.triage_all(&marks)
    }

    /// Applies every change or none (one transaction): a typo in the tenth fingerprint of a
    /// triage file leaves the store as it was. Returns how many findings changed.
    pub fn triage_all(&mut self, changes: &[TriageChange]) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let mut changed = 0;
        for TriageChange {
            fingerprint,
            status,
            note,
        } in changes
        {
            anyhow::ensure!(
                fingerprint.len() >= 8 && fingerprint.bytes().all(|b| b.is_ascii_hexdigit()),
                "{fingerprint:?} is not a fingerprint (at least 8 hex digits)"
            );
            let matching: i64 = tx.query_row(
                "SELECT count(*) FROM findings WHERE fingerprint LIKE ?1 || '%'",
                [fingerprint],
                |r| r.get(0),
            )?;
            anyhow::ensure!(matching > 0, "no finding has fingerprint {fingerprint}");
            anyhow::ensure!(
                matching == 1 || fingerprint.len() == 32,
                "{fingerprint} matches {matching} findings: give more digits"
            );
            changed += tx.execute(
                "UPDATE findings SET status = ?1, note = ?2, triaged_at = ?3
                 WHERE fingerprint LIKE ?4 || '%'",
                params![status, note, now(), fingerprint],
            )?;
        }
        self.commits.commit(tx)?;
        Ok(changed)
    }
}

/// One finding's new triage: by fingerprint (or a prefix of at least 8 digits).
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageChange {
    /// The finding's fingerprint, as reports show it.
    pub fingerprint: String,
    /// Its new status.
    pub status: TriageStatus,
    /// Why.
    #[serde(default)]
    pub note: Option<String>,
}

/// A finding's triage, as reports show it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Triage {
    /// Where the secret stands.
    pub status: TriageStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) note: Option<String>,
}

/// Stores made before notices had kinds get the column (their notices read as `other`); the
/// schema version stays, so an older keysweep still reads and writes the store.
fn add_notice_kinds(conn: &Connection) -> Result<()> {
    let has_kind = conn
        .prepare("SELECT 1 FROM pragma_table_info('notices') WHERE name = 'kind'")?
        .exists([])?;
    if !has_kind {
        conn.execute_batch("ALTER TABLE notices ADD COLUMN kind TEXT NOT NULL DEFAULT 'other'")?;
    }
    Ok(())
}

fn insert_notices(tx: &Transaction, repo: i64, notices: &[Notice]) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO notices(repo, level, subject, message, kind) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for notice in notices {
        let level = match notice.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        };
        insert.execute(params![
            repo,
            level,
            notice.subject,
            notice.message,
            notice.kind.as_str()
        ])?;
    }
    Ok(())
}

fn object_id(bytes: &[u8]) -> Result<ObjectId> {
    Ok(gix::oid::try_from_bytes(bytes)
        .context("the store holds a malformed blob id")?
        .to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_are_stored_as_their_words() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("store.db")).unwrap();
        let repo = store.repo("a/b", "https://example.com/a/b").unwrap();
        assert_eq!(repo.state, RepoState::Pending, "the schema's default");
        store.record_failure(repo.id, "unreachable").unwrap();
        let word: String = store
            .conn
            .query_row("SELECT state FROM repos", [], |r| r.get(0))
            .unwrap();
        assert_eq!(word, "failed");
        assert_eq!(store.repos(None).unwrap()[0].state, RepoState::Failed);

        store
            .conn
            .execute(
                "INSERT INTO findings(fingerprint, rule_id, first_seen) VALUES (?1, 'r', 0)",
                ["0123456789abcdef0123456789abcdef"],
            )
            .unwrap();
        let read = |store: &Store| -> (String, rusqlite::Result<TriageStatus>) {
            let sql = "SELECT status FROM findings";
            (
                store.conn.query_row(sql, [], |r| r.get(0)).unwrap(),
                store.conn.query_row(sql, [], |r| r.get(0)),
            )
        };
        assert_eq!(read(&store).0, "new");
        assert_eq!(read(&store).1.unwrap(), TriageStatus::New);
        let changed = store
            .triage(&["01234567".into()], TriageStatus::FalsePositive, None)
            .unwrap();
        assert_eq!(changed, 1);
        assert_eq!(read(&store).0, "false-positive");
        assert_eq!(read(&store).1.unwrap(), TriageStatus::FalsePositive);
        // A word this keysweep does not know (a damaged or newer store) is an error.
        store
            .conn
            .execute("UPDATE findings SET status = 'wontfix'", [])
            .unwrap();
        let error = read(&store).1.unwrap_err().to_string();
        assert!(error.contains(r#"unknown status "wontfix""#), "{error}");
    }

    #[test]
    fn notices_keep_their_kind_and_older_stores_gain_the_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let mut store = Store::open(&path).unwrap();
        let repo = store
            .repo("example/repo", "https://example.com/repo")
            .unwrap();
        // A store as an older keysweep left it: no kind column, one notice.
        store
            .conn
            .execute_batch("ALTER TABLE notices DROP COLUMN kind")
            .unwrap();
        store
            .conn
            .execute(
                "INSERT INTO notices(repo, level, subject, message) VALUES (?1, 'error', 'a', 'old')",
                [repo.id],
            )
            .unwrap();
        drop(store);

        let mut store = Store::open(&path).unwrap();
        let tx = store.conn.transaction().unwrap();
        insert_notices(
            &tx,
            repo.id,
            &[Notice::warning(NoticeKind::TooLarge, "b", "new")],
        )
        .unwrap();
        tx.commit().unwrap();
        let kinds: Vec<(String, NoticeKind)> = store
            .notices_of(repo.id)
            .unwrap()
            .into_iter()
            .map(|n| (n.message, n.kind))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("old".to_string(), NoticeKind::Other),
                ("new".to_string(), NoticeKind::TooLarge)
            ]
        );
    }

    #[test]
    fn a_stored_finding_without_occurrences_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("store.db")).unwrap();
        let repo = store
            .repo("example/repo", "https://example.com/repo")
            .unwrap();
        store
            .conn
            .execute(
                "INSERT INTO findings(fingerprint, rule_id, first_seen) VALUES ('f', 'r', 0)",
                [],
            )
            .unwrap();
        let finding = r#"{"rule_id": "r", "rule_name": "R", "severity": "low",
            "confidence": "low", "fingerprint": "f", "secret": "s", "entropy": 1.0,
            "occurrences": []}"#;
        store
            .conn
            .execute(
                "INSERT INTO repo_findings(repo, fingerprint, finding) VALUES (?1, 'f', ?2)",
                params![repo.id, finding],
            )
            .unwrap();
        let error = store.findings_of(repo.id).unwrap_err().to_string();
        assert!(error.contains("without an occurrence"), "{error}");
    }
}
