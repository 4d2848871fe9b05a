"""What Tab offers: `suggest` is a pure function of the text before the cursor."""

from __future__ import annotations

from reasoner.engine import Engine
from reasoner.repl.completer import Vocabulary, suggest, vocabulary_of
from reasoner.repl.table import command_table

VOCABULARY = Vocabulary(
    commands={"help": "", "facts": "", "format": "", "timeline": "", "load": "", "quit": "", "q": ""},
    command_arguments={"help": ("command",), "facts": ("relation",), "format": ("format",),
                       "timeline": ("actor", "actor"), "load": ("file",)},
    relations={"event": "event/6", "event_arg": "event_arg/3", "evidence": "evidence/3",
               "actor": "actor/3", "hostile": "hostile/3"},
    actors={"RUS": "Russia", "USA": "United States", "UKR": "Ukraine"},
    events={"us_oil_sanctions": "", "unfriendly_act": ""},
    verbs={"criticize": "Goldstein -2.0", "cancel_meeting": "Goldstein -5.0"},
)


def texts(text: str) -> list[str]:
    return [candidate for candidate, _ in suggest(text, VOCABULARY).candidates]


def test_commands():
    assert texts(":f") == [":facts", ":format"]
    assert texts(":") == sorted(f":{c}" for c in VOCABULARY.commands)
    assert suggest(":f", VOCABULARY).word == ":f"


def test_command_arguments():
    assert texts(":facts ev") == ["event", "event_arg", "evidence"]
    assert texts(":format j") == ["json"]
    assert texts(":help ti") == ["timeline"]
    assert texts(":timeline U") == ["UKR", "USA"]
    assert texts(":timeline RUS U") == ["UKR", "USA"]
    assert suggest(":timeline RUS U", VOCABULARY).word == "U"
    assert texts(":quit ") == []


def test_file_arguments(tmp_path, monkeypatch):
    (tmp_path / "rules.dl").write_text("")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / "corpus").mkdir()
    monkeypatch.chdir(tmp_path)
    assert texts(":load ") == ["corpus/", "rules.dl"]
    assert texts(":load r") == ["rules.dl"]


def test_relations_and_functors_in_rules():
    assert texts("?- ev") == ["event", "event_arg", "evidence"]
    assert texts("p(X) :- hos") == ["hostile"]
    assert "cat" in texts("p(X) :- q(Y), X = ca")
    assert suggest("?- ev", VOCABULARY).word == "ev"


def test_ids_inside_strings():
    assert texts('?- event(E, D, _, "U') == ['UKR"', 'USA"']
    assert texts('?- responds_to("unf') == ['unfriendly_act"']
    assert texts('?- event(E, D, _, A, "cr') == ['criticize"']
    assert suggest('?- event(E, D, _, "U', VOCABULARY).word == "U"
    assert texts('?- p("done", X') == []  # not in a string, a variable: none other used


def test_variables_of_the_statement():
    assert texts("p(Actor, Day) :- event(_, Day, _, A") == ["Actor"]
    assert texts("p(Xa). q(X") == []  # only the statement being typed


def test_event_statements():
    assert texts("ev") == ["event", "event_arg", "evidence"]  # a relation or a statement keyword
    assert texts("event x 2025-10-22 U") == ["UKR", "USA"]
    assert texts("event x 2025-10-22 USA cr") == ["criticize"]
    assert texts("event x 2025-10-22 USA criticize RUS st") == ["status"]
    assert texts("event x 2025-10-22 USA criticize RUS\n    responds_to us") == ["us_oil_sanctions"]
    assert texts("event x 2025-10-22 USA criticize RUS\nev") == ["event", "evidence"]


def test_vocabulary_of_an_engine():
    engine = Engine()
    engine.load_text("""
        actor RUS "Russia" is state
        actor USA "United States" is state
        source s1 "A title"
        event talks 2025-05-16 RUS negotiate USA
            cite s1 "talks"
    """.replace("\n        ", "\n"), kind="events")
    vocabulary = vocabulary_of(engine, command_table())
    assert vocabulary.actors == {"RUS": "Russia", "USA": "United States"}
    assert vocabulary.events == {"talks": "2025-05-16 RUS negotiate USA"}
    assert vocabulary.verbs["negotiate"] == "Goldstein 7.0"
    assert vocabulary.relations["event"] == "event/6"
    assert "timeline" in vocabulary.commands and "q" in vocabulary.commands
    assert vocabulary.command_arguments["timeline"] == ("actor", "actor")


def test_vocabulary_without_events():
    engine = Engine()
    engine.load_text(".decl p(x: number) p(1).")
    vocabulary = vocabulary_of(engine, command_table())
    assert vocabulary.actors == {} and vocabulary.events == {}
    assert vocabulary.relations == {"p": "p/1"}


def test_timeline_completes_actor_aliases():
    """`:timeline Wash` Tab gives `Washington` (issue 17): aliases complete as themselves."""
    engine = Engine()
    engine.load_text("""
        actor RUS "Russia" is state
            aka Moscow
        actor USA "United States" is state
            aka Washington
    """.replace("\n        ", "\n"), kind="events")
    vocabulary = vocabulary_of(engine, command_table())
    suggestion = suggest(":timeline Wash", vocabulary)
    assert suggestion.word == "Wash"
    assert suggestion.candidates == (("Washington", "alias of USA"),)
    assert [t for t, _ in suggest(":timeline Moscow ", vocabulary).candidates] == [
        "Moscow", "RUS", "USA", "Washington"]
    assert [t for t, _ in suggest("event e 2025-01-01 Wash", vocabulary).candidates] == ["Washington"]
    assert suggest('?- event(E, _, _, "Wash', vocabulary).candidates == ()  # facts hold ids


def test_plot_arguments():
    vocabulary = Vocabulary(commands={"plot": ""}, command_arguments={"plot": ("picture",)},
                            actors={"USA": "United States"}, aliases={"Washington": "alias of USA"})
    assert [t for t, _ in suggest(":plot ti", vocabulary).candidates] == ["timeline"]
    assert [t for t, _ in suggest(":plot dyad Wa", vocabulary).candidates] == ["Washington"]
