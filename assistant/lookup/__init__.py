"""Citation lookup: from a quote or a claim to the exact sentences that state it, earliest publication first."""

from assistant.lookup.checker import ClaimChecker, OverlapChecker
from assistant.lookup.lookup import CitationLookup
from assistant.lookup.types import CiteResult, Hit, SentenceLookup, Source, WordDiff
from assistant.lookup.validate import LookupInputError

__all__ = [
    "CitationLookup",
    "CiteResult",
    "ClaimChecker",
    "Hit",
    "LookupInputError",
    "OverlapChecker",
    "SentenceLookup",
    "Source",
    "WordDiff",
]
