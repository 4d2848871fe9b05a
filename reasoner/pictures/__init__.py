"""Pictures of an evaluated engine: a timeline of acts by dyad and a dyad's monthly trend.

`data` reads what to show from the engine's relations; `draw` draws it with matplotlib (an
extra, imported only when a picture is drawn). Used by `reasoner plot`, the REPL's `:plot` and
the HTML report.
"""
