"""Where an input fact came from: an event statement (with its article quotes), a fact in rule
text, a `.input` file, the verb vocabulary, or `Engine.add_facts`."""

from __future__ import annotations

from reasoner.explain.proof import Origin, Quote
from reasoner.facts_io import find_row, sort_key
from reasoner.source import SourceText, Span
from reasoner.state import EngineState, Row


class Origins:
    """Finds the origin of input facts in one engine state (read through its interface)."""

    def __init__(self, state: EngineState):
        self.state = state

    def of(self, relation: str, row: Row) -> Origin:
        state = self.state
        if state.is_text_fact(relation, row):
            return Origin("rule-text", state.text_fact_span(relation, row))
        statement = state.statement_of(relation, row)
        if statement is not None:
            name, span, kind = statement
            return Origin("event", span, name, self.quotes(name), kind)
        if relation == "verb" and state.has_events:
            verb = row[0] if row else None
            return Origin("vocabulary", _vocabulary_line(verb) if isinstance(verb, str) else None)
        if state.is_stated(relation, row):  # (not in rule text: that came first)
            for directive, fact_dir in state.input_directives(relation):
                line = find_row(directive, state.schemas[relation], fact_dir, row)
                if line is not None:
                    return Origin("input-file", line)
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
