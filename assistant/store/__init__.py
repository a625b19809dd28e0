"""Storage: the `Store` facade over a vector index (Chroma) and a keyword index (SQLite FTS5).

`base.py` declares what an index must offer; `chroma.py` and `fts.py` are the implementations, `postgres_*.py` the
PostgreSQL ones for several machines (`engines.py` picks SQLite or PostgreSQL).
"""

from assistant.store.facade import CheckReport, Store, StoreError

__all__ = ["CheckReport", "Store", "StoreError"]
