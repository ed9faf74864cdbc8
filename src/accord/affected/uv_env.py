"""Environments for cross-tests, made by uv, and the test runs in them.

``uv venv`` with the chosen interpreter (never a downloaded one), then one
``uv pip install`` of the project's requirements (and the project itself,
editable, when it is installable) under the pins as constraints. An
environment is kept under a hash of everything that went into it (the
interpreter, the pins, the requirements, the project's path, the index
options) and reused while that stays the same; a lock file keeps two runs
from building the same one at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from accord._config_resolution import IndexSettings
from accord.affected.crosstest import EnvSpec, Run, tail
from accord.affected.uv_graph import index_arguments
from accord.errors import InputError
from accord.resolve.uv import find_uv

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

_READY = ".accord-ready"
_INSTALL_TIMEOUT = 30 * 60
_ISOLATE = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
_VERSION = re.compile(r"\d+\.\d+")  # --python X.Y, as the resolving commands take


def default_env_dir() -> Path:
    """``$XDG_CACHE_HOME/accord/envs``, else ``~/.cache/accord/envs``."""
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "accord" / "envs"


def find_interpreter(request: str, uv: str | None = None) -> str:
    """The interpreter ``--python`` names: a version such as ``3.12`` is
    one installed here that uv finds (``uv python find``, never a download,
    as ``uv venv --python 3.12`` would take), so cross-test takes the
    resolving commands' ``--python X.Y``; anything else (a path, a command
    on PATH) is the interpreter itself."""
    if not _VERSION.fullmatch(request):
        return request
    try:
        result = subprocess.run(
            [uv or find_uv(), "python", "find", "--no-python-downloads",
             "--no-project", request],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        raise InputError(f"--python {request}: {error}") from error
    found = result.stdout.strip()
    if result.returncode != 0 or not found:
        said = next((line for line in result.stderr.splitlines() if line), "")
        raise InputError(
            f"--python {request}: uv finds no Python {request} installed here"
            + (f": {said.removeprefix('error: ')}" if said else ""),
            hint="install it, or pass the interpreter's path",
        )
    return found


def version_of(interpreter: str) -> str:
    """``X.Y`` of an interpreter, asked of it."""
    if interpreter == sys.executable:
        return f"{sys.version_info[0]}.{sys.version_info[1]}"
    try:
        result = subprocess.run(
            [interpreter, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise InputError(f"--python {interpreter}: {error}") from error
    version = result.stdout.strip()
    if result.returncode != 0 or not version:
        raise InputError(f"--python {interpreter}: not a Python interpreter")
    return version


def installable(project: Path) -> bool:
    """Whether the project can be installed itself (else only its
    requirements are): a setup.py, or pyproject.toml with a build system
    or a [project] table."""
    if (project / "setup.py").is_file():
        return True
    path = project / "pyproject.toml"
    if not path.is_file():
        return False
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError):
        return True  # let the installer say what is wrong with it
    return "build-system" in data or "project" in data


class UvEnvironments:
    def __init__(
        self,
        env_dir: Path,
        index: IndexSettings,
        base: Path,
        interpreter: str,
        uv: str | None = None,
    ) -> None:
        self.env_dir = env_dir
        self.index = index
        self.base = base
        self.interpreter = interpreter
        self.uv = uv or find_uv()
        self._version: str | None = None
        self._lock = threading.Lock()

    def python_version(self) -> str:
        if self._version is None:
            self._version = version_of(self.interpreter)
        return self._version

    def run(self, spec: EnvSpec, command: Sequence[str], timeout: float) -> Run:
        start = time.monotonic()
        environment, output = self.prepare(spec)
        if environment is None:
            return Run(False, "install", time.monotonic() - start, tail(output))
        code, output = execute(environment, spec.project, command, timeout)
        return Run(code == 0, "test", time.monotonic() - start, tail(output))

    def key(self, spec: EnvSpec) -> str:
        identity = [
            str(Path(self.interpreter).absolute()),
            self.python_version(),
            spec.constraints,
            sorted(spec.requirements),
            str(spec.project.resolve()),
            installable(spec.project),
            index_arguments(self.index, self.base),
        ]
        digest = hashlib.sha256(json.dumps(identity).encode()).hexdigest()
        return f"{spec.name}-{digest[:16]}"

    def prepare(self, spec: EnvSpec) -> tuple[Path | None, str]:
        """The environment (built now or before), or None and why not."""
        key = self.key(spec)
        target = self.env_dir / key
        with self._locked(self.env_dir / f"{key}.lock"):
            if (target / _READY).is_file():
                return target, ""
            shutil.rmtree(target, ignore_errors=True)
            code, output = self._uv(
                "venv", "--python", self.interpreter, "--no-python-downloads",
                "--quiet", str(target),
            )  # fmt: skip
            if code != 0:
                return None, output
            (target / "accord-constraints.txt").write_text(spec.constraints)
            (target / "accord-requirements.txt").write_text(
                "".join(f"{text}\n" for text in spec.requirements)
            )
            install = []
            if spec.requirements:
                install += ["-r", str(target / "accord-requirements.txt")]
            if installable(spec.project):
                install += ["-e", str(spec.project.resolve())]
            if install:
                code, more = self._uv(
                    "pip", "install", "--python", str(_bin(target) / "python"),
                    "--constraint", str(target / "accord-constraints.txt"),
                    *index_arguments(self.index, self.base), *install,
                )  # fmt: skip
                output += more
                if code != 0:
                    return None, output
            (target / _READY).write_text("")
            return target, output

    @contextlib.contextmanager
    def _locked(self, path: Path) -> Iterator[None]:
        with self._lock:
            path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _uv(self, *arguments: str) -> tuple[int, str]:
        try:
            result = subprocess.run(
                [self.uv, *arguments],
                capture_output=True,
                text=True,
                errors="replace",
                check=False,
                timeout=_INSTALL_TIMEOUT,
                env={**os.environ, "UV_NO_PROGRESS": "1"},
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            return 1, f"uv {arguments[0]}: {error}\n"
        return result.returncode, result.stdout + result.stderr


def _bin(environment: Path) -> Path:
    return environment / ("Scripts" if os.name == "nt" else "bin")


def execute(
    environment: Path, cwd: Path, command: Sequence[str], timeout: float
) -> tuple[int, str]:
    """Run ``command`` in the project's directory with the environment first
    on PATH; past ``timeout`` seconds it and everything it started is killed."""
    scripts = _bin(environment)
    argv = list(command)
    if (scripts / argv[0]).exists():
        argv[0] = str(scripts / argv[0])
    variables = {k: v for k, v in os.environ.items() if k not in _ISOLATE}
    variables["PATH"] = os.pathsep.join(
        filter(None, [str(scripts), variables.get("PATH")])
    )
    variables["VIRTUAL_ENV"] = str(environment)
    try:
        process = subprocess.Popen(
            argv,
            cwd=cwd,
            env=variables,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
    except OSError as error:
        return 127, f"{' '.join(command)}: {error}"
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return 124, f"{output}\ntimed out after {timeout:g} s"
    return process.returncode, output
