-- One exam at a time: a candidate has at most one open exam attempt.
-- A unique partial index enforces it in the database, so concurrent starts
-- on several servers cannot open two. Extra open exam attempts that older
-- versions allowed are voided first (the newest one of each candidate is
-- kept).
UPDATE attempts SET status = 'voided', submit_reason = 'one open exam at a time'
WHERE mode = 'exam' AND status IN ('created', 'started', 'paused')
  AND id NOT IN (SELECT MAX(id) FROM attempts WHERE mode = 'exam' AND status IN ('created', 'started', 'paused') GROUP BY user_id);
CREATE UNIQUE INDEX attempts_one_open_exam ON attempts (user_id) WHERE mode = 'exam' AND status IN ('created', 'started', 'paused');
