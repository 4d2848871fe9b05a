-- rules/base.dl by hand, as far as `responds`, `escalation_step` and `escalation_chain` need it:
-- statements and their dates, the report date, same_as originals, modes, contested claims, act.
-- One statement per relation, `UNION` for set semantics, `NOT EXISTS` for negation. The input
-- tables (the event schema) are created by the benchmark; the parameter relations here.

CREATE TABLE IF NOT EXISTS as_of_setting(day DATE);

CREATE OR REPLACE TABLE statement_date AS
SELECT id, start, "end" FROM event
UNION SELECT id, start, "end" FROM precondition
UNION SELECT id, start, "end" FROM deadline
UNION SELECT id, start, "end" FROM conditional
UNION SELECT id, start, "end" FROM deadline_revision
UNION SELECT id, start, "end" FROM precondition_withdrawn;

-- the latest first day of a statement, the latest last day of a source's publication
CREATE OR REPLACE TABLE latest_date_candidate AS
SELECT max(start) AS day FROM statement_date HAVING count(*) > 0
UNION SELECT max(published_end) FROM source HAVING count(*) > 0;

CREATE OR REPLACE TABLE latest_date AS
SELECT max(day) AS day FROM latest_date_candidate HAVING count(*) > 0;

CREATE OR REPLACE TABLE as_of AS
SELECT day FROM as_of_setting
UNION SELECT day FROM latest_date WHERE NOT EXISTS (SELECT 1 FROM as_of_setting);

CREATE OR REPLACE TABLE known_by AS
SELECT DISTINCT s.id, a.day AS as_of FROM statement_date s JOIN as_of a ON s.start <= a.day;

-- same_as followed to its end
CREATE OR REPLACE TABLE canonical AS
WITH RECURSIVE chain(id, original) AS (
    SELECT s.id, s.id FROM statement_date s
    WHERE NOT EXISTS (SELECT 1 FROM same_as x WHERE x.statement = s.id)
    UNION
    SELECT x.statement, chain.original FROM same_as x JOIN chain ON chain.id = x.original
)
SELECT id, original FROM chain;

CREATE OR REPLACE TABLE duplicate AS SELECT DISTINCT statement AS id FROM same_as;

CREATE OR REPLACE TABLE statement_mode AS
SELECT statement AS id, mode FROM modality
UNION
SELECT es.event, 'denied' FROM event_status es
WHERE es.status = 'denied' AND NOT EXISTS (SELECT 1 FROM modality m WHERE m.statement = es.event)
UNION
SELECT s.id, 'asserted' FROM statement_date s
WHERE NOT EXISTS (SELECT 1 FROM modality m WHERE m.statement = s.id)
  AND NOT EXISTS (SELECT 1 FROM event_status es WHERE es.event = s.id AND es.status = 'denied');

CREATE OR REPLACE TABLE mode_doubtful AS SELECT * FROM (VALUES ('denied'), ('unlikely')) t(mode);

CREATE OR REPLACE TABLE restatement AS
SELECT DISTINCT a.event FROM event_arg a
JOIN responds_to r ON r.response = a.event
JOIN event_arg b ON b.event = r.stimulus AND b.key = 'about' AND b.value = a.value
WHERE a.key = 'about';

CREATE OR REPLACE TABLE event_topic AS
SELECT event, value AS topic FROM event_arg WHERE key = 'topic'
UNION
SELECT e.id, '' FROM event e
WHERE NOT EXISTS (SELECT 1 FROM event_arg a WHERE a.event = e.id AND a.key = 'topic');

CREATE OR REPLACE TABLE statement_voice_id AS
SELECT statement AS id, voice FROM attribution
UNION
SELECT s.id, s.person FROM said_by s
WHERE NOT EXISTS (SELECT 1 FROM attribution a WHERE a.statement = s.id);

CREATE OR REPLACE TABLE evidence_source AS SELECT DISTINCT id, source FROM evidence;

CREATE OR REPLACE TABLE denial_pair AS
SELECT DISTINCT d.id AS denied, e.id AS asserted
FROM statement_mode dm
JOIN event d ON d.id = dm.id
JOIN event e ON e.actor = d.actor AND e.verb = d.verb AND e.target = d.target AND e.id <> d.id
JOIN statement_mode em ON em.id = e.id AND em.mode <> 'denied'
JOIN event_topic t1 ON t1.event = d.id
JOIN event_topic t2 ON t2.event = e.id
WHERE dm.mode = 'denied' AND d.start <= e."end" AND e.start <= d."end"
  AND NOT EXISTS (SELECT 1 FROM duplicate x WHERE x.id = e.id)
  AND NOT EXISTS (SELECT 1 FROM duplicate x WHERE x.id = d.id)
  AND (t1.topic = t2.topic OR t1.topic = '' OR t2.topic = '');

CREATE OR REPLACE TABLE denial_pair_origins_differ AS
SELECT p.denied, p.asserted FROM denial_pair p
JOIN statement_voice_id v1 ON v1.id = p.denied
JOIN statement_voice_id v2 ON v2.id = p.asserted
WHERE v1.voice <> v2.voice
UNION
SELECT p.denied, p.asserted FROM denial_pair p
JOIN evidence ev ON ev.id = p.denied
WHERE NOT EXISTS (SELECT 1 FROM evidence_source s WHERE s.id = p.asserted AND s.source = ev.source);

CREATE OR REPLACE TABLE contested AS
SELECT asserted AS statement FROM denial_pair_origins_differ
UNION
SELECT s.original FROM denial_pair_origins_differ d JOIN same_as s ON s.statement = d.asserted;

CREATE OR REPLACE TABLE act_candidate AS
SELECT DISTINCT m.id FROM statement_mode m
WHERE NOT EXISTS (SELECT 1 FROM mode_doubtful d WHERE d.mode = m.mode)
  AND NOT EXISTS (SELECT 1 FROM duplicate x WHERE x.id = m.id)
  AND NOT EXISTS (SELECT 1 FROM contested c WHERE c.statement = m.id);

CREATE OR REPLACE TABLE threat_consequence_rank AS
SELECT c.id AS threat, 3 AS rank FROM conditional c
JOIN conditional_then t ON t.id = c.id JOIN verb v ON v.verb = t.verb AND v.plover = 'ASSAULT'
WHERE c.kind = 'threat'
UNION
SELECT c.id, 2 FROM conditional c
JOIN conditional_then t ON t.id = c.id JOIN verb v ON v.verb = t.verb AND v.plover = 'SANCTION'
WHERE c.kind = 'threat'
UNION
SELECT id, 1 FROM conditional WHERE kind = 'threat';

CREATE OR REPLACE TABLE threat_rank_verb AS
SELECT * FROM (VALUES (3, 'threaten_force'), (2, 'threaten_sanctions'), (1, 'threaten')) t(rank, verb);

CREATE OR REPLACE TABLE threat_verb AS
SELECT DISTINCT c.id AS threat, v.verb
FROM (SELECT DISTINCT id FROM conditional WHERE kind = 'threat') c
JOIN (SELECT threat, max(rank) AS rank FROM threat_consequence_rank GROUP BY threat) m ON m.threat = c.id
JOIN threat_rank_verb v ON v.rank = m.rank;

CREATE OR REPLACE TABLE act AS
SELECT e.id, e.start, e."end", e.actor, e.verb, e.target FROM event e
JOIN event_status s ON s.event = e.id AND s.status IN ('occurred', 'announced')
WHERE EXISTS (SELECT 1 FROM act_candidate c WHERE c.id = e.id)
  AND NOT EXISTS (SELECT 1 FROM restatement r WHERE r.event = e.id)
UNION
SELECT e.id, e.start, e."end", e.actor, e.verb, e.target FROM event e
JOIN event_status s ON s.event = e.id AND s.status = 'conditional'
JOIN verb v ON v.verb = e.verb AND v.plover = 'THREATEN'
WHERE EXISTS (SELECT 1 FROM act_candidate c WHERE c.id = e.id)
  AND NOT EXISTS (SELECT 1 FROM restatement r WHERE r.event = e.id)
UNION
SELECT c.id, c.start, c."end", c.issuer, t.verb, c.addressee FROM conditional c
JOIN threat_verb t ON t.threat = c.id
WHERE c.kind = 'threat' AND EXISTS (SELECT 1 FROM act_candidate a WHERE a.id = c.id)
UNION
SELECT d.id, d.start, d."end", d.issuer, 'give_ultimatum', d.addressee FROM deadline d
WHERE EXISTS (SELECT 1 FROM act_candidate a WHERE a.id = d.id);
