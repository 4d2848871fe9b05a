"""Named questions answered in sentences: `:ask`, `:brief`, `reasoner ask` and `reasoner brief`.

A question is declared as facts in a rule file (rules/questions.dl): its name, parameters, goal
and a sentence per answer. The stages, each a module:

    catalogue.py  the questions read from those facts and checked (a malformed one is reported)
    request.py    what was asked: a question by name with its arguments, or free words
    matching.py   free words matched to a question, its actors and days
    asking.py     the arguments bound, the goal run (as of a day), the answers
    words.py      the answers in plain words: sentences, names, quotes and sources
    answers.py    the answers printed: numbered sentences, or rows for csv and json
    brief.py      the dyad brief: the sections of `brief_section`, one question each
    repl.py       the REPL commands; command.py the `reasoner ask` and `reasoner brief` commands
"""
