-- Version 10: the console's sign-in throttle (ADR-011) keeps its counts here instead of in one process's memory, so that
-- console nodes behind one load balancer share them and a restart forgets nothing. One row per count: its key (kind,
-- account, address or browser), the account it belongs to (none for an address), failures, the last failure's time, and
-- whether the wait it causes was already audited. Rows unused for the throttle's forget time are pruned by the console.
CREATE TABLE sign_in_counts (
    key      TEXT PRIMARY KEY,
    account  TEXT,
    failures INTEGER NOT NULL,
    last_at  BIGINT NOT NULL,
    reported INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_sign_in_counts_account ON sign_in_counts (account);
CREATE INDEX ix_sign_in_counts_last ON sign_in_counts (last_at);
