"""The apps depend on each other one way: a test walks every app's imports and templates and fails on a cycle.

An app reaches one that depends on it only through a setting naming a function
(settings.SIGNATURE_SCREEN, HOME_SECTIONS, ..._EXTRAS, ORGANIZER_RECIPIENTS), never by importing it.
README's "What is where" draws the graph this test keeps.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

from django.apps import apps
from django.conf import settings

BASE = Path(settings.BASE_DIR)
OURS = {
    config.name: Path(config.path)
    for config in apps.get_app_configs()
    if Path(config.path) == BASE / config.name  # ours: a folder of the project (not a library in .venv)
}
TEMPLATE_USE = re.compile(r"""{%\s*(?:include|extends)\s+["']([a-z_]+)/|{%\s*load\s+([^%]+)%}""")


def _skipped(path: Path) -> bool:
    return bool({"tests", "migrations"} & set(path.parts))


def _tag_libraries() -> dict[str, str]:
    return {lib.stem: app for app, root in OURS.items() for lib in root.glob("templatetags/*.py") if lib.stem != "__init__"}


def dependencies() -> dict[str, dict[str, set[str]]]:
    """{app: {app it uses: {the files that use it}}}, from Python imports and template tags and includes."""
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    libraries = _tag_libraries()
    for app, root in OURS.items():
        for path in root.rglob("*.py"):
            if _skipped(path.relative_to(root)):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    used = name.split(".")[0]
                    if used in OURS and used != app:
                        found[app][used].add(str(path.relative_to(BASE)))
        for path in root.rglob("templates/**/*"):
            if not path.is_file() or _skipped(path.relative_to(root)):
                continue
            for included, loaded in TEMPLATE_USE.findall(path.read_text(errors="replace")):
                for used in [included, *(libraries.get(lib) for lib in loaded.split())]:
                    if used in OURS and used != app:
                        found[app][used].add(str(path.relative_to(BASE)))
    return found


def cycles(graph) -> list[list[str]]:
    """The groups of apps that depend on each other, round a loop (Tarjan's strongly connected components)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(OURS):
        if node not in index:
            visit(node)
    return groups


def test_no_two_apps_depend_on_each_other():
    graph = dependencies()
    loops = cycles(graph)
    detail = [
        f"{a} -> {b}: {sorted(graph[a][b])}" for group in loops for a in group for b in group if b in graph.get(a, {})
    ]
    assert not loops, "apps that import each other, round a loop:\n" + "\n".join(detail)


def test_the_cycle_finder_finds_a_loop():
    assert cycles({"signatures": {"defence": set()}, "defence": {"signatures": set()}}) == [["defence", "signatures"]]
    assert cycles({"signatures": {"core": set()}, "defence": {"signatures": set()}}) == []


def test_core_uses_no_other_app():
    assert not dict(dependencies().get("core", {}))
