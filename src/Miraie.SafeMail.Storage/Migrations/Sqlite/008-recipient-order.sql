-- Version 8: the recipients' envelope order as a column of its own. It was SQLite's rowid, which PostgreSQL has no
-- equivalent of; rowid keeps that order for the rows written before this version.
ALTER TABLE recipients ADD COLUMN ordinal INTEGER NOT NULL DEFAULT 0;
UPDATE recipients SET ordinal = rowid
