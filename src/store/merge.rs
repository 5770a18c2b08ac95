//! `keysweep merge`: shard stores into one. Blobs and hits are unions; a repository is taken
//! from whichever store scanned it last, with its findings and notices; triage decided later
//! wins. Merging the same shard twice changes nothing.

use std::path::Path;

use anyhow::{Context, Result};
use rusqlite::{OptionalExtension, params};

use super::Store;

/// What one merge brought in.
#[derive(Debug, Default)]
pub struct Merged {
    /// Repositories taken from the shard: ones this store had not scanned, or scanned earlier.
    pub repos: usize,
    /// Scanned blobs the shard had and this store did not.
    pub blobs: usize,
}

impl Store {
    /// Merges the store at `shard` into this one.
    pub fn merge_from(&mut self, shard: &Path) -> Result<Merged> {
        // Opening it first checks that it exists and has our schema.
        drop(Store::open_existing(shard)?);
        self.conn
            .execute("ATTACH DATABASE ?1 AS shard", [shard.to_string_lossy()])
            .with_context(|| format!("attaching {}", shard.display()))?;
        let merged = self.merge_attached();
        self.conn.execute("DETACH DATABASE shard", [])?;
        merged.with_context(|| format!("merging {}", shard.display()))
    }

    fn merge_attached(&mut self) -> Result<Merged> {
        let theirs: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM shard.meta WHERE key = 'rules_digest'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let ours = self.meta("rules_digest")?;
        if let (Some(ours), Some(theirs)) = (&ours, &theirs) {
            anyhow::ensure!(
                ours == theirs,
                "it was swept with other rules or keysweep version than this store: \
                 sweep every shard with the same rules"
            );
        }
        let tx = self.conn.transaction()?;
        if ours.is_none()
            && let Some(theirs) = &theirs
        {
            tx.execute(
                "INSERT INTO meta(key, value) VALUES ('rules_digest', ?1)",
                [theirs],
            )?;
        }
        let blobs = tx.execute("INSERT OR IGNORE INTO blobs SELECT * FROM shard.blobs", [])?;
        tx.execute(
            "INSERT OR IGNORE INTO blob_hits SELECT * FROM shard.blob_hits",
            [],
        )?;
        tx.execute(
            "INSERT INTO findings(fingerprint, rule_id, status, note, triaged_at, first_seen,
                                  validation)
             SELECT fingerprint, rule_id, status, note, triaged_at, first_seen, validation
             FROM shard.findings
             WHERE true
             ON CONFLICT(fingerprint) DO UPDATE SET
                 validation = coalesce(excluded.validation, findings.validation),
                 status = CASE WHEN coalesce(excluded.triaged_at, 0) > coalesce(findings.triaged_at, 0)
                               THEN excluded.status ELSE findings.status END,
                 note = CASE WHEN coalesce(excluded.triaged_at, 0) > coalesce(findings.triaged_at, 0)
                             THEN excluded.note ELSE findings.note END,
                 triaged_at = max(coalesce(excluded.triaged_at, 0), coalesce(findings.triaged_at, 0)),
                 first_seen = min(excluded.first_seen, findings.first_seen)",
            [],
        )?;
        tx.execute(
            "UPDATE findings SET triaged_at = NULL WHERE triaged_at = 0",
            [],
        )?;
        let taken = {
            // A repository comes over when this store has not scanned it, or scanned it earlier.
            let mut candidates = tx.prepare(
                "SELECT s.id, s.name FROM shard.repos s LEFT JOIN repos r ON r.name = s.name
                 WHERE r.id IS NULL
                    OR (s.state = 'scanned' AND (r.state != 'scanned' OR s.scanned_at >= r.scanned_at))
                    OR (s.state != 'scanned' AND r.state != 'scanned')",
            )?;
            candidates
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?
        };
        for (their_id, name) in &taken {
            tx.execute(
                "INSERT INTO repos(name, url, state, reason, tips, rules_digest, scanned_at, blobs,
                                   new_blobs, bytes, seconds)
                 SELECT name, url, state, reason, tips, rules_digest, scanned_at, blobs, new_blobs,
                        bytes, seconds FROM shard.repos WHERE id = ?1
                 ON CONFLICT(name) DO UPDATE SET url = excluded.url, state = excluded.state,
                     reason = excluded.reason, tips = excluded.tips,
                     rules_digest = excluded.rules_digest, scanned_at = excluded.scanned_at,
                     blobs = excluded.blobs, new_blobs = excluded.new_blobs,
                     bytes = excluded.bytes, seconds = excluded.seconds",
                [their_id],
            )?;
            let our_id: i64 =
                tx.query_row("SELECT id FROM repos WHERE name = ?1", [name], |r| r.get(0))?;
            tx.execute("DELETE FROM repo_findings WHERE repo = ?1", [our_id])?;
            tx.execute("DELETE FROM notices WHERE repo = ?1", [our_id])?;
            tx.execute(
                "INSERT INTO repo_findings(repo, fingerprint, finding)
                 SELECT ?1, fingerprint, finding FROM shard.repo_findings WHERE repo = ?2",
                params![our_id, their_id],
            )?;
            tx.execute(
                "INSERT INTO notices(repo, level, subject, message, kind)
                 SELECT ?1, level, subject, message, kind FROM shard.notices WHERE repo = ?2",
                params![our_id, their_id],
            )?;
        }
        // A run is copied once: merging the same shard again finds it already here.
        tx.execute(
            "INSERT INTO runs(started, finished, shard, repos, blobs_scanned, bytes_scanned)
             SELECT s.started, s.finished, s.shard, s.repos, s.blobs_scanned, s.bytes_scanned
             FROM shard.runs s
             WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.started = s.started
                               AND r.shard IS s.shard AND r.repos = s.repos
                               AND r.blobs_scanned = s.blobs_scanned)",
            [],
        )?;
        self.commits.commit(tx)?;
        Ok(Merged {
            repos: taken.len(),
            blobs,
        })
    }
}
