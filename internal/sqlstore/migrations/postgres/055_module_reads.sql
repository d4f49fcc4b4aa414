-- Learning progress: the modules a candidate marked as read.
CREATE TABLE module_reads (
	user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	program_id TEXT NOT NULL,
	module_id  TEXT NOT NULL,
	read_at    BIGINT NOT NULL,
	PRIMARY KEY (user_id, program_id, module_id)
);
