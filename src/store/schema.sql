-- A sweep's datastore. Blob-level facts (what was scanned, what matched) are independent of
-- repositories, so forks share them; repository-level facts (findings with provenance, notices)
-- are replaced whole each time a repository is scanned again.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS repos (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,      -- host/owner/name, or the local path
    url          TEXT NOT NULL,             -- what was cloned or opened
    state        TEXT NOT NULL DEFAULT 'pending', -- pending | scanned | failed
    reason       TEXT,                      -- why it failed
    tips         TEXT,                      -- JSON {ref: commit} of the last complete scan
    rules_digest TEXT,                      -- the rules of the last complete scan
    scanned_at   INTEGER,                   -- Unix time of the last complete scan
    blobs        INTEGER NOT NULL DEFAULT 0, -- blobs the last scan looked at
    new_blobs    INTEGER NOT NULL DEFAULT 0, -- of which it scanned (the rest were known)
    bytes        INTEGER NOT NULL DEFAULT 0, -- bytes it scanned
    seconds      REAL
);

-- Every blob scanned under the current rules (see meta.rules_digest); `skipped` says why a
-- blob was not matched (too large, binary), NULL when it was.
CREATE TABLE IF NOT EXISTS blobs (
    id      BLOB PRIMARY KEY,
    size    INTEGER NOT NULL,
    skipped TEXT
) WITHOUT ROWID;

-- The hits of the blobs that matched, as JSON (rule ids, not indexes).
CREATE TABLE IF NOT EXISTS blob_hits (
    blob BLOB PRIMARY KEY,
    hits TEXT NOT NULL
) WITHOUT ROWID;

-- One row per distinct secret (rule + secret): its triage status follows it everywhere.
CREATE TABLE IF NOT EXISTS findings (
    fingerprint TEXT PRIMARY KEY,
    rule_id     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'new', -- new | accepted | false-positive | revoked
    note        TEXT,
    triaged_at  INTEGER,
    first_seen  INTEGER NOT NULL,
    validation  TEXT                          -- JSON: what the provider said (`--validate`)
);

-- A finding as one repository holds it: the JSON of the report's finding, provenance and
-- owners included.
CREATE TABLE IF NOT EXISTS repo_findings (
    repo        INTEGER NOT NULL REFERENCES repos(id),
    fingerprint TEXT NOT NULL,
    finding     TEXT NOT NULL,
    PRIMARY KEY (repo, fingerprint)
);
CREATE INDEX IF NOT EXISTS repo_findings_by_fingerprint ON repo_findings(fingerprint);

-- What could not be read or was left out, per repository (coverage evidence).
CREATE TABLE IF NOT EXISTS notices (
    repo    INTEGER NOT NULL REFERENCES repos(id),
    level   TEXT NOT NULL,
    subject TEXT NOT NULL,
    message TEXT NOT NULL,
    kind    TEXT NOT NULL DEFAULT 'other'
);
CREATE INDEX IF NOT EXISTS notices_by_repo ON notices(repo);

-- One row per sweep run; counters grow as its work is committed, so a killed run still tells
-- what it did.
CREATE TABLE IF NOT EXISTS runs (
    id            INTEGER PRIMARY KEY,
    started       INTEGER NOT NULL,
    finished      INTEGER,
    shard         TEXT,
    repos         INTEGER NOT NULL DEFAULT 0,
    blobs_scanned INTEGER NOT NULL DEFAULT 0,
    bytes_scanned INTEGER NOT NULL DEFAULT 0
);
