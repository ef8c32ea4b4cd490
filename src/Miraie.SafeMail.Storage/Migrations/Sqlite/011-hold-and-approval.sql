-- Version 11: 送信保留 (hold) and 上長承認 (approval), ADR-017. A held message is state 'held' with next_attempt_at its
-- time to leave (the (state, next_attempt_at) index finds the due ones); a message awaiting approval is state
-- 'awaiting-approval' with expires_at its deadline. Who may approve: approvers, lower case, comma-separated with commas at
-- both ends (",boss@example.co.jp,"), NULL for admins only. The decision (cancel, send now, approve, reject, out of
-- time): by whom, when, and the note given with it.
ALTER TABLE messages ADD COLUMN approvers TEXT;
ALTER TABLE messages ADD COLUMN decided_by TEXT;
ALTER TABLE messages ADD COLUMN decided_at BIGINT;
ALTER TABLE messages ADD COLUMN decision_note TEXT;
