"""A PostgreSQL connection pool (psycopg 3) with the schema migrations of `store/migrations/*.sql` applied at start."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any
from urllib.parse import urlparse

from assistant.store.base import StoreError

MIGRATION_LOCK = 0x61737369  # pg_advisory_lock key: one process migrates at a time ("assi")
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migrations() -> list[tuple[str, str]]:
    """(version, SQL) of every shipped migration, in order; the version is the file name without `.sql`."""
    folder = resources.files("assistant.store") / "migrations"
    names = sorted(p.name for p in folder.iterdir() if _NAME.match(p.name))
    return [(name.removesuffix(".sql"), (folder / name).read_text(encoding="utf-8")) for name in names]


def _redact(url: str) -> str:
    parts = urlparse(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


class PgDatabase:
    """A pool of connections to `url`; `connection()` lends one inside a transaction (committed on leaving)."""

    def __init__(self, url: str, max_size: int = 8) -> None:
        if urlparse(url).scheme not in ("postgresql", "postgres"):
            raise StoreError(f"ASSISTANT_DATABASE_URL {_redact(url)!r} is not a URL like postgresql://user@host:5432/db")
        try:
            import psycopg
            from psycopg_pool import ConnectionPool
        except ImportError:
            raise StoreError(
                "ASSISTANT_DATABASE_URL is set but psycopg is not installed: pip install 'diplomacy-assistant[postgres]'"
            ) from None
        self.location = _redact(url)
        self._errors = psycopg.Error
        try:  # one direct connection first: a wrong host, port, password or database fails now, with libpq's reason
            psycopg.connect(url, connect_timeout=10).close()
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"cannot reach PostgreSQL at {self.location}: {reason}") from None
        self.pool = ConnectionPool(url, min_size=1, max_size=max_size, open=False, name="assistant")
        try:
            self.pool.open(wait=True, timeout=30)
        except Exception as exc:  # noqa: BLE001 - psycopg_pool raises PoolTimeout after logging the libpq error
            self.pool.close()
            raise StoreError(f"cannot open a connection pool to PostgreSQL at {self.location}: {exc}") from None
        try:
            self.applied = self.migrate()
        except Exception:
            self.pool.close()
            raise

    def connection(self) -> Any:
        """A pooled connection as a context manager: one transaction, committed or rolled back on exit."""
        return self.pool.connection()

    def migrate(self) -> list[str]:
        """Apply the migrations not yet recorded in `schema_migrations`, each in its own transaction, under an
        advisory lock so that app servers starting together do not race; returns the versions applied now."""
        done: list[str] = []
        with self.pool.connection() as conn:
            conn.autocommit = True
            conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
            try:
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations(version text PRIMARY KEY, applied_at timestamptz"
                    " NOT NULL DEFAULT now())"
                )
                have = {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}
                for version, sql in migrations():
                    if version in have:
                        continue
                    try:
                        with conn.transaction():
                            conn.execute(sql)
                            conn.execute("INSERT INTO schema_migrations(version) VALUES (%s)", (version,))
                    except self._errors as exc:
                        raise StoreError(f"migration {version}.sql failed on {self.location}: {exc}") from None
                    done.append(version)
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
                conn.autocommit = False
        return done

    def close(self) -> None:
        """Close every pooled connection."""
        self.pool.close()
