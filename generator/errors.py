"""The generator's exceptions. Only the CLI turns them into messages and exit codes."""

from __future__ import annotations

from pathlib import Path


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
        return f"{where}: {self.message}"

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
