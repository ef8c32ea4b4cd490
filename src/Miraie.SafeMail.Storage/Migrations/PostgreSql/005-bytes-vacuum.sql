-- Version 5: the tables of mail bytes take every queued message's bytes and lose them moments later with its delivery.
-- The gateway vacuums them itself once enough rows are dead (BytesVacuum, ADR-014), so that the next messages go into the
-- space delivered ones left. No vacuum, the gateway's or autovacuum's, gives their empty end pages back to the file
-- system: that takes a lock every insert waits for, and the next minute's mail would only extend the file again
-- (measured: a vacuum that truncated cost six times as much per message as one that did not; docs/benchmarks.md).
ALTER TABLE message_bytes SET (vacuum_truncate = false, toast.vacuum_truncate = false);
ALTER TABLE link_file_chunks SET (vacuum_truncate = false, toast.vacuum_truncate = false);
