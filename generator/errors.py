"""The generator's exceptions. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations

import unicodedata
from pathlib import Path

#: Unicode categories of the characters that can break or disguise a line of output:
#: control and format characters, line and paragraph separators, and the surrogates that
#: stand for bytes of a file name that are not UTF-8.
UNSHOWABLE = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def unshowable(text: str) -> str | None:
    """The first character of ``text`` in an UNSHOWABLE category, or None."""
    if text.isprintable():  # the usual case: nothing of those categories
        return None
    return next((ch for ch in text if unicodedata.category(ch) in UNSHOWABLE), None)


def shown(text: str) -> str:
    """``text`` with its UNSHOWABLE characters written as Python escapes (``\\n``, ``\\x1b``).

    A message printed through it stays on one line, whatever file name it holds: a name
    with a newline cannot start a line of its own that a terminal or a CI runner would
    take for a command (such as GitHub's ``::error``)."""
    if unshowable(text) is None:
        return text
    return "".join(repr(ch)[1:-1] if unicodedata.category(ch) in UNSHOWABLE else ch for ch in text)


class ArchiveError(Exception):
    """Base class of every error the generator reports to a user."""


class LocatedError(ArchiveError):
    """An error about one file (at a line, when known): printed as `file:line: message`."""

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return shown(f"{where}: {self.message}")  # one line, whatever the path holds

    def __reduce__(self) -> tuple[type[LocatedError], tuple[str, str, int | None]]:
        # pickled with its own arguments (a worker process sends its errors back pickled)
        return type(self), (self.path, self.message, self.line)


class InputError(LocatedError):
    """Something wrong in a file the user gave us, at a known place."""


class DumpError(InputError):
    """A dump that cannot be read or parsed."""


class ConfigError(InputError):
    """A taxonomy or overrides file that is invalid."""


class OutputError(LocatedError):
    """A file or folder of the output that cannot be written (a full disk, a symlink, a lock)."""
