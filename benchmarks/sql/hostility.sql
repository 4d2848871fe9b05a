-- rules/hostility.dl by hand, as far as `responds`, `escalation_step` and `escalation_chain` need
-- it: verb classes, the acts known by the report date with their class and scores, alignment,
-- hostility by alignment and each act's stance toward a party.

CREATE TABLE IF NOT EXISTS neutral_band(score DOUBLE);
CREATE TABLE IF NOT EXISTS balance_weight(weight DOUBLE);

CREATE OR REPLACE TABLE neutral_band_default AS SELECT 0.5::DOUBLE AS score;
CREATE OR REPLACE TABLE neutral_band_in_force AS
SELECT min(score) AS score FROM neutral_band HAVING count(*) > 0
UNION
SELECT score FROM neutral_band_default WHERE NOT EXISTS (SELECT 1 FROM neutral_band);

CREATE OR REPLACE TABLE balance_weight_default AS SELECT 0.5::DOUBLE AS weight;
CREATE OR REPLACE TABLE balance_weight_in_force AS
SELECT min(weight) AS weight FROM balance_weight HAVING count(*) > 0
UNION
SELECT weight FROM balance_weight_default WHERE NOT EXISTS (SELECT 1 FROM balance_weight);

CREATE OR REPLACE TABLE plover_direction AS
SELECT * FROM (VALUES
    ('AGREE', 'cooperation'), ('CONSULT', 'cooperation'), ('SUPPORT', 'cooperation'),
    ('CONCEDE', 'cooperation'), ('COOPERATE', 'cooperation'), ('AID', 'cooperation'),
    ('RETREAT', 'cooperation'),
    ('DISAPPROVE', 'conflict'), ('REJECT', 'conflict'), ('THREATEN', 'conflict'),
    ('PROTEST', 'conflict'), ('SANCTION', 'conflict'), ('MOBILIZE', 'conflict'),
    ('COERCE', 'conflict'), ('ASSAULT', 'conflict'),
    ('NONE', 'neutral'), ('INVESTIGATE', 'neutral')) t(plover, direction);

CREATE OR REPLACE TABLE verb_direction AS
SELECT v.verb, p.direction FROM verb v JOIN plover_direction p ON p.plover = v.plover
UNION
SELECT v.verb, 'cooperation' FROM verb v CROSS JOIN neutral_band_in_force b
WHERE NOT EXISTS (SELECT 1 FROM plover_direction p WHERE p.plover = v.plover) AND v.goldstein >= b.score
UNION
SELECT v.verb, 'conflict' FROM verb v CROSS JOIN neutral_band_in_force b
WHERE NOT EXISTS (SELECT 1 FROM plover_direction p WHERE p.plover = v.plover)
  AND v.goldstein <= 0.0 - b.score
UNION
SELECT v.verb, 'neutral' FROM verb v CROSS JOIN neutral_band_in_force b
WHERE NOT EXISTS (SELECT 1 FROM plover_direction p WHERE p.plover = v.plover)
  AND v.goldstein > 0.0 - b.score AND v.goldstein < b.score;

CREATE OR REPLACE TABLE verb_mode AS
SELECT verb, 'verbal' AS mode FROM verb WHERE quad = 1 OR quad = 3
UNION
SELECT verb, 'material' FROM verb WHERE quad = 2 OR quad = 4;

CREATE OR REPLACE TABLE verb_class AS
SELECT verb, 'neutral' AS class FROM verb_direction WHERE direction = 'neutral'
UNION
SELECT d.verb, m.mode || '_cooperation' FROM verb_direction d JOIN verb_mode m ON m.verb = d.verb
WHERE d.direction = 'cooperation'
UNION
SELECT d.verb, m.mode || '_conflict' FROM verb_direction d JOIN verb_mode m ON m.verb = d.verb
WHERE d.direction = 'conflict';

CREATE OR REPLACE TABLE act_known AS
SELECT DISTINCT a.id FROM act a WHERE EXISTS (SELECT 1 FROM known_by k WHERE k.id = a.id);

CREATE OR REPLACE TABLE act_class AS
SELECT DISTINCT a.id, c.class FROM act a
JOIN act_known k ON k.id = a.id JOIN verb_class c ON c.verb = a.verb;

CREATE OR REPLACE TABLE act_score AS
SELECT DISTINCT a.id, v.goldstein FROM act a
JOIN act_known k ON k.id = a.id JOIN verb v ON v.verb = a.verb;

CREATE OR REPLACE TABLE conflictual AS
SELECT DISTINCT id FROM act_class WHERE class IN ('verbal_conflict', 'material_conflict');

CREATE OR REPLACE TABLE cooperative AS
SELECT DISTINCT id FROM act_class WHERE class IN ('verbal_cooperation', 'material_cooperation');

CREATE OR REPLACE TABLE aligned AS
SELECT a, b, valid_from, valid_until FROM alignment WHERE kind = 'aligned'
UNION
SELECT b, a, valid_from, valid_until FROM alignment WHERE kind = 'aligned';

CREATE OR REPLACE TABLE opposed AS
SELECT a, b, valid_from, valid_until FROM alignment WHERE kind = 'opposed'
UNION
SELECT b, a, valid_from, valid_until FROM alignment WHERE kind = 'opposed';

CREATE OR REPLACE TABLE aligned_at AS
SELECT DISTINCT x.id AS act, t.a, t.b FROM act x
JOIN act_known k ON k.id = x.id
JOIN aligned t ON t.valid_from <= x.start AND x."end" <= t.valid_until;

CREATE OR REPLACE TABLE opposed_at AS
SELECT DISTINCT x.id AS act, t.a, t.b FROM act x
JOIN act_known k ON k.id = x.id
JOIN opposed t ON t.valid_from <= x.start AND x."end" <= t.valid_until;

CREATE OR REPLACE TABLE support_plover AS SELECT * FROM (VALUES ('AID'), ('COOPERATE')) t(plover);
CREATE OR REPLACE TABLE support_intent_verb AS
SELECT * FROM (VALUES ('express_intent_to_aid'), ('express_intent_to_provide_military_aid'),
                      ('express_intent_to_provide_economic_aid')) t(verb);

CREATE OR REPLACE TABLE support_act AS
SELECT c.id FROM act_class c
JOIN act a ON a.id = c.id JOIN verb v ON v.verb = a.verb JOIN support_plover p ON p.plover = v.plover
WHERE c.class = 'material_cooperation'
UNION
SELECT c.id FROM cooperative c
JOIN act a ON a.id = c.id JOIN support_intent_verb s ON s.verb = a.verb;

CREATE OR REPLACE TABLE hostile_by_alignment AS
SELECT DISTINCT s.id AS act, o.b AS party FROM support_act s
JOIN act a ON a.id = s.id
JOIN opposed_at o ON o.act = s.id AND o.a = a.target
WHERE a.target <> '' AND o.b <> a.actor AND o.b <> a.target;

CREATE OR REPLACE TABLE cameo_root_goldstein AS
SELECT * FROM (VALUES
    ('01', 0.0), ('02', 3.0), ('03', 4.0), ('04', 1.0), ('05', 3.5), ('06', 6.0), ('07', 7.0),
    ('08', 5.0), ('09', -2.0), ('10', -5.0), ('11', -2.0), ('12', -4.0), ('13', -6.0),
    ('14', -6.5), ('15', -7.2), ('16', -4.0), ('17', -7.0), ('18', -9.0), ('19', -10.0),
    ('20', -10.0)) t(root, score);
ALTER TABLE cameo_root_goldstein ALTER score TYPE DOUBLE;

CREATE OR REPLACE TABLE verb_ladder_score AS
SELECT DISTINCT v.verb, c.score FROM verb v
JOIN cameo_root_goldstein c ON length(v.cameo) >= 2 AND c.root = substr(v.cameo, 1, 2);

CREATE OR REPLACE TABLE act_ladder_score AS
SELECT DISTINCT a.id, l.score FROM act a
JOIN act_known k ON k.id = a.id JOIN verb_ladder_score l ON l.verb = a.verb;

CREATE OR REPLACE TABLE stance AS
SELECT c.id AS act, a.target AS party, c.class, s.goldstein AS score FROM act_class c
JOIN act_score s ON s.id = c.id JOIN act a ON a.id = c.id
WHERE a.target <> ''
UNION
SELECT h.act, h.party, 'verbal_conflict', 0.0 - s.goldstein * w.weight FROM hostile_by_alignment h
JOIN act_score s ON s.id = h.act CROSS JOIN balance_weight_in_force w;

CREATE OR REPLACE TABLE stance_ladder AS
SELECT l.id AS act, a.target AS party, l.score FROM act_ladder_score l
JOIN act a ON a.id = l.id
WHERE a.target <> ''
UNION
SELECT h.act, h.party, 0.0 - l.score * w.weight FROM hostile_by_alignment h
JOIN act_ladder_score l ON l.id = h.act CROSS JOIN balance_weight_in_force w;
