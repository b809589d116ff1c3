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


WIDGETS = {"radio", "tabs", "selectbox", "select_slider", "slider", "toggle", "number_input"}


def _strings(node: ast.AST) -> set[str]:
    """The string constants in `node`, the pieces of f-strings aside."""
    pieces = {id(v) for n in ast.walk(node) if isinstance(n, ast.JoinedStr) for v in n.values}
    return {
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in pieces
    }


def _widget_labels(path: Path) -> set[str]:
    """The labels a page or lab/ui module gives its controls (`link.<widget>(...)`): the label, the
    options and the names they are shown by, where written in the call or in a module-level table
    the call names (`format_func=STARTS.get`)."""
    tree = ast.parse(path.read_text())
    tables = {
        target.id: _strings(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    labels: set[str] = set()
    for call in ast.walk(tree):
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "link"
            and call.func.attr in WIDGETS
        ):
            continue
        parts = [*call.args, *(k.value for k in call.keywords if k.arg in ("format_func", "options"))]
        for part in parts:
            labels |= _strings(part)
            labels |= {s for n in ast.walk(part) if isinstance(n, ast.Name) for s in tables.get(n.id, ())}
    return labels


def _engine_strings() -> dict[str, set[str]]:
    """Every string constant of lab/ outside lab/ui/, docstrings aside, by module."""
    found = {}
    for path in LAB.rglob("*.py"):
        if "ui" in path.relative_to(LAB).parts:
            continue
        tree = ast.parse(path.read_text())
        docs = {
            node.body[0].value.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        found[_module(path)] = {
            n.value
            for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
        }
    return found


def test_no_control_label_of_a_page_is_written_in_the_engine():
    """A scenario sets controls by their values (`"far_apart"`), never by what the page shows
    (`"Far apart (disjoint supports)"`): the engine holds no page's label, so a page can reword one
    without breaking a scenario. Labels of one word or two are names (`"adam"`, `"moons"`), and a
    formula (`"p_G = p_data"`) is the lecture's notation, which the engine writes too."""
    sources = [*(LAB.parent / "pages").glob("*.py"), *(LAB / "ui").glob("*.py")]
    labels = {s for path in sources for s in _widget_labels(path) if len(s.split()) > 2 and " = " not in s}
    assert "Far apart (disjoint supports)" in labels and "Side by side, live" in labels  # the check sees them
    written = {module: sorted(strings & labels) for module, strings in _engine_strings().items()}
    assert {module: found for module, found in written.items() if found} == {}
