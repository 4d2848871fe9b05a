"""A content-addressed on-disk cache of parsed rule files, as `__pycache__` is for Python.

`parse_program` (`datalog.py`) asks `cached` for a file's statements: a file read before, with
the same text, name, macros in force and `components` flag, by the same code, is read back
from a pickle instead of being parsed again (the rule library: about 0.05 s instead of 0.6 s).
The key is a BLAKE2 hash of all of those and of the code that parses: every Python file of the
`reasoner` package (the parse reaches well beyond `reasoner.syntax`: the functor table, the
safety analysis, `reasoner.ast` whose classes are pickled), the grammar, lark's and Python's
versions. An entry holds the statements and the macros after the file (its `#define` and
`#undef` lines change them), and repeats its key. Only a successful parse is stored: an error is
always found by parsing, so its diagnostics are exact.

The cache lives in `$REASONER_CACHE_DIR/parse`, else `$XDG_CACHE_HOME/reasoner/parse`, else
`~/.cache/reasoner/parse`; `REASONER_CACHE_DIR=off` turns it off. A cache that cannot be read
or written, or an entry that is corrupt, truncated or from another version, is ignored (the
file is parsed); an entry is written to a temporary file and renamed into place, so a reader
sees a whole entry or none. The folder keeps the `KEEP_ENTRIES` entries used last once it
holds more than `MAX_ENTRIES`. Texts under `MIN_CHARS` characters (a REPL line) are parsed
without the cache: parsing them costs less than looking them up.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import lark

from reasoner import ast
from reasoner.resources import grammar_text
from reasoner.source import SourceText
from reasoner.syntax.preprocess import Macros

ENVIRONMENT = "REASONER_CACHE_DIR"  # a directory, or `off`
OFF = "off"
# Shorter texts are parsed without the cache. Measured on rules: 1,400 characters parse in
# about 1.7 ms, a hit takes 0.2 ms and a miss adds 0.5 to 3 ms (pickling, a file written and
# renamed); 3,000 characters parse in 12 ms and are read back in 0.7 ms. The first lookup in a
# process also hashes the package's code (about 10 ms). REPL lines, of a few hundred characters,
# parse in well under a millisecond and would only fill the folder.
MIN_CHARS = 2000
# The folder keeps the entries used last: past MAX_ENTRIES (about 25 MB of rule files), a write
# removes the least recently used down to KEEP_ENTRIES (a hit marks its entry as used).
MAX_ENTRIES = 500
KEEP_ENTRIES = 400
_FORMAT = b"reasoner parse cache 1"


def cache_dir(environ: Mapping[str, str] | None = None, kind: str = "parse") -> Path | None:
    """The folder of the parse cache (or of another cache `kind`: `sql`, compiled programs);
    None when caching is turned off.

    >>> cache_dir({"REASONER_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"}).as_posix()
    '/c/parse'
    >>> cache_dir({"XDG_CACHE_HOME": "/x"}).as_posix()
    '/x/reasoner/parse'
    >>> cache_dir({"REASONER_CACHE_DIR": "off"}) is None
    True
    """
    environ = os.environ if environ is None else environ
    chosen = environ.get(ENVIRONMENT, "")
    if chosen.strip().lower() == OFF:
        return None
    if chosen:
        return Path(chosen).absolute() / kind
    base = environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG spec says relative values are to be ignored
        try:
            base = str(Path(environ.get("HOME") or Path.home()) / ".cache")
        except RuntimeError:  # no home directory
            return None
    return Path(base) / "reasoner" / kind


def cached(parse: Callable[[SourceText, Macros, bool], list[ast.Statement]],
           source: SourceText, macros: Macros, components: bool) -> list[ast.Statement]:
    """`parse(source, macros, components)`, or what it gave before for the same input."""
    folder = None
    if len(source.text) >= MIN_CHARS:
        try:
            folder = cache_dir()
        except OSError:  # REASONER_CACHE_DIR relative, and the working directory gone
            pass
    key = _key(source, macros, components) if folder is not None else None
    if folder is None or key is None:
        return parse(source, macros, components)
    path = folder / f"{key}.pickle"
    entry = _read(path, key, source)
    if entry is not None:
        statements, after = entry
        try:
            os.utime(path)  # used now: kept by `_prune`
        except OSError:
            pass
        macros.clear()
        macros.update(after)
        return statements
    statements = parse(source, macros, components)  # a ParseError is not stored
    _write(path, key, source, statements, macros)
    return statements


# ---- keys ----------------------------------------------------------------------------
def code_fingerprint() -> bytes | None:
    """A hash of the package's code, the grammar, lark and Python (None: not available), for
    the keys of this cache and of others (`reasoner.sql.compile_cache`)."""
    return _code_fingerprint()


@functools.cache
def _code_fingerprint() -> bytes | None:
    """A hash of everything the parse does not take as arguments: the package's Python files,
    the grammar, lark and Python. None (no caching) if a file cannot be read."""
    digest = hashlib.blake2b(digest_size=32)
    package = Path(__file__).resolve().parent.parent
    try:
        for folder, subfolders, files in os.walk(package):
            subfolders[:] = sorted(d for d in subfolders if d not in ("__pycache__", "_data"))
            for name in sorted(files):
                if name.endswith(".py"):
                    path = Path(folder, name)
                    _update(digest, path.relative_to(package).as_posix().encode())
                    _update(digest, path.read_bytes())
        _update(digest, grammar_text("datalog.lark").encode())
    except (OSError, UnicodeDecodeError):
        return None
    _update(digest, f"{_FORMAT!r} {lark.__version__} {sys.version} {pickle.HIGHEST_PROTOCOL}".encode())
    return digest.digest()


def _key(source: SourceText, macros: Macros, components: bool) -> str | None:
    fingerprint = _code_fingerprint()
    if fingerprint is None:
        return None
    digest = hashlib.blake2b(fingerprint, digest_size=32)
    defined = sorted((name, macro.name, macro.parameters, macro.body) for name, macro in macros.items())
    for part in (source.name, source.text, repr(defined), repr(components)):
        _update(digest, part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _update(digest, data: bytes) -> None:
    digest.update(len(data).to_bytes(8, "little"))
    digest.update(data)


# ---- entries -------------------------------------------------------------------------
def _read(path: Path, key: str, source: SourceText) -> tuple[list[ast.Statement], Macros] | None:
    """The statements and macros stored under `key`; None if there is no usable entry."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except (OSError, ValueError):
        return None
    try:
        entry = _Unpickler(io.BytesIO(data), source).load()
        form, stored_key, statements, after = entry
        if form != _FORMAT or stored_key != key or not isinstance(statements, list):
            return None
        return statements, dict(after)
    except Exception:  # noqa: BLE001 - a corrupt, truncated or foreign entry is a miss
        return None


def _write(path: Path, key: str, source: SourceText, statements: list[ast.Statement], macros: Macros) -> None:
    """Store an entry; silently nothing if the folder cannot be written."""
    try:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        # the parsed source is named, not stored: a hit gives spans pointing at the caller's own
        pickler.dispatch_table = {SourceText: lambda text: (_parsed_source, ()) if text is source
                                  else (SourceText, (text.name, text.text))}
        pickler.dump((_FORMAT, key, statements, list(macros.items())))
    except Exception:  # noqa: BLE001 - a tree too deep to pickle
        return
    write_entry(path, buffer.getvalue())


def write_entry(path: Path, data: bytes) -> None:
    """Write a cache entry whole or not at all (a temporary file renamed into place), then
    prune its folder; silently nothing if the folder cannot be written."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
        temporary = None
        _prune(path.parent)
    except Exception:  # noqa: BLE001 - a read-only or full disk
        pass
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


def _prune(folder: Path) -> None:
    """Remove the least recently used entries past `MAX_ENTRIES`, and temporary files left an
    hour ago by a writer that stopped."""
    entries: list[tuple[float, str]] = []
    now = time.time()
    try:
        with os.scandir(folder) as found:
            for item in found:
                if item.name.endswith(".pickle"):
                    entries.append((item.stat().st_mtime, item.path))
                elif item.name.endswith(".tmp") and item.stat().st_mtime < now - 3600:
                    os.unlink(item.path)
    except OSError:
        return
    if len(entries) > MAX_ENTRIES:
        entries.sort()
        for _, path in entries[: len(entries) - KEEP_ENTRIES]:
            try:
                os.unlink(path)
            except OSError:
                pass


def _parsed_source() -> SourceText:
    raise AssertionError("replaced by the unpickler")


class _Unpickler(pickle.Unpickler):
    """Loads the classes of the syntax tree only (not any callable a foreign file names), and
    gives the caller's `source` where the entry names the parsed text."""

    def __init__(self, file: io.BytesIO, source: SourceText):
        super().__init__(file)
        self.source = source

    def find_class(self, module: str, name: str):
        if module == __name__ and name == _parsed_source.__name__:
            return lambda: self.source
        if module in _TREE_MODULES or (module, name) in _TREE_CLASSES:
            found = super().find_class(module, name)
            if isinstance(found, type):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a syntax tree")


_TREE_MODULES = frozenset({"reasoner.ast", "reasoner.source", "reasoner.syntax.preprocess"})
_TREE_CLASSES = frozenset({("datetime", "date"), ("builtins", "frozenset"), ("builtins", "set")})
