"""The command line speaks its own language: a hint names `reasoner relations`, never the REPL's
`:relations` (issue 17)."""

from __future__ import annotations

from reasoner.cli import main


def test_unknown_relation_hint_names_the_cli_command(capsys):
    status = main(["explain", "--why", "zzqq(1)"])
    err = capsys.readouterr().err
    assert status == 2
    assert "`reasoner relations` lists them" in err
    assert ":relations" not in err


def test_relations_command_lists_relations(capsys, tmp_path):
    program = tmp_path / "p.dl"
    program.write_text(".decl edge(a: number, b: number)\nedge(1, 2).\n", encoding="utf-8")
    status = main(["relations", "--no-defaults", str(program), "--format", "csv"])
    assert status == 0
    assert capsys.readouterr().out == "relation,arity,tuples\nedge,2,1\n"


def test_the_api_hint_names_the_api():
    import pytest

    from reasoner import Engine, QueryError

    engine = Engine()
    with pytest.raises(QueryError) as caught:
        engine.relation("zzqq")
    assert caught.value.diagnostics[0].hint == "`Engine.relations()` lists them"
