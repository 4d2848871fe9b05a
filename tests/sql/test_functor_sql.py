"""Every functor of the table has an SQL form (`Functor.sql`) for each result type it can have:
a template sqlglot reads, or an explicit `Unsupported(reason)`."""

from __future__ import annotations

import pytest

pytest.importorskip("sqlglot")

from reasoner.functors import TABLE, Unsupported  # noqa: E402
from reasoner.sql.expressions import _template  # noqa: E402

TYPES = ("number", "unsigned", "float", "symbol", "date")


@pytest.mark.parametrize("name", [f.name for f in TABLE])
def test_every_functor_has_an_sql_form(name: str) -> None:
    functor = next(f for f in TABLE if f.name == name)
    assert functor.sql is not None, f"functor {name} has no `sql` entry in reasoner/functors.py TABLE"
    low = functor.arity[0]
    for first in TYPES:
        arg_types = [first] + ["number"] * (low - 1)
        try:
            result = functor.result(arg_types)
        except TypeError:
            continue
        form = functor.sql(arg_types, result) if callable(functor.sql) else functor.sql
        if isinstance(form, Unsupported):
            assert form.reason
            continue
        assert _template(form, low) is not None
