"""Property-based tests: bad input in either language gets diagnostics, never a crash.

Inputs are (a) random text drawn from pieces biased to each language's punctuation and
keywords, and (b) mutations of real inputs (the golden tests and the corpus): tokens deleted,
duplicated, swapped or inserted, random characters inserted, the text truncated.

Properties:

- nothing raises but a `reasoner.ReasonerError` (any other exception is a failure);
- every diagnostic that has a span points inside its source text (see `assert_inside`);
- `render()` of every diagnostic and of the error works;
- a failed load leaves the engine as it was, and a later load gives what it gives on an
  engine that never saw the failed one.

How positions are counted (as lark and `SourceText.position` count them): lines are separated
by `\\n` only, and the text after the last `\\n` is a line too, possibly empty. So a text has
`text.count("\\n") + 1` lines; a text that ends with a newline has an empty last line, on
which only column 1 is a valid position (the end of the input). Columns count characters
from 1 and may be one past the end of their line (a caret after the last character, e.g. for
"expected `.`"). A `\\r` is an ordinary character of its line.

The parse-level tests run 2,000 examples per grammar (`derandomize=True`, so CI sees the same
examples every run); the tests that load into an engine run 400 each, because a load also
checks and evaluates the program (about 25 s for the module on two cores). Inputs that once
crashed are kept as `@example`s.
"""

from __future__ import annotations

import os
import re
import signal
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, example, given, reject, settings
from hypothesis import strategies as st

from reasoner import Engine, ReasonerError
from reasoner.events import parse_events
from reasoner.events.parser import read_raw_statements
from reasoner.source import SourceText
from reasoner.syntax import parse_program, parse_query

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"

RULE_CASES = sorted((ROOT / "tests" / "golden").glob("*/program.dl"))
RULE_SEEDS = tuple(p.read_text() for p in RULE_CASES)
# The fact directory of each golden case that has one (a mutated `.input` reads from it).
FACT_DIRS = tuple(sorted(str(p.parent / "facts") for p in RULE_CASES if (p.parent / "facts").is_dir()))
# Goals: the queries and rule bodies of the golden programs.
QUERY_SEEDS = tuple(sorted({m.group(1).strip() for text in RULE_SEEDS
                            for m in re.finditer(r"(?:\?-|:-)([^.]*(?:\.[0-9][^.]*)*)\.", text)}))
EVENT_SEEDS = tuple(
    p.read_text()
    for p in sorted((ROOT / "tests" / "events" / "golden").glob("*/input.events"))
    + sorted(CORPUS.glob("*.events"))
)
ACTORS = (CORPUS / "actors.events").read_text()

# `REASONER_FUZZ_SCALE=10 REASONER_FUZZ_RANDOM=1 pytest tests/test_fuzz.py` runs ten times as
# many examples, and new ones on every run, for a longer search than CI's.
SCALE = float(os.environ.get("REASONER_FUZZ_SCALE", "1"))
RANDOM = os.environ.get("REASONER_FUZZ_RANDOM") == "1"


def examples(n: int) -> int:
    return max(1, int(n * SCALE))


MANY = settings(
    max_examples=examples(2000),
    deadline=None,
    derandomize=not RANDOM,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.filter_too_much],
)
FEW = settings(MANY, max_examples=examples(400))


# ---- inputs ------------------------------------------------------------------------------

# Crude tokens: strings, names (with dots), numbers and dates, multi-character punctuation,
# any other single character, and runs of blanks (kept, so that layout survives mutation).
_TOKEN = re.compile(
    r'"(?:[^"\\\n]|\\.)*"'
    r"|[A-Za-z_?][A-Za-z0-9_?]*(?:\.[A-Za-z_?][A-Za-z0-9_?]*)*"
    r"|[0-9][0-9.\-xXbBeE]*"
    r"|:-|\?-|<=|>=|!=|<:|//|/\*|\*/|\.\.|\+[0-9]+[dw]"
    r"|[ \t]+|\n|."
)


def tokenise(text: str) -> list[str]:
    return _TOKEN.findall(text)


RULE_PIECES = (
    ".decl", ".type", ".input", ".output", ".printsize", ".symbol_type", ".number_type",
    "#include", "?-", ":-", "<:", "(", ")", "{", "}", ",", ";", ".", ":", "!", "=", "!=", "<",
    "<=", ">", ">=", "+", "-", "*", "/", "%", "^", "_", "$", "|", '"', '"a"', '"x\\"y"',
    "count", "sum", "min", "max", "mean", "true", "false", "number", "symbol", "float", "date",
    "unsigned", "p", "q", "edge", "path", "X", "Y", "Z", "a.b", "0", "1", "42", "0x1F", "0b2",
    "1.5", "1e9", "2025-10-22", "2025-13-40", "99999999999999999999", "strlen", "cat",
    "to_number", "match", "contains", "btree", "eqrel", "IO", "filename", "//c\n", "/*", "*/",
    " ", " ", "  ", "\t", "\n", "\n", "\r\n", "\r",
)
EVENT_PIECES = (
    "source", "actor", "person", "event", "precondition", "deadline", "evidence", "to",
    "outlet", "published", "file", "author", "url", "aka", "is", "of", "as", "from", "until",
    "status", "by", "cite", "responds_to", "goal", "requires", "only_if", "unless", "after",
    "demands", "due", "threat", "RUS", "USA", "UKR", "Moscow", "s1", "e1", "x", "sanction",
    "meet", "state", "_", '"Russia"', '"a\\"b"', '"', "2025-10-22", "2025-10", "2025",
    "~2025-10", "2025-10-01..2025-10-05", "2025-02-30", "0000-00-00", "+50d", "+2w", "-3", "1.5",
    "12", ",", "=", "#", "# note\n", "//", ".", "..", "~", "+", "-", "é", "Ж", " ", " ", "    ",
    "\t", "\n", "\n", "\n    ", "\r\n", "\r", "\f",
)


def random_text(pieces: tuple[str, ...]) -> st.SearchStrategy[str]:
    """Text made of the language's pieces, with now and then an arbitrary character."""
    piece = st.one_of(st.sampled_from(pieces), st.sampled_from(pieces),
                      st.sampled_from(pieces), st.characters(codec="utf-8"))
    return st.lists(piece, max_size=60).map("".join)


@st.composite
def mutated(draw, seeds: tuple[str, ...], pieces: tuple[str, ...]) -> str:
    """One of `seeds` with one to four mutations."""
    tokens = tokenise(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(("delete", "duplicate", "swap", "insert", "chars", "truncate")))
        if op == "chars":
            text = "".join(tokens)
            at = draw(st.integers(0, len(text)))
            extra = draw(st.text(st.one_of(st.sampled_from("()[]{}.,;:!?-+*/\"'#~\\\n \t"),
                                           st.characters(codec="utf-8")), min_size=1, max_size=3))
            tokens = tokenise(text[:at] + extra + text[at:])
            continue
        if op == "truncate":
            text = "".join(tokens)
            tokens = tokenise(text[: draw(st.integers(0, len(text)))])
            continue
        if not tokens:
            tokens = [draw(st.sampled_from(pieces))]
            continue
        i = draw(st.integers(0, len(tokens) - 1))
        if op == "delete":
            del tokens[i]
        elif op == "duplicate":
            tokens.insert(i, tokens[i])
        elif op == "swap":
            j = draw(st.integers(0, len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        else:  # insert a token of this text or a piece of the language
            tokens.insert(i, draw(st.one_of(st.sampled_from(tokens), st.sampled_from(pieces))))
    return "".join(tokens)


rule_text = st.one_of(random_text(RULE_PIECES), mutated(RULE_SEEDS, RULE_PIECES))
event_text = st.one_of(random_text(EVENT_PIECES), mutated(EVENT_SEEDS, EVENT_PIECES))


# ---- properties --------------------------------------------------------------------------

def assert_inside(exc: ReasonerError, sources: dict[str, str]) -> None:
    """Every diagnostic of `exc` renders, and its span (if any) lies inside its source."""
    assert exc.diagnostics, "a ReasonerError without diagnostics"
    exc.render()
    str(exc)
    for diagnostic in exc.diagnostics:
        diagnostic.render()
        span = diagnostic.span
        if span is None:
            continue
        expected = sources.get(span.source.name)
        if expected is None:  # a fact file that a `.input` read
            assert Path(span.source.name).is_file(), f"diagnostic in an unknown source: {diagnostic.render()}"
            expected = Path(span.source.name).read_bytes().decode("utf-8", "replace")
        assert span.source.text == expected
        lines = span.source.text.split("\n")
        where = f"{span!r} of {diagnostic.render()!r} in {span.source.text!r}"
        assert 1 <= span.line <= len(lines), where
        assert 1 <= span.column <= len(lines[span.line - 1]) + 1, where
        assert span.line <= span.end_line <= len(lines), where
        assert 1 <= span.end_column <= len(lines[span.end_line - 1]) + 1, where
        assert (span.line, span.column) <= (span.end_line, span.end_column), where
        # The caret view shows the line the span is on (a `\r` before the `\n` is not shown).
        shown = lines[span.line - 1]
        if span.line < len(lines):
            shown = shown.removesuffix("\r")
        assert span.source.line(span.line) == shown, where


def snapshot(engine: Engine) -> tuple:
    """What an engine holds: its relations, their tuples, its warnings and its program."""
    relations = engine.relations()
    return (relations, {name: engine.relation(name) for name in relations},
            engine.warnings, engine.program)


class Runaway(Exception):
    """A mutated program evaluated for longer than a test can wait (say `p(X + 1) :- p(X).`
    made from two golden rules); such an example is rejected, not failed."""


@contextmanager
def time_limit(seconds: float):
    """Raise `Runaway` in the main thread after `seconds` (a backstop; rejected examples)."""
    def stop(signum, frame):
        raise Runaway

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


PROBES = {  # a small load that must work after a failed one, as if that had never happened
    "dl": ".decl fuzz_probe(x: number)\nfuzz_probe(1).\n",
    "events": "event fuzz_probe 2025-01-01 USA threaten RUS\n",
}


def load_or_diagnose(engine: Engine, text: str, name: str, kind: str,
                     sources: dict[str, str], fact_dir: str | None = None) -> bool:
    """Load `text`; on a `ReasonerError` check its diagnostics and that nothing changed: the
    engine holds what it held, and a further load gives what it gives on an engine that never
    saw the failed one (`sources`, in order, rebuild that engine)."""
    before = snapshot(engine)
    try:
        with time_limit(2.0):
            engine.load_text(text, name=name, kind=kind)
    except Runaway:
        reject()
    except ReasonerError as exc:
        assert_inside(exc, {**sources, name: text})
        assert snapshot(engine) == before, "a failed load changed the engine"
        if all(n.endswith("." + kind) for n in sources) and (kind == "dl" or sources):
            reference = Engine(fact_dir=fact_dir)
            for source_name, source_text in sources.items():
                reference.load_text(source_text, name=source_name, kind=kind)
            for probed in (engine, reference):
                probed.load_text(PROBES[kind], name="probe." + kind, kind=kind)
            assert snapshot(engine)[:2] == snapshot(reference)[:2], "a failed load left a trace"
        return False
    return True


# ---- the rule language ----------------------------------------------------------------------

DECL = ".decl p(x: number)\n"


# Regressions: inputs that crashed, each with what it did before it was fixed.
@example(DECL + "p(" + "-" * 3000 + "1).")  # RecursionError in the parser's tree builder
@example(DECL + "p(" + "(" * 1000 + "1" + ")" * 1000 + ").")  # RecursionError
@example(DECL + "p(" + "+".join(["1"] * 3000) + ").")  # RecursionError
@example(DECL + "p(" + "max(1, " * 300 + "1" + ")" * 300 + ").")  # RecursionError
@example(DECL + "p(X) :- " + ",".join(["(X=1;X=2)"] * 25) + ".")  # 2^25 alternatives: no end
@example(DECL + "p(" + "9" * 5000 + ").")  # ValueError: int() of more than 4300 digits
@example("\x85.decl p(x: number)")  # the caret view showed line 2 (`splitlines` breaks at U+0085)
@example("p(1).\rq(.)")  # the caret view showed `p(1).` only (`\r` read as a line break)
@MANY
@given(rule_text)
def test_rule_parser_gives_diagnostics(text):
    try:
        parse_program(SourceText("fuzz.dl", text))
    except ReasonerError as exc:
        assert_inside(exc, {"fuzz.dl": text})


@example("X = " + "(" * 1000 + "1" + ")" * 1000)  # RecursionError
@settings(MANY, max_examples=examples(500))
@given(st.one_of(random_text(RULE_PIECES), mutated(QUERY_SEEDS, RULE_PIECES)))
def test_query_parser_gives_diagnostics(text):
    try:
        parse_query(SourceText("<query>", text))
    except ReasonerError as exc:
        assert_inside(exc, {"<query>": text})


# Golden programs that load without error (no expected exit status) and need no fact file: the
# base of the next test.
LOADABLE = tuple(
    text for path, text in zip(RULE_CASES, RULE_SEEDS)
    if not (path.parent / "expected.status").exists() and not (path.parent / "facts").exists()
    and "#include" not in text and ".input" not in text
)
goal_text = st.one_of(mutated(QUERY_SEEDS, RULE_PIECES), random_text(RULE_PIECES))


DATE_FACTS = str(ROOT / "tests" / "golden" / "date_fact_file" / "facts")  # holds deadline.facts
DEADLINE = ".decl deadline(who: symbol, due: date)\n"


# Regressions: ValueError for a NUL in a file name, UnicodeDecodeError for a bad escape in
# `delimiter=`, ValueError ("empty separator") for an empty one; RecursionError in a goal.
@example('#include "a\x00b"', DATE_FACTS, "x")
@example(DEADLINE + '.input deadline(filename="a\x00b")', DATE_FACTS, "x")
@example(DEADLINE + '.input deadline(delimiter="\\\\")', DATE_FACTS, "x")
@example(DEADLINE + '.input deadline(delimiter="\\\\x")', DATE_FACTS, "x")
@example(DEADLINE + '.input deadline(delimiter="")', DATE_FACTS, "x")
@example(DEADLINE + ".input deadline", DATE_FACTS, "deadline(W, D), D = " + "-" * 3000 + "1")
@example(".decl p(x: float)\np(X) :- X = 0.0 ^ -1.0.", DATE_FACTS, "p(X)")  # ZeroDivisionError
@example(DEADLINE + ".input deadline(delimiter=\"-\")", DATE_FACTS, "x")  # errors in a fact file
@FEW
@given(text=mutated(RULE_SEEDS, RULE_PIECES), facts=st.sampled_from(FACT_DIRS), goal=goal_text)
def test_rule_load_into_empty_engine(text, facts, goal):
    engine = Engine(fact_dir=facts)
    if load_or_diagnose(engine, text, "fuzz.dl", "dl", {}, facts):
        try:
            engine.query(goal)
        except ReasonerError as exc:
            assert_inside(exc, {"<query>": goal})


@FEW
@given(base=st.sampled_from(LOADABLE), text=rule_text, goal=goal_text)
def test_rule_load_into_loaded_engine(base, text, goal):
    engine = Engine(fact_dir=FACT_DIRS[0])
    engine.load_text(base, name="base.dl")
    load_or_diagnose(engine, text, "fuzz.dl", "dl", {"base.dl": base}, FACT_DIRS[0])
    try:
        engine.query(goal)
    except ReasonerError as exc:
        assert_inside(exc, {"<query>": goal})


def test_float_power_and_modulo_follow_c():
    """Found with the fuzz tests: `(-8.0) ^ 0.5` was computed as `-(8.0 ** 0.5)`, a negative
    variable to a fractional power gave a complex number, `0.0 ^ -1.0` raised
    ZeroDivisionError and `x % 0.0` failed; like C (and Soufflé) they give NaN or infinity."""
    engine = Engine()
    engine.load_text(
        ".decl base(x: float)\nbase(-8.0).\n"
        ".decl r(name: symbol, x: float)\n"
        'r("literal", X) :- X = (-8.0) ^ 0.5.\n'
        'r("variable", X) :- base(B), X = B ^ 0.5.\n'
        'r("square", X) :- base(B), X = B ^ 2.0.\n'
        'r("zero", X) :- X = 0.0 ^ -1.0.\n'
        'r("overflow", X) :- X = (-10.0) ^ 401.0.\n'
        'r("modulo", X) :- base(B), X = B % 0.0.\n'
    )
    got = {name: value for name, value in engine.relation("r")}
    assert got["literal"] != got["literal"] and got["variable"] != got["variable"]  # NaN
    assert got["modulo"] != got["modulo"]
    assert got["square"] == 64.0
    assert got["zero"] == float("inf") and got["overflow"] == float("-inf")


# ---- the event statement language -------------------------------------------------------------

@example('event e 2025-10-01 RUS sanction UKR x = ' + "9" * 5000)  # ValueError: int() > 4300 digits
@example("deadline d 2025-07-14 USA to RUS demands RUS ceasefire due +" + "9" * 5000 + "d")  # same
@example("source\r")  # the caret view dropped the `\r` of the last line
@example('actor A "a"\x0cactor B "b"\n\x01')  # form feed read as a line break by the caret view
@MANY
@given(event_text)
def test_event_parser_gives_diagnostics(text):
    try:
        parse_events(SourceText("fuzz.events", text))
    except ReasonerError as exc:
        assert_inside(exc, {"fuzz.events": text})


@FEW
@given(event_text)
def test_event_lark_path_gives_diagnostics(text):
    """The lark path alone (the fast reader hands every text it is unsure of to it)."""
    diagnostics: list = []
    read_raw_statements(SourceText("fuzz.events", text), diagnostics, fast=False)
    if diagnostics:
        assert_inside(ReasonerError(diagnostics), {"fuzz.events": text})


@example("deadline d 2025-07-14 USA to RUS demands RUS ceasefire due +999999999d", True)  # OverflowError
@example("deadline d 9999-12-31 USA to RUS demands RUS ceasefire due +1d", True)  # OverflowError
@FEW
@given(text=event_text, with_actors=st.booleans())
def test_event_load(text, with_actors):
    engine = Engine()
    sources = {}
    if with_actors:
        engine.load_text(ACTORS, name="actors.events", kind="events")
        sources["actors.events"] = ACTORS
    load_or_diagnose(engine, text, "fuzz.events", "events", sources)
