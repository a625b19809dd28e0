"""Storage: the `Store` facade over a vector index (Chroma) and a keyword index (SQLite FTS5).

`base.py` declares what an index must offer; `chroma.py` and `fts.py` are the implementations.
"""

from assistant.store.facade import CheckReport, Store, StoreError

__all__ = ["CheckReport", "Store", "StoreError"]
