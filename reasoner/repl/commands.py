"""The REPL's built-in `:commands`, each a small function of the session, in the group `COMMANDS`.

A command reports misuse by raising `CommandError`; engine errors (`ReasonerError`) are
printed by the session. The group is data (`reasoner.repl.registry`): the session's table is
built from it and the questions' commands when the session starts (`reasoner.repl.table`), and
`:help` and the completer read that table.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from reasoner.events.keywords import STATEMENT_KEYWORDS
from reasoner.explain.render import proof_json, proof_text, why_not_json, why_not_text
from reasoner.facts_io import sort_key
from reasoner.files import OutputFiles
from reasoner.render import FORMATS
from reasoner.repl.registry import CommandGroup
from reasoner.repl.session import Added, CommandError, Reply, Saved, Session
from reasoner.repl.statements import SHAPES as STATEMENT_SHAPES


COMMANDS = CommandGroup()  # the built-in commands, in the order `:help` lists them
command = COMMANDS.command
_expect = COMMANDS.expect


def _relation(session: Session, name: str) -> str:
    """`name` if the session has that relation (else the engine's error, with its hint)."""
    session.engine.schema(name)
    return name


# ---- help and leaving ----------------------------------------------------------------------
_OTHER_STATEMENTS = ", ".join(k for k in STATEMENT_KEYWORDS if k != "event")
INPUT_FORMS = "\n".join([
    "Input (a statement may go on over several lines; it ends with `.`):",
    '  ?- goal.                 ask: ?- event(E, D, _, "RUS", V, "USA").',
    '  goal.                    a bare goal with variables asks too: actor(A, N, "state").',
    "  head :- body.  fact.     add a rule or a fact to the session (also .decl and other directives)",
    *textwrap.wrap(f"add an event statement (also {_OTHER_STATEMENTS}); indented lines continue "
                   "it, an empty line ends it", width=97,
                   initial_indent="  event ID DATE A VERB B   ", subsequent_indent=" " * 27),
    "Keys: Tab completes, Up/Down walk the history, Ctrl-C cancels the input or a running evaluation,",
    "Ctrl-D leaves, Esc Enter submits the input as it is (an unfinished statement is reported).",
])


@command("help", "[COMMAND]", "this text, or more about one command",
         "`:help` lists the input forms and the commands; `:help facts` explains one.",
         arguments=("command",))
def _help(session: Session, args: list[str]) -> None:
    _expect("help", args, 0, 1)
    if args:
        cmd = session.commands.lookup(args[0])
        if cmd is None:
            raise CommandError(f"no command `{args[0]}`; `:help` lists them")
        lines = [f":{cmd.name} {cmd.usage}".rstrip(), f"  {cmd.summary}"]
        if cmd.details:
            lines += [f"  {line}" for line in cmd.details.splitlines()]
        if cmd.aliases:
            lines.append("  also: " + ", ".join(f":{a}" for a in cmd.aliases))
        session.say("\n".join(lines))
        return
    commands = session.commands.values()
    width = max(len(f":{c.name} {c.usage}") for c in commands)
    lines = [INPUT_FORMS, "Commands:"]
    lines += [f"  {f':{c.name} {c.usage}'.ljust(width)}  {c.summary}" for c in commands]
    session.say("\n".join(lines))


@command("quit", "", "leave the REPL (also Ctrl-D)", aliases=("q", "exit"))
def _quit(session: Session, args: list[str]) -> Reply:
    _expect("quit", args, 0, 0)
    return Reply(stop=True)


# ---- loading and saving --------------------------------------------------------------------
@command("load", "FILE...", "load rule (.dl) and event (.events) files",
         "Paths are relative to the current directory; a directory stands for its .dl and\n"
         ".events files, a pattern such as `corpus/*.events` for the files it matches.\n"
         "All files are loaded as one change: if any has an error, nothing is loaded.",
         arguments=("file",))
def _load(session: Session, args: list[str]) -> None:
    _expect("load", args, 1, 1000)
    from reasoner.load import expand_paths

    files = [str(path.resolve()) for path in expand_paths(args)]  # what `:save` refers to
    from reasoner.questions.repl import refusing_malformed_questions

    with refusing_malformed_questions(session.engine):  # a bad `question` fact: nothing loaded
        warnings = session.engine.load(*args)
    for warning in warnings:
        session.say(warning.render())
    session.loaded += args
    session.added.append(Added("load", "\n".join(files)))
    session.say(f"loaded {', '.join(args)}")


@command("save", "FILE", "write the statements added in this session to FILE",
         "Rules, facts and directives go to FILE; event statements to FILE with the suffix\n"
         "`.events` (or to FILE itself when it ends in `.events` and there are no rules).\n"
         "Files given to `:load` are part of the session: a rule file is included\n"
         "(`#include` with its path from FILE's folder), an event file copied in its place.\n"
         "Reload the session with `:load` or `reasoner repl FILES`.",
         arguments=("file",))
def _save(session: Session, args: list[str]) -> None:
    _expect("save", args, 1, 1)
    rules, events, included, copied = saved_text(session.added)
    if not rules and not events:
        session.say("nothing to save: no statements were added in this session")
        return
    target = Path(args[0])
    rule_path: Path | None
    event_path: Path | None
    if target.suffix == ".events" and not rules:
        rule_path, event_path = None, target
    else:
        rule_path = target if target.suffix != ".events" else target.with_suffix(".dl")
        event_path = target.with_suffix(".events") if events else None
        if event_path == rule_path:
            event_path = Path(str(target) + ".events")
    if rule_path is not None:
        rules = [_include(text, rule_path) for text in rules]
    written = []
    # Both files written aside and renamed into place together: a failure changes neither.
    try:
        with OutputFiles() as files:
            if rule_path is not None and rules:
                rule_text = "\n".join(rules) + "\n"
                files.write(rule_path, lambda handle: handle.write(rule_text))
                written.append(_inputs(len(rules) - included, included, "included") + f" to {rule_path}")
            if event_path is not None:
                event_text = "\n".join(events) + "\n"
                files.write(event_path, lambda handle: handle.write(event_text))
                written.append(_inputs(len(events) - copied, copied, "copied") + f" to {event_path}")
            files.commit()
    except OSError as exc:
        raise CommandError(f"cannot write {exc.filename or target}: {exc.strerror or exc}; nothing was saved") from None
    session.say("saved " + " and ".join(written))


INCLUDE = "\0include "  # a loaded rule file, in `saved_text`'s rules, until the target is known


def saved_text(added: list[Added]) -> tuple[list[str], list[str], int, int]:
    """The rule inputs and the event inputs of a session, in order, with the files `:load`ed
    among them (rule files as includes to resolve, event files' text copied); and how many
    loaded files each list holds."""
    rules: list[str] = []
    events: list[str] = []
    included = copied = 0
    for item in added:
        if item.kind == "dl":
            rules.append(item.text)
        elif item.kind == "events":
            events.append(item.text)
        else:
            for name in item.text.splitlines():
                if name.endswith(".events"):
                    text = Path(name).read_text(encoding="utf-8").rstrip("\n")
                    events.append(f"# loaded from {name}\n{text}")
                    copied += 1
                else:
                    rules.append(INCLUDE + name)
                    included += 1
    return rules, events, included, copied


def _include(text: str, rule_path: Path) -> str:
    """A rule input, or a loaded rule file as `#include` with its path from `rule_path`'s folder."""
    if not text.startswith(INCLUDE):
        return text
    import os

    name = text[len(INCLUDE):]
    if Path(name) == rule_path.resolve():  # the file is being replaced: its statements go in
        return Path(name).read_text(encoding="utf-8").rstrip("\n")
    relative = os.path.relpath(name, rule_path.resolve().parent)
    return "#include " + json.dumps(Path(relative).as_posix())


def _inputs(typed: int, files: int, how: str) -> str:
    """`2 inputs and 1 included file`."""
    parts = [f"{typed} input{'s' if typed != 1 else ''}"] if typed or not files else []
    if files:
        parts.append(f"{files} {how} file{'s' if files != 1 else ''}")
    return " and ".join(parts)


@command("reset", "", "drop everything added or loaded since start-up")
def _reset(session: Session, args: list[str]) -> None:
    _expect("reset", args, 0, 0)
    dropped, loaded = session.reset()
    what = f"{dropped} added input{'s' if dropped != 1 else ''}"
    if loaded:
        what += f" and {loaded} loaded file{'s' if loaded != 1 else ''}"
    session.say(f"session reset ({what} dropped)")


# ---- what if: retraction and snapshots ------------------------------------------------------
@command("retract", "FACT", "take back a fact added, loaded or stated, and what followed from it",
         "`:retract response_window(60).` undoes `response_window(60).`: the fact is taken out\n"
         "and the rules' conclusions are brought up to date (incrementally). The fact must be\n"
         "stated (in rule text, an event statement or a fact file, or added in the session); a\n"
         "fact that only rules derive cannot be retracted, retract what it is derived from.\n"
         "A retracted input of the session is left out of `:save`.",
         arguments=("fact",), raw=True)
def _retract(session: Session, args: list[str]) -> None:
    if not args:
        raise CommandError("`:retract` needs a fact, e.g. `:retract response_window(60).`")
    text = args[0].strip().removesuffix(".")
    session.engine.retract(text)
    session.statements = type(session.statements)()  # statements may be gone
    session.last_proof = None
    shown = _canonical(text)
    session.added = _without_fact(session.added, shown)
    still = session.engine.query(text)
    session.say(f"retracted {shown}" + ("; it still holds: rules derive it" if still else ""))


def _canonical(fact: str) -> str:
    """A fact as the parser prints it (`p(1, "a")`), to compare inputs with."""
    from reasoner.source import SourceText
    from reasoner.syntax import parse_query

    query = parse_query(SourceText("<fact>", fact))
    return str(query.bodies[0][0])


def _without_fact(added: list[Added], fact: str) -> list[Added]:
    """The session's inputs without the last one that states exactly `fact` and nothing else."""
    from reasoner import ast
    from reasoner.errors import ReasonerError
    from reasoner.source import SourceText
    from reasoner.syntax import parse_program

    for number in range(len(added) - 1, -1, -1):
        item = added[number]
        if item.kind != "dl":
            continue
        try:
            statements = parse_program(SourceText("<saved>", item.text))
        except ReasonerError:
            continue
        if (len(statements) == 1 and isinstance(statements[0], ast.Clause)
                and statements[0].is_fact and str(statements[0].head) == fact):
            return added[:number] + added[number + 1:]
    return added


@command("snapshot", "[NAME]", "remember the session as it is now, to go back with `:restore`",
         "A what-if: `:snapshot before`, add or retract facts, load rules, compare answers,\n"
         "then `:restore before`. NAME defaults to `default`; taking a snapshot of that name\n"
         "again replaces it. A snapshot costs nothing until the next change, which copies the\n"
         "relations it would change.",
         arguments=("snapshot",))
def _snapshot(session: Session, args: list[str]) -> None:
    _expect("snapshot", args, 0, 1)
    name = args[0] if args else "default"
    session.snapshots[name] = Saved(session.engine, session.engine.snapshot(), tuple(session.added))
    others = sorted(n for n in session.snapshots if n != name)
    also = f" (also: {', '.join(others)})" if others else ""
    session.say(f"snapshot `{name}` taken; `:restore{'' if name == 'default' else ' ' + name}` "
                f"goes back to it{also}")


@command("restore", "[NAME]", "go back to a snapshot (default: `default`)",
         "The rules, facts and answers are as they were when `:snapshot NAME` was taken, and so\n"
         "is what `:save` writes; the settings stay as they are. The snapshot is kept: restore\n"
         "it again later.",
         arguments=("snapshot",))
def _restore(session: Session, args: list[str]) -> None:
    _expect("restore", args, 0, 1)
    name = args[0] if args else "default"
    saved = session.snapshots.get(name)
    if saved is None:
        known = ", ".join(f"`{n}`" for n in sorted(session.snapshots)) or "none yet (`:snapshot NAME`)"
        raise CommandError(f"no snapshot `{name}`; snapshots: {known}")
    limits = session.engine.limits
    saved.engine.restore(saved.snapshot)  # type: ignore[arg-type]
    saved.engine.set_limits(max_tuples=limits.max_tuples, time_budget=limits.time_budget,
                            max_memory=limits.max_memory)
    session.engine = saved.engine
    session.added = list(saved.added)
    session.statements = type(session.statements)()
    session.last_proof = None
    session.say(f"restored snapshot `{name}`")


# ---- looking around --------------------------------------------------------------------------
@command("relations", "", "every relation with its arity and number of tuples")
def _relations(session: Session, args: list[str]) -> None:
    _expect("relations", args, 0, 0)
    engine = session.engine
    rows = [{"relation": name, "arity": arity, "tuples": engine.size(name)}
            for name, arity in engine.relations().items()]
    session.show(rows, ["relation", "arity", "tuples"], limit=len(rows))


@command("schema", "REL", "the columns and types of a relation, and where it comes from",
         arguments=("relation",))
def _schema(session: Session, args: list[str]) -> None:
    _expect("schema", args, 1, 1)
    from reasoner.load import event_schemas

    schema = session.engine.schema(args[0])
    lines = [f".decl {schema.signature()}"]
    if not schema.declared:
        where = f" (first at {schema.span.file}:{schema.span.line})" if schema.span is not None else ""
        lines.append(f"  not declared: column types inferred from its use{where}")
    elif schema.span is not None:
        lines.append(f"  declared at {schema.span.file}:{schema.span.line}")
    elif schema.name in event_schemas():
        lines.append("  from event statements (see docs/events.md)")
    size = session.engine.size(schema.name)
    rules = sum(1 for c in session.engine.program.rules if c.head.relation == schema.name)
    lines.append(f"  {size} tuple{'s' if size != 1 else ''}, {rules} rule{'s' if rules != 1 else ''}")
    session.say("\n".join(lines))


@command("rules", "REL", "the rules that derive a relation", arguments=("relation",))
def _rules(session: Session, args: list[str]) -> None:
    _expect("rules", args, 1, 1)
    name = _relation(session, args[0])
    rules = [c for c in session.engine.program.rules if c.head.relation == name]
    if not rules:
        session.say(f"no rules derive `{name}` (its tuples are facts; `:facts {name}` shows them)")
        return
    lines = []
    for rule in rules:
        where = f"  // {rule.span.file}:{rule.span.line}" if rule.span is not None else ""
        lines.append(f"{rule}{where}")
    session.say("\n".join(lines))


@command("plan", "REL", "how the rules that derive a relation are evaluated: their plans' steps",
         "One plan per rule, and per body atom of its stratum for a recursive rule (the variant\n"
         "that reads that atom's new tuples): one step a line, nested steps indented.",
         arguments=("relation",))
def _plan(session: Session, args: list[str]) -> None:
    _expect("plan", args, 1, 1)
    name = _relation(session, args[0])
    text = session.engine.dump("plan", relation=name)
    session.say(text or f"no rules derive `{name}` (its tuples are facts; `:facts {name}` shows them)")


@command("facts", "REL [LIMIT]", "the tuples of a relation (the first LIMIT, default 20)",
         arguments=("relation",))
def _facts(session: Session, args: list[str]) -> None:
    _expect("facts", args, 1, 2)
    limit = 20
    if len(args) == 2:
        if not args[1].isdigit():
            raise CommandError(f"LIMIT must be a number of rows, not `{args[1]}`")
        limit = int(args[1])
    name = _relation(session, args[0])
    columns = list(session.engine.schema(name).columns)
    tuples = sorted(session.engine.relation(name), key=sort_key)
    rows = [dict(zip(columns, row)) for row in tuples]
    own = tuple(columns[:1]) if name in STATEMENT_SHAPES else ()  # `:facts event` shows its ids plain
    session.show(session.readable(rows, columns, plain=own), columns, limit=limit)


@command("timeline", "[ACTOR [ACTOR]]",
         "events, deadlines, preconditions, threats and offers in date order, with their source",
         "Events with verb, Goldstein score and status; deadlines where issued (demand, threats)\n"
         "and where due (again for each revision); preconditions (side, goal, kind, requirement)\n"
         "and their withdrawal or waiver; conditional threats and offers (if ..., then ...).\n"
         "The status of a deadline or precondition is the rules' deadline_status or\n"
         "precondition_status as of the as-of date, when the program has them.\n"
         "With one actor, what it takes part in; with two, what is between them.\n"
         "Actors are ids or aliases (`:timeline Moscow Washington`).",
         arguments=("actor", "actor"))
def _timeline(session: Session, args: list[str]) -> None:
    _expect("timeline", args, 0, 2)
    from reasoner.repl.timeline import COLUMNS, TimelineError, status_note, timeline

    try:
        rows = timeline(session.engine, args)
    except TimelineError as exc:
        raise CommandError(str(exc)) from None
    if not rows:
        who = "" if not args else f" of {args[0]}" if len(args) == 1 else f" between {args[0]} and {args[1]}"
        session.say(f"no events{who}")
        return
    columns = [c for c in COLUMNS if c != "details" or any(row["details"] for row in rows)]
    session.show(rows, columns, limit=len(rows), width=None)  # a timeline's details in full
    note = status_note(session.engine)
    if note and session.format == "table":
        session.say(note)


@command("plot", "timeline|dyad [ACTOR...] FILE",
         "draw the timeline or a dyad's monthly trend to FILE.svg or FILE.png",
         "`:plot timeline USA RUS usa_rus.svg`: the acts between two actors (one: what it takes\n"
         "part in; none: all) on a time axis by dyad, coloured by hostility, escalation steps as\n"
         "arrows, deadlines and preconditions; `:plot dyad USA RUS trend.png`: the monthly\n"
         "Goldstein sum and conflict share of both directions. As `reasoner plot`; needs\n"
         "matplotlib (pip install 'reasoner-events[plot]'). Actors are ids or aliases.",
         arguments=("picture",))
def _plot(session: Session, args: list[str]) -> None:
    from reasoner.pictures import data, draw
    from reasoner.repl.timeline import TimelineError

    usage = "`:plot timeline [ACTOR [ACTOR]] FILE.svg` or `:plot dyad A B FILE.png`"
    if len(args) < 2 or args[0] not in ("timeline", "dyad"):
        raise CommandError(f"`:plot` needs {usage}")
    picture, *actors, file = args
    path = Path(file)
    if path.suffix.lower() not in (".svg", ".png"):
        raise CommandError(f"the last argument is the file to draw to, ending in .svg or .png, not `{file}`")
    if picture == "timeline" and len(actors) > 2 or picture == "dyad" and len(actors) != 2:
        raise CommandError(f"`:plot {picture}` takes {'two actors' if picture == 'dyad' else 'at most two actors'}: "
                           f"{usage}")
    from reasoner.repl.timeline import resolve_actor

    try:
        ids = tuple(resolve_actor(session.engine, a) for a in actors)
        if picture == "timeline":
            figure = draw.timeline_figure(data.timeline(session.engine, ids))
        else:
            figure = draw.trend_figure(data.trend(session.engine, *ids), *ids)
        draw.save(figure, path)
    except (draw.PictureError, TimelineError) as exc:
        raise CommandError(str(exc)) from None
    session.say(f"wrote {file}")


# ---- explanations ----------------------------------------------------------------------------
@command("why", "FACT | N", "how a fact was derived: its proof, down to the article quotes",
         "`:why path(1, 3)` prints the minimal-height proof of a fact that holds: each derived\n"
         "fact with the rule that gave it (file:line), each input fact with where it was stated\n"
         "and, for event statements, the article and the verbatim quote. Nodes are numbered;\n"
         "below the depth (`:set depth N`, default 6) facts are cut off, and `:why N` explains\n"
         "node N of the last proof on its own. With `:format json` the proof prints as JSON.\n"
         "After `:ask` or `:brief`, `:why N` is the proof of answer (line) N.",
         arguments=("fact",), raw=True)
def _why(session: Session, args: list[str]) -> None:
    if not args:
        raise CommandError("`:why` needs a fact, e.g. `:why path(1, 3)`, or a node number of "
                           "the last proof")
    text = args[0]
    if text.isdigit() and session.last_answers is not None:  # answer N of the last `:ask`
        from reasoner.questions.repl import explain_answer

        explain_answer(session, int(text))
        return
    if text.isdigit():
        text = _node_fact(session, int(text))
    proof = session.engine.explain(text, depth=session.depth)
    session.last_proof = proof
    session.last_answers = None
    session.say(proof_json(proof) if session.format == "json" else proof_text(proof))


def _node_fact(session: Session, number: int) -> str:
    """The fact of node `number` of the last proof, to explain it afresh."""
    proof = session.last_proof
    if proof is None:
        raise CommandError(f"no proof to take node {number} from: explain a fact first "
                           "(`:why FACT`)")
    node = proof.node(number)
    if node is None:
        last = max(n.number for n in proof.root.walk())
        raise CommandError(f"the last proof has no node {number} (its nodes are 1 to {last})")
    if node.kind not in ("derived", "elided", "reference", "fact"):
        raise CommandError(f"node {number} is a {node.kind} (`{node.text}`), not a fact: "
                           "only facts have proofs")
    return node.text


@command("whynot", "FACT", "why a fact was not derived: the first failing literal of each rule",
         "`:whynot path(1, 9)` names, for each rule whose head could produce the fact, the first\n"
         "body literal with no match (file:line:column) and examples of the bindings that\n"
         "reached it. With `:format json` the answer prints as JSON.",
         arguments=("fact",), raw=True)
def _whynot(session: Session, args: list[str]) -> None:
    if not args:
        raise CommandError("`:whynot` needs a fact, e.g. `:whynot path(1, 9)`")
    why = session.engine.why_not(args[0])
    session.say(why_not_json(why) if session.format == "json" else why_not_text(why))


# ---- output ----------------------------------------------------------------------------------
@command("set", "[NAME VALUE]", "show or change the settings: max_tuples, time_budget, depth, ids, backend",
         "max_tuples: derived tuples one evaluation may add; time_budget: seconds it may take.\n"
         "`none` lifts a limit. An evaluation that crosses a limit stops with an error naming\n"
         "the relation and the rule, and the session keeps what it had before.\n"
         "depth: how many levels of a proof `:why` prints (default 6; `none`: all of them).\n"
         "ids: `detail` (default) shows, in tables, each statement id of an answer column that\n"
         "holds only ids with its date, actor, verb and target, rows in date order:\n"
         "`us_oil_sanctions (2025-10-22 USA impose_sanctions RUS)`; `plain` shows the bare ids.\n"
         "A variable the question joins with `event(V, ...)` (or deadline, precondition...) is\n"
         "left plain: the answer has those columns already. CSV and JSON are always plain.\n"
         "backend: `python` (default), `duckdb` or `spark`, where the rules are evaluated;\n"
         "`:set backend duckdb FILE` keeps the database in FILE. The session's files and inputs\n"
         "are loaded again into the new engine (see `reasoner.repl.backends`).",
         arguments=("setting",))
def _set(session: Session, args: list[str]) -> None:
    if args and args[0] == "backend":
        from reasoner.repl.backends import set_backend

        set_backend(session, args[1:])
        return
    _expect("set", args, 0, 2)
    if len(args) == 1:
        raise CommandError("give a value: `:set max_tuples 1000000`, `:set time_budget 30`, `:set depth 10` "
                           "or `:set ids plain`")
    if args and args[0] == "ids":
        if args[1] not in ID_STYLES:
            raise CommandError(f"ids are shown `detail` or `plain`, not `{args[1]}`")
        session.ids = args[1]
    elif args:
        name, text = args
        if name not in SETTINGS:
            raise CommandError(f"unknown setting `{name}`; choose {', '.join(SETTINGS[:-1])} or {SETTINGS[-1]}")
        value: int | float | None
        try:
            if text.lower() in ("none", "off"):
                value = None
            elif name in ("max_tuples", "depth"):
                value = int(text.replace("_", "").replace(",", ""))
            else:
                value = float(text)
        except ValueError:
            raise CommandError(f"`{text}` is not a number (or `none`)") from None
        if value is not None and value < 0 or name in ("time_budget", "depth") and value == 0:
            raise CommandError(f"{name} must be positive, or `none`")
        if name == "depth":
            session.depth = value  # type: ignore[assignment]
        else:
            session.engine.set_limits(**{name: value})
    limits = session.engine.limits

    def show(v: object, unit: str = "") -> str:
        return "none" if v is None else f"{v:,}{unit}" if isinstance(v, int) else f"{v:g}{unit}"

    from reasoner.repl.backends import backend_setting

    session.say(f"max_tuples {show(limits.max_tuples)}\ntime_budget {show(limits.time_budget, ' s')}\n"
                f"depth {show(session.depth)}\nids {session.ids}\n{backend_setting(session)}")


SETTINGS = ("max_tuples", "time_budget", "depth", "ids", "backend")
ID_STYLES = ("detail", "plain")


@command("format", "table|csv|json", "how answers print (no argument: the current format)",
         "table: aligned columns with a row count, long answers cut with a note;\n"
         "csv: a header line and every row; json: an array of objects, dates as ISO strings.",
         arguments=("format",))
def _format(session: Session, args: list[str]) -> None:
    _expect("format", args, 0, 1)
    if not args:
        session.say(f"format: {session.format}")
        return
    if args[0] not in FORMATS:
        raise CommandError(f"unknown format `{args[0]}`; choose table, csv or json")
    session.format = args[0]
    session.say(f"format: {session.format}")

