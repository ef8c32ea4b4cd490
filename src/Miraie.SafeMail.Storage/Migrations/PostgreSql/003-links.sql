-- Version 3: download links (action Link, ADR-021), as SQLite's version 12. A link is one message's attachments, kept unaltered (decoded) and
-- offered to that message's recipients on the public download page after a one-time code sent to their address. Times
-- are unix milliseconds. The files' bytes: under DATA/links/<link id>/ on SQLite (path), rows of link_file_chunks on
-- PostgreSQL (path NULL). A link is live while revoked_at IS NULL and expires_at is in the future; purged_at is set
-- once retention has deleted its files.
CREATE TABLE links (
    id                TEXT PRIMARY KEY,
    message_id        TEXT NOT NULL,
    sender            TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    expires_at        BIGINT NOT NULL,
    revoked_at        BIGINT,
    revoked_by        TEXT,
    first_download_at BIGINT,
    purged_at         BIGINT,
    total_bytes       BIGINT NOT NULL
);
CREATE INDEX ix_links_message ON links (message_id);
CREATE INDEX ix_links_sender ON links (lower(sender), created_at);
CREATE INDEX ix_links_unpurged ON links (expires_at) WHERE purged_at IS NULL;
CREATE TABLE link_files (
    link_id      TEXT NOT NULL,
    ordinal      INTEGER NOT NULL,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    path         TEXT,
    PRIMARY KEY (link_id, ordinal)
);
CREATE TABLE link_recipients (
    link_id TEXT NOT NULL,
    address TEXT NOT NULL,
    PRIMARY KEY (link_id, address)
);
-- One-time codes: the SHA-256 of (link id, address, code), a few minutes to live, a few tries; used_at once it opened.
CREATE TABLE link_codes (
    link_id    TEXT NOT NULL,
    address    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    code_hash  TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    used_at    BIGINT,
    PRIMARY KEY (link_id, address, created_at)
);
CREATE TABLE link_file_chunks (
    link_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    chunk   INTEGER NOT NULL,
    content BYTEA NOT NULL,
    PRIMARY KEY (link_id, ordinal, chunk)
);
ALTER TABLE link_file_chunks ALTER COLUMN content SET STORAGE EXTERNAL;
