"""The relay's address: the same for a user and an index run after run, and
shared (or waited for) when another accord run holds it, so uv's cache,
keyed by that address, survives two accord runs on one machine.

A real local index, real relays in this process and in another one, and
real uv runs: no network.
"""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.cli import main
from accord.index._http import Fetcher
from accord.index.relay import Relay
from accord.index.relay._address import candidate_ports

from .indexserver import OkHandler, Release, TestIndex, index_fixture  # noqa: F401

SRC = Path(__file__).resolve().parent.parent / "src"
# Another accord run holding a relay: prints its base URL, closes when told.
OWNER = """
import sys
from accord.index._http import Fetcher
from accord.index.relay import Relay
relay = Relay([sys.argv[1]], Fetcher(None, 10, 0))
print(relay.base, flush=True)
sys.stdin.readline()
relay.close()
print("closed", flush=True)
"""


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def relay_index(test_index: TestIndex) -> TestIndex:
    test_index.add("alpha", [Release("1.0"), Release("2.0", requires_dist=["beta>=1"])])
    test_index.add("beta", [Release("1.0")])
    return test_index


@pytest.fixture
def owner(relay_index: TestIndex, cache_home: Path) -> Iterator[subprocess.Popen[str]]:
    """A relay run by another process (another accord run) for the index."""
    process = subprocess.Popen(
        [sys.executable, "-c", OWNER, relay_index.simple_url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SRC), "XDG_CACHE_HOME": str(cache_home)},
    )
    try:
        yield process
    finally:
        process.kill()
        process.wait()


def base_of(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    return process.stdout.readline().strip()


def release(process: subprocess.Popen[str]) -> None:
    assert process.stdin is not None
    process.stdin.write("\n")
    process.stdin.flush()


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as reply:
            reply.read()
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return error.code


def wait_until(condition: object, what: str) -> None:
    for _ in range(200):
        if callable(condition) and condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def test_the_address_is_the_same_run_after_run(relay_index: TestIndex) -> None:
    fetcher = Fetcher(None, 10, 0)
    with Relay([relay_index.simple_url], fetcher) as first:
        environment = first.uv_environment()
    with Relay([relay_index.simple_url], fetcher) as again:
        # uv's index URL, and so the key of uv's cache, is unchanged
        assert again.uv_environment() == environment


def test_two_relays_in_one_process_share_the_address_until_the_last_closes(
    relay_index: TestIndex,
) -> None:
    fetcher = Fetcher(None, 10, 0)
    first = Relay([relay_index.simple_url], fetcher)
    second = Relay([relay_index.simple_url], fetcher)
    assert second.base == first.base
    first.close()  # the other is still using the address
    assert get(second.url(0) + "alpha/") == 200
    second.close()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(second.url(0) + "alpha/", timeout=5)


def test_another_run_uses_the_running_relay_and_keeps_it_open(
    relay_index: TestIndex, owner: subprocess.Popen[str]
) -> None:
    base = base_of(owner)
    notices: list[str] = []
    relay = Relay([relay_index.simple_url], Fetcher(None, 10, 0), notice=notices.append)
    assert (relay.base, relay.shared) == (base, True)
    assert get(relay.url(0) + "alpha/") == 200
    # Shared is not open: a client without the secret still gets 403.
    origin = base.rsplit("/", 2)[0]
    assert get(f"{origin}/0/alpha/") == 403
    assert get(f"{origin}/{'x' * 43}/0/alpha/") == 403
    assert get(relay.base + "0/../../etc/passwd") in (403, 404)
    # The owner is done, but waits for this run before it stops serving.
    release(owner)
    assert owner.stderr is not None
    assert "keeping the relay open" in owner.stderr.readline()
    assert owner.poll() is None
    assert get(relay.url(0) + "beta/") == 200
    relay.close()
    assert owner.wait(timeout=30) == 0
    assert notices == []


def test_a_run_waits_for_a_closing_relay_then_takes_its_address(
    relay_index: TestIndex, owner: subprocess.Popen[str]
) -> None:
    base = base_of(owner)
    fetcher = Fetcher(None, 10, 0)
    user = Relay([relay_index.simple_url], fetcher)  # keeps the owner open
    release(owner)  # the owner is now closing: nobody new may join it
    assert owner.stderr is not None
    assert "keeping the relay open" in owner.stderr.readline()
    notices: list[str] = []
    late: list[Relay] = []
    arriving = threading.Thread(
        target=lambda: late.append(
            Relay([relay_index.simple_url], fetcher, notice=notices.append)
        )
    )
    arriving.start()
    wait_until(lambda: notices, "the late run says it waits")
    assert "waiting for another accord run to close its relay" in notices[0]
    assert not late
    user.close()
    arriving.join(timeout=30)
    assert owner.wait(timeout=30) == 0
    (taken,) = late
    with taken:
        assert (taken.base, taken.shared) == (base, False)
        assert get(taken.url(0) + "alpha/") == 200


def test_a_port_another_program_holds_is_passed_over(relay_index: TestIndex) -> None:
    fetcher = Fetcher(None, 10, 0)
    with Relay([relay_index.simple_url], fetcher) as probe:
        secret = probe.secret
    ports = candidate_ports(secret, [relay_index.simple_url])
    stranger = http.server.ThreadingHTTPServer(("127.0.0.1", ports[0]), OkHandler)
    threading.Thread(target=stranger.serve_forever, daemon=True).start()
    try:
        with Relay([relay_index.simple_url], fetcher) as relay:
            assert relay.origin == f"http://127.0.0.1:{ports[1]}"
            assert not relay.shared
    finally:
        stranger.shutdown()
        stranger.server_close()


def test_a_port_bound_without_a_listener_is_passed_over(
    relay_index: TestIndex,
) -> None:
    """A derived port may be a client connection's own (ephemeral) port:
    bound, nobody listening. That is not a relay closing, so the run does
    not wait for it to come free (it once waited ten minutes)."""
    import secrets
    import socket

    fetcher = Fetcher(None, 10, 0)
    # A secret of this test's own: its ports were never a relay's, so no
    # closed connection of an earlier one holds the first in TIME_WAIT.
    secret = secrets.token_urlsafe(32)
    ports = candidate_ports(secret, [relay_index.simple_url])
    bound = socket.socket()
    bound.bind(("127.0.0.1", ports[0]))  # no listen()
    notices: list[str] = []
    try:
        with Relay(
            [relay_index.simple_url], fetcher, secret=secret, notice=notices.append
        ) as relay:
            assert relay.origin == f"http://127.0.0.1:{ports[1]}"
            assert not relay.shared
    finally:
        bound.close()
    assert not any("waiting" in notice for notice in notices)


def test_generate_while_another_run_holds_the_relay_keeps_uvs_cache(
    relay_index: TestIndex,
    owner: subprocess.Popen[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text("alpha  # MIT\nbeta  # MIT\n")
    (repo / "accord.toml").write_text(
        f'python-versions = ["3.12"]\n[index]\nurl = "{relay_index.simple_url}"\n'
    )
    args = ["constraints", "generate", "--requirements", str(repo)]
    base_of(owner)
    assert main([*args, "--refresh"]) == 0, capsys.readouterr()
    release(owner)
    assert owner.wait(timeout=30) == 0
    assert main([*args, "--refresh"]) == 0, capsys.readouterr()
    # One index as uv sees it (so one cache bucket) across both runs.
    buckets = list((tmp_path / "uv-cache").glob("simple-v*/index/*"))
    assert len(buckets) == 1, buckets
    assert "alpha===2.0\nbeta===1.0\n" in (repo / "upper-constraints.txt").read_text()
