"""`assistant eval`: index the corpus and score the evaluation set (the runner is `assistant.evaluation`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from assistant.cli.app import _option_given, _pipeline, _repo_file, _set_option, _settings, main


def _question_sets(split: str, qset: Path | None) -> list[Path]:
    """The question files to score: `--set`, or the split's files in the repository's evals/."""
    if qset:
        return [qset]
    names = ["dev", "test"] if split == "all" else [split]
    paths = [_repo_file(f"evals/{name}.jsonl") for name in names]
    if None in paths:
        raise click.ClickException(f"evals/{split}.jsonl not found: run from a checkout of the repository or give --set FILE")
    return [p for p in paths if p]


FEEDBACK = "feedback"


def _question_file(qset: str | None) -> Path | None:
    if qset is None:
        return None
    path = Path(qset)
    if not path.is_file():
        raise click.BadParameter(f"{qset} is not a file (or `feedback`)", param_hint="--set")
    return path


def _feedback_cases(settings) -> list[dict]:
    """The UI's feedback as evaluation cases; feedback that cannot be scored is listed on stderr."""
    from assistant.feedback import FeedbackStore

    cases, unscored = FeedbackStore(settings.feedback_path).cases()
    for f in unscored:
        click.echo(f"not scored (thumbs down without a correction): {f.id} {f.question}", err=True)
    if not cases:
        raise click.ClickException(f"no scorable feedback in {settings.feedback_path}")
    click.echo(f"{len(cases)} feedback cases from {settings.feedback_path}, {len(unscored)} not scored", err=True)
    return cases


@main.command("eval")
@click.option(
    "--split",
    type=click.Choice(["dev", "test", "all"]),
    default="test",
    show_default=True,
    help="Question set from evals/: dev (tune here), test (report only), all.",
)
@click.option("--set", "qset", help="Another question file, `feedback` (the UI's answer feedback) or `cite` (citation lookup).")
@click.option("--config", "configs", multiple=True, help="Variant to run (repeatable): hybrid, dense, bm25, llm (needs --llm).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("evals/out"), show_default=True)
@click.option(
    "--corpus",
    "corpora",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="What to index first [default: the repository's corpus/].",
)
@click.option("--limit", type=int, help="Only the first N questions (a quick look).")
@click.pass_context
def eval_cmd(ctx, split: str, qset: str | None, configs, out: Path, corpora, limit) -> None:
    """Score answers on an evaluation set; write report.md, report.json and metrics.png.

    The index is built in a temporary directory unless --home is given (then it is reused: unchanged articles are
    skipped), so an evaluation never writes into your ASSISTANT_HOME.
    """
    import tempfile

    from tqdm import tqdm

    from assistant.evaluation.report import write_report
    from assistant.evaluation.runner import parse_config, run_eval
    from assistant.indexer import index_articles
    from assistant.ingest.parse import parse_path

    if not corpora:
        found = _repo_file("corpus")
        if not found:
            raise click.ClickException("corpus/ not found: run from a checkout of the repository or give --corpus PATH")
        corpora = (found,)
    if qset == "cite":  # citation lookup's own set and metrics (cli/cite_command.py)
        from assistant.cli.cite_command import run_cite_eval

        return run_cite_eval(ctx, split, corpora, out, limit)
    feedback = _feedback_cases(_settings(ctx)) if qset == FEEDBACK else None
    paths = [Path(FEEDBACK)] if feedback is not None else _question_sets(split, _question_file(qset))
    if not _option_given(ctx, "home"):
        tmp = tempfile.TemporaryDirectory(prefix="assistant-eval-")
        ctx.call_on_close(tmp.cleanup)
        _set_option(ctx, "home", Path(tmp.name))
        click.echo(f"indexing into a temporary directory {tmp.name} (give --home DIR to keep and reuse it)", err=True)
    qset = paths[0] if len(paths) == 1 else Path(split)
    settings = _settings(ctx)
    try:
        default = ("hybrid", "dense", "bm25") + (("llm",) if settings.llm != "extractive" else ())
        cfgs = [parse_config(c) for c in (configs or default)]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--config") from None
    if feedback is not None:
        questions = [{**case, "split": FEEDBACK} for case in feedback]
    else:
        lines = [(p.stem, line) for p in paths for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
        questions = [{**json.loads(line), "split": split} for split, line in lines]
    questions = questions[:limit] if limit else questions
    pipe = _pipeline(settings)
    try:
        for path in corpora:
            with tqdm(desc=f"indexing {path.name}", unit=" articles", file=sys.stderr, disable=None) as bar:
                result = index_articles(pipe.store, pipe.embedder, parse_path(path), settings, progress=bar.update)
            if result.errors:
                raise click.ClickException(f"cannot index {path}: {result.errors[0]}")
        with tqdm(total=len(questions) * len(cfgs), desc="evaluating", unit=" q", file=sys.stderr, disable=None) as bar:
            report = run_eval(pipe, questions, cfgs, progress=bar.update)
        threshold, ranker = pipe.extractive.threshold, pipe.extractive.ranker.meta.get("trained_on", "?")
    finally:
        pipe.close()
    report["meta"] = {
        "set": str(qset),
        "embed_model": settings.embed_model or "all-MiniLM-L6-v2",
        "embed_backend": settings.embed_backend,
        "chunk_tokens": settings.chunk_tokens,
        "k": settings.k,
        "answerer": settings.llm,
        "refusal_threshold": threshold,
        "ranker": ranker,
        "judge": settings.judge.name if settings.judge else None,
    }
    paths = write_report(report, out)
    for name, cfg in report["configs"].items():
        for split, o in ({"": cfg["overall"]} if len(report["splits"]) < 2 else cfg["by_split"]).items():
            click.echo(
                f"{name}{' ' + split if split else ''}: accuracy {o['answer_accuracy']:.3f} "
                f"(contains {o['contains_answer']:.3f}), "
                f"exact match {o['exact_match']:.3f}, recall@5 {o['recall@5']:.3f}, cites gold evidence "
                f"{o['cites_gold_evidence']:.3f}, quote validity {o['quote_validity']:.3f}, refusal {o['refusal_rate']:.3f}, "
                f"false refusal {o['false_refusal_rate']:.3f}, AURC {o['aurc']:.3f}, p50 {o['latency_p50_ms']:.0f} ms"
            )
    click.echo("wrote " + ", ".join(str(p) for p in paths))
