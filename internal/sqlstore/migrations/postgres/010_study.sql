CREATE TABLE item_params (
	exam_id       TEXT NOT NULL,
	item_id       TEXT NOT NULL,
	a             DOUBLE PRECISION NOT NULL,
	b             DOUBLE PRECISION NOT NULL,
	c             DOUBLE PRECISION NOT NULL,
	model         TEXT NOT NULL,
	calibrated_at BIGINT NOT NULL,
	PRIMARY KEY (exam_id, item_id)
);
CREATE INDEX results_exam ON results(exam_id, user_id);
