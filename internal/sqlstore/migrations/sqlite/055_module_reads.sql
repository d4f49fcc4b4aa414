-- Learning progress: the modules a candidate marked as read.
CREATE TABLE module_reads (
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	program_id TEXT NOT NULL,
	module_id  TEXT NOT NULL,
	read_at    INTEGER NOT NULL,
	PRIMARY KEY (user_id, program_id, module_id)
);
