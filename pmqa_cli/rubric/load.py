"""Rubric files on disk: read exactly (a YAML number is the Decimal of its text), checked, and
found by id among the rubrics that ship with pmqa.

A rubric is an input like any other (docs/security.md): checked by ``stat`` before it is
opened (a FIFO or a device such as /dev/zero is refused), read whole within its kind's limits
(:data:`pmqa_cli.core.limits.KIND_LIMITS`: the file's size, and its YAML nodes with every alias
expanded, so a "billion laughs" document of nested aliases is refused before it is built), or
refused with a usage error that names the file, the limit and the variable that raises it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from pmqa_cli.core.errors import UsageError
from pmqa_cli.core.findings import make_finding
from pmqa_cli.core.hashing import sha256_bytes
from pmqa_cli.core.limits import (
    InputKind,
    InputRefusedError,
    Limits,
    limits_for,
    over_limit,
    read_input,
)
from pmqa_cli.rubric.check import check_rubric
from pmqa_cli.rubric.model import Rubric, RubricError, RubricProblem

__all__ = [
    "DEFAULT_RUBRIC_ID",
    "default_rubric_path",
    "load_rubric",
    "resolve_rubric",
    "shipped_rubrics",
]

DEFAULT_RUBRIC_ID = "obec-esao-2567"


_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+][0-9]+)?")


class _ExactLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that a YAML float becomes the Decimal of its text.

    ``0.1`` in a rubric is exactly one tenth: going through a binary float would make it
    0.1000000000000000055511151231257827 before any score is computed.
    """


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    text = str(loader.construct_scalar(node)).replace("_", "")
    if _YAML_FLOAT.fullmatch(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern only admits numbers
            pass
    return loader.construct_yaml_float(node)  # .inf, .nan and 60-base numbers: as YAML says


_ExactLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


def _refused(exc: InputRefusedError) -> UsageError:
    """The usage error for a rubric file pmqa will not read: the finding's own words."""
    finding = make_finding(exc.code, **exc.params)
    return UsageError(
        f"The rubric cannot be used: {finding.message_en}", th=f"ใช้เกณฑ์นี้ไม่ได้: {finding.message_th}"
    )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _expanded_size(root: yaml.Node, cap: int) -> int | None:
    """How many nodes the document has with every alias expanded, counted without expanding
    (each node's size once, by identity); None past ``cap`` or for an alias inside its own
    anchor (endless)."""
    sizes: dict[int, int] = {}
    ancestors: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            ancestors.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > cap:
                return None
        elif key in ancestors:
            return None
        elif key not in sizes:
            ancestors.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in _children(node))
    return sizes[id(root)]


def _parse(file: Path, text: str, limits: Limits) -> Any:
    """The YAML document, built only once its size with aliases expanded is within limits."""
    loader = _ExactLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, limits.max_nodes) is None:
            found = f"> {limits.max_nodes:,}"
            limit = f"{limits.max_nodes:,}"
            raise _refused(over_limit(file, InputKind.RUBRIC, "max_nodes", found, limit))
        return loader.construct_document(node)
    finally:
        loader.dispose()


def load_rubric(path: Path | str | None = None) -> tuple[Rubric, list[RubricProblem]]:
    """Load and check a rubric file (the shipped default when ``path`` is None), whole within
    the rubric's reading limits or refused with a :class:`UsageError`.

    Returns the rubric and its warnings; raises :class:`RubricError` listing every error.
    """
    file = Path(path) if path is not None else default_rubric_path()
    limits = limits_for(InputKind.RUBRIC)
    try:
        raw = read_input(file, InputKind.RUBRIC, limits)
    except InputRefusedError as exc:
        raise _refused(exc) from None
    except OSError as exc:
        problem = RubricProblem(
            "",
            f"cannot read the file: {exc.strerror}",
            th=f"อ่านไฟล์ไม่ได้ ({exc.strerror}) ตรวจชื่อไฟล์และสิทธิ์การอ่าน",
        )
        raise RubricError(str(file), [problem]) from exc
    try:
        data = _parse(file, raw.decode("utf-8-sig"), limits)
    except UnicodeDecodeError:
        problem = RubricProblem(
            "", "the file is not UTF-8 text", th="ไฟล์ไม่ใช่ข้อความ UTF-8 บันทึกใหม่เป็น UTF-8"
        )
        raise RubricError(str(file), [problem]) from None
    except RecursionError:
        problem = RubricProblem(
            "",
            "not valid YAML: nested deeper than any rubric could be",
            th="ไม่ใช่ YAML ที่ใช้ได้: ซ้อนกันลึกเกินกว่าเกณฑ์ใด ๆ จะเป็นได้",
        )
        raise RubricError(str(file), [problem]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        where_th = f"บรรทัด {mark.line + 1} คอลัมน์ {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        quoted = reason.replace("'", "")  # the parser's words, quoted as a whole in Thai
        problem = RubricProblem(
            where,
            f"not valid YAML: {reason}",
            path_th=where_th,
            th=f"ไม่ใช่ YAML ที่ถูกต้อง (ตัวอ่าน YAML แจ้งว่า '{quoted}') "
            "ตรวจการเยื้องบรรทัด เครื่องหมาย : และเครื่องหมายคำพูด",
        )
        raise RubricError(str(file), [problem]) from None
    rubric, problems = check_rubric(data)
    if rubric is None:
        raise RubricError(str(file), problems)
    update = {"sha256": sha256_bytes(raw), "path": str(file.resolve())}
    return rubric.model_copy(update=update), problems


def _rubric_dirs() -> list[Path]:
    here = Path(__file__).resolve().parent.parent
    # Installed wheel: pmqa_cli/rubrics. Source checkout or editable install: ../rubrics.
    return [d for d in (here / "rubrics", here.parent / "rubrics") if d.is_dir()]


def shipped_rubrics() -> list[Path]:
    """The rubric files that ship with pmqa."""
    for directory in _rubric_dirs():
        files = sorted(directory.glob("*.yaml"))
        if files:
            return files
    return []


def _local(name: str) -> Path | None:
    """``rubrics/NAME.yaml`` in the current folder: the copy an analyst edits (README: edit
    the rubric, run pmqa rubric check) is used before the installed one, and every command names
    the file it read."""
    file = Path("rubrics") / f"{name}.yaml"
    return file if file.is_file() else None


def default_rubric_path() -> Path:
    """The rubric used when no ``--rubric`` is given: ``rubrics/obec-esao-2567.yaml`` in the
    current folder when there is one, else the one installed with pmqa."""
    local = _local(DEFAULT_RUBRIC_ID)
    if local is not None:
        return local
    for file in shipped_rubrics():
        if file.stem == DEFAULT_RUBRIC_ID:
            return file
    raise RubricError(
        DEFAULT_RUBRIC_ID,
        [
            RubricProblem(
                "",
                "the shipped rubric is missing from this installation; reinstall pmqa",
                th="ไม่พบเกณฑ์ที่มากับโปรแกรมในการติดตั้งนี้ ติดตั้ง pmqa ใหม่",
            )
        ],
    )


def resolve_rubric(path: Path | None) -> Path | None:
    """A rubric file, or the file of a rubric named by its id (``opdc-pmqa4-24``): the copy in
    ``rubrics/`` of the current folder when there is one, else the one installed with pmqa, so
    an installed pmqa's rubrics are usable without knowing where they were installed. A path
    that exists always wins; anything else is returned as given (loading it says what is
    wrong)."""
    if path is None or path.exists() or path.parent != Path():
        return path
    local = _local(path.name.removesuffix(".yaml"))
    if local is not None:
        return local
    for file in shipped_rubrics():
        if path.name in (file.stem, file.name):
            return file
    return path
