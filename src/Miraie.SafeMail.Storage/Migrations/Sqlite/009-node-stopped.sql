-- When a node stopped on purpose (a graceful stop, after handing its leases back); NULL while it runs or after a crash.
ALTER TABLE node_status ADD COLUMN stopped_at INTEGER;
