"""The engine's shape, read from its source: no import circle in lab/, no Streamlit outside lab/ui/,
and no trainer that depends on the thread that runs it (lab.runner)."""

import ast
from pathlib import Path

import pytest

LAB = Path(__file__).resolve().parents[2] / "lab"


def _module(path: Path) -> str:
    return ".".join(path.relative_to(LAB.parent).with_suffix("").parts).removesuffix(".__init__")


def _imports(path: Path) -> set[str]:
    """The modules `path` imports, a `from package import module` counted as the module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


GRAPH = {_module(p): _imports(p) for p in LAB.rglob("*.py")}


def _circle_from(start: str) -> list[str] | None:
    """An import path from `start` back to itself within lab/, if there is one."""
    stack, seen = [(start, [start])], set()
    while stack:
        module, path = stack.pop()
        for target in GRAPH.get(module, ()):
            if target == start:
                return [*path, start]
            if target in GRAPH and target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_import_circle(module):
    assert _circle_from(module) is None, " -> ".join(_circle_from(module))


def test_the_check_finds_a_circle():
    GRAPH["lab.fake_a"], GRAPH["lab.fake_b"] = {"lab.fake_b"}, {"lab.fake_a"}
    try:
        assert _circle_from("lab.fake_a") == ["lab.fake_a", "lab.fake_b", "lab.fake_a"]
    finally:
        del GRAPH["lab.fake_a"], GRAPH["lab.fake_b"]


def test_streamlit_only_in_lab_ui_and_no_trainer_imports_the_runner():
    streamlit = sorted(
        m for m, imports in GRAPH.items() if "streamlit" in imports and not m.startswith("lab.ui")
    )
    assert not streamlit, streamlit
    engine = ("lab.gan", "lab.vae", "lab.semi", "lab.density_estimation")
    runner = sorted(m for m, imports in GRAPH.items() if m.startswith(engine) and "lab.runner" in imports)
    assert not runner, runner
