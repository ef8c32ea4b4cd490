-- Version 13: 誤送信の報告 (misdelivery reports), ADR-020. (12 is kept for download links: migrations apply by number, each once,
-- so a gap is harmless.) One row per report: which message (a queue id; NULL when the reporter named mail SafeMail does not
-- know, then message_hint keeps what they gave: an Internet Message-ID or a subject), who reported and when (unix ms), what
-- they said and which recipients were wrong, and the security office's follow-up: state open/closed, root cause (根本原因),
-- corrective action (是正処置), who closed it and when. No foreign key to messages: a report never blocks anything done to
-- the message, and mail SafeMail does not know is reported all the same.
CREATE TABLE incidents (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id        TEXT,
    message_hint      TEXT,
    reporter          TEXT NOT NULL,
    reporter_address  TEXT,
    reported_at       BIGINT NOT NULL,
    statement         TEXT,
    wrong_recipients  TEXT,
    state             TEXT NOT NULL DEFAULT 'open',
    root_cause        TEXT,
    corrective_action TEXT,
    closed_by         TEXT,
    closed_at         BIGINT
);
CREATE INDEX ix_incidents_reported ON incidents (reported_at);
CREATE INDEX ix_incidents_message ON incidents (message_id);
-- 作業記録 (the work log): append-only, oldest first. Named incidents_log, not incident_log, so that it sorts after incidents:
-- the move into PostgreSQL copies tables in name order and this one refers to incidents.
CREATE TABLE incidents_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id BIGINT NOT NULL REFERENCES incidents (id),
    at          BIGINT NOT NULL,
    author      TEXT NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX ix_incidents_log_incident ON incidents_log (incident_id, id);
