"""The layers of docs/architecture.md, checked on the source: every `import` of the assistant package (module level,
inside functions, under TYPE_CHECKING; relative ones resolved) goes to the module's own layer or to one it may use,
and no group of modules imports each other in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "assistant"

# Each layer: the paths under assistant/ it holds ("x.py" one module, "x/" a folder) and the layers it may import
# besides itself. Lowest first; a path not named here is an error, so a new module is placed on purpose.
LAYERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # Shared by every stage: the data types, errors, settings, text rules (stop words, sentences, dates), the
    # tokenizer, the Embedder interface, spaCy. Imports nothing else of the assistant.
    "shared": (
        (
            "documents.py",
            "errors.py",
            "settings.py",
            "text.py",
            "tokens.py",
            "embedder.py",
            "nlp.py",
            "spacy_import.py",
        ),
        (),
    ),
    # Files, pages and feeds -> Article -> Chunk. Knows nothing of where they are stored.
    "ingest": (("ingest/",), ("shared",)),
    # Documents, chunks, vectors, sentences, feeds, near-duplicates; the Store facade. Knows nothing of ingest.
    "store": (("store/",), ("shared",)),
    # Question -> passages through the Store facade; the embedders.
    "retrieval": (("retrieval/",), ("shared", "store")),
    # Passages -> Draft: the extractive reader, the LLM answerers, claims, follow-ups. Knows no store or retriever.
    "answer": (("answer/",), ("shared",)),
    # Wires the stages: the question's chain, the indexer (chunk, embed, write), feedback, citation lookup.
    "pipeline": (
        ("pipeline.py", "stages.py", "indexer.py", "feedback.py", "lookup/"),
        ("shared", "ingest", "store", "retrieval", "answer"),
    ),
    # What people use: the command line, the web UI, the evaluation, the package's lazy public names.
    "interfaces": (
        ("cli/", "ui/", "evaluation/", "__init__.py"),
        ("shared", "ingest", "store", "retrieval", "answer", "pipeline"),
    ),
}


def layer_of(path: Path) -> str | None:
    """The layer a source file belongs to: its file named in LAYERS, else the deepest folder named there."""
    rel = path.relative_to(PACKAGE).as_posix()
    best, depth = None, -1
    for layer, (paths, _) in LAYERS.items():
        for p in paths:
            if rel == p or (p.endswith("/") and rel.startswith(p) and len(p) > depth):
                best, depth = layer, (10**6 if rel == p else len(p))
    return best


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(name: str, modules: set[str]) -> str | None:
    """The module `name` loads: itself, else its nearest enclosing package in the assistant."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def imports_in(source: str, own: str, is_package: bool, modules: set[str]) -> list[tuple[int, str]]:
    """(line, module) for every import of an assistant module in the source of module `own`."""
    package = own if is_package else own.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                head = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*head, *([base] if base else [])])
            # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod
            found += [(node.lineno, f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base) for a in node.names]
    out = []
    for line, name in found:
        if name.split(".")[0] == "assistant" and (target := _resolve(name, modules)) and target != own:
            out.append((line, target))
    return sorted(set(out))


def import_graph() -> tuple[dict[str, Path], dict[str, list[tuple[int, str]]]]:
    files = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
    modules = set(files)
    graph = {m: imports_in(p.read_text(encoding="utf-8"), m, p.name == "__init__.py", modules) for m, p in files.items()}
    return files, graph


def cycles(graph: dict[str, list[tuple[int, str]]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for _, w in graph.get(v, []):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def forbidden_imports() -> list[str]:
    files, graph = import_graph()
    layer = {m: layer_of(p) for m, p in files.items()}
    out = []
    for m, edges in sorted(graph.items()):
        mine = layer[m]
        for line, target in edges:
            theirs = layer[target]
            if mine and theirs and theirs != mine and theirs not in LAYERS[mine][1]:
                out.append(f"{files[m].relative_to(ROOT)}:{line} ({mine}) imports {target} ({theirs})")
    return out


def test_every_module_has_a_layer():
    unplaced = [str(p.relative_to(ROOT)) for p in sorted(PACKAGE.rglob("*.py")) if layer_of(p) is None]
    assert unplaced == [], "add these to LAYERS in tests/test_imports.py"


def test_the_layer_table_is_one_way():
    for name, (_, allowed) in LAYERS.items():
        lower = list(LAYERS)[: list(LAYERS).index(name)]
        assert set(allowed) <= set(lower), f"{name} may only import layers listed before it"


def test_no_module_imports_a_layer_it_may_not_use():
    found = forbidden_imports()
    assert found == [], "\n".join(["imports against the layers (tests/test_imports.py LAYERS):", *found])


def test_no_import_cycles():
    _, graph = import_graph()
    found = cycles(graph)
    assert found == [], "\n".join(["modules that import each other in a circle:", *(" <-> ".join(c) for c in found)])


def test_the_graph_sees_every_kind_of_import():
    src = (
        "from __future__ import annotations\nfrom typing import TYPE_CHECKING\nimport assistant.errors\n"
        "from . import settings\nfrom .documents import Article\nfrom .ingest.parse import parse_path\n"
        "if TYPE_CHECKING:\n    from assistant.store.facade import Store\n"
        "def f():\n    from assistant.ingest import dedup\n    import numpy\n"
    )
    modules = {"assistant", "assistant.errors", "assistant.settings", "assistant.documents", "assistant.store.facade"}
    modules |= {"assistant.store", "assistant.ingest", "assistant.ingest.parse", "assistant.ingest.dedup"}
    found = sorted(t for _, t in imports_in(src, "assistant.probe", False, modules))
    assert found == [
        "assistant.documents",
        "assistant.errors",
        "assistant.ingest.dedup",
        "assistant.ingest.parse",
        "assistant.settings",
        "assistant.store.facade",
    ]
    relative = imports_in("from ..base import X\nfrom . import fts\n", "assistant.store.sub", True, {"assistant.store.base"})
    assert [t for _, t in relative] == ["assistant.store.base"]
    assert cycles({"a": [(1, "b")], "b": [(1, "c")], "c": [(1, "a")], "d": [(1, "a")]}) == [["a", "b", "c"]]
