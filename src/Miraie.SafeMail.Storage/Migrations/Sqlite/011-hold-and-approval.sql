-- Version 11: 送信保留 (hold) and 上長承認 (approval), ADR-017. A held message is state 'held' with next_attempt_at its
-- time to leave (the (state, next_attempt_at) index finds the due ones); a message awaiting approval is state
-- 'awaiting-approval' with expires_at its deadline. Who may approve: approvers, lower case, comma-separated with commas at
-- both ends (",boss@example.co.jp,"), NULL for admins only. The decision (cancel, send now, approve, reject, out of
-- time): by whom, when, and the note given with it.
ALTER TABLE messages ADD COLUMN approvers TEXT;
ALTER TABLE messages ADD COLUMN decided_by TEXT;
ALTER TABLE messages ADD COLUMN decided_at BIGINT;
ALTER TABLE messages ADD COLUMN decision_note TEXT;
-- A sender's own waiting mail (the Outlook pane's held list, refreshed every 15 s by every open pane; the approvals a
-- sender sent): by sender as WaitingTable compares it, newest first. Without it the list reads every held row (~20 ms at
-- 10,000 held, growing with them); with it ~0.3 ms (docs/benchmarks.md, "Issue 13: the pane's held list"). Partial, one
-- per waiting state, so that ordinary mail (inserted, then delivered) writes no entry in them; WaitingTable names the state
-- as a literal, which is what lets SQLite use a partial index.
CREATE INDEX ix_messages_sender_held ON messages (lower(envelope_from), received_at) WHERE state = 'held';
CREATE INDEX ix_messages_sender_approval ON messages (lower(envelope_from), received_at) WHERE state = 'awaiting-approval';
