"""accord constraints export: pylock.toml, CycloneDX 1.6 and SPDX 2.3 of the
pinned set, against a local index (no network)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.cli import main

from .indexserver import Release, TestIndex, index_fixture  # noqa: F401

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# Pythons around the running one, so that its pins are the middle ones.
MINOR = sys.version_info.minor
PREVIOUS, CURRENT, NEXT = (f"3.{m}" for m in (MINOR - 1, MINOR, MINOR + 1))
EPOCH = "1767225600"  # 2026-01-01T00:00:00Z

GLOBAL = (
    "## section:general\n"
    "alpha  # MIT OR Apache-2.0\n"
    f"beta-lib;python_version<'{CURRENT}'  # BSD License\n"
    "gamma  # Our Corp\n"
)
PINS = (
    "# the pins\n"
    f"alpha===1.0;python_version<'{CURRENT}'\n"
    f"alpha===2.0;python_version>='{CURRENT}'\n"
    "beta-lib===1.5\n"
    "gamma===3.0\n"
    "zeta===0.1\n"  # not in the global list: a dependency of another pin
)
CONFIG = (
    f'python-versions = ["{PREVIOUS}", "{CURRENT}", "{NEXT}"]\n'
    '[licenses.aliases]\n"Our Corp" = "LicenseRef-OurCorp"\n'
)
# What installs on the running Python: its pins and nothing else.
EXPECTED_HERE = {"alpha": "2.0", "gamma": "3.0", "zeta": "0.1"}


@pytest.fixture
def index(
    test_index: TestIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> TestIndex:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    test_index.add("alpha", [Release("1.0"), Release("2.0"), Release("3.0")])
    test_index.add("Beta_Lib", [Release("1.5", wheel=False)])
    test_index.add("gamma", [Release("3.0", yanked="no"), Release("2.9")])
    test_index.add("zeta", [Release("0.1", license_expression="ISC")])
    return test_index


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "requirements"
    repo.mkdir()
    (repo / "global-requirements.txt").write_text(GLOBAL)
    (repo / "upper-constraints.txt").write_text(PINS)
    (repo / "accord.toml").write_text(CONFIG)
    return repo


def export(index: TestIndex, repo: Path, output: Path, kind: str, *more: str) -> int:
    return main([
        "constraints", "export", "--requirements", str(repo), "--format", kind,
        "-o", str(output), "--index-url", index.simple_url, *more,
    ])  # fmt: skip


def sha256s(index: TestIndex) -> dict[str, str]:
    """Each file's sha256 as the index's JSON pages give it."""
    found = {}
    for page in (index.root / "simple").glob("*/index.json"):
        for entry in json.loads(page.read_text())["files"]:
            found[entry["filename"]] = entry["hashes"]["sha256"]
    return found


def test_pylock_describes_every_pin(
    index: TestIndex, repo: Path, tmp_path: Path
) -> None:
    lock = tmp_path / "pylock.toml"
    assert export(index, repo, lock, "pylock") == 0
    document = tomllib.loads(lock.read_text())

    assert document["lock-version"] == "1.0"
    assert document["created-by"] == "accord"
    assert document["requires-python"] == f">={PREVIOUS}"
    assert document["environments"] == [
        f'python_version == "{p}" and sys_platform == "linux"'
        for p in (PREVIOUS, CURRENT, NEXT)
    ]
    packages = {(p["name"], p["version"]): p for p in document["packages"]}
    assert list(packages) == [
        ("alpha", "1.0"), ("alpha", "2.0"), ("beta-lib", "1.5"),
        ("gamma", "3.0"), ("zeta", "0.1"),
    ]  # fmt: skip
    assert packages["alpha", "1.0"]["marker"] == f'python_version < "{CURRENT}"'
    assert packages["alpha", "2.0"]["marker"] == f'python_version >= "{CURRENT}"'
    # Unmarked pin, marked in the global list: installed where the list says.
    assert packages["beta-lib", "1.5"]["marker"] == f'python_version < "{CURRENT}"'
    assert "marker" not in packages["zeta", "0.1"]
    hashes = sha256s(index)
    for package in document["packages"]:
        assert package["index"] == index.simple_url
        for file in [package.get("sdist"), *package.get("wheels", [])]:
            if file is not None:
                assert file["hashes"] == {"sha256": hashes[file["name"]]}
                assert file["url"] == index.base_url + "files/" + file["name"]
                assert file["size"] > 0
    assert "wheels" not in packages["beta-lib", "1.5"]  # an sdist only
    assert packages["beta-lib", "1.5"]["sdist"]["name"] == "beta_lib-1.5.tar.gz"
    assert len(packages["gamma", "3.0"]["wheels"]) == 1  # yanked, but the pin


def test_uv_installs_exactly_the_pins_from_pylock(
    index: TestIndex, repo: Path, tmp_path: Path
) -> None:
    uv = pytest.importorskip("uv").find_uv_bin()
    lock = tmp_path / "pylock.toml"
    assert export(index, repo, lock, "pylock") == 0
    venv = tmp_path / "venv"
    environment = {
        **os.environ,
        "UV_NO_CONFIG": "1",
        "UV_CACHE_DIR": str(tmp_path / "uv-cache"),
        "UV_PYTHON_DOWNLOADS": "never",
        "NO_PROXY": "127.0.0.1",
    }
    for key in ("UV_INDEX_URL", "UV_DEFAULT_INDEX", "UV_INDEX", "UV_FIND_LINKS"):
        environment.pop(key, None)

    def uv_run(*args: str) -> str:
        result = subprocess.run(
            [uv, *args], env=environment, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    if "pylock" not in uv_run("pip", "install", "--help"):
        pytest.skip("this uv cannot install from pylock.toml")
    uv_run("venv", str(venv), "--python", sys.executable, "-q")
    python = str(venv / "bin" / "python")
    uv_run("pip", "install", "--python", python, "-r", str(lock))
    frozen = uv_run("pip", "freeze", "--python", python)
    installed = dict(line.split("==", 1) for line in frozen.split())
    assert installed == EXPECTED_HERE
    assert not [p for p in index.requests if "beta" in p and "/files/" in p]


def test_cyclonedx_is_valid_1_6_with_purls_licences_and_hashes(
    index: TestIndex, repo: Path, tmp_path: Path
) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    sbom = tmp_path / "sbom.cdx.json"
    assert export(index, repo, sbom, "cyclonedx") == 0
    text = sbom.read_text()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    document = json.loads(text)
    assert document["specVersion"] == "1.6"
    assert document["metadata"]["timestamp"].startswith("2026-01-01T00:00:00")
    components = {c["bom-ref"]: c for c in document["components"]}
    assert sorted(components) == [
        "pkg:pypi/alpha@1.0", "pkg:pypi/alpha@2.0", "pkg:pypi/beta-lib@1.5",
        "pkg:pypi/gamma@3.0", "pkg:pypi/zeta@0.1",
    ]  # fmt: skip
    assert all(ref == c["purl"] for ref, c in components.items())
    licences = {ref: c.get("licenses") for ref, c in components.items()}
    assert licences["pkg:pypi/alpha@1.0"] == [{"expression": "MIT OR Apache-2.0"}]
    assert licences["pkg:pypi/beta-lib@1.5"] == [{"license": {"id": "BSD-3-Clause"}}]
    assert licences["pkg:pypi/gamma@3.0"] == [{"expression": "LicenseRef-OurCorp"}]
    # Not in the global list: the pinned release's own metadata.
    assert licences["pkg:pypi/zeta@0.1"] == [{"license": {"id": "ISC"}}]
    hashes = sha256s(index)
    beta = components["pkg:pypi/beta-lib@1.5"]
    assert beta["hashes"] == [
        {"alg": "SHA-256", "content": hashes["beta_lib-1.5.tar.gz"]}
    ]
    for component in components.values():
        for reference in component["externalReferences"]:
            assert reference["type"] == "distribution"
            assert reference["hashes"][0]["content"] == hashes[reference["comment"]]
    [root] = [
        d
        for d in document["dependencies"]
        if d["ref"] == document["metadata"]["component"]["bom-ref"]
    ]
    assert sorted(root["dependsOn"]) == sorted(components)


def _strings(*names: str) -> dict[str, Any]:
    return {name: {"type": "string"} for name in names}


# SPDX 2.3's JSON schema, in its essentials: the required fields, and no
# property the schema does not define on the objects accord writes.
SPDX_CHECKSUM = {
    "type": "object",
    "required": ["algorithm", "checksumValue"],
    "additionalProperties": False,
    "properties": {
        "algorithm": {"enum": ["SHA256", "SHA1", "SHA512", "MD5"]},
        "checksumValue": {"type": "string", "pattern": "^[0-9a-f]+$"},
    },
}
SPDX_PACKAGE = {
    "type": "object",
    "required": ["SPDXID", "downloadLocation", "name"],
    "additionalProperties": False,
    "properties": {
        **_strings(
            "SPDXID", "name", "versionInfo", "downloadLocation", "licenseConcluded",
            "licenseDeclared", "copyrightText", "comment", "packageFileName",
        ),
        "SPDXID": {"type": "string", "pattern": "^SPDXRef-[A-Za-z0-9.-]+$"},
        "filesAnalyzed": {"type": "boolean"},
        "checksums": {"type": "array", "items": SPDX_CHECKSUM},
        "externalRefs": {"type": "array", "items": {
            "type": "object",
            "required": ["referenceCategory", "referenceLocator", "referenceType"],
            "additionalProperties": False,
            "properties": {
                **_strings("referenceLocator", "referenceType", "comment"),
                "referenceCategory": {"enum": [
                    "OTHER", "PERSISTENT-ID", "SECURITY", "PACKAGE-MANAGER"]},
            },
        }},
    },
}  # fmt: skip
SPDX_DOCUMENT = {
    "type": "object",
    "required": ["SPDXID", "creationInfo", "dataLicense", "name", "spdxVersion"],
    "additionalProperties": False,
    "properties": {
        **_strings("SPDXID", "dataLicense", "name", "spdxVersion", "comment"),
        "documentNamespace": {"type": "string", "format": "uri"},
        "documentDescribes": {"type": "array", "items": {"type": "string"}},
        "creationInfo": {
            "type": "object",
            "required": ["created", "creators"],
            "additionalProperties": False,
            "properties": {
                **_strings("comment", "licenseListVersion"),
                "created": {"type": "string",
                            "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"},
                "creators": {"type": "array", "minItems": 1,
                             "items": {"type": "string"}},
            },
        },
        "packages": {"type": "array", "items": SPDX_PACKAGE},
        "relationships": {"type": "array", "items": {
            "type": "object",
            "required": ["spdxElementId", "relatedSpdxElement", "relationshipType"],
            "additionalProperties": False,
            "properties": {
                **_strings("spdxElementId", "relatedSpdxElement", "comment"),
                "relationshipType": {"enum": ["DESCRIBES", "DEPENDS_ON"]},
            },
        }},
        "hasExtractedLicensingInfos": {"type": "array", "items": {
            "type": "object",
            "required": ["extractedText", "licenseId"],
            "additionalProperties": False,
            "properties": _strings("extractedText", "licenseId", "name", "comment"),
        }},
    },
}  # fmt: skip


def test_spdx_has_the_required_fields(
    index: TestIndex, repo: Path, tmp_path: Path
) -> None:
    sbom = tmp_path / "sbom.spdx.json"
    assert export(index, repo, sbom, "spdx") == 0
    document: dict[str, Any] = json.loads(sbom.read_text())
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(document, SPDX_DOCUMENT)
    assert document["spdxVersion"] == "SPDX-2.3"
    assert document["dataLicense"] == "CC0-1.0"
    assert document["SPDXID"] == "SPDXRef-DOCUMENT"
    assert document["name"] == "requirements-pinned-set"
    assert document["documentNamespace"].startswith("https://")
    assert document["creationInfo"]["created"] == "2026-01-01T00:00:00Z"
    assert document["creationInfo"]["creators"][0].startswith("Tool: accord-")
    packages = {p["name"] + "@" + p["versionInfo"]: p for p in document["packages"]}
    assert sorted(packages) == [
        "alpha@1.0", "alpha@2.0", "beta-lib@1.5", "gamma@3.0", "zeta@0.1"
    ]  # fmt: skip
    hashes = sha256s(index)
    for package in document["packages"]:
        assert package["SPDXID"].startswith("SPDXRef-Package-pypi-")
        assert package["downloadLocation"].startswith(index.base_url)
        [checksum] = package["checksums"]
        assert checksum == {
            "algorithm": "SHA256",
            "checksumValue": hashes[package["packageFileName"]],
        }
        [ref] = package["externalRefs"]
        assert ref["referenceType"] == "purl"
        assert (
            ref["referenceLocator"]
            == f"pkg:pypi/{package['name']}@" + (package["versionInfo"])
        )
    assert packages["alpha@1.0"]["licenseConcluded"] == "MIT OR Apache-2.0"
    assert packages["gamma@3.0"]["licenseDeclared"] == "LicenseRef-OurCorp"
    assert [i["licenseId"] for i in document["hasExtractedLicensingInfos"]] == [
        "LicenseRef-OurCorp"
    ]
    ids = [p["SPDXID"] for p in document["packages"]]
    assert len(set(ids)) == len(ids)
    assert sorted(document["documentDescribes"]) == sorted(ids)


@pytest.mark.parametrize("kind", ["pylock", "cyclonedx", "spdx"])
def test_exports_are_byte_identical(
    index: TestIndex, repo: Path, tmp_path: Path, kind: str
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert export(index, repo, first, kind) == 0
    assert export(index, repo, second, kind) == 0
    assert first.read_bytes() == second.read_bytes()


def test_one_python_and_stdout(
    index: TestIndex, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = export(index, repo, Path("-"), "pylock", "--python", NEXT)
    document = tomllib.loads(capsys.readouterr().out)
    assert code == 0
    assert [(p["name"], p["version"]) for p in document["packages"]] == [
        ("alpha", "2.0"), ("gamma", "3.0"), ("zeta", "0.1"),
    ]  # fmt: skip


def test_credentials_never_reach_the_artefact(
    index: TestIndex, repo: Path, tmp_path: Path
) -> None:
    index.auth = ("user", "s3cret")
    lock = tmp_path / "pylock.toml"
    url = index.with_credentials(index.simple_url, "user", "s3cret")
    code = main([
        "constraints", "export", "--requirements", str(repo), "-o", str(lock),
        "--index-url", url,
    ])  # fmt: skip
    assert code == 0
    text = lock.read_text()
    assert "s3cret" not in text
    assert "user@" not in text
    assert f'index = "{index.simple_url}"' in text


def test_pins_the_index_lacks_fail_in_one_message(
    index: TestIndex, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pins = "gamma===3.0\nalpha===9.9\nnosuch===1.0\n"
    (repo / "upper-constraints.txt").write_text(pins)
    lock = tmp_path / "pylock.toml"
    assert export(index, repo, lock, "pylock") == 1
    error = capsys.readouterr().err
    assert "(2 problems)" in error
    assert "alpha===9.9 (upper-constraints.txt:2): no file" in error
    assert "nosuch===1.0 (upper-constraints.txt:3): no project 'nosuch'" in error
    assert "Traceback" not in error
    assert not lock.exists()


BAD_INPUT = [
    pytest.param(None, "nothing is pinned", id="no-constraints"),
    pytest.param("alpha>=1.0\n", "upper-constraints.txt:1", id="not-a-pin"),
    pytest.param(
        "alpha===1.0\nalpha===2.0;python_version>='3.11'\n",
        "upper-constraints.txt:2: alpha is pinned twice",
        id="overlapping-pins",
    ),
    pytest.param(
        "alpha===1.0\nbeta (( \n", "upper-constraints.txt:2", id="unreadable-line"
    ),
]


@pytest.mark.parametrize(("pins", "message"), BAD_INPUT)
def test_bad_pins_are_bad_input(
    index: TestIndex,
    repo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pins: str | None,
    message: str,
) -> None:
    if pins is None:
        (repo / "upper-constraints.txt").unlink()
    else:
        (repo / "upper-constraints.txt").write_text(pins)
    assert export(index, repo, tmp_path / "out", "spdx") == 2
    error = capsys.readouterr().err
    assert message in error
    assert "Traceback" not in error


def test_bad_python_is_usage(
    index: TestIndex, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert export(index, repo, tmp_path / "out", "pylock", "--python", "three") == 2
    assert "--python" in capsys.readouterr().err


def test_unwritable_output_is_one_line(
    index: TestIndex, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "pylock.toml"
    assert export(index, repo, target, "pylock") == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert str(target.parent) in error


def test_many_failing_pins_are_summed_up(
    index: TestIndex, repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pins = "".join(f"missing{n}===1.0\n" for n in range(15))
    (repo / "upper-constraints.txt").write_text(pins)
    assert export(index, repo, tmp_path / "out", "pylock") == 1
    error = capsys.readouterr().err
    assert "(15 problems)" in error
    assert "and 5 more" in error


def test_find_links_directories_without_an_index(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hashlib

    from .wheelhouse import make_wheel

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    (repo / "upper-constraints.txt").write_text("alpha===2.0\nzeta===0.1\n")
    make_wheel(wheels, "alpha", "1.0")
    made = [
        make_wheel(wheels, "alpha", "2.0"),
        make_wheel(wheels, "zeta", "0.1", headers=["License-Expression: ISC"]),
    ]
    lock, sbom = tmp_path / "pylock.toml", tmp_path / "sbom.json"
    local = ["--no-index", "--find-links", str(wheels)]
    assert main(["constraints", "export", "--requirements", str(repo),
                 "-o", str(lock), *local]) == 0  # fmt: skip
    assert main(["constraints", "export", "--requirements", str(repo),
                 "-o", str(sbom), "--format", "cyclonedx", *local]) == 0  # fmt: skip

    packages = tomllib.loads(lock.read_text())["packages"]
    assert [(p["name"], p["version"]) for p in packages] == [
        ("alpha", "2.0"), ("zeta", "0.1"),
    ]  # fmt: skip
    for package, path in zip(packages, made, strict=True):
        assert "index" not in package
        [wheel] = package["wheels"]
        assert wheel["url"] == path.resolve().as_uri()
        assert (
            wheel["hashes"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        )
        assert wheel["size"] == path.stat().st_size
    components = json.loads(sbom.read_text())["components"]
    zeta = next(c for c in components if c["name"] == "zeta")
    assert zeta["licenses"] == [{"license": {"id": "ISC"}}]  # the wheel's METADATA


def test_extra_index_gives_what_the_first_lacks(
    index: TestIndex, repo: Path, tmp_path: Path
) -> None:
    from .indexserver import serve_index

    (repo / "upper-constraints.txt").write_text("alpha===2.0\nomega===1.0\n")
    with serve_index(tmp_path / "extra") as extra:
        extra.add("omega", [Release("1.0")])
        extra.add("alpha", [Release("2.0")])  # the first index's files win
        lock = tmp_path / "pylock.toml"
        code = export(
            index, repo, lock, "pylock", "--extra-index-url", extra.simple_url
        )
    assert code == 0
    packages = tomllib.loads(lock.read_text())["packages"]
    assert {p["name"]: p["index"] for p in packages} == {
        "alpha": index.simple_url,
        "omega": extra.simple_url,
    }


def test_no_index_without_find_links_is_usage(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["constraints", "export", "--requirements", str(repo), "--no-index"])
    assert code == 2
    assert "--find-links" in capsys.readouterr().err


@given(st.text())
def test_pylock_strings_read_back(text: str) -> None:
    """Whatever an index puts in a URL or a filename, the TOML reads back."""
    from accord.export.pylock import _marker, _string

    expected = text.encode("utf-8", "replace").decode("utf-8")
    document = f"a = {_string(text)}\nb = {_marker(text)}\n"
    assert tomllib.loads(document) == {"a": expected, "b": expected}
