"""Command line: `assistant ingest | ask | chat | stats | check | eval | serve`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from assistant.settings import Settings

if TYPE_CHECKING:
    from assistant.answer.types import Answer
    from assistant.pipeline import Pipeline
    from assistant.retrieval.retriever import Filters

DEMO_QUESTION = "Who greeted Pezeshkian at the airport?"


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj


def _user_errors():
    """Exceptions that are the user's or the environment's, shown as one line."""
    from assistant.answer.llm.registry import LLMError
    from assistant.answer.prompting import PromptError
    from assistant.ingest.tokens import TokenizerUnavailable
    from assistant.retrieval.embeddings import EmbedderUnavailable
    from assistant.store.facade import StoreError

    return (EmbedderUnavailable, StoreError, TokenizerUnavailable, LLMError, PromptError, ValueError, OSError)


def _pipeline(settings: Settings) -> Pipeline:
    from assistant.pipeline import Pipeline

    try:
        return Pipeline(settings)
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), help="Data directory [env ASSISTANT_HOME].")
@click.option("--embed-model", help="Local path of a sentence-transformers model [env ASSISTANT_EMBED_MODEL].")
@click.option("--llm", help="Answerer: extractive (default), llamacpp:PATH.gguf, llamacpp-server:URL, ollama:MODEL, "
              "openai:MODEL [env ASSISTANT_LLM].")
@click.option("--llm-base-url", help="Base URL for ollama/openai backends [env ASSISTANT_LLM_BASE_URL].")
@click.version_option(package_name="diplomacy-assistant")
@click.pass_context
def main(ctx: click.Context, home: Path | None, embed_model: str | None, llm: str | None, llm_base_url: str | None) -> None:
    """Answer questions about diplomatic news, with citations, offline."""
    try:
        ctx.obj = Settings.from_env().with_(home=home, embed_model=embed_model, llm=llm, llm_base_url=llm_base_url)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--feed", "feeds", multiple=True, help="An RSS/Atom feed URL to read now and on every `assistant sync`.")
@click.option("--url", "urls", multiple=True, help="A web page to extract and index.")
@click.option("--timeout", default=10.0, show_default=True, help="Seconds per HTTP request.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], feeds, urls, timeout: float, as_json: bool) -> None:
    """Index article files or folders (.jsonl, .txt, .md, .html), feeds (--feed) and pages (--url)."""
    if not paths and not feeds and not urls:
        raise click.UsageError("give files or folders, --feed URL or --url URL")
    from assistant.cli.ingest_run import IngestRun, page_items
    from assistant.ingest.feeds import read_feed
    from assistant.ingest.parse import parse_path

    pipe = _pipeline(_settings(ctx))
    run = IngestRun(pipe)
    try:
        for path in paths:
            run.index(parse_path(path), path.name)
        for url in urls:
            run.index(page_items(url, timeout), url)
        for url in feeds:
            pipe.store.feeds.add(url)
            read = read_feed(url, pipe.store.feeds, timeout)
            run.index(read.items, url)
            if not read.failed:
                pipe.store.feeds.commit(read)
    except _user_errors() as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        raise click.ClickException("interrupted; what was indexed is kept, run the same command to finish") from None
    finally:
        pipe.close()
    run.report(as_json)
    if run.errors:
        ctx.exit(1)


@main.command()
@click.option("--timeout", default=10.0, show_default=True, help="Seconds per HTTP request.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def sync(ctx: click.Context, timeout: float, as_json: bool) -> None:
    """Re-read every configured feed; index only new or changed articles."""
    from assistant.cli.ingest_run import IngestRun
    from assistant.ingest.feeds import read_feed

    pipe = _pipeline(_settings(ctx))
    run = IngestRun(pipe)
    try:
        urls = pipe.store.feeds.urls()
        if not urls:
            raise click.ClickException("no feeds configured; add one with: assistant ingest --feed URL")
        for url in urls:
            read = read_feed(url, pipe.store.feeds, timeout)
            if read.not_modified:
                click.echo(f"{url}: not modified", err=True)
                continue
            run.index(read.items, url)
            if not read.failed:
                pipe.store.feeds.commit(read)
    finally:
        pipe.close()
    run.report(as_json)
    if run.errors:
        ctx.exit(1)


def _filters(since: str | None, until: str | None, source: str | None) -> Filters:
    from assistant.ingest.parse import RecordError, parse_date
    from assistant.retrieval.retriever import Filters

    try:
        return Filters(since=parse_date(since, "--since"), until=parse_date(until, "--until"), source=source)
    except RecordError as exc:
        raise click.BadParameter(str(exc)) from None


def _ask_options(f):
    f = click.option("--since", help="Only articles dated on or after YYYY-MM-DD.")(f)
    f = click.option("--until", help="Only articles dated on or before YYYY-MM-DD.")(f)
    f = click.option("--source", help="Only articles from this source, e.g. 'The White House'.")(f)
    f = click.option("-k", "k", type=click.IntRange(1, 50), help="Passages to read (default 8).")(f)
    f = click.option("--mode", type=click.Choice(["hybrid", "dense", "bm25"]), help="Retrieval mode.")(f)
    return f


@main.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--batch", type=click.File("r"), help="JSONL of {id, question, history?}; one answer per line.")
@_ask_options
@click.pass_context
def ask(ctx, question, as_json, batch, since, until, source, k, mode) -> None:
    """Answer QUESTION from the indexed articles, citing them."""
    if not question and not batch:
        raise click.UsageError("give a QUESTION or --batch FILE")
    filters = _filters(since, until, source)
    pipe = _pipeline(_settings(ctx))
    failed = 0
    try:
        if batch:
            for lineno, line in enumerate(batch, 1):
                if not line.strip():
                    continue
                out = _batch_line(pipe, line, lineno, filters, k, mode)
                failed += "error" in out
                click.echo(json.dumps(out, ensure_ascii=False) if as_json else _batch_text(out))
        else:
            try:
                ans = pipe.ask(question, filters=filters, k=k, mode=mode)
            except _user_errors() as exc:
                raise click.ClickException(str(exc)) from None
            click.echo(json.dumps(ans.to_dict(), ensure_ascii=False, indent=2) if as_json else render_text(ans))
    finally:
        pipe.close()
    if failed:
        ctx.exit(1)


def _batch_line(pipe: Pipeline, line: str, lineno: int, filters: Filters, k, mode) -> dict:
    where = f"line {lineno}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "error": f"{where}: malformed JSON: {exc.msg}"}
    if not isinstance(record, dict) or not isinstance(record.get("question"), str):
        return {"id": None, "error": f"{where}: field 'question' must be a string"}
    history = record.get("history") or []
    if not isinstance(history, list) or not all(isinstance(t, dict) for t in history):
        return {"id": record.get("id"), "error": f"{where}: field 'history' must be a list of objects"}
    try:
        ans = pipe.ask(record["question"], history=history, filters=filters, k=k, mode=mode)
    except ValueError as exc:
        return {"id": record.get("id"), "error": f"{where}: {exc}"}
    return {"id": record.get("id"), **ans.to_dict()}


def _batch_text(out: dict) -> str:
    if "error" in out:
        return f"[{out['id']}] error: {out['error']}"
    return f"[{out['id']}] {out['answer']}"


def render_text(ans: Answer) -> str:
    """An answer for the terminal: text, then the cited sources in marker order."""
    lines = [ans.answer]
    if ans.citations:
        lines.append("\nSources:")
        for c in ans.citations:
            date = c.date or "date unknown"
            flag = "" if c.verified else " (UNVERIFIED)"
            lines.append(f"[{c.marker}] {c.title} - {c.source or 'unknown source'}, {date}{flag}")
            if c.url:
                lines.append(f"    {c.url}")
            lines.append(f"    \u201c{c.quote}\u201d")
            for other in c.also_reported_by:
                lines.append(f"    also reported by {other['source'] or 'unknown'}: {other['url'] or other['title']}")
    elif ans.closest:
        lines.append("\nClosest articles:")
        for d in ans.closest[:3]:
            lines.append(f"- {d['title']} ({d['date'] or 'date unknown'}) {d['url'] or ''}".rstrip())
    return "\n".join(lines)


@main.command()
@_ask_options
@click.pass_context
def chat(ctx, since, until, source, k, mode) -> None:
    """Interactive chat in the terminal; follow-up questions use the history."""
    filters = _filters(since, until, source)
    pipe = _pipeline(_settings(ctx))
    history: list[dict] = []
    click.echo("Ask about the indexed articles. Empty line or Ctrl-D to quit, '/new' for a new conversation.")
    try:
        while True:
            try:
                q = input("you> ").strip()
            except EOFError:
                break
            if not q:
                break
            if q == "/new":
                history.clear()
                continue
            streamed: list[str] = []

            def show(token: str, streamed: list[str] = streamed) -> None:
                streamed.append(token)
                click.echo(token, nl=False)

            try:
                ans = pipe.ask(q, history=history, filters=filters, k=k, mode=mode, on_token=show)
            except ValueError as exc:
                click.echo(f"error: {exc}", err=True)
                continue
            if streamed:  # the checked answer replaces the raw stream
                click.echo("\n--- checked answer ---")
            if ans.standalone_question:
                click.echo(f"(understood as: {ans.standalone_question})")
            click.echo(render_text(ans) + "\n")
            history.append({"question": q, "answer": ans.answer})
    finally:
        pipe.close()


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Documents, chunks, store location and models in use."""
    from assistant.retrieval.embeddings import DEFAULT_MODEL_NAME
    from assistant.store.facade import Store, StoreError

    settings = _settings(ctx)
    try:
        with Store(settings) as store:
            info = store.stats()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    info["embed_model"] = settings.embed_model or DEFAULT_MODEL_NAME
    info["answerer"] = settings.llm
    info["chunk_tokens"] = settings.chunk_tokens
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    for key, value in info.items():
        click.echo(f"{key}: {value}")


@main.command()
@click.option("--repair", is_flag=True, help="Delete orphan vectors and half-indexed documents.")
@click.pass_context
def check(ctx: click.Context, repair: bool) -> None:
    """Check that Chroma and the FTS5 index agree; exit 1 when they do not."""
    from assistant.store.facade import Store, StoreError

    try:
        with Store(_settings(ctx)) as store:
            report = store.check(repair=repair)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"pending documents: {len(report.pending)}, orphan vectors: {report.orphan_vectors}, "
        f"missing vectors: {report.missing_vectors}" + (" (repaired; re-run ingest to re-add)" if repair else "")
    )
    if not report.ok and not repair:
        ctx.exit(1)


def _threshold() -> float:
    from assistant.answer.extractive.answerer import ExtractiveParams

    return ExtractiveParams().threshold


def _repo_file(relative: str) -> Path | None:
    """A file of the repository checkout (beside the package, or under the working directory), if present."""
    for base in (Path(__file__).resolve().parents[2], Path.cwd()):
        if (base / relative).exists():
            return base / relative
    return None


def _question_sets(split: str, qset: Path | None) -> list[Path]:
    """The question files to score: `--set`, or the split's files in the repository's evals/."""
    if qset:
        return [qset]
    names = ["dev", "test"] if split == "all" else [split]
    paths = [_repo_file(f"evals/{name}.jsonl") for name in names]
    if None in paths:
        raise click.ClickException(f"evals/{split}.jsonl not found: run from a checkout of the repository or give --set FILE")
    return [p for p in paths if p]


@main.command("eval")
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="test", show_default=True,
              help="Question set from evals/: dev (tune here), test (report only), all.")  # fmt: skip
@click.option("--set", "qset", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="Another question file.")
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
def eval_cmd(ctx, split: str, qset: Path | None, configs, out: Path, corpora, limit) -> None:
    """Score answers on an evaluation set; write report.md, report.json and metrics.png.

    The index is built in a temporary directory unless --home is given (then it is reused: unchanged articles are
    skipped), so an evaluation never writes into your ASSISTANT_HOME.
    """
    import tempfile

    from tqdm import tqdm

    from assistant.evaluation.report import write_report
    from assistant.evaluation.runner import parse_config, run_eval
    from assistant.ingest.indexer import index_articles
    from assistant.ingest.parse import parse_path

    if not corpora:
        found = _repo_file("corpus")
        if not found:
            raise click.ClickException("corpus/ not found: run from a checkout of the repository or give --corpus PATH")
        corpora = (found,)
    paths = _question_sets(split, qset)
    if ctx.parent.params.get("home") is None:
        tmp = tempfile.TemporaryDirectory(prefix="assistant-eval-")
        ctx.call_on_close(tmp.cleanup)
        ctx.obj = ctx.obj.with_(home=Path(tmp.name))
        click.echo(f"indexing into a temporary directory {tmp.name} (give --home DIR to keep and reuse it)", err=True)
    qset = paths[0] if len(paths) == 1 else Path(split)
    settings = _settings(ctx)
    try:
        default = ("hybrid", "dense", "bm25") + (("llm",) if settings.llm != "extractive" else ())
        cfgs = [parse_config(c) for c in (configs or default)]
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--config") from None
    questions = [json.loads(line) for p in paths for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
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
    finally:
        pipe.close()
    report["meta"] = {
        "set": str(qset),
        "embed_model": settings.embed_model or "all-MiniLM-L6-v2",
        "chunk_tokens": settings.chunk_tokens,
        "k": settings.k,
        "answerer": settings.llm,
        "refusal_threshold": _threshold(),
    }
    paths = write_report(report, out)
    for name, cfg in report["configs"].items():
        o = cfg["overall"]
        click.echo(
            f"{name}: accuracy {o['answer_accuracy']:.3f}, recall@5 {o['recall@5']:.3f}, "
            f"citation P/R {o['citation_precision']:.3f}/{o['citation_recall']:.3f}, quote validity "
            f"{o['quote_validity']:.3f}, refusal {o['refusal_rate']:.3f}, false refusal {o['false_refusal_rate']:.3f}, "
            f"p50 {o['latency_p50_ms']:.0f} ms"
        )
    click.echo("wrote " + ", ".join(str(p) for p in paths))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind; keep 127.0.0.1 unless you add --auth.")
@click.option("--port", default=7860, show_default=True, type=click.IntRange(1, 65535))
@click.option("--auth", help="Require a login, as user:password.")
@click.option("--ingest-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Let web users index server paths inside this folder (default: uploads only).")  # fmt: skip
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, auth: str | None, ingest_dir: Path | None) -> None:
    """Serve the web UI (chat with sources, ingest, corpus)."""
    credentials = None
    if auth:
        user, sep, password = auth.partition(":")
        if not sep or not user or not password:
            raise click.BadParameter("use user:password", param_hint="--auth")
        credentials = (user, password)
    if host not in ("127.0.0.1", "localhost", "::1") and not credentials:
        click.echo(f"warning: serving on {host} without --auth: anyone who can reach this address can use it", err=True)
    from assistant.ui.app import serve as serve_ui

    pipe = _pipeline(_settings(ctx))
    click.echo(f"Serving on http://{host}:{port} (Ctrl-C to stop)")
    try:
        serve_ui(pipe, host=host, port=port, auth=credentials, ingest_dir=ingest_dir)
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        pipe.close()


if __name__ == "__main__":
    main()
