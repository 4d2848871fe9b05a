"""Where an input fact came from: an event statement (with its article quotes), a fact in rule
text, a `.input` file, the verb vocabulary, or `Engine.add_facts`."""

from __future__ import annotations

from reasoner.events.schema import BY_STATEMENT
from reasoner.explain.proof import Origin, Quote
from reasoner.facts_io import find_row, sort_key
from reasoner.source import SourceText, Span

# Relations of the event schema whose first column names the statement (second for `alias`).
_BY_FIRST_COLUMN = frozenset((*BY_STATEMENT, "source", "source_url", "actor", "person", "affiliation"))


class Origins:
    """Finds the origin of input facts in one engine state."""

    def __init__(self, state):
        self.state = state

    def of(self, relation: str, row: tuple) -> Origin:
        state = self.state
        spans = state.text_facts.get(relation)
        if spans is not None and row in spans:
            return Origin("rule-text", spans[row])
        statement = row[1] if relation == "alias" and len(row) > 1 else (row[0] if row else None)
        if relation in _BY_FIRST_COLUMN and statement in state.statement_spans:
            span, kind = state.statement_spans[statement]
            return Origin("event", span, statement, self.quotes(statement), kind)
        if relation == "verb" and state.events is not None:
            return Origin("vocabulary", _vocabulary_line(row[0]) if row else None)
        if row in state.base.get(relation, ()):
            for directive, fact_dir in state.inputs.get(relation, ()):
                span = find_row(directive, state.analysis.schemas[relation], fact_dir, row)
                if span is not None:
                    return Origin("input-file", span)
        return Origin("api")

    def quotes(self, statement: str) -> tuple[Quote, ...]:
        """The evidence quoted for a statement, with the article each comes from."""
        relations = self.state.relations
        if "evidence" not in relations:
            return ()
        sources = relations.get("source")
        quotes = []
        for _, source_id, text in sorted(relations["evidence"].index((0,)).get(statement, ()), key=sort_key):
            article = title = ""
            if sources is not None:
                for row in sources.index((0,)).get(source_id, ()):
                    title, article = row[1], row[5]
            quotes.append(Quote(source_id, article, title, text))
        return tuple(quotes)


def _vocabulary_line(verb: str) -> Span | None:
    """The line of the shipped verb table that defines `verb`."""
    from reasoner.resources import data_dir

    path = data_dir("rules") / "verbs.facts"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    source = SourceText("rules/verbs.facts", text)  # the shipped table, wherever it is installed
    for number, line in enumerate(text.split("\n"), start=1):
        if line.split("\t", 1)[0] == verb:
            return Span.at(source, number, 1, max(1, len(line)))
    return None
