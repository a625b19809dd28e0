"""The web UI in a real headless Chromium (Debian's chromium + chromium-driver), served on 127.0.0.1."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, free_port, wait_http

pytestmark = pytest.mark.slow
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ASSISTANT = str(Path(sys.executable).parent / "assistant")
ARTIFACTS = ROOT / "test-artifacts"
XSS = (
    "Officials met in Geneva on trade. <script>window.__xss = 1</script> The envoy "
    '<img src=x onerror="window.__xss = 2"> praised [the talks](javascript:window.__xss=3) and left.'
)


@pytest.fixture(scope="module")
def ui_home(tmp_path_factory):
    """The data directory the served UI uses (feedback.jsonl lands here)."""
    return tmp_path_factory.mktemp("ui-home")


@pytest.fixture(scope="module")
def server(ui_home):
    """`assistant serve` on the seed article plus an article carrying an XSS payload."""
    home = ui_home
    env = {**os.environ, "ASSISTANT_HOME": str(home), "GRADIO_ANALYTICS_ENABLED": "False"}
    xss = home / "xss.jsonl"
    xss.write_text(
        json.dumps(
            {
                "id": "xss-1",
                "title": "Geneva <script>window.__xss=4</script> talks",
                "date": "2024-02-02",
                "source": "Test wire",
                "url": "javascript:window.__xss=5",
                "text": XSS,
            }
        )
        + "\n"
    )
    for path in (ROOT / "corpus" / "pezeshkian-baku.md", xss):  # the seed article is enough for the UI
        subprocess.run([ASSISTANT, "ingest", str(path)], env=env, check=True, capture_output=True, timeout=600)
    port = free_port()
    proc = subprocess.Popen(
        [ASSISTANT, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # printed once the models are loaded and the server listens
        assert line.startswith(f"Serving on http://127.0.0.1:{port}"), line
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)  # no retry: ready means ready
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def browser(tmp_path):
    if not (shutil.which(CHROMIUM) and shutil.which(DRIVER)):
        pytest.skip("Debian chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield driver
    driver.quit()


def _ask(browser, url, question):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(url)
    wait = WebDriverWait(browser, 90)
    box = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea"))
    box.send_keys(question)
    browser.find_element(By.CSS_SELECTOR, "#ask").click()
    wait.until(
        lambda d: (
            "Searching" not in d.find_element(By.CSS_SELECTOR, "#conversation").text
            and question in d.find_element(By.CSS_SELECTOR, "#conversation").text
        )
    )
    return wait


def test_answer_marker_brings_the_highlighted_source_forward(server, browser):
    from selenium.webdriver.common.by import By

    wait = _ask(browser, server, "Who greeted Pezeshkian at the airport?")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#conversation .cite"))
    text = browser.find_element(By.CSS_SELECTOR, "#conversation").text
    assert "Eyyubov" in text and "Sharifov" in text
    assert not browser.find_elements(By.CSS_SELECTOR, "#sources .src-card.active")
    browser.find_element(By.CSS_SELECTOR, '#conversation .cite[data-cite="1"]').click()
    card = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#sources .src-card.active"))
    assert card.get_attribute("id").endswith("-1")
    mark = card.find_element(By.TAG_NAME, "mark").text
    assert mark.startswith("Iranian state media IRNA noted") and "Samir Sharifov" in mark
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "ui-answer.png"))


def test_html_in_articles_renders_inert(server, browser):
    from selenium.webdriver.common.by import By

    wait = _ask(browser, server, "Where did officials meet on trade?")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#conversation .cite"))
    for cite in browser.find_elements(By.CSS_SELECTOR, "#conversation .cite"):
        cite.click()
    time.sleep(1)
    assert browser.execute_script("return typeof window.__xss") == "undefined"
    page = browser.find_element(By.CSS_SELECTOR, "#conversation").text + browser.find_element(By.CSS_SELECTOR, "#sources").text
    assert "<script>window.__xss = 1</script>" in page  # shown as text, not run
    assert not browser.find_elements(By.CSS_SELECTOR, "#conversation script, #sources script, #sources img")
    assert not browser.find_elements(By.CSS_SELECTOR, '#sources a[href^="javascript"], #conversation a[href^="javascript"]')
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "ui-xss.png"))


def _wait(browser, timeout=90):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout)


def _answered(question):
    from selenium.webdriver.common.by import By

    def done(d):
        text = d.find_element(By.CSS_SELECTOR, "#conversation").text
        return question in text and "Searching" not in text and "checking citations" not in text

    return done


def _visible(browser, css):
    from selenium.webdriver.common.by import By

    return [e for e in browser.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]


def test_example_question_from_the_corpus_answers_when_clicked(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server)
    wait = _wait(browser)
    wait.until(lambda d: _visible(d, "#examples button.example"))
    labels = [b.text for b in _visible(browser, "#examples button.example")]
    assert len(labels) == 2  # one per indexed title: the seed article and the Geneva article
    assert any("Pezeshkian visits Baku" in label for label in labels)
    assert any("<script>window.__xss=4</script>" in label for label in labels)  # a title is text, never markup
    seed = next(b for b in _visible(browser, "#examples button.example") if "Pezeshkian" in b.text)
    question = seed.text
    seed.click()
    wait.until(_answered(question))
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#conversation .cite"))
    assert "The indexed articles do not say" not in browser.find_element(By.CSS_SELECTOR, "#conversation").text
    assert browser.find_elements(By.CSS_SELECTOR, "#sources .src-card")
    wait.until(lambda d: not _visible(d, "#examples button.example"))  # examples only on the empty chat
    assert browser.execute_script("return typeof window.__xss") == "undefined"
    browser.find_element(By.CSS_SELECTOR, "#new").click()
    wait.until(lambda d: len(_visible(d, "#examples button.example")) == 2)


def test_thumbs_down_with_a_correction_lands_in_feedback_jsonl(server, ui_home, browser):
    from selenium.webdriver.common.by import By

    question = "Who greeted Pezeshkian at the airport?"
    wait = _ask(browser, server, question)
    wait.until(lambda d: _visible(d, "#fb-down"))
    browser.find_element(By.CSS_SELECTOR, "#fb-down").click()
    box = wait.until(lambda d: _visible(d, "#fb-correction textarea"))[0]
    box.send_keys("Yagub Eyyubov, Samir Sharifov and a band")
    browser.find_element(By.CSS_SELECTOR, "#fb-article textarea").send_keys("seed-pezeshkian-baku")
    browser.find_element(By.CSS_SELECTOR, "#fb-send").click()
    wait.until(lambda d: "Thanks" in d.find_element(By.CSS_SELECTOR, "#fb-status").text)
    assert "seed-pezeshkian-baku" in browser.find_element(By.CSS_SELECTOR, "#fb-status").text
    records = [json.loads(line) for line in (ui_home / "feedback.jsonl").read_text().splitlines()]
    mine = [r for r in records if r["correction"] == "Yagub Eyyubov, Samir Sharifov and a band"]
    assert len(mine) == 1
    r = mine[0]
    assert r["verdict"] == "down" and r["question"] == question and r["answers"] == [r["correction"]]
    assert r["doc_ids"] == ["seed-pezeshkian-baku"] and "Eyyubov" in r["answer"]
    assert r["citations"][0]["doc_id"] == "seed-pezeshkian-baku" and r["history"] == []
    browser.find_element(By.CSS_SELECTOR, "#fb-up").click()
    wait.until(lambda d: "right answer" in d.find_element(By.CSS_SELECTOR, "#fb-status").text)
    ups = [json.loads(line) for line in (ui_home / "feedback.jsonl").read_text().splitlines()]
    assert ups[-1]["verdict"] == "up" and ups[-1]["question"] == question and "Eyyubov" in ups[-1]["answers"][0]


def test_markdown_export_holds_the_question_answer_and_quoted_source(server, browser):
    from selenium.webdriver.common.by import By

    question = "Who greeted Pezeshkian at the airport?"
    wait = _ask(browser, server, question)
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#export-btn").is_enabled())
    browser.find_element(By.CSS_SELECTOR, "#export-btn").click()
    area = wait.until(lambda d: _visible(d, "#export-md textarea"))[0]
    wait.until(lambda d: "Sources:" in (area.get_attribute("value") or ""))
    md = area.get_attribute("value")
    assert f"## 1. {question}" in md and "Eyyubov" in md and "[1]" in md
    assert "Pezeshkian visits Baku as Iran seeks stronger ties with Azerbaijan" in md
    assert "> Iranian state media IRNA noted that “upon his arrival at Heydar Aliyev International Airport" in md
    link = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#export-file a[href]"))[0]
    assert "conversation.md" in (link.get_attribute("href") or "") + link.text
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "ui-export.png"))


def test_api_endpoint_returns_ask_json(server):
    from gradio_client import Client

    client = Client(server, verbose=False, analytics_enabled=False)
    out = client.predict("Who greeted Pezeshkian at the airport?", [], "", "", "", 8, api_name="/ask")
    assert set(out) >= {"question", "answer", "refused", "citations", "retrieved", "timings_ms"}
    assert "Eyyubov" in out["answer"] and out["citations"][0]["doc_id"] == "seed-pezeshkian-baku"


def test_auth_refuses_requests_without_credentials(tmp_path):
    env = {**os.environ, "ASSISTANT_HOME": str(tmp_path / "home"), "GRADIO_ANALYTICS_ENABLED": "False"}
    port = free_port()
    proc = subprocess.Popen(
        [ASSISTANT, "--embed-model", "hash", "serve", "--port", str(port), "--auth", "ana:s3cret"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/", proc)
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(base + "/config", timeout=10)
        assert err.value.code in (401, 403)
        from gradio_client import Client

        # gradio_client's AuthenticationError (401) is a ValueError, as is its error for a config it cannot read (403)
        with pytest.raises(ValueError, match=r"credentials were not provided|Could not (fetch|get Gradio) config"):
            Client(base, verbose=False, analytics_enabled=False).predict("q", [], "", "", "", 8, api_name="/ask")
        ok = Client(base, auth=("ana", "s3cret"), verbose=False, analytics_enabled=False).predict(
            "q", [], "", "", "", 8, api_name="/ask"
        )
        assert "answer" in ok
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_upload_size_is_limited_with_a_clear_message(tmp_path):
    import httpx

    env = {**os.environ, "ASSISTANT_HOME": str(tmp_path / "home"), "GRADIO_ANALYTICS_ENABLED": "False"}
    port = free_port()
    proc = subprocess.Popen(
        [ASSISTANT, "--embed-model", "hash", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/", proc)
        big = tmp_path / "big.txt"
        big.write_bytes(b"a" * (21 * 1024 * 1024))
        with big.open("rb") as fh:
            r = httpx.post(base + "/gradio_api/upload", files={"files": ("big.txt", fh)}, timeout=60)
        assert r.status_code == 413 and "maximum allowed size" in r.text
        small = tmp_path / "ok.txt"
        small.write_text("The envoys met in Oslo. They agreed to meet again.")
        with small.open("rb") as fh:
            assert httpx.post(base + "/gradio_api/upload", files={"files": ("ok.txt", fh)}, timeout=60).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
