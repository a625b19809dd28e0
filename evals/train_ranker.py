"""Fit the reader's sentence ranker and answer calibrator on evals/dev.jsonl only, and choose the refusal threshold.

Usage: python evals/train_ranker.py --home DIR [--out assistant/answer/extractive/ranker.json] [--cache FILE]
  DIR is an index of corpus/ (e.g. the one `assistant --home DIR eval --split dev` builds); it is indexed if empty.

Deterministic: scikit-learn's lbfgs logistic regression, no sampling. The test split is never read.
Stage 1 (sentence ranker): one row per candidate sentence of the passages the reader reads for a dev question (the
  retrieved ones and the rest of the best articles, `Pipeline.reader_passages`);
  label 1 when the sentence overlaps the question's gold evidence in a gold document.
Stage 2 (answer calibrator): one row per dev question (answerable and unanswerable), from stage-1 probabilities
  predicted out of fold (5 folds by question, so the calibrator never sees in-sample scores); label 1 when the
  top-ranked sentence is gold evidence (always 0 for unanswerable questions).
The threshold refuses the most unanswerable dev questions while refusing at most 10% of the answerable ones; the table
also prints a selective-answering utility (+1 for an answer whose top sentence is gold evidence, -1 for any other
answer, 0 for a refusal) for comparison.
With --judge MODEL.gguf (optional; `assistant fetch-judge` downloads one): the judge reads the out-of-fold ranker's
best JUDGE_K sentences of every dev question (~4 s a question on 2 cores; scores kept in --judge-cache), then the weight
of its log-odds (grid, most top-1 gold sentences), a calibrator over JUDGE_FEATURES and its threshold are fit the same
way and stored in ranker.json's "judge" section.
The trained reader's section ("reader") is fit the same way; both get a gate (unless --no-gate): a regression over the
same row whose label is whether the dev question is answerable at all; its threshold, not the calibrator's, decides
refusal (the calibrator's probability that the first sentence is right stays the confidence users see). The gate's
false-refusal budget is the largest whose out-of-fold false refusal, by nested cross-validation on dev, stays within
FALSE_REFUSAL_TARGET (`gate_budget`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FALSE_REFUSAL_BUDGET = 0.10
FALSE_REFUSAL_TARGET = 0.08  # what a gate's operating point should keep on questions it was not fit on
GATE_BUDGETS = (0.04, 0.05, 0.06, 0.07, 0.08, 0.10)  # in-sample budgets the gate's nested cross-validation tries
sys.path.insert(0, str(ROOT))

from assistant.answer.extractive.features import EVIDENCE, FEATURES  # noqa: E402
from assistant.answer.extractive.ranker import (  # noqa: E402
    ANSWER_FEATURES,
    JUDGE_FEATURES,
    MODEL_FILE,
    READER_FEATURES,
    VERSION,
    JudgeFit,
    Linear,
    RankerModel,
    answer_features,
    judge_features,
)

JUDGE_K = 4  # sentences the judge reads per question
JUDGE_WEIGHTS = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0)
JUDGE_KEEP_DRIFT = 0.01  # a refit without the judge keeps its fit when the ranker's coefficients moved less than this
SHIPPED = ROOT / "assistant" / "answer" / "extractive" / MODEL_FILE  # the packaged fit (the default --out)
READER_K = 8  # sentences the trained reader reads per question
READER_WEIGHTS = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 20.0)


@dataclass
class Example:
    """One dev question's candidates: features, labels, and what the calibrator needs."""

    qid: str
    answerable: bool
    x: np.ndarray
    y: np.ndarray
    expects_type: bool
    evidence: np.ndarray  # features.evidence for each candidate as if it were the best one


@dataclass
class Retrieved:
    """What featurising one question needs; pickled with --cache so feature work can iterate without retrieval."""

    qid: str
    answerable: bool
    parsed: object
    cands: list
    qvec: np.ndarray
    idf: dict[str, float]
    y: np.ndarray


def featurise(items: list[Retrieved]) -> list[Example]:
    """Feature rows for every retrieved question."""
    from assistant.answer.extractive.features import evidence, feature_matrix
    from assistant.answer.extractive.question import analyse

    out = []
    for r in items:
        q = analyse(r.parsed.text)  # parsed again: the cache may predate a change to the question analysis
        weights = {t: r.idf.get(t, 1.0) for t in q.lemmas}
        x = feature_matrix(q, r.cands, r.qvec, weights)
        ev = np.asarray([evidence(q, c, r.cands, weights) for c in r.cands]).reshape(len(r.cands), len(EVIDENCE))
        out.append(Example(r.qid, r.answerable, x, r.y, bool(q.expected), ev))
    return out


def retrieve_all(home: Path, questions: list[dict]) -> list[Retrieved]:
    """Retrieve for every dev question; its candidate sentences with labels."""
    from assistant.answer.condense import condense
    from assistant.answer.extractive.answerer import ExtractiveAnswerer
    from assistant.answer.extractive.question import analyse
    from assistant.indexer import index_articles
    from assistant.ingest.parse import parse_path
    from assistant.pipeline import Pipeline
    from assistant.settings import Settings

    settings = Settings(home=home)
    pipe = Pipeline(settings)
    index_articles(pipe.store, pipe.embedder, parse_path(ROOT / "corpus"), settings)  # skips what is current
    reader = ExtractiveAnswerer(pipe.embedder, pipe.extractive.infos, ranker=_dummy_model())
    out = []
    for n, q in enumerate(questions, 1):
        standalone = condense(q["question"], q.get("history") or [])
        passages = list(pipe.reader_passages(pipe.retriever.retrieve(standalone, k=settings.k, mode="hybrid")))
        parsed = analyse(standalone)
        cands = reader.candidates(parsed, passages)
        texts = {d: (pipe.store.document(d) or {}).get("text", "") for d in q.get("doc_ids", [])}
        spans = [(d, t.find(ev), t.find(ev) + len(ev)) for ev in q.get("evidence", []) for d, t in texts.items() if ev in t]
        y = np.asarray([any(c.passage.doc_id == d and c.start < e and s < c.end for d, s, e in spans) for c in cands], float)
        qvec = np.asarray(pipe.embedder.embed_batch([parsed.text])[0], dtype=np.float32)
        qvec /= np.linalg.norm(qvec) or 1.0
        out.append(Retrieved(q["id"], q["type"] != "unanswerable", parsed, cands, qvec, pipe.idf(list(parsed.lemmas)), y))
        if n % 25 == 0:
            print(f"  {n}/{len(questions)} questions featurised", file=sys.stderr)
    pipe.close()
    return out


def _dummy_model() -> RankerModel:
    zero = Linear(FEATURES, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), np.zeros(len(FEATURES)), 0.0)
    ans = Linear(
        ANSWER_FEATURES, np.zeros(len(ANSWER_FEATURES)), np.ones(len(ANSWER_FEATURES)), np.zeros(len(ANSWER_FEATURES)), 0.0
    )
    return RankerModel(zero, ans, 0.0, {})


def fit_linear(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], c: float, balanced: bool = True) -> Linear:
    """Standardise, then an L2 logistic regression (lbfgs, deterministic)."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    weight = "balanced" if balanced else None
    lr = LogisticRegression(C=c, max_iter=2000, class_weight=weight).fit((x - mean) / scale, y)
    return Linear(names, mean, scale, lr.coef_[0], float(lr.intercept_[0]))


def fit_pairwise(examples: list[Example], c: float) -> Linear:
    """A linear ranker fit on pairs (gold sentence, other sentence of the same question), then Platt-scaled so its
    scores are probabilities: the ranking is learned within each question, where the choice is made."""
    from sklearn.linear_model import LogisticRegression

    x_all, _ = stack(examples)
    mean, scale = x_all.mean(axis=0), x_all.std(axis=0)
    scale[scale == 0] = 1.0
    diffs = []
    for e in examples:
        if not e.answerable or not e.y.any() or e.y.all():
            continue
        z = (e.x - mean) / scale
        pos, neg = z[e.y > 0], z[e.y == 0]
        diffs.append((pos[:, None, :] - neg[None, :, :]).reshape(-1, z.shape[1]))
    d = np.vstack(diffs)
    pair = LogisticRegression(C=c, max_iter=2000, fit_intercept=False).fit(
        np.vstack([d, -d]), np.r_[np.ones(len(d)), np.zeros(len(d))]
    )
    w = pair.coef_[0]
    x, y = stack(examples)
    score = ((x - mean) / scale) @ w
    platt = LogisticRegression(C=1e6, max_iter=2000).fit(score[:, None], y)
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    return Linear(FEATURES, mean, scale, w * a, b)


def stack(examples: list[Example]) -> tuple[np.ndarray, np.ndarray]:
    """All candidates of the answerable questions that have them."""
    rows = [e for e in examples if e.answerable and len(e.y)]
    return np.vstack([e.x for e in rows]), np.concatenate([e.y for e in rows])


def _top_evidence(probs: np.ndarray, e: Example) -> np.ndarray:
    return e.evidence[int(np.argmax(probs))] if probs.size else np.zeros(len(EVIDENCE))


def top_is_gold(probs: np.ndarray, e: Example) -> bool:
    """The highest-probability sentence is gold evidence."""
    return bool(e.answerable and probs.size and e.y[int(np.argmax(probs))] > 0)


def choose_threshold(
    conf: np.ndarray, ya: np.ndarray, ans: np.ndarray, budget: float = FALSE_REFUSAL_BUDGET
) -> tuple[tuple, list[tuple]]:
    """The operating point and the table it was chosen from: (threshold, answered with gold, refusal, false refusal,
    utility) every 0.005."""
    table = []
    for th in np.round(np.arange(0.05, 0.96, 0.005), 3):
        answered = conf >= th
        acc = float((answered & (ya > 0))[ans].mean())
        refusal = float((~answered)[~ans].mean()) if (~ans).any() else 0.0
        false_refusal = float((~answered)[ans].mean())
        # Utility: +1 for an answer with a gold sentence, -1 for any other answer, 0 for a refusal.
        utility = int((answered & (ya > 0)).sum()) - int((answered & (ya == 0)).sum())
        table.append((float(th), acc, refusal, false_refusal, utility))
    # The operating point: most refusals of unanswerable questions while refusing at most FALSE_REFUSAL_BUDGET of the
    # answerable ones (utility alone refuses half of them: the ranker's top sentence is gold only ~60% of the time).
    ok = [row for row in table if row[3] <= budget] or table[:1]
    return max(ok, key=lambda row: (row[2], -row[3])), table


def gate_budget(
    xa: np.ndarray, ya: np.ndarray, ans: np.ndarray, names: tuple[str, ...], c: float, reps: int = 10
) -> tuple[float, list[dict]]:
    """The in-sample false-refusal budget for the gate's threshold: the largest of GATE_BUDGETS whose out-of-fold false
    refusal stays within FALSE_REFUSAL_TARGET, when the gate and its threshold are fit on four fifths of dev and applied
    to the rest (`reps` random 5-fold splits, seeded). A threshold chosen on the questions it was fit on refuses more
    answerable questions elsewhere (on dev: about 0.015 more), which this leaves room for."""
    table = []
    for budget in GATE_BUDGETS:
        refused_un, refused_ans = [], []
        for rep in range(reps):
            fold = np.random.RandomState(100 + rep).randint(0, 5, len(ans))
            refused = np.zeros(len(ans), bool)
            for f in range(5):
                fit_on = fold != f
                gate = fit_linear(xa[fit_on], ans[fit_on].astype(float), names, c, balanced=False)
                best, _ = choose_threshold(gate.predict(xa[fit_on]), ya[fit_on], ans[fit_on], budget)
                refused[~fit_on] = gate.predict(xa[~fit_on]) < best[0]
            refused_un.append(refused[~ans].mean())
            refused_ans.append(refused[ans].mean())
        table.append(
            {
                "budget": budget,
                "refusal": round(float(np.mean(refused_un)), 4),
                "false_refusal": round(float(np.mean(refused_ans)), 4),
            }
        )
    ok = [row for row in table if row["false_refusal"] <= FALSE_REFUSAL_TARGET] or table[:1]
    return ok[-1]["budget"], table


def judge_scores(model_path: Path, cache: Path | None, items: list[Retrieved], oof: dict[str, np.ndarray]) -> dict:
    """{qid: (candidate indices judged, log-odds)} for the out-of-fold ranker's best JUDGE_K sentences; a cached row
    is reused only for the same model file name and the same prompts (question, sentences, templates)."""
    from assistant.answer.extractive.judge import JudgedSentence, LlamaCppJudge, prompt_head, prompt_tail

    done: dict[str, list[float]] = {}
    if cache and cache.exists():
        for line in cache.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            done[row["key"]] = row["scores"]
    judge = LlamaCppJudge(model_path)
    out = {}
    for n, r in enumerate(items, 1):
        head = [int(i) for i in np.argsort(-oof[r.qid], kind="stable")[:JUDGE_K]]
        sents = [JudgedSentence(r.cands[i].text, r.cands[i].passage.date) for i in head]
        prompts = "\x00".join([model_path.name, prompt_head(r.parsed.text), *map(prompt_tail, sents)])
        key = hashlib.sha256(prompts.encode()).hexdigest()
        if key in done:
            out[r.qid] = (head, np.asarray(done[key]))
            continue
        scores = judge.judge(r.parsed.text, sents)
        out[r.qid] = (head, scores)
        if cache:
            with cache.open("a", encoding="utf-8") as f:
                f.write(json.dumps({"qid": r.qid, "key": key, "scores": scores.tolist()}) + "\n")
        if n % 25 == 0:
            print(f"  {n}/{len(items)} questions judged", file=sys.stderr)
    return out


def reader_scores(items: list[Retrieved], oof: dict[str, np.ndarray], k: int = READER_K) -> dict:
    """{qid: (candidate indices read, log-odds)} for the out-of-fold ranker's best k sentences, read by the shipped
    reading model (about 0.1 s a question)."""
    from assistant.answer.extractive.reading import OnnxReader

    reader = OnnxReader()
    out = {}
    for r in items:
        head = [int(i) for i in np.argsort(-oof[r.qid], kind="stable")[:k]]
        logits = reader.read(r.parsed.text, [r.cands[i].text for i in head])
        out[r.qid] = (head, np.asarray([x.logit for x in logits]))
    return out


def untrained(examples: list[Example], questions: list[dict], reader_meta: dict, only: str | None = None) -> list[Example]:
    """The dev questions the reading model never saw (`--reader-dev-half auto`): a training stage that used half of
    the dev documents (evals/reader_corpus_data.py) records it in meta.json's stages. The shipped fit uses all of dev
    (the default): fit on the unseen half only (155 questions) it scored the same on that half but answered an
    off-topic question on a two-article index, so the larger fit was kept and its optimism on half A is reported."""
    from evals.reader_corpus_data import half

    seen = {s["dev_half"] for s in reader_meta.get("stages", []) if s.get("dev_half")}
    if only in ("A", "B"):  # fit on that half whatever the model saw (to compare two models alike)
        seen = {"A", "B"} - {only}
    docs = {q["id"]: q["doc_ids"] for q in questions}
    return [e for e in examples if not (docs[e.qid] and half(docs[e.qid][0]) in seen)]


def fit_judge(
    examples: list[Example],
    oof: dict[str, np.ndarray],
    scores: dict,
    c: float,
    k: int = JUDGE_K,
    names: tuple[str, ...] = JUDGE_FEATURES,
    grid: tuple[float, ...] = JUDGE_WEIGHTS,
    gated: bool = False,
) -> JudgeFit:
    """The second stage's weight (most top-1 gold sentences on dev), then its calibrator and threshold: for the LLM
    judge (JUDGE_*) or the trained reader (READER_*). `gated`: a second regression over the same row predicts whether
    the question is answerable at all, and the threshold is chosen on it (the calibrator stays the confidence)."""
    from assistant.answer.extractive.answerer import judged_first

    def firsts(weight: float) -> dict[str, int]:
        out = {}
        for e in examples:
            head, judged = scores[e.qid]
            out[e.qid] = head[judged_first(oof[e.qid][head], judged, weight)] if head else -1
        return out

    def top1(first: dict[str, int]) -> float:  # as top_is_gold: a question without candidates is a miss
        return float(np.mean([bool(len(e.y)) and e.y[first[e.qid]] > 0 for e in examples if e.answerable]))

    weight = max(grid, key=lambda w: (top1(firsts(w)), -w))
    first = firsts(weight)
    rows, ya = [], []
    for e in examples:
        head, judged = scores[e.qid]
        if not head:
            rows.append(np.zeros(len(names)))
            ya.append(0.0)
            continue
        b = first[e.qid]
        row = answer_features(oof[e.qid], e.x, e.expects_type, e.evidence[b], b)  # evidence as if b were the best
        rows.append(judge_features(row, judged, head.index(b)))
        ya.append(float(e.answerable and e.y[b] > 0))
    xa, ya_ = np.vstack(rows), np.asarray(ya)
    answerable = np.asarray([e.answerable for e in examples])
    answer = fit_linear(xa, ya_, names, c, balanced=False)
    gate, budget, budgets = None, FALSE_REFUSAL_BUDGET, []
    if gated:
        gate = fit_linear(xa, answerable.astype(float), names, c, balanced=False)
        budget, budgets = gate_budget(xa, ya_, answerable, names, c)
    best, _ = choose_threshold((gate or answer).predict(xa), ya_, answerable, budget)
    meta = {
        "k": k,
        "weight_grid": list(grid),
        # the ranker's scores are out of fold; the one weight and the calibrator are fit on all of dev
        "dev_top1_gold": round(top1(first), 4),
        "dev_at_threshold": {
            "threshold": best[0],
            "on": "gate" if gated else "answer",
            "false_refusal_budget": budget,
            "answered_with_gold_sentence": round(best[1], 4),
            "refusal": round(best[2], 4),
            "false_refusal": round(best[3], 4),
        },
    }
    if budgets:
        meta["gate_budget_cross_validated"] = budgets
    return JudgeFit(k, float(weight), answer, best[0], meta, gate)


def _drift(old: dict, new: Linear) -> float:
    """Largest change of a standardised coefficient or intercept between a stored fit and a new one."""
    if tuple(old["names"]) != new.names:
        return float("inf")
    return float(max(np.abs(np.asarray(old["coef"]) - new.coef).max(), abs(old["intercept"] - new.intercept)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", type=Path, required=True, help="index of corpus/ to retrieve from")
    ap.add_argument("--dev", type=Path, default=ROOT / "evals" / "dev.jsonl")
    ap.add_argument("--out", type=Path, default=SHIPPED)
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of both regressions")
    ap.add_argument("--pointwise", dest="pairwise", action="store_false", help="fit the ranker per sentence, not per pair")
    ap.add_argument("--cache", type=Path, help="pickle of the retrieved candidates: reused when it exists")
    ap.add_argument("--judge", type=Path, help="a GGUF chat model: also fit how its judgement joins the ranker")
    ap.add_argument("--judge-cache", type=Path, help="JSON lines of judge scores: reused when they match")
    ap.add_argument("--no-reader", dest="reader", action="store_false", help="leave out the trained reader's fit")
    ap.add_argument(
        "--reader-dev-half",
        choices=["A", "B", "auto"],
        help="fit the reader's part on one dev half only (auto: the half its model did not train on); default all of dev",
    )
    ap.add_argument(
        "--no-gate",
        dest="gate",
        action="store_false",
        help="refuse on the second stage's confidence (is the first sentence right?), not on a gate fit on answerability",
    )
    ap.add_argument("--reader-k", type=int, default=READER_K, help="sentences the reader reads per question")
    args = ap.parse_args(argv)
    questions = [json.loads(line) for line in args.dev.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.cache and args.cache.exists():
        items = pickle.loads(args.cache.read_bytes())
    else:
        items = retrieve_all(args.home, questions)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(items))
    examples = featurise(items)
    from assistant import nlp
    from assistant.retrieval.embeddings import embedder_for
    from assistant.settings import Settings

    embedder_name = embedder_for(Settings(home=args.home)).name

    # Stage 1 out of fold, for the calibrator and for honest dev figures.
    folds = 5
    oof: dict[str, np.ndarray] = {}
    for f in range(folds):
        train = [e for i, e in enumerate(examples) if i % folds != f]
        model = fit_pairwise(train, args.c) if args.pairwise else fit_linear(*stack(train), FEATURES, args.c)
        for i, e in enumerate(examples):
            if i % folds == f:
                oof[e.qid] = model.predict(e.x)
    sentence = fit_pairwise(examples, args.c) if args.pairwise else fit_linear(*stack(examples), FEATURES, args.c)

    xa = np.vstack([answer_features(oof[e.qid], e.x, e.expects_type, _top_evidence(oof[e.qid], e)) for e in examples])
    ya = np.asarray([top_is_gold(oof[e.qid], e) for e in examples], float)
    answer = fit_linear(xa, ya, ANSWER_FEATURES, args.c, balanced=False)  # calibrated: no reweighting
    conf = answer.predict(xa)

    ans = np.asarray([e.answerable for e in examples])
    best, table = choose_threshold(conf, ya, ans)
    top1 = float(np.mean([top_is_gold(oof[e.qid], e) for e in examples if e.answerable]))
    in_passages = float(np.mean([e.y.any() for e in examples if e.answerable]))
    meta = {
        "trained_on": str(args.dev.relative_to(ROOT)) if args.dev.is_relative_to(ROOT) else str(args.dev),
        "ranker": "pairwise" if args.pairwise else "pointwise",
        "questions": len(examples),
        "candidates": int(sum(len(e.y) for e in examples)),
        "c": args.c,
        "dev_gold_sentence_in_passages": round(in_passages, 4),
        "dev_top1_gold_out_of_fold": round(top1, 4),
        "dev_at_threshold": {
            "threshold": best[0],
            "answered_with_gold_sentence": round(best[1], 4),
            "refusal": round(best[2], 4),
            "false_refusal": round(best[3], 4),
        },
        "script": "evals/train_ranker.py",
        "dev_sha256": hashlib.sha256(args.dev.read_bytes()).hexdigest(),
        "embedder": embedder_name,
        "spacy_model": f"{nlp.MODEL} {nlp.pipeline().meta.get('version', '?')}",
    }
    judge = None
    if args.judge:
        judge = fit_judge(examples, oof, judge_scores(args.judge, args.judge_cache, items, oof), args.c, gated=args.gate)
        judge.meta["model"] = args.judge.name
    reader = None
    if args.reader:
        from assistant.answer.extractive.reading import META_FILE, MODEL_DIR

        reader_meta = json.loads((MODEL_DIR / META_FILE).read_text())
        scores = reader_scores(items, oof, args.reader_k)
        fit_on = untrained(examples, questions, reader_meta, args.reader_dev_half) if args.reader_dev_half else examples
        reader = fit_judge(fit_on, oof, scores, args.c, args.reader_k, READER_FEATURES, READER_WEIGHTS, gated=args.gate)
        reader.meta["model_sha256"] = reader_meta["sha256"]
        reader.meta["fit_on_questions"] = len(fit_on)
    # keep a judge fit made for (practically) this ranker: from the file overwritten, or else the shipped one (a
    # candidate written to a new path used to lose it)
    carried = args.out if args.out.exists() else SHIPPED
    if judge is None and carried.exists():
        old = json.loads(carried.read_text(encoding="utf-8"))
        drift = max(_drift(old["sentence"], sentence), _drift(old["answer"], answer))
        if old.get("judge") and drift <= JUDGE_KEEP_DRIFT:
            judge = JudgeFit.from_dict(old["judge"])
            judge.meta["carried_over"] = f"ranker refit without the judge model; coefficients moved by at most {drift:.4f}"
            print(f"kept the judge fit of {carried}: the ranker it was made for moved by at most {drift:.4f}")
    model = RankerModel(sentence, answer, best[0], meta, judge, reader)
    args.out.write_text(model.to_json() + "\n", encoding="utf-8")
    print(f"ranker v{VERSION}: {meta['candidates']} candidates from {len(examples)} dev questions")
    print(f"gold sentence in the passages {in_passages:.3f}; top-1 is gold (out of fold) {top1:.3f}")
    print("threshold | answered with gold | refusal | false refusal | utility")
    for i, (th, acc, refusal, fr, utility) in enumerate(table):
        if i % 5 and th != best[0]:
            continue  # every 0.025, and the chosen point
        mark = " <- chosen" if th == best[0] else ""
        print(f"{th:9.3f} | {acc:18.3f} | {refusal:7.3f} | {fr:13.3f} | {utility:7d}{mark}")
    print("sentence weights (standardised):")
    for name, w in sorted(zip(FEATURES, sentence.coef, strict=True), key=lambda t: -abs(t[1])):
        print(f"  {name:16s} {w:+.3f}")
    if judge is not None:
        at = judge.meta["dev_at_threshold"]
        print(
            f"judge: weight {judge.weight}; top-1 is gold {judge.meta['dev_top1_gold']:.3f}; "
            f"threshold {judge.threshold}: refusal {at['refusal']:.3f}, false refusal {at['false_refusal']:.3f}"
        )
    if reader is not None:
        at = reader.meta["dev_at_threshold"]
        print(
            f"reader: weight {reader.weight}; top-1 is gold {reader.meta['dev_top1_gold']:.3f}; "
            f"threshold {reader.threshold}: answered with gold {at['answered_with_gold_sentence']:.3f}, "
            f"refusal {at['refusal']:.3f}, false refusal {at['false_refusal']:.3f}"
        )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
