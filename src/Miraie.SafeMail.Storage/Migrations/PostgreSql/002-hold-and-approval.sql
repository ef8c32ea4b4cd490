-- Version 2: 送信保留 (hold) and 上長承認 (approval), as SQLite's version 11 (ADR-017). The due index of held mail is
-- partial, like the queue's: only held rows, by the time they leave.
ALTER TABLE messages ADD COLUMN approvers TEXT;
ALTER TABLE messages ADD COLUMN decided_by TEXT;
ALTER TABLE messages ADD COLUMN decided_at BIGINT;
ALTER TABLE messages ADD COLUMN decision_note TEXT;
CREATE INDEX ix_messages_held ON messages (next_attempt_at) WHERE state = 'held';
-- A sender's own waiting mail (the Outlook pane's held list, the approvals a sender sent), as SQLite's version 11: by
-- sender as WaitingTable compares it (lower), newest first; partial, so ordinary mail writes no entry in them.
CREATE INDEX ix_messages_sender_held ON messages (lower(envelope_from), received_at) WHERE state = 'held';
CREATE INDEX ix_messages_sender_approval ON messages (lower(envelope_from), received_at) WHERE state = 'awaiting-approval';
