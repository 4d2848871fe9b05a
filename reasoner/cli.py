"""The `reasoner` command: a thin argparse layer over the Engine API.

    reasoner                          open the REPL on the shipped corpus and rules
    reasoner repl [FILES...]          open the REPL on the given files (a script on stdin runs)
    reasoner query [FILES...] -q GOAL [--format table|csv|json]   answer one goal
    reasoner run PROGRAM.dl [-F DIR] [-D DIR|-]   batch mode, as Soufflé
    reasoner check FILES... [--articles DIR]      validate without evaluating
    reasoner relations [FILES...]                 every relation, its arity and size
    reasoner explain [PATHS...] (--why FACT | --whynot FACT) [--depth N] [--format text|json|dot]

Every command that builds an engine takes `--backend python|duckdb|spark` (where the rules are
evaluated: this process, a DuckDB database, a Spark cluster), `--database PATH` (DuckDB: a file
that keeps the tables between sessions) and `--spark-master URL`; see `reasoner.sql.opening`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from reasoner.engine import Engine
from reasoner.errors import CLI_HINTS, ReasonerError
from reasoner.limits import DEFAULT_MAX_TUPLES
from reasoner.render import table


def _run(args: argparse.Namespace) -> int:
    if Path(args.program).is_dir():
        print(f"error: {args.program} is a directory; `reasoner run` takes one rule file", file=sys.stderr)
        return 1
    try:
        engine = Engine(fact_dir=args.fact_dir, strict=True, **_limits(args))
        warnings = engine.load(args.program)
        for warning in warnings:
            print(warning.render(), file=sys.stderr)
        if args.dump:
            print(engine.dump(args.dump))
            return 0
        # Answer everything before writing anything, so that an error writes no output.
        answers = [(query, engine.ask(query)) for query in engine.program.queries]
        output_dir = None if args.output_dir == "-" else Path(args.output_dir)
        if output_dir is not None:
            try:
                output_dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                print(f"error: cannot create the output directory {output_dir}: "
                      f"{'not a directory' if isinstance(exc, FileExistsError) else exc.strerror}", file=sys.stderr)
                return 1
        engine.write_outputs(output_dir)  # all files or none
        for query, rows in answers:
            print(f"{query}")
            print(table(rows, query))
    except ReasonerError as exc:
        print(exc.render(CLI_HINTS), file=sys.stderr)
        return 1
    return 0


def _check(args: argparse.Namespace) -> int:
    from reasoner.check import check_paths

    articles = None
    if args.articles is not None:
        from reasoner.resources import data_dir

        articles = Path(args.articles) if args.articles else data_dir("articles")
    if articles is not None and not articles.is_dir():
        print(f"error: --articles {articles} is not a directory", file=sys.stderr)
        return 2
    diagnostics = check_paths(args.files, articles, strict=args.strict)
    if not any(d.severity == "error" for d in diagnostics):
        from reasoner.errors import Diagnostic
        from reasoner.sql.opening import backend_problems

        diagnostics = sorted(diagnostics + backend_problems(args.files, args.backend, args.strict),
                             key=Diagnostic.sort_key)
    for diagnostic in diagnostics:
        print(diagnostic.render(), file=sys.stderr)
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = len(diagnostics) - errors
    print(f"{len(args.files)} path{'s' if len(args.files) != 1 else ''} checked: "
          f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")
    return 1 if errors else 0


def _repl(args: argparse.Namespace) -> int:
    from reasoner.repl import run_repl

    return run_repl([str(p) for p in shipped_paths(args.files)], defaults=not args.no_defaults, strict=args.strict, echo=not args.no_echo,
                    limits=_limits(args))


SHIPPED = ("rules", "corpus")  # names that stand for the shipped folders when no such path exists


def shipped_paths(paths: list) -> list:
    """`paths` with `rules` and `corpus` (also `rules/`) read as the shipped rule library and
    corpus when there is no such file or folder here: `reasoner explain rules corpus ...` works
    from any directory after `pip install`, and a folder of one's own of that name still wins."""
    from reasoner.resources import data_dir

    return [data_dir(str(p).rstrip("/")) if str(p).rstrip("/") in SHIPPED and not Path(p).exists() else p
            for p in paths]


def _load(paths: list, engine: Engine) -> Engine:
    """`engine` with `paths` loaded, its warnings printed on stderr (errors are raised)."""
    paths = shipped_paths(paths)
    if paths:
        for warning in engine.load(*paths):
            print(warning.render(), file=sys.stderr)
    return engine


def session_engine(args: argparse.Namespace) -> Engine:
    """An engine on the shipped rules and corpus (unless `--no-defaults`) plus `args.files`,
    with the command line's limits; load warnings go to stderr, errors are raised."""
    from reasoner.repl import default_files

    paths = ([*default_files()] if not args.no_defaults else []) + args.files
    return _load(paths, Engine(**_limits(args)))


def add_input_options(parser: argparse.ArgumentParser, as_of_help: str) -> None:
    """`--load FILE...`, `--no-defaults`, `--as-of DATE` and the limits, for the commands that
    work on the shipped rules and corpus plus more files (`plot`, `report`, `ask`, `brief`)."""
    parser.add_argument("--load", dest="files", nargs="+", default=[], metavar="FILE",
                        help="rule (.dl) and event (.events) files or folders to load as well")
    parser.add_argument("--no-defaults", action="store_true", help="do not load the shipped rules and corpus")
    parser.add_argument("--as-of", metavar="DATE", help=as_of_help)
    _add_limit_options(parser)


def _query(args: argparse.Namespace) -> int:
    """Exit status: 0 with answers, 1 without (like grep), 2 on an error."""
    from reasoner.render import query_columns, render
    from reasoner.source import SourceText
    from reasoner.syntax import parse_query

    try:
        engine = session_engine(args)
        query = parse_query(SourceText("<query>", args.goal))
        answers = engine.ask(query)
    except ReasonerError as exc:
        print(exc.render(CLI_HINTS), file=sys.stderr)
        return 2
    print(render(answers, query_columns(query), args.format))
    return 0 if answers else 1


def _relations(args: argparse.Namespace) -> int:
    """Every relation of the shipped rules and corpus plus FILES, with its arity and size."""
    from reasoner.render import render

    try:
        engine = session_engine(args)
    except ReasonerError as exc:
        print(exc.render(CLI_HINTS), file=sys.stderr)
        return 2
    rows = [{"relation": name, "arity": arity, "tuples": engine.size(name)}
            for name, arity in engine.relations().items()]
    print(render(rows, ["relation", "arity", "tuples"], args.format))
    return 0


def _explain(args: argparse.Namespace) -> int:
    """Exit status: 0 with an explanation, 1 when the fact does not hold (`--why`) or holds
    (`--whynot`), 2 on an error; the diagnostics on stderr."""
    from reasoner.explain.render import render_proof, render_why_not
    from reasoner.repl import default_files

    why = args.why is not None
    fact = args.why if why else args.whynot
    try:
        engine = _load(args.paths or [*default_files()], Engine(fact_dir=args.fact_dir, **_limits(args)))
    except ReasonerError as exc:
        print(exc.render(CLI_HINTS), file=sys.stderr)
        return 2
    try:
        if why:
            hint = f"(below --depth {args.depth}; explain it to see more)"
            output = render_proof(engine.explain(fact, depth=args.depth), args.format, elided_hint=hint)
        else:
            output = render_why_not(engine.why_not(fact), args.format)
    except ReasonerError as exc:
        print(exc.render(CLI_HINTS), file=sys.stderr)
        return 1 if _holds(engine, fact) is (not why) else 2
    print(output)
    return 0


def _holds(engine: Engine, fact: str) -> bool | None:
    """Whether a ground fact holds; None when it cannot be asked (a syntax error...)."""
    try:
        return bool(engine.query(fact.strip().removesuffix(".")))
    except ReasonerError:
        return None


def _add_limit_options(parser: argparse.ArgumentParser, time_budget: float | None = None) -> None:
    """The options of every command that builds an engine: its limits and its backend."""
    _add_backend_options(parser)
    parser.add_argument("--max-tuples", type=_limit(int), default=DEFAULT_MAX_TUPLES, metavar="N",
                        help=f"stop when an evaluation derives more than N tuples (default {DEFAULT_MAX_TUPLES:,}; 'none' lifts it)")
    parser.add_argument("--time-budget", type=_limit(float), default=time_budget, metavar="SECONDS",
                        help="stop an evaluation that runs longer than this (default: "
                             + (f"{time_budget:g} s" if time_budget else "no budget") + "; 0 or 'none' lifts it)")


def _add_backend_options(parser: argparse.ArgumentParser) -> None:
    from reasoner.sql.opening import BACKENDS

    parser.add_argument("--backend", type=_backend, default="python", metavar="|".join(BACKENDS),
                        help="where the rules are evaluated: in this process (python, the default), "
                             "in a DuckDB database (duckdb), on Spark (spark)")
    parser.add_argument("--database", metavar="PATH",
                        help="with --backend duckdb: the database file (created if missing; it keeps the "
                             "imported facts and derived tables between sessions); default: in memory")
    parser.add_argument("--spark-master", metavar="URL",
                        help="with --backend spark: the cluster to run on (default: local[2])")


def _backend(text: str) -> str:
    from reasoner.sql.opening import backend_name

    try:
        return backend_name(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def backend_options(args: argparse.Namespace) -> dict:
    """The `Engine` keyword arguments of `--backend`, `--database` and `--spark-master`
    (checked together in `main`)."""
    from reasoner.sql.opening import engine_options

    if not hasattr(args, "backend"):
        return {}
    return engine_options(args.backend, getattr(args, "database", None), getattr(args, "spark_master", None))


# Default time budgets (seconds per evaluation): a batch run, and each load or goal in the REPL.
RUN_TIME_BUDGET = 600.0
REPL_TIME_BUDGET = 60.0


def _limit(kind):
    def parse(text: str):
        if text.lower() in ("none", "off", "unlimited"):
            return None
        value = kind(text)
        if kind is float and value == 0:  # `--time-budget 0`: no budget
            return None
        if value <= 0 and not (kind is int and value == 0):
            raise argparse.ArgumentTypeError("must be positive, or 'none'")
        return value
    parse.__name__ = kind.__name__
    return parse


def _depth(text: str) -> int | None:
    value = _limit(int)(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be positive, or 'none'")
    return value


def _limits(args: argparse.Namespace) -> dict:
    """The engine options of the command line: its limits, and a progress line on stderr for
    long evaluations when stderr is a terminal (`reasoner.progress`)."""
    from reasoner.progress import progress_stream

    return {"max_tuples": args.max_tuples, "time_budget": args.time_budget, "progress": progress_stream(),
            **backend_options(args)}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reasoner",
        description="A Datalog engine for reasoning about dated political events.",
    )
    from reasoner import __version__

    parser.add_argument("--version", action="version", version=f"reasoner {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0,
                        help="log what takes time (loading, each stratum, each evaluation) on stderr")
    commands = parser.add_subparsers(dest="command")

    run = commands.add_parser("run", help="evaluate a program and write its .output relations (like souffle)")
    run.add_argument("program", help="the rule file (.dl)")
    run.add_argument("-F", "--fact-dir", default=".", help="directory of .input fact files (default: .)")
    run.add_argument("-D", "--output-dir", default=".", help="directory for .output files, or - for stdout (default: .)")
    run.add_argument("--dump", choices=["ast", "strata", "plan", "code"],
                     help="print a pipeline stage (the parsed program, the strata, each rule's plan "
                          "as steps, or the Python generated for it) and stop")
    _add_limit_options(run, time_budget=RUN_TIME_BUDGET)
    run.set_defaults(handler=_run)

    check = commands.add_parser("check", help="validate rule and event files without evaluating them")
    check.add_argument("files", nargs="+", help=".dl / .events files, directories or glob patterns")
    check.add_argument("--articles", metavar="DIR", nargs="?", const="",
                       help="also check that every quote occurs in its cited article in DIR "
                            "(default: the corpus's articles shipped with reasoner)")
    check.add_argument("--strict", action="store_true", help="undeclared relations are errors (as in batch mode)")
    check.add_argument("--backend", type=_backend, default="python", metavar="python|duckdb|spark",
                       help="also report what this backend cannot run (the rules compiled for it, "
                            "without a database)")
    check.set_defaults(handler=_check)

    repl = commands.add_parser("repl", help="open the interactive REPL")
    repl.add_argument("files", nargs="*", help="rule (.dl) and event (.events) files to load")
    repl.add_argument("--no-defaults", action="store_true", help="do not load the shipped rules and corpus")
    repl.add_argument("--strict", action="store_true",
                      help="with a script on stdin: stop with status 1 at the first input that fails")
    repl.add_argument("--no-echo", action="store_true", help="with a script on stdin: do not echo the input")
    _add_limit_options(repl, time_budget=REPL_TIME_BUDGET)
    repl.set_defaults(handler=_repl)

    query = commands.add_parser(
        "query", help="answer one goal and exit (status 0: answers, 1: none, 2: error)",
        description="Answer one goal on the shipped rules and corpus plus FILES. Exit status: 0 "
                    "when there are answers (a goal without variables: when it is true), 1 when "
                    "there are none, 2 on an error (diagnostics on stderr).")
    query.add_argument("files", nargs="*", help="rule (.dl) and event (.events) files to load")
    query.add_argument("-q", "--query", dest="goal", required=True, metavar="GOAL",
                       help="the goal, e.g. 'event(E, D, _, \"RUS\", V, \"USA\")' (`?-` and the final `.` optional)")
    query.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format (default: table)")
    query.add_argument("--no-defaults", action="store_true", help="do not load the shipped rules and corpus")
    _add_limit_options(query)
    query.set_defaults(handler=_query)

    relations = commands.add_parser(
        "relations", help="list every relation with its arity and number of tuples (as `:relations`)")
    relations.add_argument("files", nargs="*", help="rule (.dl) and event (.events) files to load")
    relations.add_argument("--format", choices=["table", "csv", "json"], default="table",
                           help="output format (default: table)")
    relations.add_argument("--no-defaults", action="store_true", help="do not load the shipped rules and corpus")
    _add_limit_options(relations)
    relations.set_defaults(handler=_relations)

    explain = commands.add_parser(
        "explain", help="explain why a fact holds or does not (status 0: explained, 1: the "
                        "fact does not hold / holds, 2: error)",
        description="Explain a fact of the program made of PATHS (default: the shipped rules and "
                    "corpus): --why prints its minimal-height proof, down to the input facts and "
                    "the article quotes of event statements; --whynot names, for each rule that "
                    "could derive it, the first body literal that fails. Exit status: 0 when "
                    "explained, 1 when the fact does not hold (--why) or holds (--whynot), 2 on "
                    "an error (diagnostics on stderr).")
    explain.add_argument("paths", nargs="*", metavar="PATHS",
                         help="rule (.dl) and event (.events) files, directories or glob patterns")
    which = explain.add_mutually_exclusive_group(required=True)
    which.add_argument("--why", metavar="FACT", help="a fact that holds, e.g. 'path(1, 3)'")
    which.add_argument("--whynot", metavar="FACT", help="a fact that does not hold")
    explain.add_argument("--depth", type=_depth, default=None, metavar="N",
                         help="print N levels of the proof, the facts below elided (default: all)")
    explain.add_argument("--format", choices=["text", "json", "dot"], default="text",
                         help="an indented tree, JSON or Graphviz DOT (default: text)")
    explain.add_argument("-F", "--fact-dir", default=None, metavar="DIR",
                         help="directory of .input fact files (default: .)")
    _add_limit_options(explain)
    explain.set_defaults(handler=_explain)

    from reasoner.pictures.command import add_commands

    add_commands(commands, _add_limit_options)
    from reasoner.datasets.command import add_commands as add_dataset_commands

    add_dataset_commands(commands, _add_limit_options)
    from reasoner.questions.command import add_commands as add_question_commands

    add_question_commands(commands, _add_limit_options)
    for command in commands.choices.values():  # `-v` after the command too: `reasoner query -v ...`
        command.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS,
                             help="log what takes time (loading, each stratum, each evaluation) on stderr")
    return parser


# The exit status after Ctrl-C and after the reader of the output went away (a `| head`):
# 128 + the signal's number, as a shell reports a command the signal ended.
INTERRUPTED = 130
CLOSED_PIPE = 141


def main(argv: list[str] | None = None) -> int:
    """Run one command; its exit status. Ctrl-C ends it with a one-line message and 130; a
    closed output pipe ends it quietly with 141."""
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            args = parser.parse_args(["repl", *(argv or [])])
        try:
            backend_options(args)
        except ValueError as exc:  # an option that does not go with the backend
            print(f"reasoner {args.command}: error: {exc}", file=sys.stderr)
            return 2
        from reasoner.progress import quiet, verbose

        handler = verbose(args.verbose)
        try:
            status = args.handler(args)
        finally:
            quiet(handler)
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return status
    except KeyboardInterrupt:
        print("reasoner: interrupted", file=sys.stderr)
        return INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return CLOSED_PIPE


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())
