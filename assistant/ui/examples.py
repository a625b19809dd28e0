"""Example questions for the empty chat, made from the indexed titles (nothing hard-coded) and phrased as a person
asks them: a readout "Readout of President Biden's Call with Prime Minister Kishida of Japan" gives "What did
President Biden and Prime Minister Kishida discuss?" or "Who did President Biden call in March 2024?"; "X visits Y"
gives "Who did X meet in Y?"; "X meets Y" gives "What did X and Y discuss?". Readouts come from the last year of the
index, one leader after another. The UI keeps only the examples the assistant answers (`AssistantUI.examples`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable

_READOUT = re.compile(
    r"^readout of (?P<who>.+?)[’']s? (?:virtual |phone |video )?(?P<kind>calls?|meetings?|pull aside) with (?P<whom>.+)$", re.I
)
_NAME = r"[A-Z][\w.’'-]+(?: [A-Z][\w.’'-]+){0,3}"  # up to four capitalised words
_VISITS = re.compile(rf"^(?P<who>{_NAME}) visits (?P<where>[A-Z][\w’'-]+(?: [A-Z][\w’'-]+)?)\b")
_MEETS = re.compile(rf"^(?P<who>{_NAME}) (?:meets|meets with|hosts) (?P<whom>{_NAME})")
_OF_PLACE = re.compile(r",? of (?:the )?[A-Z].*$")
_HONORIFIC = re.compile(r"^(?:his|her) (?:majesty|highness|excellency) ", re.I)
MAX_NAME = 45  # a name longer than this is a list of officials, not a person
LAST_YEAR = 366  # readouts within this many days of the newest one


def _person(text: str) -> str | None:
    """'His Majesty King Abdullah II of Jordan' -> 'King Abdullah II'; None for lists and long descriptions."""
    name = _HONORIFIC.sub("", _OF_PLACE.sub("", " ".join(text.split()).rstrip(" ."))).strip()
    if not name or len(name) > MAX_NAME or "," in name or " and " in name or not name[0].isupper():
        return None
    return name


def _month(date: str | None) -> str | None:
    try:
        return dt.date.fromisoformat((date or "")[:10]).strftime("%B %Y")
    except ValueError:
        return None


def questions_from_title(title: str, date: str | None = None) -> list[str]:
    """Questions the article with this title answers, best first; [] when the title fits no pattern."""
    title = " ".join((title or "").split())
    if m := _READOUT.match(title):
        who, whom, month = _person(m["who"]), _person(m["whom"]), _month(date)
        if not who or not whom:
            return []
        verb = "call" if m["kind"].lower().startswith("call") else "meet"
        out = [f"What did {who} and {whom} discuss?"]
        return out + ([f"Who did {who} {verb} in {month}?"] if month else [])
    if m := _VISITS.match(title):
        return [f"Who did {m['who']} meet in {m['where']}?"]
    if m := _MEETS.match(title):
        return [f"What did {m['who']} and {m['whom']} discuss?"]
    return []


def _recent_readouts(docs: list[dict]) -> list[dict]:
    """Readouts dated within a year of the newest readout (the "last year" of the index)."""
    dated = [d for d in docs if _READOUT.match(d.get("title") or "") and _month(d.get("date"))]
    if not dated:
        return []
    newest = max(dt.date.fromisoformat(d["date"][:10]) for d in dated)
    return [d for d in dated if (newest - dt.date.fromisoformat(d["date"][:10])).days <= LAST_YEAR]


def candidate_questions(documents: Iterable[dict]) -> list[str]:
    """Every example question the titles give (documents newest first): recent readouts one leader after another
    (asking what they discussed and whom they met, in turn), then other titles."""
    docs = list(documents)
    by_leader: dict[str, list[str]] = {}
    for n, d in enumerate(_recent_readouts(docs)):
        qs = questions_from_title(d["title"], d.get("date"))
        if qs:
            leader = _person(_READOUT.match(d["title"])["who"]) or ""  # type: ignore[index]
            by_leader.setdefault(leader, []).append(qs[n % len(qs)])  # alternate the two kinds of question
    out: list[str] = []
    queues = list(by_leader.values())
    while any(queues):
        for queue in queues:
            if queue:
                out.append(queue.pop(0))
    for d in docs:
        if not _READOUT.match(d.get("title") or ""):
            out += questions_from_title(d.get("title") or "", d.get("date"))
    return list(dict.fromkeys(out))


def example_questions(documents: Iterable[dict], answered: Callable[[str], bool], n: int = 5, tries: int = 20) -> list[str]:
    """Up to n candidate questions that `answered` accepts (the assistant answers them, not refuses), trying at most
    `tries` candidates so start-up stays quick."""
    out: list[str] = []
    for q in candidate_questions(documents)[:tries]:
        if answered(q):
            out.append(q)
            if len(out) == n:
                break
    return out
