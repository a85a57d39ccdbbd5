"""What a lesson needs installed: the base set, the exact pins it declares, what it imports.

Every lesson may import the standard library and the base set (torch, numpy, scikit-learn,
matplotlib, gymnasium) together with whatever installing the base set brings along
(scikit-learn brings threadpoolctl and scipy, matplotlib brings pillow, ...). Anything else
is declared in the lesson's front matter as an exact pin (``requires: ["peft==0.21.2"]``):
the downloaded notebook installs those pins, the execution cache key covers their installed
versions, ``doctor`` compares them with what is installed, and ``check`` refuses an import
that nothing above provides, at the import's line.
"""

from __future__ import annotations

import ast
import importlib.metadata
import shlex
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from packaging.markers import UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from build_tools.problems import Problem

BASE_PACKAGES = ("torch", "numpy", "scikit-learn", "matplotlib", "gymnasium")
# Exceptions whose handlers make an import optional (``try: import google.colab``).
_OPTIONAL = {"ImportError", "ModuleNotFoundError"}


def exact_pin(value: str) -> str:
    """Validate one ``requires:`` entry: a PEP 508 requirement pinned with ``==`` only."""
    try:
        requirement = Requirement(value)
    except InvalidRequirement as exc:
        reason = str(exc).splitlines()[0]
        raise ValueError(f"'{value}' is not a valid requirement: {reason}") from None
    if requirement.url or requirement.marker:
        raise ValueError(f"'{value}' must be a plain pin such as 'name==1.2.3'")
    specifiers = list(requirement.specifier)
    if (
        len(specifiers) != 1
        or specifiers[0].operator != "=="
        or specifiers[0].version.endswith(".*")
    ):
        raise ValueError(f"'{value}' must pin one exact version, such as 'name==1.2.3'")
    if canonicalize_name(requirement.name) in BASE_PACKAGES:
        raise ValueError(
            f"'{requirement.name}' is in the base set every lesson has "
            f"({', '.join(BASE_PACKAGES)}); leave it out of requires"
        )
    return value


@dataclass(frozen=True)
class Pin:
    """A declared requirement: the distribution's canonical name and its pinned version."""

    name: str
    version: str
    text: str

    @classmethod
    def parse(cls, text: str) -> Pin:
        requirement = Requirement(text)
        version = next(iter(requirement.specifier)).version
        return cls(canonicalize_name(requirement.name), version, text)

    def installed(self) -> str | None:
        """The installed version of the distribution, or None when it is not installed."""
        return installed_version(self.name)


def installed_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def install_command(requires: Iterable[str]) -> str:
    """The notebook line that installs ``requires`` (each quoted for the shell ``%pip`` uses)."""
    return "%pip install -q " + " ".join(shlex.quote(text) for text in requires)


@lru_cache(maxsize=1)
def base_distributions() -> frozenset[str]:
    """The base set and everything installing it brings (its installed dependency closure)."""
    found: set[str] = set()
    pending = list(BASE_PACKAGES)
    while pending:
        name = canonicalize_name(pending.pop())
        if name in found:
            continue
        found.add(name)
        try:
            declared = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for text in declared:
            try:
                requirement = Requirement(text)
                # Extras are optional parts nobody asked for; markers are judged here.
                if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                    continue
            except (InvalidRequirement, UndefinedEnvironmentName):
                continue
            pending.append(requirement.name)
    return frozenset(found)


@dataclass(frozen=True)
class ImportSite:
    """A top-level module imported by absolute import, where, and whether it is optional."""

    module: str
    line: int
    col: int
    optional: bool


def _optional_handlers(node: ast.Try) -> bool:
    for handler in node.handlers:
        caught = handler.type
        names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
        if any(isinstance(n, ast.Name) and n.id in _OPTIONAL for n in names):
            return True
    return False


def import_sites(tree: ast.AST) -> Iterator[ImportSite]:
    """Every absolute import in ``tree`` (relative imports name no distribution)."""

    def visit(node: ast.AST, optional: bool) -> Iterator[ImportSite]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield ImportSite(
                    alias.name.split(".")[0], node.lineno, node.col_offset + 1, optional
                )
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield ImportSite(node.module.split(".")[0], node.lineno, node.col_offset + 1, optional)
        guarded = isinstance(node, ast.Try) and _optional_handlers(node)
        for name, value in ast.iter_fields(node):
            children = value if isinstance(value, list) else [value]
            inner = optional or (guarded and name == "body")
            for child in children:
                if isinstance(child, ast.AST):
                    yield from visit(child, inner)

    yield from visit(tree, False)


def import_problems(
    path: Path,
    shown: str,
    requires: Iterable[str],
    modules: dict[str, tuple[str, ...]],
) -> list[Problem]:
    """Imports of ``path`` that neither the standard library, the base set nor ``requires``
    provides. ``modules`` maps top-level module names to the distributions providing them
    (``importlib.metadata.packages_distributions()``)."""
    try:
        tree = ast.parse(path.read_bytes(), filename=shown)
    except SyntaxError:
        return []  # the lesson's run reports it, at its line
    declared = {Pin.parse(text).name for text in requires}
    allowed = base_distributions() | declared
    problems, seen = [], set()
    for site in import_sites(tree):
        module = site.module
        if site.optional or module in sys.stdlib_module_names or module in seen:
            continue
        providers = {canonicalize_name(d) for d in modules.get(module, ())}
        if providers & allowed or (not providers and canonicalize_name(module) in declared):
            continue
        seen.add(module)
        if providers:
            names = " or ".join(sorted(providers))
            message = (
                f"'{module}' comes from {names}, which is neither in the base set "
                f"({', '.join(BASE_PACKAGES)}) nor in this lesson's requires: declare it "
                f'as an exact pin, such as requires: ["{sorted(providers)[0]}=='
                f'{installed_version(sorted(providers)[0]) or "VERSION"}"]'
            )
        else:
            message = (
                f"'{module}' is not installed and not the standard library: declare the "
                "package that provides it in requires (an exact pin) and install it"
            )
        problems.append(Problem(shown, site.line, site.col, message))
    return problems
