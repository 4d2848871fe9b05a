"""The load pipeline: from paths or text to a checked engine state, not yet evaluated.

    paths --read_paths--> Sources --parse_sources--> Parsed --check_loaded--> Loaded
            (expand_paths,            (rule files with their       (analysis of the program;
             one file at a time:       #includes; event files       the `.input` files read)
             `reasoner.loader`)        parsed and lowered)

`Engine.load` and `Engine.load_text` run all of it and then evaluate (`reasoner.commit`);
`reasoner check` runs the same stages with `problems=`, which collects what each stage reports
and goes on, so that every problem of every file is shown at once; the REPL's `:load` goes
through `Engine.load`. Reading one file (its encoding, the sandbox, `#include`) is
`reasoner.loader`'s business, the layer below this one.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path

import attrs

from reasoner import ast
from reasoner.analysis import Analysis, analyse
from reasoner.errors import CheckError, Diagnostic, LoadError, ParseError, ReasonerError, error
from reasoner.events.ast import EventFile
from reasoner.facts_io import read_input
from reasoner.files import Sandbox, real_path
from reasoner.loader import parse_with_includes, read_source
from reasoner.program import RelationSchema
from reasoner.progress import logger
from reasoner.source import SourceText
from reasoner.state import STATEMENT_RELATIONS, EngineState, Rows

RULE_SUFFIX, EVENT_SUFFIX = ".dl", ".events"


@attrs.frozen
class Sources:
    """The texts of one load: rule texts, each with the directory its `#include`s are resolved
    against (None for text that is not a file), and event texts."""

    rules: tuple[tuple[SourceText, Path | None], ...] = ()
    events: tuple[SourceText, ...] = ()

    @classmethod
    def of_text(cls, text: str, name: str, kind: str) -> Sources:
        """Text loaded as if it were a file called `name`: rules (`kind="dl"`) or events."""
        if kind == "events":
            return cls(events=(SourceText(name, text),))
        return cls(rules=((SourceText(name, text), None),))


@attrs.frozen
class Parsed:
    """A state with the parsed rules and the lowered event facts of a load added."""

    state: EngineState
    statements: tuple[ast.Statement, ...]  # the rule statements new in this load
    event_files: tuple[EventFile, ...]
    warnings: tuple[Diagnostic, ...]  # of the event statements


@attrs.frozen
class Loaded:
    """A load ready to evaluate: its state, the program's analysis and the warnings about it."""

    state: EngineState
    analysis: Analysis
    warnings: tuple[Diagnostic, ...]  # of the event statements (the rules' come with evaluation)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named by paths, directories (their `.dl` and `.events` files, sorted) and glob
    patterns, in order and without repeats."""
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if any(ch in str(given) for ch in "*?["):
            anchor = Path(path.anchor) if path.is_absolute() else Path(".")
            pattern = str(path.relative_to(path.anchor)) if path.is_absolute() else str(given)
            matches = sorted(anchor.glob(pattern))
            if not matches:
                raise LoadError(error(f"no files match {given}"))
            files += [m for m in matches if m.is_file()]
        elif path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix in (RULE_SUFFIX, EVENT_SUFFIX) and p.is_file())
        else:
            files.append(path)
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = real_path(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def read_paths(paths: Iterable[str | Path], sandbox: Sandbox | None = None,
               problems: list[Diagnostic] | None = None) -> Sources:
    """The texts of the files `paths` name (see `expand_paths`). A `LoadError` for the first
    that cannot be read, or, given `problems`, every such error added there."""
    started = time.perf_counter()
    try:
        files = expand_paths(paths)
    except ReasonerError as exc:
        if problems is None:
            raise
        problems += exc.diagnostics
        return Sources()
    rules: list[tuple[SourceText, Path | None]] = []
    events: list[SourceText] = []
    for path in files:
        try:
            source = read_source(path, sandbox)
        except ReasonerError as exc:
            if problems is None:
                raise
            problems += exc.diagnostics
            continue
        if path.suffix == EVENT_SUFFIX:
            events.append(source)
        else:
            rules.append((source, path.parent))
    logger.debug("read %d file%s in %.3f s", len(files), "" if len(files) == 1 else "s",
                 time.perf_counter() - started)
    return Sources(tuple(rules), tuple(events))


def parse_sources(state: EngineState, sources: Sources, sandbox: Sandbox | None = None,
                  problems: list[Diagnostic] | None = None) -> Parsed:
    """`state` with the rules of `sources` added to its program (a rule file already read,
    directly or through an `#include`, is skipped) and the facts of its event files added.
    A `ReasonerError` for the first stage that fails (the rule files, the event files, their
    lowering), or, given `problems`, what each stage reports added there."""
    files = set(state.files)
    statements: list[ast.Statement] = []
    for source, directory in sources.rules:
        resolved = str(real_path(source.name)) if directory is not None else None
        if resolved is not None and resolved in files:
            continue  # already read, directly or through an #include
        try:
            statements += parse_with_includes(source, directory, files, sandbox)
        except ReasonerError as exc:
            if problems is None:
                raise
            problems += exc.diagnostics
    event_files: list[EventFile] = []
    warnings: list[Diagnostic] = []
    if sources.events:
        event_files = _parse_events(sources.events, problems)
    if event_files:
        try:
            state, warnings = _with_events(state, event_files)
        except ReasonerError as exc:
            if problems is None:
                raise
            problems += exc.diagnostics  # the rules are still checked against the event schema
            state = attrs.evolve(state, external={**state.external, **event_schemas()})
    state = attrs.evolve(state, program=state.program.extend(statements), files=frozenset(files))
    return Parsed(state, tuple(statements), tuple(event_files), tuple(warnings))


def check_loaded(current: EngineState, parsed: Parsed, strict: bool, fact_dir: Path,
                 sandbox: Sandbox | None = None) -> Loaded:
    """The analysis of the parsed program (a `CheckError` lists every error, and the warnings
    about what this load adds), then the facts of its `.input` directives read."""
    try:
        analysis = analysis_of(current, parsed.state, strict)
    except CheckError as exc:
        old = set(current.analysis.warnings) if current.analysis else set()
        raise CheckError([d for d in exc.diagnostics if d.severity == "error" or d not in old]) from None
    state = parsed.state
    base: dict[str, Rows] = dict(state.base)
    inputs = dict(state.inputs)
    for directive in parsed.statements:
        if not isinstance(directive, ast.IODirective) or directive.kind != "input":
            continue
        rows = read_input(directive, analysis.schemas[directive.relation], fact_dir, sandbox)
        base[directive.relation] = set(base.get(directive.relation, ())) | rows
        inputs[directive.relation] = (*inputs.get(directive.relation, ()), (directive, fact_dir))
    return Loaded(attrs.evolve(state, base=base, inputs=inputs), analysis, parsed.warnings)


def analysis_of(current: EngineState, state: EngineState, strict: bool) -> Analysis:
    """The analysis of `state`'s program: `current`'s if neither the program nor the schemas
    from outside it changed. Raises `CheckError` with every problem."""
    if (current.analysis is not None and state.program is current.program
            and state.external == current.external):
        return current.analysis
    started = time.perf_counter()
    analysis = analyse(state.program, dict(state.external), strict)
    if state.program.clauses:
        logger.debug("checked %d rules in %.3f s", len(state.program.rules), time.perf_counter() - started)
    return analysis


def event_schemas() -> dict[str, RelationSchema]:
    """The documented fact schema of event statements, as relation schemas."""
    from reasoner.events import schema

    return {
        r.name: RelationSchema(r.name, tuple(c.name for c in r.columns),
                               tuple(c.type for c in r.columns), tuple(c.type for c in r.columns))
        for r in schema.RELATIONS
    }


def _parse_events(sources: Iterable[SourceText], problems: list[Diagnostic] | None) -> list[EventFile]:
    """The parsed event files; a `ParseError` with the problems of all of them."""
    from reasoner.events import parse_events

    files: list[EventFile] = []
    diagnostics: list[Diagnostic] = []
    for source in sources:
        try:
            files.append(parse_events(source))
        except ParseError as exc:
            diagnostics += exc.diagnostics
    if diagnostics and problems is None:
        raise ParseError(diagnostics)
    if problems is not None:
        problems += diagnostics
    return files


def _with_events(state: EngineState, files: list[EventFile]) -> tuple[EngineState, list[Diagnostic]]:
    """`state` with the facts of these event files added (all checked together)."""
    from reasoner.events import lower

    lowered = lower(files, state.events, include_vocabulary=state.events is None)
    base: dict[str, Rows] = dict(state.base)
    for name, rows in lowered.facts.items():
        base[name] = set(base.get(name, ())) | set(rows)
    external = dict(state.external)
    external.update(event_schemas())
    spans = dict(state.statement_spans)
    for (relation, row), span in lowered.origins.items():
        if relation in STATEMENT_RELATIONS:
            spans.setdefault(row[0], (span, relation))
    return (attrs.evolve(state, base=base, external=external, events=lowered.known, statement_spans=spans),
            list(lowered.warnings))
