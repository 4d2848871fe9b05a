"""Touching the file system safely: bounded reads, atomic writes, and the sandbox.

- `read_bytes(path, limit)` reads a regular file of at most `limit` bytes; a directory, a
  device (`/dev/zero`), a FIFO or a larger file is an `OSError` whose `strerror` says so, so
  callers report it like any other unreadable file.
- `real_path(path)` resolves symbolic links without raising on a loop (the loop is then
  reported by whoever opens the file, as "Too many levels of symbolic links").
- `OutputFiles` writes each output to a temporary file in its target's directory and renames
  them all into place only when every one was written: a failure, or a kill, leaves every
  previous output intact.
- `Sandbox`: the directories an engine running untrusted rules may read and write.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

import attrs

# The largest rule, event or fact file read (bytes). Files are read whole, and a parsed file
# takes several times its size in memory.
MAX_INPUT_BYTES = 1 << 30


class NotARegularFile(OSError):
    """A path names a device, a FIFO or a socket: reading it might never end."""


class FileTooLarge(OSError):
    """A file is larger than the engine reads."""


def real_path(path: str | Path) -> Path:
    """`path` made absolute with every symbolic link resolved; a link loop is left as it is
    (`Path.resolve` raises RuntimeError on one in Python 3.11)."""
    return Path(os.path.realpath(path))


def open_checked(path: str | Path, limit: int | None = None, sandbox: Sandbox | None = None) -> int:
    """A descriptor of a regular file of at most `limit` bytes (default `MAX_INPUT_BYTES`),
    opened for reading; the caller closes it.

    Raises `OSError`: FileNotFoundError, IsADirectoryError, `NotARegularFile`, `FileTooLarge`,
    or whatever the system says (ELOOP for a link loop). With a `sandbox`, the file actually
    opened must lie inside it (checked on the open descriptor, so a link swapped in between
    is caught too)."""
    limit = MAX_INPUT_BYTES if limit is None else limit
    if sandbox is not None and not sandbox.allows(path):
        raise PermissionError(errno.EACCES, "outside the allowed directories", str(path))
    # O_NONBLOCK: opening a FIFO with no writer would otherwise wait for ever.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile(errno.EINVAL, "not a regular file", str(path))
        if sandbox is not None:
            opened = Path(f"/proc/self/fd/{fd}")
            if opened.exists() and not sandbox.allows(Path(os.readlink(opened))):
                raise PermissionError(errno.EACCES, "outside the allowed directories", str(path))
        if info.st_size > limit:
            raise FileTooLarge(errno.EFBIG, f"larger than {limit:,} bytes", str(path))
        os.set_blocking(fd, True)
        return fd
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: str | Path, limit: int | None = None, sandbox: Sandbox | None = None) -> bytes:
    """The content of a regular file of at most `limit` bytes, checked as `open_checked` does."""
    limit = MAX_INPUT_BYTES if limit is None else limit
    fd = open_checked(path, limit, sandbox)
    try:
        chunks = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # the file grew while it was read
                raise FileTooLarge(errno.EFBIG, f"larger than {limit:,} bytes", str(path))
        return b"".join(chunks)
    finally:
        os.close(fd)


# ---- atomic outputs ------------------------------------------------------------------


class OutputFiles:
    """Files written aside and installed together.

        with OutputFiles() as outputs:
            outputs.write(Path("out/a.csv"), lambda handle: handle.write(...))
            outputs.write(Path("out/b.csv"), ...)
            outputs.commit()

    `write` puts the content in a temporary file next to its target (same directory, so the
    rename is atomic), flushed to disk. `commit` renames every temporary file over its target;
    leaving the `with` block without committing (an exception, a KeyboardInterrupt) removes
    them, and the targets are as they were. A process killed at any point leaves each target
    either as it was or completely replaced (and at worst a stray `.NAME.*.tmp` file).

    A target that is a symbolic link is written where the link points. A target that exists
    and is not a regular file (`/dev/stdout`, `/dev/null`, a FIFO) cannot be replaced: its
    content is prepared in memory and written into it at `commit`, before the renames.
    Every `OSError` raised names the target in `filename`."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []  # (temporary file, target)
        self._direct: list[tuple[Path, str]] = []  # (device or FIFO, text to write into it)

    def __enter__(self) -> OutputFiles:
        return self

    def __exit__(self, *exc_info) -> None:
        self.discard()

    def write(self, target: Path, content: Callable[[TextIO], object]) -> None:
        """Write `content(handle)` (text, UTF-8) aside for `target`. Raises OSError (the
        directory cannot be written), or whatever `content` raises; nothing is left behind."""
        def produce(path: Path) -> None:
            with open(path, "w", encoding="utf-8", newline="") as handle:
                content(handle)

        self.write_with(target, produce)

    def write_with(self, target: Path, produce: Callable[[Path], object]) -> None:
        """Like `write`, for a file another program writes (DuckDB's `COPY`): `produce(path)`
        writes the content to `path`, a temporary file next to `target` (or, for a device or
        FIFO, in a temporary directory, the text then written into the target at `commit`)."""
        target, info = _output_target(target)
        if info is not None and not stat.S_ISREG(info.st_mode):
            import tempfile

            with tempfile.TemporaryDirectory() as directory:
                aside = Path(directory) / target.name
                produce(aside)
                self._direct.append((target, aside.read_text(encoding="utf-8")))
            return
        with _named(target):
            temporary, fd = _create_temporary(target)
            os.close(fd)
            try:
                produce(temporary)
                fd = os.open(temporary, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
                if info is not None:  # an existing output keeps its permissions
                    os.chmod(temporary, stat.S_IMODE(info.st_mode))
            except BaseException:
                _remove(temporary)
                raise
        self._staged.append((temporary, target))

    def commit(self) -> None:
        """Write the devices and FIFOs, then rename every staged file into place."""
        while self._direct:
            target, text = self._direct.pop(0)
            with _named(target):
                with open(target, "w", encoding="utf-8", newline="") as handle:
                    handle.write(text)
        directories = set()
        while self._staged:
            temporary, target = self._staged[0]
            with _named(target):
                os.replace(temporary, target)
            self._staged.pop(0)
            directories.add(target.parent)
        for directory in directories:
            _sync_directory(directory)

    def discard(self) -> None:
        """Remove the staged files that were not committed."""
        self._direct.clear()
        while self._staged:
            temporary, _ = self._staged.pop()
            _remove(temporary)


def _create_temporary(target: Path) -> tuple[Path, int]:
    """A new file next to `target`, hidden (`.NAME.PID.N.tmp`); mode 0o666 before the umask,
    as `open(target, "w")` would create it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for attempt in range(100):
        temporary = target.parent / f".{target.name}.{os.getpid()}.{attempt}.tmp"
        try:
            return temporary, os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "cannot create a temporary file", str(target.parent))


@contextmanager
def _named(target: Path) -> Iterator[None]:
    """OSErrors raised inside name `target` (a full disk is reported by `write` or `close`
    without a file name, and a temporary file's name would only confuse)."""
    try:
        yield
    except OSError as exc:
        raise type(exc)(exc.errno, exc.strerror or str(exc), str(target)) from None


def write_atomically(target: Path, content: Callable[[TextIO], object]) -> None:
    """One file written aside and renamed into place."""
    with OutputFiles() as outputs:
        outputs.write(target, content)
        outputs.commit()


def _remove(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _sync_directory(directory: Path) -> None:
    """Make the renames in `directory` durable (where the system allows it)."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- the sandbox ---------------------------------------------------------------------


@attrs.frozen
class Sandbox:
    """The directories an engine in sandbox mode may read from and write to (`#include`,
    `.input`, `.output`, and the paths given to `load`), with symbolic links resolved."""

    directories: tuple[Path, ...]

    @classmethod
    def of(cls, directories: Iterable[str | Path]) -> Sandbox:
        resolved = []
        for directory in directories:
            path = real_path(directory)
            if not path.is_dir():
                raise ValueError(f"allowed directory {directory} is not a directory")
            resolved.append(path)
        return cls(tuple(resolved))

    def allows(self, path: str | Path) -> bool:
        """Whether `path`, with its links resolved, lies inside an allowed directory."""
        real = real_path(path)
        return any(real == d or d in real.parents for d in self.directories)


def _output_target(target: Path) -> tuple[Path, os.stat_result | None]:
    """The file an output replaces (a symbolic link followed) and its status (None: none yet);
    IsADirectoryError for a directory."""
    if target.is_symlink():
        target = real_path(target)
    try:
        info = os.stat(target)
    except (OSError, ValueError):
        info = None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(target))
    return target, info
