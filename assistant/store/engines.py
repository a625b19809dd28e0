"""Which engine holds documents, keywords, sentences, feeds and duplicates: the SQLite file under `home` (embedded
default) or PostgreSQL when `Settings.database_url` is set. The one place the choice is made."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings
from assistant.store.base import DuplicateTable, FeedTable, KeywordIndex, SentenceAnnotations


@dataclass
class Tables:
    """The store's non-vector parts, all on one engine, and how to close it."""

    keyword: KeywordIndex
    dups: DuplicateTable  # dedup.NearDuplicates or its PostgreSQL subclass
    feeds: FeedTable  # feed_state.FeedState or postgres_feeds.PgFeedState
    sentences: SentenceAnnotations  # sentences.SentenceTable or postgres_sentences.PgSentenceTable
    location: str  # the SQLite file, or the database URL without its password
    close: Callable[[], None]


def open_tables(settings: Settings) -> Tables:
    """Open the configured engine (PostgreSQL migrations are applied here)."""
    if settings.database_url:
        from assistant.store.postgres_db import PgDatabase
        from assistant.store.postgres_dedup import PgNearDuplicates
        from assistant.store.postgres_feeds import PgFeedState
        from assistant.store.postgres_keyword import PgKeywordIndex
        from assistant.store.postgres_sentences import PgSentenceTable

        db = PgDatabase(settings.database_url)
        return Tables(PgKeywordIndex(db), PgNearDuplicates(db), PgFeedState(db), PgSentenceTable(db), db.location, db.close)

    return open_sqlite_tables(settings.sqlite_path)


def open_sqlite_tables(path: Path) -> Tables:
    """Every SQLite part of the store on one file (each creates its tables if the file is new)."""
    from assistant.store.dedup import NearDuplicates
    from assistant.store.feed_state import FeedState
    from assistant.store.fts import SqliteKeywordIndex
    from assistant.store.sentences import SentenceTable

    kw = SqliteKeywordIndex(path)
    return Tables(
        kw,
        NearDuplicates(kw.db, kw.lock),
        FeedState(kw.db, kw.lock),
        SentenceTable(kw.db, kw.lock),
        str(path),
        kw.close,
    )
