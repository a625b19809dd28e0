"""`assistant feedback list|export`: the answer feedback given in the web UI, as evaluation cases."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.cli.app import _settings, main


def _store(ctx: click.Context):
    from assistant.feedback import FeedbackStore

    return FeedbackStore(_settings(ctx).feedback_path)


@main.group()
def feedback() -> None:
    """Feedback on answers given in the web UI (stored in feedback.jsonl in the data directory)."""


@feedback.command("list")
@click.pass_context
def list_cmd(ctx: click.Context) -> None:
    """One line per feedback: when, verdict, question, and the expected answer (or why it is not scored) and the
    user's comment, if any."""
    store = _store(ctx.find_root())
    items = store.read()
    if not items:
        click.echo(f"no feedback yet ({store.path})")
        return
    for f in items:
        expected = f"expects: {f.answers[0]}" if f.scored else "not scored: no correction given"
        click.echo(f"{f.created[:19]}  {f.verdict:<4}  {f.id}  {f.question}\n      {expected}")
        if f.comment:
            click.echo(f"      comment: {f.comment}")
    scored = sum(f.scored for f in items)
    click.echo(f"{len(items)} feedback, {scored} scorable (assistant eval --set feedback), {store.path}")


@feedback.command("export")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of standard output.")
@click.option("--all", "everything", is_flag=True, help="Whole records (answer given, citations, verdict), not only cases.")
@click.pass_context
def export_cmd(ctx: click.Context, out: Path | None, everything: bool) -> None:
    """The scorable feedback as evaluation questions (the format of evals/dev.jsonl), one JSON object per line."""
    from dataclasses import asdict

    store = _store(ctx.find_root())
    items = store.read()
    rows = [asdict(f) for f in items] if everything else [f.case() for f in items if f.scored]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if out:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote {len(rows)} cases to {out}", err=True)
    else:
        click.echo(text, nl=False)
