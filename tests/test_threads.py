"""accord.threads.map_threads: every item, in order, the first failure raised."""

from __future__ import annotations

import threading

import pytest

from accord.threads import map_threads


@pytest.mark.parametrize("workers", [1, 4, 50])
def test_results_in_order_from_several_threads(workers: int) -> None:
    seen: set[str] = set()

    def square(n: int) -> int:
        seen.add(threading.current_thread().name)
        return n * n

    assert map_threads(square, list(range(200)), workers) == [n * n for n in range(200)]
    assert len(seen) <= workers
    assert map_threads(square, [], workers) == []


def test_a_failure_is_raised_and_stops_the_rest() -> None:
    done: list[int] = []

    def fail_at_three(n: int) -> int:
        if n == 3:
            raise ValueError("three")
        done.append(n)
        return n

    with pytest.raises(ValueError, match="three"):
        map_threads(fail_at_three, list(range(10_000)), 4)
    assert len(done) < 10_000 - 1
