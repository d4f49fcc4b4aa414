CREATE TABLE item_params (
	exam_id       TEXT NOT NULL,
	item_id       TEXT NOT NULL,
	a             REAL NOT NULL,
	b             REAL NOT NULL,
	c             REAL NOT NULL,
	model         TEXT NOT NULL,
	calibrated_at INTEGER NOT NULL,
	PRIMARY KEY (exam_id, item_id)
);
CREATE INDEX results_exam ON results(exam_id, user_id);
