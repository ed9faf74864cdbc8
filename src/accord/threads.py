"""Run a function over many items in a few threads.

``ThreadPoolExecutor.map`` makes a future (a lock, a condition, a queue
entry, a wake-up) per item: for hundreds of short requests that costs as
much as the requests' own Python work. Here each of ``workers`` threads
takes the next item when it is done with one, so an item costs a lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar, cast

__all__ = ["map_threads"]

T = TypeVar("T")
R = TypeVar("R")


def map_threads(
    function: Callable[[T], R],
    items: Sequence[T],
    workers: int,
    name: str = "accord",
) -> list[R]:
    """``[function(item) for item in items]``, in ``workers`` threads. The
    first exception raised stops the others taking items, and is raised
    once they are done."""
    count = min(max(1, workers), len(items))
    if count <= 1:
        return [function(item) for item in items]
    results: list[R | None] = [None] * len(items)
    pending = iter(enumerate(items))
    lock = threading.Lock()
    failed = threading.Event()

    def work() -> None:
        while not failed.is_set():
            with lock:
                taken = next(pending, None)
            if taken is None:
                return
            index, item = taken
            try:
                results[index] = function(item)
            except BaseException:
                failed.set()
                raise

    with ThreadPoolExecutor(count, thread_name_prefix=name) as pool:
        futures = [pool.submit(work) for _ in range(count)]
        for future in futures:
            future.result()
    return cast("list[R]", results)  # every index was set
