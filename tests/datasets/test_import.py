"""Importing machine-coded event data (issue 16): the samples' counts, idempotent re-import, the
ICEWS sample joining the corpus's actors, every format's fixture, compressed and bad input."""

from __future__ import annotations

import gzip
import shutil
import zipfile
from pathlib import Path

import pytest

from reasoner import Engine, LoadError
from reasoner.datasets import ImportOptions, read_dataset
from reasoner.datasets.records import DEFAULTS_LEFT_OUT
from reasoner.resources import data_dir

FIXTURES = Path(__file__).parent / "fixtures"
ICEWS = FIXTURES / "icews-events-2018-sample.tab"
GDELT = FIXTURES / "gdelt-v1-events-sample.csv"

pytest.importorskip("pycountry")


def sizes(engine: Engine) -> dict[str, int]:
    return {name: engine.size(name) for name in engine.relations()}


# ---- the samples ---------------------------------------------------------------------------------
def test_icews_sample_counts() -> None:
    imported = read_dataset("icews", [ICEWS])
    report = imported.report
    assert (report.read, report.kept, sum(report.skipped.values()), report.bad_rows) == (3705, 3705, 0, 0)
    facts = imported.sink.facts
    assert len(facts["event"]) == 3705 and len(facts["evidence"]) == 3705
    assert len(facts["actor"]) == 203 and len(facts["source"]) == 107
    assert len(facts["event_status"]) == 3705 and len(facts["attribution"]) == 3705
    assert not set(DEFAULTS_LEFT_OUT) & set(facts)  # date_precision exact and so on: by default


def test_statements_without_the_default_rows_read_as_the_defaults() -> None:
    """An imported event has no date_precision, statement_kind or modality row; the shipped
    rules read it as an exact date, an event, asserted (as the .events statement would say)."""
    engine = Engine()
    engine.load(data_dir("rules") / "time.dl")
    engine.load_dataset("icews", [ICEWS], dyads=["RUS-USA"])
    assert engine.size("date_precision") == engine.size("modality") == engine.size("statement_kind") == 0
    bounds = {row[0]: row[1:] for row in engine.relation("time_bounds")}
    for id_, start, end, *_ in engine.relation("event"):
        assert bounds[id_] == (start, start, end, end)


def test_gdelt_sample_counts_mixes_57_and_58_columns() -> None:
    report = read_dataset("gdelt1", [GDELT]).report
    assert (report.read, report.kept, report.bad_rows) == (710, 667, 0)
    assert report.skipped == {"no actor (Actor1 empty)": 43}
    imported = read_dataset("gdelt1", [GDELT])
    quotes = {q for _, _, q in imported.sink.facts["evidence"]}
    assert "GDELT event 564111644: http://wtop.com/lifestyle/2016/07/deepest-darkest-secrets-now-display-national-postal-museum/" in quotes
    assert any(q.startswith("GDELT event") and ":" not in q for q in quotes)  # 57 columns: no URL


def test_gdelt_root_events_and_deduplication() -> None:
    imported = read_dataset("gdelt1", [GDELT], ImportOptions(root_only=True, dedupe=True))
    report = imported.report
    assert (report.kept, report.merged) == (398, 21)
    assert report.skipped["not a root event (root events only)"] == 248
    args = imported.sink.facts["event_arg"]
    merged = {e for e, key, _ in args if key == "rows"}
    assert merged and all(int(v) > 1 for e, key, v in args if key == "rows")
    assert all((e, "mentions") in {(a, k) for a, k, _ in args} for e in merged)


@pytest.mark.parametrize("format, path, events", [("icews", ICEWS, 3705), ("gdelt1", GDELT, 667)])
def test_reimport_is_idempotent(format: str, path: Path, events: int) -> None:
    engine = Engine()
    engine.load(data_dir("corpus"))
    engine.load_dataset(format, [path])
    once = {name: set(engine.relation(name)) for name in engine.relations()}
    engine.load_dataset(format, [path])
    assert {name: set(engine.relation(name)) for name in engine.relations()} == once
    assert len([e for e in once["event"] if e[0].startswith(format[:5])]) == events


def test_icews_russia_usa_events_join_the_corpus_actors() -> None:
    engine = Engine()
    engine.load(data_dir("corpus"))
    report = engine.load_dataset("icews", [ICEWS], dyads=["RUS-USA"])
    assert report.kept == 20
    rows = engine.query('event(E, _, _, A, _, T), actor(A, NA, "state"), actor(T, NT, "state"), '
                        'A != T, (A = "RUS" ; A = "USA")')
    imported = [r for r in rows if r["E"].startswith("icews_")]
    assert len(imported) == 20
    assert {(r["NA"], r["NT"]) for r in imported} == {("Russia", "United States"), ("United States", "Russia")}
    assert len(engine.query('actor("RUS", N, K)')) == 1  # the corpus's declaration, not a second one


def test_explanation_cites_the_dataset_row() -> None:
    engine = Engine()
    engine.load_dataset("icews", [ICEWS])
    proof = engine.explain('event("icews_32891301", 2018-06-01, 2018-06-01, "RUS", "reject", "USA")')
    origin = proof.root.origin
    assert origin.kind == "event" and origin.span.file == str(ICEWS) and origin.span.line == 302
    assert [q.text for q in origin.quotes] == ["ICEWS event 32891301 (story 47401516, sentence 3)"]
    assert origin.quotes[0].source == "icews_Ukrainian_National_News_Agency"


def test_row_scores_are_event_arguments() -> None:
    engine = Engine()
    engine.load_dataset("icews", [ICEWS])
    args = {r["K"]: r["V"] for r in engine.query('event_arg("icews_32891301", K, V)')}
    assert args["cameo"] == "124" and args["intensity"] == "-4" and args["quad"] == "3"
    assert args["actor_name"] == "Russia" and args["target_name"] == "United States"


# ---- every format ----------------------------------------------------------------------------------
def events_of(format: str, name: str, **options) -> set[tuple]:
    imported = read_dataset(format, [FIXTURES / name], ImportOptions.of(**options))
    return {(e[0], e[1].isoformat(), e[3], e[4], e[5]) for e in imported.sink.facts["event"]}


def test_gdelt2_fixture() -> None:
    events = events_of("gdelt2", "gdelt2-events.csv")
    assert ("gdelt_1000000001", "2025-03-01", "RUS", "aerial_attack", "UKR") in events
    assert len(events) == 4


def test_polecat_fixture() -> None:
    assert events_of("polecat", "polecat-sample.tsv") == {
        ("polecat_20230301_0001_a1", "2023-03-01", "RUS", "aerial_attack", "UKR"),
        ("polecat_20230301_0002_b2", "2023-03-01", "UKR", "accuse", "RUS"),
        ("polecat_20230302_0003_c3", "2023-03-02", "USA", "reduce_relations", "RUS"),
        ("polecat_20230302_0004_d4", "2023-03-02", "USA", "provide_military_aid", "UKR"),
        ("polecat_20230303_0005_e5", "2023-03-03", "RUS", "consult", "CHN"),
        ("polecat_20230303_0006_f6", "2023-03-03", "GEO", "protest", "GEO"),
    }
    assert len(events_of("polecat", "polecat-sample.tsv", actors="states")) == 5


def test_acled_fixture() -> None:
    assert events_of("acled", "acled-sample.csv") == {
        ("acled_UKR100001", "2023-03-01", "RUS", "aerial_attack", "UKR"),
        ("acled_UKR100002", "2023-03-02", "UKR", "attack", "RUS"),
        ("acled_UKR100003", "2023-03-04", "Protesters_Ukraine", "protest", ""),
        ("acled_RUS200004", "2023-03-05", "RUS", "arrest", "Civilians_Russia"),
    }
    imported = read_dataset("acled", [FIXTURES / "acled-sample.csv"])
    assert ("acled_UKR100002", "fatalities", "3") in imported.sink.facts["event_arg"]
    assert imported.sink.spans["acled_RUS200004"][0].line == 6  # after a note with a line break


def test_imported_verbs_are_on_the_hostility_scale() -> None:
    engine = Engine()
    engine.load(data_dir("rules") / "hostility.dl")
    engine.load_dataset("acled", [FIXTURES / "acled-sample.csv"])
    levels = {r["E"]: r["L"] for r in engine.query("hostility(E, L)")}
    assert levels["acled_UKR100001"] == -3 and levels["acled_UKR100003"] == -1


def test_verb_table_covers_every_cameo_code() -> None:
    from reasoner.datasets.cameo import event_codes, verb_table
    from reasoner.events.vocabulary import load_vocabulary

    table, vocabulary = verb_table(), load_vocabulary()
    assert set(event_codes()) <= set(table)
    assert all(verb in vocabulary for verb in table.values())
    exact = [code for code, verb in table.items() if vocabulary[verb].cameo == code]
    assert len(exact) >= 80


# ---- compressed files --------------------------------------------------------------------------------
def test_gz_and_zip_read_as_plain(tmp_path: Path) -> None:
    plain = read_dataset("gdelt1", [GDELT]).sink.facts["event"]
    packed = tmp_path / "20160728.export.CSV.gz"
    with open(GDELT, "rb") as src, gzip.open(packed, "wb") as out:
        shutil.copyfileobj(src, out)
    assert read_dataset("gdelt1", [packed]).sink.facts["event"] == plain
    archive = tmp_path / "20160728.export.CSV.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(GDELT, "20160728.export.CSV")
    assert read_dataset("gdelt1", [archive]).sink.facts["event"] == plain


def test_truncated_gz_is_an_error_and_loads_nothing(tmp_path: Path) -> None:
    data = gzip.compress(GDELT.read_bytes())
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(data[: len(data) // 2])
    engine = Engine()
    engine.load_dataset("icews", [ICEWS])
    before = sizes(engine)
    with pytest.raises(LoadError) as raised:
        engine.load_dataset("gdelt1", [cut])
    message = raised.value.render()
    assert "cut.csv.gz" in message and "truncated" in message and "nothing was imported" in message
    assert sizes(engine) == before


# ---- bad input ------------------------------------------------------------------------------------------
def test_file_of_another_format_names_the_expected_layout() -> None:
    with pytest.raises(LoadError) as raised:
        read_dataset("gdelt1", [ICEWS])
    message = raised.value.render()
    assert f"{ICEWS}:1:1: error: {ICEWS} is not a GDELT 1.0 file" in message
    assert "20 tab-separated columns, not 57 or 58" in message and "reasoner import icews" in message
    assert "GLOBALEVENTID, SQLDATE (YYYYMMDD)" in message  # the hint: the expected layout
    with pytest.raises(LoadError) as raised:
        read_dataset("icews", [GDELT])
    assert f"{GDELT} is not an ICEWS file: the header lacks 10 columns of ICEWS: Event ID" in raised.value.render()


def test_empty_file_is_an_error() -> None:
    with pytest.raises(LoadError) as raised:
        read_dataset("icews", [FIXTURES / "empty.tab"])
    assert "empty.tab:1:1: error: " in raised.value.render()
    assert "empty.tab is empty (0 lines): it has no ICEWS rows" in raised.value.render()


def test_bad_rows_fail_the_import_by_default_and_change_nothing() -> None:
    engine = Engine()
    engine.load_dataset("gdelt1", [GDELT])
    before = sizes(engine)
    with pytest.raises(LoadError) as raised:
        engine.load_dataset("icews", [FIXTURES / "icews-bad-rows.tab"])
    message = raised.value.render()
    assert "icews-bad-rows.tab:3:10: error: bad ICEWS row: invalid date '2018-02-30'" in message
    assert "1 bad row after 2 rows read" in message and "--max-bad-rows" in message
    assert sizes(engine) == before


def test_bad_row_budget_skips_and_reports_each_with_file_line() -> None:
    report = Engine().load_dataset("icews", [FIXTURES / "icews-bad-rows.tab"], max_bad_rows=3)
    assert (report.read, report.kept, report.bad_rows) == (5, 2, 3)
    assert report.bad == {"invalid date": 1, "unknown CAMEO event code": 1, "unknown country name": 1}
    lines = [(d.line, d.severity) for d in report.diagnostics]
    assert lines == [(3, "warning"), (4, "warning"), (5, "warning")]
    assert "unknown country name 'Atlantis'" in report.diagnostics[2].message
    with pytest.raises(LoadError):
        read_dataset("icews", [FIXTURES / "icews-bad-rows.tab"], ImportOptions(max_bad_rows=2))


def test_unknown_format_has_a_did_you_mean() -> None:
    with pytest.raises(LoadError) as raised:
        read_dataset("icew", [ICEWS])
    assert "did you mean icews?" in raised.value.render()


# ---- options ---------------------------------------------------------------------------------------------
def test_date_range_countries_and_dyads() -> None:
    report = read_dataset("icews", [ICEWS], ImportOptions.of(since="2018-06-02")).report
    assert report.kept + report.skipped["outside the date range"] == 3705 and 0 < report.kept < 3705
    rows = read_dataset("icews", [ICEWS], ImportOptions.of(countries=["RUS"])).sink.facts["event"]
    assert rows and all("RUS" in (e[3], e[5]) for e in rows)
    rows = read_dataset("icews", [ICEWS], ImportOptions.of(dyads=["USA-RUS"])).sink.facts["event"]
    assert len(rows) == 20


def test_state_actors_only() -> None:
    imported = read_dataset("icews", [ICEWS], ImportOptions(actors="states"))
    assert imported.report.kept == 2060
    assert all(kind == "state" for _, _, kind in imported.sink.facts["actor"])


def test_sandbox_refuses_data_files_outside(tmp_path: Path) -> None:
    engine = Engine(sandbox=True, allowed_dirs=[tmp_path])
    with pytest.raises(LoadError) as raised:
        engine.load_dataset("icews", [ICEWS])
    assert "outside the allowed directories" in raised.value.render()
    inside = tmp_path / ICEWS.name
    shutil.copyfile(ICEWS, inside)
    assert engine.load_dataset("icews", [inside]).kept == 3705


def test_damaged_zip_is_an_error(tmp_path: Path) -> None:
    archive = tmp_path / "20160728.export.CSV.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(GDELT, "20160728.export.CSV")
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(LoadError) as raised:
        read_dataset("gdelt1", [archive])
    assert "is not a readable zip archive" in raised.value.render()


def test_progress_bar_on_request(capsys) -> None:
    pytest.importorskip("tqdm")
    report = read_dataset("gdelt1", [GDELT], ImportOptions(progress=True)).report
    assert report.kept == 667
    capsys.readouterr()  # the bar went to stderr and was cleared


def test_a_row_of_the_wrong_width_later_in_a_file_is_a_bad_row(tmp_path: Path) -> None:
    lines = GDELT.read_text(encoding="utf-8").splitlines(keepends=True)
    broken = tmp_path / "broken.csv"
    broken.write_text("".join(lines[:5]) + "1\t2\t3\n" + "".join(lines[5:]), encoding="utf-8")
    with pytest.raises(LoadError) as raised:
        read_dataset("gdelt1", [broken])
    assert "broken.csv:6:1: error: bad GDELT 1.0 row: 3 columns, not 57 or 58" in raised.value.render()
    report = read_dataset("gdelt1", [broken], ImportOptions(max_bad_rows=1)).report
    assert (report.read, report.kept, report.bad) == (711, 667, {"wrong number of columns": 1})


def test_an_invalid_gdelt_date_and_code_are_bad_rows(tmp_path: Path) -> None:
    fields = GDELT.read_text(encoding="utf-8").splitlines()[0].split("\t")
    bad_date = list(fields)
    bad_date[1] = "20160231"
    bad_code = list(fields)
    bad_code[0], bad_code[26] = "1", "999"
    path = tmp_path / "bad.csv"
    path.write_text("\t".join(bad_date) + "\n" + "\t".join(bad_code) + "\n", encoding="utf-8")
    report = read_dataset("gdelt1", [path], ImportOptions(max_bad_rows=None)).report
    assert report.bad == {"invalid date": 1, "unknown CAMEO event code": 1}
    assert [d.render().splitlines()[0] for d in report.diagnostics] == [
        f"{path}:1:11: warning: bad GDELT 1.0 row: invalid date '20160231': day is out of range for month",
        f"{path}:2:{len(chr(9).join(bad_code[:26])) + 2}: warning: bad GDELT 1.0 row: unknown CAMEO event code '999'",
    ]


def test_countries_and_dyads_may_be_named() -> None:
    by_name = read_dataset("icews", [ICEWS], ImportOptions.of(dyads=[("Russia", "United States")])).sink
    assert len(by_name.facts["event"]) == 20
    assert read_dataset("icews", [ICEWS], ImportOptions.of(countries=["Russian Federation"])).report.kept == \
        read_dataset("icews", [ICEWS], ImportOptions.of(countries=["RUS"])).report.kept
