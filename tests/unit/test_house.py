"""The house keeps its shape: one folder per mechanism, the plugin API at the bottom, no circle of imports.

The graph is read from the ``ast`` of every module of the core: every import counts, those under
``if TYPE_CHECKING:`` and inside functions too. README.md's layout map and CONTRIBUTING.md describe
the folders in the order ``FLOORS`` gives.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "ccellkernel"
# bottom to top: a folder imports only folders before it in this list (and itself)
FLOORS = ("api", "toolkit", "run", "builds", "live", "assist", "notebook", "jupyter")
OLD_PATHS = ("toolchain", "gnu")  # deprecated forwards to api.toolchain and toolkit.gnu
MAX_MODULES = 14
PACKAGES = {"ccellkernel", *(f"ccellkernel.{floor}" for floor in FLOORS)}
PLUGINS = [ROOT / "toolchains" / name for name in ("ccell_c", "ccell_go", "ccell_rust")] + [
    ROOT / "examples" / "ccell-cpp" / "ccell_cpp"
]


def module_name(path: Path, top: Path) -> str:
    parts = path.relative_to(top.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, top: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module) of every import in the file, resolved against the package ``top``."""
    name = module_name(path, top)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            for alias in node.names:
                yield node.lineno, f"{module}.{alias.name}"  # a module or a name in one


def core_graph() -> dict[str, set[str]]:
    """Module -> the core modules it imports (a name imported from a module counts as that module)."""
    modules = {module_name(p, CORE): p for p in CORE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        for _, target in imports(path, CORE):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name and target.startswith("ccellkernel."):
                found.add(target)
        graph[name] = found
    return graph


def floor(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in FLOORS) else None


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One circle of imports, if there is one."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_no_circle_of_imports_in_the_core() -> None:
    graph = core_graph()
    assert len(graph) > 40  # the walk found the modules
    # a package's __init__ re-exporting its own modules is not a circle between them
    edges = {
        module: {t for t in targets if not (module in PACKAGES and t.rpartition(".")[0] == module)}
        for module, targets in graph.items()
    }
    assert cycle(edges) is None, " -> ".join(cycle(edges) or [])




def test_the_cycle_finder_finds_one() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) is None


def test_each_folder_imports_only_the_floors_below_it() -> None:
    wrong = []
    for module, targets in core_graph().items():
        here = floor(module)
        if here is None:
            continue
        for target in targets:
            there = floor(target)
            if there is None or FLOORS.index(there) > FLOORS.index(here):
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_every_module_of_the_core_is_in_a_floor() -> None:
    top = sorted(p.name for p in CORE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "_moved.py", *(f"{n}.py" for n in sorted(OLD_PATHS))]
    folders = sorted(p.name for p in CORE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert folders == sorted(FLOORS)


@pytest.mark.parametrize("folder", FLOORS)
def test_no_folder_holds_more_than_fourteen_modules(folder: str) -> None:
    modules = [p for p in (CORE / folder).glob("*.py") if p.name != "__init__.py"]
    assert 0 < len(modules) <= MAX_MODULES


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_a_plugin_imports_only_the_api_and_the_toolkit(plugin: Path) -> None:
    wrong = []
    for path in plugin.rglob("*.py"):
        for line, target in imports(path, plugin):
            documented = target.startswith(("ccellkernel.api", "ccellkernel.toolkit"))
            if target.startswith("ccellkernel") and not documented:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {target}")
    assert wrong == []


def folder_imports() -> dict[str, set[str]]:
    """Floor -> the other floors its modules import."""
    found: dict[str, set[str]] = {folder: set() for folder in FLOORS}
    for module, targets in core_graph().items():
        here = floor(module)
        for target in targets:
            there = floor(target)
            if here is not None and there is not None and there != here:
                found[here].add(there)
    return found


def readme_map() -> dict[str, set[str]]:
    """Floor -> what README.md's layout map says it imports (its column ``imports``), in map order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("```text\nfolder ") + len("```text\n") :]
    header, *lines = block[: block.index("```")].splitlines()
    column = header.index("imports")
    said: dict[str, set[str]] = {}
    for line in lines:
        if line.startswith("ccellkernel/"):
            current = line.split("/")[1]
            said[current] = set()
        said[current] |= {word.strip() for word in line[column:].split(",") if word.strip() in FLOORS}
    return said


def test_the_readme_map_names_every_folder_in_order_with_what_it_imports() -> None:
    said = readme_map()
    assert list(said) == list(FLOORS)
    assert said == folder_imports()



def test_the_old_plugin_paths_import_and_warn_once_naming_the_new_one() -> None:
    """A plugin written against ``ccellkernel.toolchain`` and ``ccellkernel.gnu`` keeps working for one
    release; each old module warns once, at the plugin's own import line."""
    code = textwrap.dedent(
        """
        import json, warnings
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            from ccellkernel.toolchain import BuildContext, Toolchain
            from ccellkernel.toolchain import BuildResult
            from ccellkernel.gnu import find_compiler, make_project
        import ccellkernel.api.build, ccellkernel.toolkit.gnu
        assert Toolchain is ccellkernel.api.Toolchain and BuildContext is ccellkernel.api.build.BuildContext
        assert find_compiler is ccellkernel.toolkit.gnu.find_compiler
        try:
            from ccellkernel.toolchain import NoSuchName
        except ImportError as err:
            missing = str(err)
        print(json.dumps({"warned": [[w.category.__name__, str(w.message), w.lineno] for w in caught],
                          "missing": missing}))
        """
    )
    argv = [sys.executable, "-c", code]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True)
    found = json.loads(done.stdout)
    assert found["warned"] == [
        ["DeprecationWarning", "ccellkernel.toolchain is deprecated and goes in the next release: "
         "import from ccellkernel.api.toolchain", 5],
        ["DeprecationWarning", "ccellkernel.gnu is deprecated and goes in the next release: "
         "import from ccellkernel.toolkit.gnu", 7],
    ]
    assert "NoSuchName" in found["missing"]


def test_the_plugin_guide_names_every_module_a_plugin_imports() -> None:
    """``docs/writing-a-toolchain.md`` names the surface the plugins use, and names no module that is
    not in the API or the toolkit."""
    guide = (ROOT / "docs" / "writing-a-toolchain.md").read_text(encoding="utf-8")
    modules = {module_name(p, CORE) for p in CORE.rglob("*.py")}
    used = set()
    for plugin in PLUGINS:
        for path in plugin.rglob("*.py"):
            for _, target in imports(path, plugin):
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target.startswith("ccellkernel."):
                    used.add(target)
    assert used, "the plugins import ccellkernel"
    unnamed = sorted(m for m in used if f"`{m}`" not in guide)
    assert unnamed == []
    named = set(re.findall(r"`(ccellkernel\.(?:api|toolkit)\.\w+)`", guide))
    assert named <= modules, named - modules
