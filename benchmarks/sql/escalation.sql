-- rules/escalation.dl by hand, as far as `escalation_step` and `escalation_chain` need it: the two
-- rungs of each response, drops within a class, the steps up the ladder and their chains
-- (recursive: WITH RECURSIVE ... UNION, set semantics; the rule's bound of 1000 steps makes it
-- terminate on cycles).

CREATE TABLE IF NOT EXISTS escalation_threshold(points DOUBLE);

CREATE OR REPLACE TABLE escalation_threshold_default AS SELECT 1.0::DOUBLE AS points;
CREATE OR REPLACE TABLE escalation_threshold_in_force AS
SELECT max(points) AS points FROM escalation_threshold HAVING count(*) > 0
UNION
SELECT points FROM escalation_threshold_default WHERE NOT EXISTS (SELECT 1 FROM escalation_threshold);

CREATE OR REPLACE TABLE ladder_pair AS
SELECT p.stimulus, p.response, st.class AS stimulus_class, st.score AS stimulus_score,
       sl.score AS stimulus_root_score, cr.class AS response_class, gr.goldstein AS response_score,
       rr.score AS response_root_score
FROM responds p
JOIN act r ON r.id = p.response
JOIN act s ON s.id = p.stimulus AND s.start <= r.start
JOIN stance st ON st.act = p.stimulus AND st.party = r.actor
JOIN stance_ladder sl ON sl.act = p.stimulus AND sl.party = r.actor
JOIN act_class cr ON cr.id = p.response
JOIN act_score gr ON gr.id = p.response
JOIN act_ladder_score rr ON rr.id = p.response
WHERE st.class <> 'neutral' AND cr.class <> 'neutral'
UNION
SELECT p.stimulus, p.response, cs.class, gs.goldstein, rs.score, cr.class, gr.goldstein, rr.score
FROM responds p
JOIN act r ON r.id = p.response
JOIN act s ON s.id = p.stimulus AND s.start <= r.start
JOIN act_class cs ON cs.id = p.stimulus
JOIN act_score gs ON gs.id = p.stimulus
JOIN act_ladder_score rs ON rs.id = p.stimulus
JOIN act_class cr ON cr.id = p.response
JOIN act_score gr ON gr.id = p.response
JOIN act_ladder_score rr ON rr.id = p.response
WHERE cs.class <> 'neutral' AND cr.class <> 'neutral'
  AND NOT EXISTS (SELECT 1 FROM stance x WHERE x.act = p.stimulus AND x.party = r.actor);

CREATE OR REPLACE TABLE ladder_drop AS
SELECT DISTINCT p.stimulus, p.response FROM ladder_pair p CROSS JOIN escalation_threshold_in_force t
WHERE p.stimulus_class = p.response_class
  AND p.response_score < p.stimulus_score - t.points
  AND p.response_root_score < p.stimulus_root_score - t.points;

CREATE OR REPLACE TABLE conflict_class AS
SELECT * FROM (VALUES ('verbal_conflict'), ('material_conflict')) t(class);

CREATE OR REPLACE TABLE class_rank AS
SELECT * FROM (VALUES ('material_cooperation', 2), ('verbal_cooperation', 1),
                      ('verbal_conflict', -1), ('material_conflict', -2)) t(class, rank);

CREATE OR REPLACE TABLE escalation_step AS
SELECT p.stimulus, p.response FROM ladder_pair p
JOIN conflict_class c1 ON c1.class = p.stimulus_class
JOIN conflict_class c2 ON c2.class = p.response_class
JOIN class_rank k1 ON k1.class = p.stimulus_class
JOIN class_rank k2 ON k2.class = p.response_class
WHERE k2.rank < k1.rank
UNION
SELECT d.stimulus, d.response FROM ladder_drop d
JOIN ladder_pair p ON p.stimulus = d.stimulus AND p.response = d.response
JOIN conflict_class c ON c.class = p.response_class;

CREATE OR REPLACE TABLE escalation_chain AS
WITH RECURSIVE chain(first, last, steps) AS (
    SELECT stimulus, response, 1::BIGINT FROM escalation_step
    UNION
    SELECT chain.first, s.response, chain.steps + 1 FROM chain
    JOIN escalation_step s ON s.stimulus = chain.last
    WHERE chain.steps < 1000
)
SELECT first, last, steps FROM chain;
