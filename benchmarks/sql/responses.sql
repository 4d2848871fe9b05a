-- rules/responses.dl by hand, as far as `responds` needs it: acts addressed to a party, inferred
-- stimuli (the nearest earlier act of the other side, directly or through an ally), threats
-- carried out, and the responses with how each was found. A body aggregate (`D = max E1 : {...}`)
-- is a GROUP BY over the join of the rule's other atoms with the aggregate's body, grouped by
-- the variables those atoms bind.

CREATE TABLE IF NOT EXISTS response_window(days BIGINT);
CREATE TABLE IF NOT EXISTS threat_lag(days BIGINT);

CREATE OR REPLACE TABLE response_window_default AS SELECT 30::BIGINT AS days;
CREATE OR REPLACE TABLE response_window_in_force AS
SELECT max(days) AS days FROM response_window HAVING count(*) > 0
UNION
SELECT days FROM response_window_default WHERE NOT EXISTS (SELECT 1 FROM response_window);

CREATE OR REPLACE TABLE threat_lag_default AS SELECT 30::BIGINT AS days;
CREATE OR REPLACE TABLE threat_lag_in_force AS
SELECT max(days) AS days FROM threat_lag HAVING count(*) > 0
UNION
SELECT days FROM threat_lag_default WHERE NOT EXISTS (SELECT 1 FROM threat_lag);

CREATE OR REPLACE TABLE reply_verb AS
SELECT * FROM (VALUES ('deny_responsibility'), ('disapprove'), ('criticize'), ('complain'),
                      ('reject'), ('refuse_to_ease_sanctions'), ('reject_meeting'), ('reject_plan'),
                      ('veto')) t(verb);

-- ---- who an act is addressed to
CREATE OR REPLACE TABLE act_to AS
SELECT a.id AS act, a.actor, a.target AS party, 'target' AS how, a.start, a."end" FROM act a
JOIN act_known k ON k.id = a.id
WHERE a.target <> '' AND a.actor <> a.target
UNION
SELECT h.act, a.actor, h.party, 'alignment', a.start, a."end" FROM hostile_by_alignment h
JOIN act a ON a.id = h.act;

CREATE OR REPLACE TABLE act_topic AS
SELECT DISTINCT k.id AS act, e.value AS topic FROM act_known k
JOIN event_arg e ON e.event = k.id AND e.key = 'topic';

CREATE OR REPLACE TABLE act_to_topic AS
SELECT DISTINCT t.act, t.actor, t.party, p.topic, t.start, t."end" FROM act_to t
JOIN act_topic p ON p.act = t.act
WHERE NOT EXISTS (SELECT 1 FROM act_class c WHERE c.id = t.act AND c.class = 'neutral');

CREATE OR REPLACE TABLE response_key AS
SELECT DISTINCT act, actor, party AS target, start, "end" FROM act_to WHERE how = 'target';

CREATE OR REPLACE TABLE response_topic_key AS
SELECT DISTINCT k.act, k.actor, k.target, p.topic, k.start, k."end" FROM response_key k
JOIN act_topic p ON p.act = k.act;

CREATE OR REPLACE TABLE response_reply_key AS
SELECT DISTINCT k.act, k.actor, k.target, k.start, k."end" FROM response_key k
JOIN act a ON a.id = k.act JOIN reply_verb r ON r.verb = a.verb
WHERE NOT EXISTS (SELECT 1 FROM act_topic p WHERE p.act = k.act);

-- ---- inferred responses: the nearest earlier act of the other side
CREATE OR REPLACE TABLE topic_nearest_day AS
SELECT DISTINCT response, topic, day FROM (
    SELECT k.act AS response, k.topic, max(t."end") AS day
    FROM response_topic_key k CROSS JOIN response_window_in_force w
    JOIN act_to_topic t ON t.actor = k.target AND t.party = k.actor AND t.topic = k.topic
                       AND t."end" < k.start AND k."end" - t.start <= w.days
    GROUP BY k.act, k.actor, k.target, k.topic, k.start, k."end", w.days);

CREATE OR REPLACE TABLE topic_stimulus AS
SELECT DISTINCT n.response, t.act AS stimulus
FROM (SELECT response, max(day) AS day FROM topic_nearest_day GROUP BY response) m
JOIN topic_nearest_day n ON n.response = m.response AND n.day = m.day
JOIN response_topic_key k ON k.act = n.response AND k.topic = n.topic
CROSS JOIN response_window_in_force w
JOIN act_to_topic t ON t.actor = k.target AND t.party = k.actor AND t.topic = n.topic
                   AND t."end" = m.day AND k."end" - t.start <= w.days;

CREATE OR REPLACE TABLE act_to_substantive AS
SELECT DISTINCT t.act, t.actor, t.party, t.start, t."end" FROM act_to t
WHERE NOT EXISTS (SELECT 1 FROM act_class c WHERE c.id = t.act AND c.class = 'neutral');

CREATE OR REPLACE TABLE reply_nearest_day AS
SELECT DISTINCT response, day FROM (
    SELECT k.act AS response, max(t."end") AS day
    FROM response_reply_key k CROSS JOIN response_window_in_force w
    JOIN act_to_substantive t ON t.actor = k.target AND t.party = k.actor
                             AND t."end" < k.start AND k."end" - t.start <= w.days
    GROUP BY k.act, k.actor, k.target, k.start, k."end", w.days);

CREATE OR REPLACE TABLE reply_stimulus AS
SELECT DISTINCT n.response, t.act AS stimulus FROM reply_nearest_day n
JOIN response_reply_key k ON k.act = n.response
CROSS JOIN response_window_in_force w
JOIN act_to_substantive t ON t.actor = k.target AND t.party = k.actor
                         AND t."end" = n.day AND k."end" - t.start <= w.days;

-- through an ally
CREATE OR REPLACE TABLE ally_candidate_day AS
SELECT DISTINCT response, ally, day FROM (
    SELECT k.act AS response, l.b AS ally, max(t."end") AS day
    FROM response_topic_key k
    JOIN (SELECT DISTINCT a, b FROM aligned) l ON l.a = k.actor AND l.b <> k.target
    CROSS JOIN response_window_in_force w
    JOIN act_to_topic t ON t.actor = k.target AND t.party = l.b AND t.topic = k.topic
                       AND t."end" < k.start AND k."end" - t.start <= w.days
    JOIN aligned_at x ON x.act = t.act AND x.a = k.actor AND x.b = l.b
    GROUP BY k.act, k.actor, k.target, k.topic, k.start, k."end", l.b, w.days
    UNION ALL
    SELECT k.act, l.b, max(t."end")
    FROM response_reply_key k
    JOIN (SELECT DISTINCT a, b FROM aligned) l ON l.a = k.actor AND l.b <> k.target
    CROSS JOIN response_window_in_force w
    JOIN act_to_substantive t ON t.actor = k.target AND t.party = l.b
                             AND t."end" < k.start AND k."end" - t.start <= w.days
    JOIN aligned_at x ON x.act = t.act AND x.a = k.actor AND x.b = l.b
    GROUP BY k.act, k.actor, k.target, k.start, k."end", l.b, w.days);

CREATE OR REPLACE TABLE ally_stimulus AS
WITH nearest AS (
    SELECT n.response, n.ally, m.day
    FROM (SELECT response, max(day) AS day FROM ally_candidate_day GROUP BY response) m
    JOIN ally_candidate_day n ON n.response = m.response AND n.day = m.day)
SELECT n.response, t.act AS stimulus FROM nearest n
JOIN response_topic_key k ON k.act = n.response
CROSS JOIN response_window_in_force w
JOIN act_to_topic t ON t.actor = k.target AND t.party = n.ally AND t.topic = k.topic
                   AND t."end" = n.day AND k."end" - t.start <= w.days
JOIN aligned_at x ON x.act = t.act AND x.a = k.actor AND x.b = n.ally
UNION
SELECT n.response, t.act FROM nearest n
JOIN response_reply_key k ON k.act = n.response
CROSS JOIN response_window_in_force w
JOIN act_to_substantive t ON t.actor = k.target AND t.party = n.ally
                         AND t."end" = n.day AND k."end" - t.start <= w.days
JOIN aligned_at x ON x.act = t.act AND x.a = k.actor AND x.b = n.ally;

-- a nearest candidate certainly older than a statement the analyst linked to the response
CREATE OR REPLACE TABLE linked_antecedent AS
SELECT c1.original AS response, c2.original AS antecedent FROM responds_to r
JOIN canonical c1 ON c1.id = r.response JOIN canonical c2 ON c2.id = r.stimulus
UNION
SELECT c1.original, c2.original FROM caused_by r
JOIN canonical c1 ON c1.id = r.effect JOIN canonical c2 ON c2.id = r.cause;

CREATE OR REPLACE TABLE candidate_stimulus AS
SELECT response, stimulus FROM topic_stimulus
UNION SELECT response, stimulus FROM reply_stimulus
UNION SELECT response, stimulus FROM ally_stimulus;

CREATE OR REPLACE TABLE older_than_explicit AS
SELECT DISTINCT l.response, c.stimulus FROM linked_antecedent l
JOIN statement_date d ON d.id = l.antecedent
JOIN candidate_stimulus c ON c.response = l.response
JOIN act a ON a.id = c.stimulus AND a."end" < d.start;

CREATE OR REPLACE TABLE inferred_stimulus AS
SELECT m.response, 'inferred' AS how, m.stimulus
FROM (SELECT response, min(stimulus) AS stimulus FROM topic_stimulus GROUP BY response) m
WHERE NOT EXISTS (SELECT 1 FROM older_than_explicit o WHERE o.response = m.response AND o.stimulus = m.stimulus)
UNION
SELECT m.response, 'inferred', m.stimulus
FROM (SELECT response, min(stimulus) AS stimulus FROM reply_stimulus GROUP BY response) m
WHERE NOT EXISTS (SELECT 1 FROM older_than_explicit o WHERE o.response = m.response AND o.stimulus = m.stimulus)
UNION
SELECT m.response, 'via_ally', m.stimulus
FROM (SELECT response, min(stimulus) AS stimulus FROM ally_stimulus GROUP BY response) m
WHERE NOT EXISTS (SELECT 1 FROM older_than_explicit o WHERE o.response = m.response AND o.stimulus = m.stimulus);

-- ---- threats carried out
CREATE OR REPLACE TABLE threat_made AS
SELECT c.id AS threat, c.issuer, c.addressee, c."end" AS "from" FROM conditional c
JOIN act_known k ON k.id = c.id
WHERE c.kind = 'threat'
UNION
SELECT d.id, d.issuer, d.addressee, d.due FROM deadline d
JOIN act_known k ON k.id = d.id
WHERE NOT EXISTS (SELECT 1 FROM deadline_revision r WHERE r.deadline = d.id)
UNION
SELECT d.id, d.issuer, d.addressee, r.due FROM deadline d
JOIN act_known k ON k.id = d.id
JOIN (SELECT deadline, max(start) AS last FROM deadline_revision GROUP BY deadline) m ON m.deadline = d.id
JOIN deadline_revision r ON r.deadline = d.id AND r.start = m.last;

CREATE OR REPLACE TABLE threat_consequence AS
SELECT t.id AS threat, t.actor, t.verb, t.target FROM conditional c
JOIN conditional_then t ON t.id = c.id
WHERE c.kind = 'threat'
  AND NOT EXISTS (SELECT 1 FROM pattern_negated p WHERE p.statement = c.id AND p.part = 'consequence')
UNION
SELECT t.deadline, t.actor, t.verb, t.target FROM deadline_threat t
WHERE NOT EXISTS (SELECT 1 FROM pattern_negated p WHERE p.statement = t.deadline AND p.part = 'threat');

CREATE OR REPLACE TABLE threat_condition_act AS
SELECT DISTINCT c.id AS threat, a.id AS act, a."end" FROM conditional c
JOIN conditional_if i ON i.id = c.id
JOIN act a ON a.id <> c.id AND a.start >= c.start
          AND (i.actor = a.actor OR (i.actor = '_' AND a.actor <> i.actor))
          AND (i.verb = a.verb OR (i.verb = '_' AND a.verb <> i.verb))
          AND (i.target = a.target OR (i.target = '_' AND a.target <> i.target))
JOIN act_known k ON k.id = a.id
WHERE c.kind = 'threat'
  AND NOT EXISTS (SELECT 1 FROM pattern_negated p WHERE p.statement = c.id AND p.part = 'condition');

CREATE OR REPLACE TABLE threat_condition_met AS
SELECT threat, min("end") AS day FROM threat_condition_act GROUP BY threat;

CREATE OR REPLACE TABLE threat_conditional_on_event AS
SELECT DISTINCT i.id AS threat FROM conditional_if i
WHERE NOT EXISTS (SELECT 1 FROM pattern_negated p WHERE p.statement = i.id AND p.part = 'condition');

CREATE OR REPLACE TABLE ultimatum_complied AS
SELECT DISTINCT d.id AS deadline FROM deadline d
JOIN threat_made m ON m.threat = d.id
JOIN act a ON a.start >= d.start AND a."end" <= m."from"
          AND (d.demand_actor = a.actor OR (d.demand_actor = '_' AND a.actor <> d.demand_actor))
          AND (d.demand_verb = a.verb OR (d.demand_verb = '_' AND a.verb <> d.demand_verb))
          AND (d.demand_target = a.target OR (d.demand_target = '_' AND a.target <> d.demand_target))
JOIN act_known k ON k.id = a.id
WHERE NOT EXISTS (SELECT 1 FROM pattern_negated p WHERE p.statement = d.id AND p.part = 'demand');

CREATE OR REPLACE TABLE threat_carried_out_candidate AS
SELECT DISTINCT m.threat, a.id AS act, a.start - m."from" AS lag FROM threat_made m
JOIN threat_consequence c ON c.threat = m.threat
CROSS JOIN threat_lag_in_force l
JOIN act a ON a.actor = m.issuer AND a.id <> m.threat AND a.start > m."from"
          AND a."end" - m."from" <= l.days
          AND (c.actor = m.issuer OR c.actor = '_')
          AND (c.verb = a.verb OR (c.verb = '_' AND a.verb <> c.verb))
          AND (c.target = a.target OR (c.target = '_' AND a.target <> c.target))
JOIN act_known k ON k.id = a.id
JOIN conflictual f ON f.id = a.id
WHERE NOT EXISTS (SELECT 1 FROM ultimatum_complied u WHERE u.deadline = m.threat)
  AND NOT EXISTS (SELECT 1 FROM threat_conditional_on_event e WHERE e.threat = m.threat)
UNION
SELECT m.threat, a.id, a.start - m."from" FROM threat_made m
JOIN threat_consequence c ON c.threat = m.threat
CROSS JOIN threat_lag_in_force l
JOIN threat_conditional_on_event e ON e.threat = m.threat
JOIN threat_condition_met met ON met.threat = m.threat
JOIN act a ON a.actor = m.issuer AND a.id <> m.threat AND a.start > m."from"
          AND a."end" - m."from" <= l.days AND met.day < a.start
          AND (c.actor = m.issuer OR c.actor = '_')
          AND (c.verb = a.verb OR (c.verb = '_' AND a.verb <> c.verb))
          AND (c.target = a.target OR (c.target = '_' AND a.target <> c.target))
JOIN act_known k ON k.id = a.id
JOIN conflictual f ON f.id = a.id;

CREATE OR REPLACE TABLE threat_carried_out AS
SELECT DISTINCT c.threat, c.act, c.lag FROM threat_carried_out_candidate c
JOIN (SELECT threat, min(lag) AS lag FROM threat_carried_out_candidate GROUP BY threat) m
  ON m.threat = c.threat AND m.lag = c.lag;

-- ---- responses
CREATE OR REPLACE TABLE responds_how AS
SELECT c1.original AS response, c2.original AS stimulus, 'explicit' AS how FROM responds_to r
JOIN canonical c1 ON c1.id = r.response JOIN canonical c2 ON c2.id = r.stimulus
WHERE c1.original <> c2.original AND EXISTS (SELECT 1 FROM known_by k WHERE k.id = c1.original)
UNION
SELECT response, stimulus, how FROM inferred_stimulus
UNION
SELECT act, threat, 'threat_carried_out' FROM threat_carried_out;

CREATE OR REPLACE TABLE responds AS SELECT DISTINCT response, stimulus FROM responds_how;
