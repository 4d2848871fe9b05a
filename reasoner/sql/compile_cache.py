"""An on-disk cache of compiled programs (`strata.compile_program`), beside the parse cache
(`reasoner.syntax.parse_cache`): a process that loads a program compiled before, for the same
backend and dialect by the same code, reads its SQL back instead of planning and writing every
rule again (the rule library on DuckDB: about 0.5 to 1 s of a first load in a process).

The key is a BLAKE2 hash of the package's code (`parse_cache.code_fingerprint`), the backend,
the dialect, and what compiling reads of the checked program: each stratum's relations and
rules in order (their syntax as `repr` writes it: every field but the source positions), each
rule's variable types, and every relation's schema. An entry holds, per stratum, the SQL of
each exit and delta SELECT with the numbers of the rules it is for; the rules themselves come
from the program being loaded, so diagnostics and explanations point at its own text. Only a
program that compiled is stored: a refusal is always found by compiling.

Entries live in the `sql` folder of the cache (`parse_cache.cache_dir`), are written whole or
not at all, and are pruned with the parse cache's bound; `REASONER_CACHE_DIR=off` turns both
off. An entry that cannot be read, is of another format or does not fit the program is a miss.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
from pathlib import Path

from reasoner.analysis import Analysis
from reasoner.syntax import parse_cache

_FORMAT = "reasoner compile cache 1"
# Programs of fewer rules are compiled without the cache: a rule compiles in 1 to 2 ms, and a
# program without rules (an engine just made, facts added before any rule) is nothing to store.
MIN_RULES = 20

# (rule numbers in the stratum, head, SQL, delta relation, SQL of its distinct rows)
StoredRule = tuple[tuple[int, ...], str, str, "str | None", str]
# (exit rules, delta rules, rule numbers compiled as one SELECT)
StoredStratum = tuple[list[StoredRule], list[StoredRule], list[tuple[int, ...]]]


def entry(analysis: Analysis, backend: str, dialect: str) -> Path | None:
    """The entry's file for this program, backend and dialect (named by its key); None when
    not cached."""
    if sum(len(stratum.rules) for stratum in analysis.strata) < MIN_RULES:
        return None
    try:
        folder = parse_cache.cache_dir(kind="sql")
    except OSError:  # REASONER_CACHE_DIR relative, and the working directory gone
        return None
    fingerprint = parse_cache.code_fingerprint()
    if folder is None or fingerprint is None:
        return None
    digest = hashlib.blake2b(fingerprint, digest_size=32)
    _update(digest, f"{_FORMAT}\0{backend}\0{dialect}")
    for stratum in analysis.strata:
        _update(digest, f"stratum {sorted(stratum.relations)!r} {stratum.recursive!r} {len(stratum.rules)} "
                        f"{getattr(stratum, 'subsumptions', ())!r}")
        for rule in stratum.rules:
            _update(digest, repr(rule))
            _update(digest, repr(sorted(analysis.variable_types[id(rule)].items())))
    for name in sorted(analysis.schemas):
        _update(digest, repr(analysis.schemas[name]))
    return folder / f"{digest.hexdigest()}.pickle"


def _update(digest, text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    digest.update(len(data).to_bytes(8, "little"))
    digest.update(data)


def read(path: Path) -> list[StoredStratum] | None:
    """The strata stored in `path`; None if there is no usable entry."""
    try:
        with open(path, "rb") as file:
            data = file.read()
        form, stored_key, strata = _Unpickler(io.BytesIO(data)).load()
        if form != _FORMAT or stored_key != path.stem or not isinstance(strata, list):
            return None
        os.utime(path)  # used now: kept when the folder is pruned
        return strata
    except Exception:  # noqa: BLE001 - missing, corrupt, truncated or foreign: a miss
        return None


def write(path: Path, strata: list[StoredStratum]) -> None:
    """Store the strata in `path`; silently nothing if the cache cannot be written."""
    try:
        data = pickle.dumps((_FORMAT, path.stem, strata), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001
        return
    parse_cache.write_entry(path, data)


class _Unpickler(pickle.Unpickler):
    """Reads plain data only (lists, tuples, texts, numbers): an entry names no class."""

    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(f"{module}.{name}: a compiled program holds no objects")
