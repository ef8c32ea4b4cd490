-- Version 5: the password mail that follows a message carrying an add-in archive.
-- The archive's SHA-256 binds a password to the one ZIP the add-in made: a message only gets a password mail when it
-- carries that very file, from the sender who made it.
ALTER TABLE archive_passwords ADD COLUMN archive_sha256 TEXT;

-- Archives a queued or quarantined message carries (checked when it was received).
CREATE TABLE message_archives (
    message_id  TEXT NOT NULL,
    archive_id  TEXT NOT NULL,
    PRIMARY KEY (message_id, archive_id)
);
CREATE INDEX ix_message_archives_archive ON message_archives (archive_id);
CREATE INDEX ix_archive_passwords_open ON archive_passwords (delivered_at, created_at);

-- One password mail per archive and delivered recipient: pending until sent, retried with backoff.
CREATE TABLE password_mails (
    archive_id       TEXT NOT NULL,
    message_id       TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    state            TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT,
    last_error       TEXT,
    sent_at          BIGINT,
    sent_as          TEXT,
    PRIMARY KEY (archive_id, message_id, recipient)
);
CREATE INDEX ix_password_mails_due ON password_mails (state, next_attempt_at);
