"""The resolving commands' progress on a terminal: Pythons done out of all,
the Pythons resolving now, and the time since the start."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.console import Console

    from accord.resolve.request import ResolveOutcome, Resolver, ResolveRequest


class _Shown(Protocol):
    def show(self, description: str, completed: int) -> None: ...


@dataclass
class ResolutionProgress:
    """Watches a resolver: which Pythons run now, how many are done."""

    total: int
    shown: _Shown | None = None  # None: nothing is shown (not a terminal)
    running: list[str] = field(default_factory=list)
    completed: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def watch(self, resolver: Resolver) -> Resolver:
        """The resolver, telling this progress when each Python starts."""
        if self.shown is None:
            return resolver
        return _Watched(resolver, self)

    def started(self, python: str) -> None:
        with self._lock:
            if python not in self.running:
                self.running.append(python)
            self._update()

    def done(self, outcome: ResolveOutcome) -> None:
        with self._lock:
            if outcome.python in self.running:
                self.running.remove(outcome.python)
            self.completed += 1
            self._update()

    def _update(self) -> None:
        if self.shown is None:
            return
        now = ", ".join(self.running)
        self.shown.show(
            f"resolving Python {now}" if now else "resolving", self.completed
        )


@dataclass(frozen=True)
class _Watched:
    resolver: Resolver
    progress: ResolutionProgress

    def resolve(self, request: ResolveRequest) -> ResolveOutcome:
        self.progress.started(request.python)
        return self.resolver.resolve(request)


@contextlib.contextmanager
def resolution_progress(
    pythons: Sequence[str], console: Console | None = None
) -> Iterator[ResolutionProgress]:
    """A bar on a terminal (standard error, or ``console``); else nothing."""
    if console is None and not sys.stderr.isatty():
        yield ResolutionProgress(len(pythons))
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("Pythons"),
        TimeElapsedColumn(),
    )
    with Progress(
        *columns, console=console or Console(stderr=True), transient=True
    ) as bar:
        task = bar.add_task("resolving", total=len(pythons))

        class Shown:
            def show(self, description: str, completed: int) -> None:
                bar.update(task, description=description, completed=completed)

        yield ResolutionProgress(len(pythons), Shown())
