"""Records and algebraic data types through the Engine API: values a user can build, add,
query and read back, and that never pass for rows or symbols."""

from __future__ import annotations

import pytest

from reasoner import Engine
from reasoner.errors import LoadError
from reasoner.records import Record

PROGRAM = """
.type List = [head: number, tail: List]
.type Shape = Circle {r: number} | Dot {}
.decl list(l: List)
.decl shape(s: Shape)
.decl second(x: number)
second(x) :- list([_, [x, _]]).
.decl round(r: number)
round(r) :- shape($Circle(r)).
"""


def test_records_added_through_the_api_are_read_by_patterns() -> None:
    engine = Engine()
    engine.load_text(PROGRAM)
    nil = Record(None)
    engine.add_facts("list", [(Record((1, Record((2, nil)))),), (Record((7, nil)),)])
    engine.add_facts("shape", [(Record((3,), "Circle"),), (Record((), "Dot"),)])
    assert engine.relation("second") == {(2,)}
    assert engine.relation("round") == {(3,)}
    assert {str(row[0]) for row in engine.relation("shape")} == {"$Circle(3)", "$Dot"}


def test_a_record_of_the_wrong_shape_is_refused_and_the_engine_is_unchanged() -> None:
    engine = Engine()
    engine.load_text(PROGRAM)
    with pytest.raises(LoadError, match="does not fit column `l` of type List"):
        engine.add_facts("list", [(Record((1, 2)),)])
    with pytest.raises(LoadError, match="does not fit column `s` of type Shape"):
        engine.add_facts("shape", [(Record((3,), "Square"),)])
    assert engine.relation("list") == set()


def test_a_record_is_neither_a_row_nor_a_symbol() -> None:
    value = Record((1, "a"))
    assert not isinstance(value, (tuple, str))
    assert value == Record((1, "a")) and hash(value) == hash(Record((1, "a")))
    assert value != (1, "a") and Record(None) != Record(())
    assert str(value) == "[1, a]" and str(Record(None)) == "nil"


def test_two_engines_share_no_record_types() -> None:
    first, second = Engine(), Engine()
    first.load_text(PROGRAM)
    second.load_text(".type List = [a: symbol, b: List]\n.decl list(l: List)\n")
    second.add_facts("list", [(Record(("x", Record(None))),)])
    with pytest.raises(LoadError):
        first.add_facts("list", [(Record(("x", Record(None))),)])


def test_a_record_whose_fields_the_body_grounds_is_looked_up_not_scanned() -> None:
    engine = Engine()
    engine.load_text(".type P = [x: number, y: number]\n.decl p(a: P)\n.decl q(x: number, y: number)\n"
                     "p([1, 2]). p([3, 4]). q(1, 2). q(3, 5).\n"
                     ".decl joined(x: number)\njoined(x) :- q(x, y), p([x, y]).\n"
                     ".decl mirrored(x: number)\nmirrored(x) :- p([x, y]), p([y, x]).\n")
    assert engine.relation("joined") == {(1,)}
    assert "if p([x, y]) exists" in engine.dump("plan", "joined")
    plan = engine.dump("plan", "mirrored")  # one of the two reads the record, the other looks it up
    assert "~is(" in plan and " exists" in plan
