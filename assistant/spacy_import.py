"""Import spaCy without the parts the reader never uses: torch (thinc imports it whenever it is installed, 1.3 s on
2 cores) and spaCy's command line (typer, jinja2, weasel: ~0.3 s), which `spacy/__init__.py` imports for `spacy.info`.

Both are hidden only while `import spacy` runs, and only when nothing imported them yet: a process that already has
torch keeps it, and `import spacy.cli` afterwards loads the real command line. If a spaCy version needs more of its
command line at import, the plain import runs instead.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path
from typing import Any


def _cli_stand_ins() -> dict[str, types.ModuleType]:
    spec = importlib.util.find_spec("spacy")
    if spec is None or spec.origin is None:
        return {}
    cli = types.ModuleType("spacy.cli")
    cli.__path__ = [str(Path(spec.origin).parent / "cli")]
    info = types.ModuleType("spacy.cli.info")

    def info_fn(*args: Any, **kwargs: Any) -> Any:
        """`spacy.info`, loading the real command line on first call."""
        from spacy.cli.info import info as real_info

        return real_info(*args, **kwargs)

    info.info = info_fn  # type: ignore[attr-defined]
    return {"spacy.cli": cli, "spacy.cli.info": info}


def import_spacy() -> Any:
    """The spacy module, imported as lightly as this process allows."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    hidden: dict[str, Any] = {} if "torch" in sys.modules else {"torch": None}  # None: `import torch` fails fast
    if "spacy.cli" not in sys.modules:
        hidden.update(_cli_stand_ins())
    sys.modules.update(hidden)
    try:
        import spacy
    except ImportError:
        _drop(hidden)
        for name in [m for m in sys.modules if m == "spacy" or m.startswith("spacy.")]:
            del sys.modules[name]
        import spacy
    finally:
        _drop(hidden)
    return spacy


def _drop(hidden: dict[str, Any]) -> None:
    for name, module in hidden.items():
        if sys.modules.get(name, 0) is module:
            del sys.modules[name]
