-- Version 2: the web console's accounts and the policy edited in the console (portable SQL, times in Unix milliseconds).

CREATE TABLE console_users (
    name            TEXT PRIMARY KEY,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL,
    disabled        INTEGER NOT NULL DEFAULT 0,
    failed_count    INTEGER NOT NULL DEFAULT 0,
    locked_until    BIGINT,
    security_stamp  TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    last_sign_in_at BIGINT
);

-- Every saved policy, newest in force. Empty: the policy of the settings file is in force.
CREATE TABLE policy_versions (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         BIGINT NOT NULL,
    author     TEXT NOT NULL,
    comment    TEXT,
    policy     TEXT NOT NULL
);

-- Filters of the quarantine list: the kinds found in the attachments (",pdf,zip,") and the actor column of the audit page.
ALTER TABLE messages ADD COLUMN attachment_kinds TEXT;
CREATE INDEX ix_audit_actor ON audit (actor, at);
CREATE INDEX ix_messages_from ON messages (envelope_from);
