"""The reading model trained here: the shipped ONNX file loads without torch, tells an answering sentence from an
off-topic one and from a look-alike question, finds the answer span, and reorders and calibrates the reader."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest
from conftest import one_feature_fit

from assistant.answer.extractive.answerer import ExtractiveAnswerer
from assistant.answer.extractive.ranker import READER_FEATURES, RankerUnavailable, load_model
from assistant.answer.extractive.reading import MODEL_DIR, MODEL_FILE, OnnxReader, Reading, check_meta
from assistant.answer.refusal import decide
from assistant.pipeline import Pipeline

EYYUBOV = (
    "Iranian state media IRNA noted that upon his arrival at Heydar Aliyev International Airport, Pezeshkian was greeted "
    "by Azerbaijan's First Deputy Prime Minister Yagub Eyyubov and Deputy Minister of Foreign Affairs Samir Sharifov."
)
OFF_TOPIC = "Pezeshkian said Iran wants to expand trade with its neighbours, according to the presidential website."
ZAGULBA = (
    "Pezeshkian was officially welcomed by his Azerbaijani counterpart, President Ilham Aliyev, at Zagulba Presidential "
    "Palace, Iranian media said."
)


@pytest.fixture(scope="module")
def reader() -> OnnxReader:
    return OnnxReader()


def test_the_model_ships_in_the_package_with_its_card_and_checksum():
    import hashlib

    meta = json.loads((MODEL_DIR / "meta.json").read_text())
    data = (MODEL_DIR / MODEL_FILE).read_bytes()
    assert hashlib.sha256(data).hexdigest() == meta["sha256"]
    assert len(data) < 30_000_000 and "MiniLM" in meta["base"]
    assert (MODEL_DIR / "MODEL_CARD.md").exists() and (MODEL_DIR / "tokenizer.json").exists()


def test_the_shipped_weights_are_quantised_to_seven_bits():
    """On CPUs with AVX2 but no VNNI, full-range int8 weights saturate ONNX Runtime's u8s8 products (in-domain AUC
    0.874 against fp32's 0.883); 7-bit weights (`reduce_range`) do not (0.884). `train_reader.py export` makes them."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(MODEL_DIR / MODEL_FILE))
    weights = [numpy_helper.to_array(t) for t in model.graph.initializer if t.data_type == onnx.TensorProto.INT8]
    assert len(weights) >= 36  # the six layers' projections at least
    assert max(int(np.abs(w.astype(np.int16)).max()) for w in weights) <= 64
    assert "reduce_range" in json.loads((MODEL_DIR / "meta.json").read_text())["quantization"]


def test_answering_sentence_beats_an_off_topic_one_and_a_look_alike_question(reader):
    right = reader.read("Who greeted Pezeshkian at the airport?", [EYYUBOV, OFF_TOPIC])
    look_alike = reader.read("Who greeted Macron at the airport?", [EYYUBOV])[0]
    assert right[0].prob > 0.5 > right[1].prob
    assert right[0].logit > look_alike.logit + 1.0  # the sentence names everyone but the one asked about


def test_span_head_finds_the_person_and_the_place_in_a_known_sentence(reader):
    who, where = (
        reader.read("Who officially welcomed Pezeshkian?", [ZAGULBA])[0],
        reader.read("At which palace was Pezeshkian officially welcomed?", [ZAGULBA])[0],
    )
    assert who.span is not None and "Ilham Aliyev" in ZAGULBA[who.span[0] : who.span[1]] and who.span[1] - who.span[0] < 30
    assert where.span is not None and ZAGULBA[where.span[0] : where.span[1]] == "Zagulba Presidential Palace"
    assert 0.0 < where.span_prob <= 1.0 and 0.0 < who.span_prob <= 1.0


def test_a_sentence_scores_the_same_whatever_is_read_with_it_and_batches_stay_close(reader):
    # read() runs each pair on its own (the product and the ranker's fit); answerability() batches (offline figures
    # only), where int8 dynamic quantisation takes its activation ranges per batch, so scores move a little (up to
    # 0.55 log-odds on these three with the third stage's weights) but keep their order.
    q = "Who greeted Pezeshkian at the airport?"
    together = np.asarray([r.logit for r in reader.read(q, [EYYUBOV, OFF_TOPIC, ZAGULBA])])
    alone = np.asarray([reader.read(q, [s])[0].logit for s in (EYYUBOV, OFF_TOPIC, ZAGULBA)])
    assert np.array_equal(together, alone) and np.argmax(together) == 0
    batched = reader.answerability([q] * 3, [EYYUBOV, OFF_TOPIC, ZAGULBA])
    assert np.abs(batched - alone).max() < 0.75 and list(np.argsort(batched)) == list(np.argsort(alone))


def test_query_path_reads_without_importing_torch():
    code = (
        "import sys\nfrom assistant.answer.extractive.reading import OnnxReader\n"
        "r = OnnxReader().read('Who greeted Pezeshkian?', ['Pezeshkian was greeted by Yagub Eyyubov.'])\n"
        "assert r[0].span is not None\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers', 'sentence_transformers')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_meta_from_another_onnxruntime_warns(tmp_path):
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"versions": {"onnxruntime": "0.1.0"}}))
    with pytest.warns(UserWarning, match="onnxruntime 0.1.0"):
        check_meta(meta, "1.32.0")


def test_missing_model_file_is_a_clear_error(tmp_path):
    from assistant.answer.extractive.reading import ReaderUnavailable

    with pytest.raises(ReaderUnavailable, match="missing"):
        OnnxReader(tmp_path / "none.onnx").read("q?", ["s."])


def test_shipped_ranker_holds_a_reader_fit_trained_on_dev():
    fit = load_model().reader
    assert fit is not None and fit.answer.names == READER_FEATURES and 0.0 < fit.threshold < 1.0
    assert fit.k >= 4 and fit.weight > 0
    # the refusal weighs the gate (is the question answered at all?), at a budget cross-validated on dev
    assert fit.gate is not None and fit.gate.names == READER_FEATURES and fit.meta["dev_at_threshold"]["on"] == "gate"
    assert fit.meta["dev_at_threshold"]["false_refusal_budget"] in [r["budget"] for r in fit.meta["gate_budget_cross_validated"]]
    assert fit.meta["model_sha256"] == json.loads((MODEL_DIR / "meta.json").read_text())["sha256"]


# ---- how the reader's scores reorder and calibrate the extractive answerer (a fake reader on a real small index)


class FavourReader:
    """Log-odds +5 for sentences holding `word` (span: that word), -5 for the others."""

    def __init__(self, word: str) -> None:
        self.word = word

    def read(self, question: str, sentences: list[str]) -> list[Reading]:
        out = []
        for s in sentences:
            at = s.find(self.word)
            out.append(Reading(5.0, (at, at + len(self.word)), 0.9) if at >= 0 else Reading(-5.0, None, 0.0))
        return out

    def warm_up(self) -> None:
        pass


def _ranker(threshold: float = 0.3):
    """The shipped ranker with a reader fit whose confidence is sigmoid(the first sentence's log-odds)."""
    return dataclasses.replace(load_model(), reader=one_feature_fit(READER_FEATURES, "reader_top", 16, threshold))


def _answerer(pipe: Pipeline, reader, ranker=None) -> ExtractiveAnswerer:
    return ExtractiveAnswerer(pipe.embedder, pipe.extractive.infos, ranker=ranker or _ranker(), reader=reader)


def test_reader_puts_the_sentence_it_reads_as_answering_first_and_its_span_leads(kishida_index):
    question = "Where did Biden and Kishida meet in May 2023?"
    request = kishida_index.reader_input(question, kishida_index.retriever.retrieve(question, k=3, mode="hybrid"))
    answerer = _answerer(kishida_index, FavourReader("clean energy"))
    r = answerer.rank(request)
    ranked, conf = r.ranked, r.confidence
    assert "clean energy" in ranked[0].text and ranked[0].reading is not None
    assert conf == pytest.approx(1 / (1 + np.exp(-5.0)), abs=1e-6) and answerer.threshold == 0.3
    draft = answerer.answer(request)
    assert not draft.refused and draft.text.startswith("clean energy [1]") and draft.threshold == 0.3


def test_reader_that_reads_no_answer_makes_the_answerer_refuse(kishida_index):
    question = "Where did Biden and Kishida meet in May 2023?"
    request = kishida_index.reader_input(question, kishida_index.retriever.retrieve(question, k=3, mode="hybrid"))
    draft = _answerer(kishida_index, FavourReader("no sentence holds this")).answer(request)
    assert draft.confidence < 0.01 and decide(draft, draft).reason == "low confidence"


def test_a_gated_fit_refuses_on_answerability_and_keeps_the_confidence(kishida_index):
    """With a gate the refusal weighs whether the passages answer at all (here: the best log-odds read), while the
    confidence stays the calibrator's (here: the first sentence's); a JSON round trip keeps the gate."""
    question = "Where did Biden and Kishida meet in May 2023?"
    request = kishida_index.reader_input(question, kishida_index.retriever.retrieve(question, k=3, mode="hybrid"))
    fit = one_feature_fit(READER_FEATURES, "top_cov", 16, 0.5, gate="reader_max")
    ranker = dataclasses.replace(load_model(), reader=fit)
    assert load_model(ranker.to_json()).reader.gate.coef.tolist() == fit.gate.coef.tolist()
    answers = _answerer(kishida_index, FavourReader("clean energy"), ranker).answer(request)
    assert answers.answerability == pytest.approx(1 / (1 + np.exp(-5.0)), abs=1e-6) and answers.confidence < 0.9
    assert decide(answers, answers).reason == "answered"
    none = _answerer(kishida_index, FavourReader("no sentence holds this"), ranker).answer(request)
    assert none.answerability < 0.01 and decide(none, none).reason == "not answerable"
    wrong = json.loads(ranker.to_json())
    wrong["reader"]["gate"]["names"] = list(READER_FEATURES[:-1])
    with pytest.raises(RankerUnavailable):
        load_model(json.dumps(wrong))


def test_without_a_reader_fit_the_ranker_alone_answers(kishida_index):
    question = "Where did Biden and Kishida meet in May 2023?"
    request = kishida_index.reader_input(question, kishida_index.retriever.retrieve(question, k=3, mode="hybrid"))
    plain = dataclasses.replace(load_model(), reader=None)
    answerer = _answerer(kishida_index, FavourReader("clean energy"), ranker=plain)
    assert answerer.reader_fit is None and answerer.threshold == plain.threshold
    ranked = answerer.rank(request).ranked
    assert all(c.reading is None for c in ranked)


def test_settings_turn_the_reader_off(hash_settings):
    pipe = Pipeline(dataclasses.replace(hash_settings, reader=False))
    try:
        assert pipe.extractive.reader is None
    finally:
        pipe.close()


def test_the_reader_uses_no_more_threads_than_the_cpus_it_may_run_on():
    code = (
        "import os; os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]}); "
        "from assistant.answer.extractive.reading import OnnxReader; print(OnnxReader().threads, OnnxReader(threads=3).threads)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "3"]


def test_reading_two_sentences_at_a_time_gives_the_same_readings_in_order():
    code = (
        "import os, json; os.sched_setaffinity(0, set(list(os.sched_getaffinity(0))[:2]));"
        "from assistant.answer.extractive.reading import OnnxReader;"
        f"q = 'Who greeted Pezeshkian at the airport?'; s = {[EYYUBOV, OFF_TOPIC, ZAGULBA]!r};"
        "one, two = OnnxReader(threads=2, workers=1), OnnxReader(threads=2, workers=2);"
        "print(json.dumps([[(r.logit, r.span) for r in x.read(q, s)] for x in (one, two)] + [two.workers]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    one, two, workers = json.loads(out.stdout)
    assert workers == 2 and len(one) == len(two) == 3
    assert [span for _, span in one] == [span for _, span in two]  # the same spans, in the sentences' order
    assert np.allclose([logit for logit, _ in one], [logit for logit, _ in two], atol=1e-3)
    assert max(range(3), key=lambda i: two[i][0]) == 0
