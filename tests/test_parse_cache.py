"""The on-disk cache of parsed rule files (`reasoner/syntax/parse_cache.py`): a file loaded
again is read back instead of parsed, and gives what a parse gives; anything changed, broken or
unwritable falls back to parsing."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import attrs
import lark
import pytest

from reasoner import Engine, ParseError
from reasoner.loader import read_source
from reasoner.resources import data_dir
from reasoner.source import SourceText, Span
from reasoner.syntax import parse_cache, parse_program

# Long enough to be cached (`parse_cache.MIN_CHARS`): a closure and padding facts.
RULES = """\
.decl edge(x: number, y: number)
.decl path(x: number, y: number)
.output path
path(X, Y) :- edge(X, Y).
path(X, Z) :- path(X, Y), edge(Y, Z).
edge(1, 2). edge(2, 3).
""" + "".join(f".decl pad{i}(x: number)\npad{i}(X) :- edge(X, _), X > {i}.\n" for i in range(60))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("REASONER_CACHE_DIR", str(folder))
    return folder / "parse"


@pytest.fixture
def lark_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One item for each time lark parses a text."""
    calls: list[int] = []
    original = lark.Lark.parse

    def counting(self, text, *args, **kwargs):
        calls.append(len(text))
        return original(self, text, *args, **kwargs)

    monkeypatch.setattr(lark.Lark, "parse", counting)
    return calls


@pytest.fixture
def fresh_fingerprint():
    """The hash of the code recomputed in this test, and again after it."""
    fingerprint = parse_cache._code_fingerprint
    fingerprint.cache_clear()
    yield
    fingerprint.cache_clear()


def shape(value: object) -> object:
    """Everything a statement holds, spans included (statements compare without them)."""
    if isinstance(value, Span):
        return ("span", value.source.name, value.source.text, tuple(value)[1:])
    if isinstance(value, SourceText):
        return ("source", value.name, value.text)
    if attrs.has(type(value)):
        return (type(value).__name__,) + tuple(shape(getattr(value, f.name)) for f in attrs.fields(type(value)))
    if isinstance(value, (list, tuple)):
        return tuple(shape(v) for v in value)
    if isinstance(value, frozenset):
        return frozenset(shape(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, shape(v)) for k, v in value.items())
    return (type(value).__name__, value)


def spans(value: object) -> list[Span]:
    if isinstance(value, Span):
        return [value]
    if attrs.has(type(value)):
        return [s for f in attrs.fields(type(value)) for s in spans(getattr(value, f.name))]
    if isinstance(value, (list, tuple, frozenset)):
        return [s for v in value for s in spans(v)]
    return []


def program(tmp_path: Path, text: str = RULES, name: str = "closure.dl") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def answers(path: Path) -> dict[str, set]:
    engine = Engine()
    engine.load(path)
    return {name: engine.relation(name) for name in engine.relations()}


# ---- hits --------------------------------------------------------------------------------


def test_a_file_loaded_again_is_not_parsed(cache: Path, lark_calls: list[int], tmp_path: Path) -> None:
    path = program(tmp_path)
    first = answers(path)
    assert first["path"] == {(1, 2), (2, 3), (1, 3)}
    assert lark_calls and len(list(cache.glob("*.pickle"))) == 1
    lark_calls.clear()
    assert answers(path) == first  # a second Engine, in the same process
    assert lark_calls == []


def test_the_cached_statements_are_those_of_a_parse(cache: Path, lark_calls: list[int]) -> None:
    for path in sorted(data_dir("rules").glob("*.dl")):
        source = read_source(path)
        for components in (False, True):
            parsed = parse_program(source, {}, components=components)
            calls = len(lark_calls)
            again = parse_program(source, {}, components=components)
            assert len(lark_calls) == calls, path
            assert again == parsed
            assert shape(again) == shape(parsed)
            # the spans point at the caller's own source, as a parse's do
            assert all(span.source is source for span in spans(again))


def test_the_library_loads_the_same_from_the_cache(cache: Path, lark_calls: list[int]) -> None:
    first = Engine()
    first.load(data_dir("rules"))
    lark_calls.clear()
    second = Engine()
    second.load(data_dir("rules"))
    assert lark_calls == []
    assert second.relations() == first.relations()
    for part in ("declarations", "clauses", "directives", "queries"):
        assert shape(getattr(second.program, part)) == shape(getattr(first.program, part))


def test_macros_after_the_file_are_restored(cache: Path, lark_calls: list[int]) -> None:
    text = "#define LIMIT 3\n#define TWICE(x) ((x) * 2)\n#undef GONE\n" + RULES.replace(
        "X > 0.", "X > LIMIT.") + "\n.decl big(x: number)\nbig(TWICE(X)) :- edge(X, _).\n"
    source = SourceText("macros.dl", text)
    macros_parsed: dict = {}
    parsed = parse_program(source, macros_parsed, components=False)
    calls = len(lark_calls)
    macros_cached: dict = {}
    cached = parse_program(source, macros_cached, components=False)
    assert len(lark_calls) == calls
    assert shape(cached) == shape(parsed)
    assert macros_cached == macros_parsed and set(macros_cached) == {"LIMIT", "TWICE"}


def test_macros_defined_by_one_file_reach_the_next(cache: Path, lark_calls: list[int], tmp_path: Path) -> None:
    program(tmp_path, "#define FIRST 1\n" + RULES, "defines.dl")
    program(tmp_path, RULES.replace("path", "route").replace("edge(1, 2).", "edge(FIRST, 2).")
            .replace(".decl edge(x: number, y: number)\n", "").replace("edge(2, 3).", ""), "uses.dl")
    main = program(tmp_path, '#include "defines.dl"\n#include "uses.dl"\n', "main.dl")
    first = answers(main)
    assert first["route"] == first["path"] == {(1, 2), (2, 3), (1, 3)}
    lark_calls.clear()
    assert answers(main) == first
    assert len(lark_calls) == 1  # main.dl only: it is too short to be cached


# ---- misses ------------------------------------------------------------------------------


def test_a_changed_file_is_parsed(cache: Path, lark_calls: list[int], tmp_path: Path) -> None:
    path = program(tmp_path)
    answers(path)
    lark_calls.clear()
    path.write_text(RULES.replace("edge(2, 3).", "edge(2, 4)."), encoding="utf-8")
    assert answers(path)["path"] == {(1, 2), (2, 4), (1, 4)}
    assert lark_calls


def test_a_renamed_file_is_parsed(cache: Path, lark_calls: list[int]) -> None:
    parse_program(SourceText("one.dl", RULES))
    calls = len(lark_calls)
    renamed = parse_program(SourceText("two.dl", RULES))
    assert len(lark_calls) == calls + 1
    assert {span.source.name for span in spans(renamed)} == {"two.dl"}


def test_other_macros_or_components_are_parsed(cache: Path, lark_calls: list[int]) -> None:
    source = SourceText("closure.dl", RULES.replace("edge(1, 2).", "edge(ONE, 2)."))
    from reasoner.syntax.preprocess import Macro

    one = parse_program(source, {"ONE": Macro("ONE", None, "1")})
    calls = len(lark_calls)
    seven = parse_program(source, {"ONE": Macro("ONE", None, "7")})
    assert len(lark_calls) == calls + 1
    assert one != seven
    parse_program(source, {"ONE": Macro("ONE", None, "1")}, components=False)
    assert len(lark_calls) == calls + 2
    parse_program(source, {"ONE": Macro("ONE", None, "7")})
    assert len(lark_calls) == calls + 2


def test_a_changed_grammar_is_parsed(cache: Path, lark_calls: list[int], fresh_fingerprint,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    source = SourceText("closure.dl", RULES)
    parse_program(source)
    parse_program(source)
    assert len(lark_calls) == 1
    changed = parse_cache.grammar_text("datalog.lark") + "\n// another grammar\n"
    monkeypatch.setattr(parse_cache, "grammar_text", lambda name: changed)
    parse_cache._code_fingerprint.cache_clear()
    parse_program(source)
    assert len(lark_calls) == 2


def test_changed_code_is_parsed(cache: Path, lark_calls: list[int], fresh_fingerprint,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    source = SourceText("closure.dl", RULES)
    parse_program(source)
    monkeypatch.setattr(parse_cache, "_code_fingerprint", lambda: b"another version")
    parse_program(source)
    assert len(lark_calls) == 2
    assert len(list(cache.glob("*.pickle"))) == 2


def test_short_texts_are_not_cached(cache: Path, lark_calls: list[int]) -> None:
    engine = Engine()
    engine.load_text(".decl p(x: number)\np(1).\n")
    engine.load_text(".decl q(x: number)\nq(1).\n")
    assert not cache.exists()
    assert engine.relation("q") == {(1,)}


# ---- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize("broken, where", [
    ("path(X, Z) :- path(X, Y) edge(Y, Z).", "lark"),
    ("path(X, Z) :- path(X, Y), nosuch(Y, Z) + .", "lark"),
    ("path(X, Z) :- path(X, Y), edge(Y, Z), Z = unknown_functor(X).", "builder"),
    ("#if 1 +\n", "preprocessor"),
])
def test_errors_are_found_on_every_load(cache: Path, tmp_path: Path, broken: str, where: str) -> None:
    text = "#define THREE 3\n" + RULES + "edge(THREE, 4).\n" + broken + "\n"
    path = program(tmp_path, text)
    rendered = []
    for _ in range(3):
        with pytest.raises(ParseError) as raised:
            Engine().load(path)
        rendered.append(raised.value.render())
    assert rendered[0] == rendered[1] == rendered[2]
    assert "closure.dl:" in rendered[0] and "^" in rendered[0], rendered[0]
    assert not list(cache.glob("*.pickle"))


# ---- a broken or missing cache ------------------------------------------------------------


class Harmful:
    """Unpickled, it would make a folder: an entry must not run what it names."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.mkdir, (str(self.marker),))


def broken_entries(cache: Path, marker: Path) -> list[bytes]:
    good = next(cache.glob("*.pickle")).read_bytes()
    foreign = pickle.dumps((parse_cache._FORMAT, "not the key", [], []))
    harmful = pickle.dumps(Harmful(marker))
    return [b"", b"garbage", good[: len(good) // 2], good[:-1], foreign, harmful,
            pickle.dumps((parse_cache._FORMAT, "key", [Harmful(marker)], [])),
            pickle.dumps({"a": 1}), good.replace(b"reasoner.ast", b"reasoner.xyz")]


def test_a_corrupt_entry_is_parsed_again(cache: Path, lark_calls: list[int], tmp_path: Path) -> None:
    path = program(tmp_path)
    expected = answers(path)
    entry = next(cache.glob("*.pickle"))
    marker = tmp_path / "marker"
    for content in broken_entries(cache, marker):
        entry.write_bytes(content)
        lark_calls.clear()
        assert answers(path) == expected
        assert lark_calls, content[:40]
        assert entry.read_bytes() != content  # replaced by the new parse's entry
    assert not marker.exists()


def test_an_entry_of_other_code_is_not_used(cache: Path, lark_calls: list[int]) -> None:
    """A file that claims another key (a copied or renamed entry) is a miss."""
    one = SourceText("one.dl", RULES)
    two = SourceText("two.dl", RULES.replace("edge(2, 3).", "edge(2, 5)."))
    parse_program(one)
    key_one = parse_cache._key(one, {}, True)
    key_two = parse_cache._key(two, {}, True)
    (cache / f"{key_two}.pickle").write_bytes((cache / f"{key_one}.pickle").read_bytes())
    calls = len(lark_calls)
    assert shape(parse_program(two)) != shape(parse_program(one))
    assert len(lark_calls) == calls + 1


def test_an_unwritable_cache_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        lark_calls: list[int]) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("REASONER_CACHE_DIR", str(blocker))  # its parse/ cannot be made
    path = program(tmp_path)
    assert answers(path)["path"] == {(1, 2), (2, 3), (1, 3)}
    assert answers(path)["path"] == {(1, 2), (2, 3), (1, 3)}
    assert len(lark_calls) == 2


def test_a_read_only_cache_is_ignored(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      lark_calls: list[int]) -> None:
    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(parse_cache.tempfile, "mkstemp", refuse)
    path = program(tmp_path)
    assert answers(path)["path"] == {(1, 2), (2, 3), (1, 3)}
    assert not list(cache.glob("*"))


def test_off_turns_the_cache_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lark_calls: list[int]) -> None:
    monkeypatch.setenv("REASONER_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = program(tmp_path)
    assert answers(path) == answers(path)
    assert len(lark_calls) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["closure.dl"]


def test_the_folder_keeps_the_entries_used_last(cache: Path, lark_calls: list[int],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_cache, "MAX_ENTRIES", 5)
    monkeypatch.setattr(parse_cache, "KEEP_ENTRIES", 3)
    sources = [SourceText(f"v{i}.dl", RULES) for i in range(6)]
    for index, source in enumerate(sources[:5]):
        parse_program(source)
        os.utime(cache / f"{parse_cache._key(source, {}, True)}.pickle", (1000 + index, 1000 + index))
    stale, writing = cache / ".stale.tmp", cache / ".writing.tmp"
    stale.write_bytes(b"left by a writer that stopped")
    writing.write_bytes(b"being written")
    os.utime(stale, (1000, 1000))
    parse_program(sources[0])  # a hit: the oldest entry is the newest now
    assert len(lark_calls) == 5
    parse_program(sources[5])
    kept = {p.name for p in cache.glob("*.pickle")}
    assert kept == {f"{parse_cache._key(sources[i], {}, True)}.pickle" for i in (0, 4, 5)}
    assert not stale.exists() and writing.exists()
    parse_program(sources[0])
    assert len(lark_calls) == 6
    parse_program(sources[1])
    assert len(lark_calls) == 7


def test_where_the_cache_lives(tmp_path: Path) -> None:
    assert parse_cache.cache_dir({"REASONER_CACHE_DIR": str(tmp_path)}) == tmp_path / "parse"
    assert parse_cache.cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "reasoner" / "parse"
    assert parse_cache.cache_dir({"XDG_CACHE_HOME": "relative", "HOME": str(tmp_path)}) == (
        tmp_path / ".cache" / "reasoner" / "parse")
    assert parse_cache.cache_dir({"HOME": str(tmp_path)}) == tmp_path / ".cache" / "reasoner" / "parse"
    assert parse_cache.cache_dir({"REASONER_CACHE_DIR": "off", "HOME": str(tmp_path)}) is None
    assert parse_cache.cache_dir({"REASONER_CACHE_DIR": "OFF"}) is None


def test_a_relative_cache_folder_without_a_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             lark_calls: list[int]) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    monkeypatch.setenv("REASONER_CACHE_DIR", "relative/cache")
    assert shape(parse_program(SourceText("a.dl", RULES))) == shape(parse_program(SourceText("a.dl", RULES)))
    assert len(lark_calls) == 2
