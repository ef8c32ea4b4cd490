-- Version 4: passwords of the archives the add-in made, kept encrypted (ASP.NET Core data protection) until the password
-- has gone to the recipients, then deleted.
CREATE TABLE archive_passwords (
    id            TEXT PRIMARY KEY,
    created_at    BIGINT NOT NULL,
    sender        TEXT NOT NULL,
    recipients    TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    encryption    TEXT NOT NULL,
    password      TEXT NOT NULL,
    delivered_at  BIGINT
);
CREATE INDEX ix_archive_passwords_created ON archive_passwords (created_at);
