-- Version 6: what the console's lists and health need beyond version 5.
-- The From header's display name, decoded, stored when the message is accepted so a list never parses mail per row.
-- NULL for messages stored before this version (the detail and release pages then read it from the stored message);
-- empty when the From header has no display name.
ALTER TABLE messages ADD COLUMN header_from_name TEXT;

-- Each node's retention purge, for `safemail health`: when the node started, when the purge last ran, whether it worked,
-- and its error or what it purged.
ALTER TABLE node_status ADD COLUMN started_at BIGINT;
ALTER TABLE node_status ADD COLUMN purge_at BIGINT;
ALTER TABLE node_status ADD COLUMN purge_ok INTEGER;
ALTER TABLE node_status ADD COLUMN purge_note TEXT;
