-- Miraie SafeMail gateway store, version 1. Portable SQL (SQLite and PostgreSQL): times are Unix milliseconds.

CREATE TABLE messages (
    id                TEXT PRIMARY KEY,
    received_at       BIGINT NOT NULL,
    node_id           TEXT NOT NULL,
    client_address    TEXT,
    client_helo       TEXT,
    received_header   TEXT,
    auth_user         TEXT,
    envelope_from     TEXT NOT NULL,
    subject           TEXT,
    header_from       TEXT,
    message_id_header TEXT,
    size              BIGINT NOT NULL,
    segment           TEXT,
    segment_offset    BIGINT,
    file_path         TEXT,
    state             TEXT NOT NULL,
    verdict           TEXT NOT NULL,
    rule              TEXT NOT NULL,
    confirmation      TEXT NOT NULL,
    external          INTEGER NOT NULL,
    findings_json     TEXT NOT NULL,
    inspection_json   TEXT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT,
    expires_at        BIGINT,
    lease_owner       TEXT,
    lease_until       BIGINT,
    last_error        TEXT,
    finished_at       BIGINT,
    origin            TEXT NOT NULL,
    released_at       BIGINT,
    released_by       TEXT
);

CREATE INDEX ix_messages_due ON messages (state, next_attempt_at);
CREATE INDEX ix_messages_received ON messages (received_at);
CREATE INDEX ix_messages_state_received ON messages (state, received_at);
CREATE INDEX ix_messages_segment ON messages (segment, state);

CREATE TABLE recipients (
    message_id    TEXT NOT NULL REFERENCES messages (id),
    address       TEXT NOT NULL,
    external      INTEGER NOT NULL,
    state         TEXT NOT NULL,
    last_response TEXT,
    updated_at    BIGINT,
    PRIMARY KEY (message_id, address)
);

CREATE TABLE audit (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    message_id TEXT,
    detail     TEXT
);

CREATE INDEX ix_audit_message ON audit (message_id);
CREATE INDEX ix_audit_at ON audit (at);

CREATE TABLE smtp_users (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL
);

CREATE TABLE node_status (
    node_id            TEXT PRIMARY KEY,
    updated_at         BIGINT NOT NULL,
    listening          TEXT NOT NULL,
    spool_ok           INTEGER NOT NULL,
    spool_error        TEXT,
    last_delivery_at   BIGINT,
    last_delivery_ok   INTEGER,
    last_delivery_note TEXT
);
