-- Version 6: console sessions kept on the server, and the sign-in wait an admin can clear from the command line.

-- One row per signed-in browser: the session cookie names its row, signing out deletes it, and a cookie whose row is
-- gone opens nothing (a copy saved before sign-out included). last_seen_at is refreshed at most once a minute.
CREATE TABLE console_sessions (
    id           TEXT PRIMARY KEY,
    user_name    TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX ix_console_sessions_seen ON console_sessions (last_seen_at);

-- When an admin last cleared this account's sign-in wait (safemail users unlock / reset-password, or the users page).
-- The console keeps its guessing counters in memory and drops the account's when it sees a newer time here.
ALTER TABLE console_users ADD COLUMN sign_in_reset_at BIGINT;
