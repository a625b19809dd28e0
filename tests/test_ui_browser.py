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


READOUT = {
    "id": "readout-1",
    "title": "Readout of President Biden’s Call with Chancellor Scholz of Germany",
    "date": "2024-02-01",
    "source": "The White House",
    "url": "https://www.whitehouse.gov/briefing-room/statements-releases/2024/02/01/readout-of-president-bidens-call-with-chancellor-scholz-of-germany/",
    "text": "President Joe Biden spoke today with Chancellor Olaf Scholz of Germany.\n"
    "The two leaders discussed continued support for Ukraine as it defends itself against Russian aggression.\n"
    "They also discussed energy security in Europe and the situation in the Middle East.\n"
    "President Biden and Chancellor Scholz agreed to meet again at the NATO summit in Washington in July.",
}


@pytest.fixture(scope="module")
def server(ui_home):
    """`assistant serve` on the seed article, a readout and an article carrying an XSS payload; its log goes to
    serve.log in the data directory."""
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
        + json.dumps(READOUT)
        + "\n"
    )
    for path in (ROOT / "corpus" / "pezeshkian-baku.md", xss):  # a few articles are enough for the UI
        subprocess.run([ASSISTANT, "ingest", str(path)], env=env, check=True, capture_output=True, timeout=600)
    port = free_port()
    with (home / "serve.log").open("w") as log:
        proc = subprocess.Popen([ASSISTANT, "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=log, text=True)
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


def _wait(browser, timeout=90):
    """Wait for a condition; Gradio re-renders components, so an element found a moment ago may be gone: try again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout, ignored_exceptions=(StaleElementReferenceException,))


def _chat_text(d) -> str:
    from selenium.webdriver.common.by import By

    return d.find_element(By.CSS_SELECTOR, "#chat").text


def _visible(browser, css):
    from selenium.webdriver.common.by import By

    return [e for e in browser.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]


def _answers(d) -> int:
    """Answers shown so far (a pending one still says "Searching" or "checking citations")."""
    from selenium.webdriver.common.by import By

    text = _chat_text(d)
    if "Searching the articles" in text or "checking citations" in text:
        return -1
    return len(d.find_elements(By.CSS_SELECTOR, "#chat .a"))


def _send(browser, question, wait=None):
    """Type a question, press Enter, wait for its answer."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    wait = wait or _wait(browser, 150)
    before = wait.until(lambda d: _answers(d) + 1) - 1  # no answer pending
    box = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea"))
    box.send_keys(question, Keys.ENTER)
    wait.until(lambda d: _answers(d) == before + 1 and question in _chat_text(d))
    wait.until(lambda d: not _visible(d, "#examples button.example"))  # the layout after an answer
    return wait


def _ask(browser, url, question):
    from selenium.webdriver.common.by import By

    browser.get(url)
    wait = _wait(browser)
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea"))
    return _send(browser, question, wait)


def test_answer_marker_brings_the_highlighted_source_forward(server, browser):
    from selenium.webdriver.common.by import By

    wait = _ask(browser, server, "Who greeted Pezeshkian at the airport?")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chat .cite"))
    text = _chat_text(browser)
    assert "Eyyubov" in text and "Sharifov" in text
    assert not browser.find_elements(By.CSS_SELECTOR, "#sources .src-card.active")
    browser.find_element(By.CSS_SELECTOR, '#chat .cite[data-cite="1"]').click()
    card = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#sources .src-card.active"))
    quote = card.find_element(By.CSS_SELECTOR, ".quote.active")
    assert quote.get_attribute("id").endswith("-1")
    mark = quote.find_element(By.TAG_NAME, "mark").text
    assert mark.startswith("Iranian state media IRNA noted") and "Samir Sharifov" in mark
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "ui-answer.png"))


def test_one_source_card_per_article_with_every_quote_and_a_site_link(server, browser):
    from selenium.webdriver.common.by import By

    wait = _ask(browser, server, "What did President Biden and Chancellor Scholz discuss?")
    cites = browser.find_elements(By.CSS_SELECTOR, "#chat .cite")
    markers = {c.get_attribute("data-cite") for c in cites}
    assert len(markers) >= 2  # the answer quotes the readout more than once...
    cards = browser.find_elements(By.CSS_SELECTOR, "#sources details[open] .src-card")
    assert len(cards) == 1  # ...and the readout is one card with every quote beneath it
    quotes = cards[0].find_elements(By.CSS_SELECTOR, ".quote")
    assert {q.get_attribute("id").rsplit("-", 1)[1] for q in quotes} == markers
    links = [a.text for a in cards[0].find_elements(By.CSS_SELECTOR, "a[href^='https://www.whitehouse.gov/']")]
    assert "whitehouse.gov" in links and not any("briefing-room" in t for t in links)  # the site, not the raw URL
    last = sorted(markers)[-1]
    browser.find_element(By.CSS_SELECTOR, f'#chat .cite[data-cite="{last}"]').click()
    active = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#sources .quote.active"))
    assert active.get_attribute("id").endswith(f"-{last}") and "active" in cards[0].get_attribute("class")


def test_html_in_articles_renders_inert(server, browser):
    from selenium.webdriver.common.by import By

    wait = _ask(browser, server, "Where did officials meet on trade?")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#chat .cite"))
    for cite in browser.find_elements(By.CSS_SELECTOR, "#chat .cite"):
        cite.click()
    time.sleep(1)
    assert browser.execute_script("return typeof window.__xss") == "undefined"
    page = _chat_text(browser) + browser.find_element(By.CSS_SELECTOR, "#sources").text
    assert "<script>window.__xss = 1</script>" in page  # shown as text, not run
    assert not browser.find_elements(By.CSS_SELECTOR, "#chat script, #sources script, #sources img, #chat .a img")
    assert not browser.find_elements(By.CSS_SELECTOR, '#sources a[href^="javascript"], #chat a[href^="javascript"]')
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "ui-xss.png"))


def test_question_box_stays_pinned_under_the_chat_after_ten_turns(server, browser):
    from selenium.webdriver.common.by import By

    wait = _ask(browser, server, "Who greeted Pezeshkian at the airport?")
    box = browser.find_element(By.CSS_SELECTOR, "#question textarea")
    first = box.rect["y"]
    for n in range(9):
        _send(browser, f"Who greeted Pezeshkian at the airport? ({n + 2})", wait)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#chat .a")) == 10
    box = browser.find_element(By.CSS_SELECTOR, "#question textarea")
    height = browser.execute_script("return window.innerHeight")
    assert abs(box.rect["y"] - first) < 5 and box.rect["y"] + box.rect["height"] <= height  # same place, on screen
    assert browser.execute_script("return window.scrollY") == 0  # the transcript scrolls, not the page


def test_keyboard_shift_enter_adds_a_line_and_esc_clears(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server)
    box = _wait(browser).until(lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea"))
    box.send_keys("first line")
    box.send_keys(Keys.SHIFT, Keys.ENTER)
    box.send_keys("second line")
    assert box.get_attribute("value") == "first line\nsecond line" and not browser.find_elements(By.CSS_SELECTOR, "#chat .a")
    box.send_keys(Keys.ESCAPE)
    assert box.get_attribute("value") == ""
    time.sleep(1)
    assert not browser.find_elements(By.CSS_SELECTOR, "#chat .a")  # nothing was sent


def test_follow_up_shows_how_it_was_understood(server, browser):
    wait = _ask(browser, server, "Who greeted Pezeshkian at the airport?")
    _send(browser, "What did he discuss there?", wait)
    lines = [e.text for e in _visible(browser, "#chat .understood")]
    assert len(lines) == 1 and lines[0].startswith("understood as: ") and "Pezeshkian" in lines[0]


def test_refusal_lists_the_closest_articles_once_as_links(server, browser):
    from selenium.webdriver.common.by import By

    _ask(browser, server, "What did the Pope say about whales in Antarctica?")
    text = _chat_text(browser)
    assert "The indexed articles do not say" in text and text.count("Closest articles") == 1
    links = browser.find_elements(By.CSS_SELECTOR, "#chat .closest a[href^='https://']")
    assert [a.text for a in links] == [READOUT["title"]] and links[0].get_attribute("rel") == "noopener noreferrer"
    assert "Closest articles" not in browser.find_element(By.CSS_SELECTOR, "#sources").text


def test_example_questions_are_answered_when_clicked(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server)
    wait = _wait(browser)
    wait.until(lambda d: _visible(d, "#examples button.example"))
    labels = [b.text for b in _visible(browser, "#examples button.example")]
    assert "What did President Biden and Chancellor Scholz discuss?" in labels
    assert not any(label.startswith("What do the articles say about") for label in labels)
    for n, label in enumerate(labels):
        if n:
            browser.find_element(By.CSS_SELECTOR, "#new").click()
            wait.until(lambda d: len(_visible(d, "#examples button.example")) == len(labels))
        next(b for b in _visible(browser, "#examples button.example") if b.text == label).click()
        wait.until(lambda d, label=label: _answers(d) == 1 and label in _chat_text(d))
        assert "The indexed articles do not say" not in _chat_text(browser), label
        assert browser.find_elements(By.CSS_SELECTOR, "#chat .cite") and browser.find_elements(
            By.CSS_SELECTOR, "#sources .src-card"
        )
        wait.until(lambda d: not _visible(d, "#examples button.example"))  # examples only on the empty chat


def test_thumbs_on_the_second_of_three_answers_land_in_feedback_jsonl(server, ui_home, browser):
    """A thumbs down opens the correction fields inside the disliked answer (between its question and the next);
    what is typed there is saved with that answer's feedback line."""
    from selenium.webdriver.common.by import By

    questions = [
        "Who greeted Pezeshkian at the airport?",
        "What did President Biden and Chancellor Scholz discuss?",
        "Where did officials meet on trade?",
    ]
    wait = _ask(browser, server, questions[0])
    for q in questions[1:]:
        _send(browser, q, wait)
    downs = browser.find_elements(By.CSS_SELECTOR, '#chat button[aria-label="Dislike"]')
    assert len(downs) == 3  # a thumbs row on every answer
    downs[1].click()
    box = wait.until(lambda d: _visible(d, "#chat .fb-form #fb-correction textarea"))[0]
    form = browser.find_element(By.CSS_SELECTOR, "#chat .fb-form")
    assert form.get_attribute("data-answer") == "1" and "answer 2" in form.text
    asked = browser.find_elements(By.CSS_SELECTOR, "#chat .q")
    placed = "var a = arguments; return [a[0].compareDocumentPosition(a[1]) & 4, a[1].compareDocumentPosition(a[2]) & 4];"
    assert browser.execute_script(placed, asked[1], form, asked[2]) == [4, 4]  # 4: follows; under answer 2, above q3
    assert len(browser.find_elements(By.CSS_SELECTOR, "#chat .fb-form")) == 1
    box.send_keys("Ukraine, energy security and the Middle East")
    browser.find_element(By.CSS_SELECTOR, "#fb-article textarea").send_keys("Chancellor Scholz of Germany")
    browser.find_element(By.CSS_SELECTOR, "#fb-comment textarea").send_keys("It left out the Middle East.")
    browser.find_element(By.CSS_SELECTOR, "#fb-send").click()
    note = wait.until(lambda d: [n for n in d.find_elements(By.CSS_SELECTOR, "#chat .fb-note") if "Thanks" in n.text])[0]
    assert "readout-1" in note.text and "with your correction" in note.text
    assert not browser.find_elements(By.CSS_SELECTOR, "#chat .fb-form")  # closed once sent
    r = json.loads((ui_home / "feedback.jsonl").read_text().splitlines()[-1])
    assert r["verdict"] == "down" and r["question"] == questions[1] and r["answers"] == [r["correction"]]
    assert r["correction"] == "Ukraine, energy security and the Middle East" and r["doc_ids"] == ["readout-1"]
    assert r["comment"] == "It left out the Middle East." and r["article"] == "Chancellor Scholz of Germany"
    assert [h["question"] for h in r["history"]] == questions[:1] and r["type"] == "followup"
    assert r["citations"][0]["doc_id"] == "readout-1"
    browser.find_elements(By.CSS_SELECTOR, '#chat button[aria-label="Like"]')[1].click()
    wait.until(lambda d: any("right answer" in n.text for n in d.find_elements(By.CSS_SELECTOR, "#chat .fb-note")))
    up = json.loads((ui_home / "feedback.jsonl").read_text().splitlines()[-1])
    assert up["verdict"] == "up" and up["question"] == questions[1] and "Scholz" in up["answers"][0]
    assert up["comment"] is None and not _visible(browser, "#chat .fb-form")


def _open_filters(browser, wait):
    from selenium.webdriver.common.by import By

    toggle = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#filters button.label-wrap"))
    if not _visible(browser, "#since input, #since textarea"):
        toggle.click()
    return wait.until(lambda d: _visible(d, "#since input, #since textarea"))[0]


def test_active_filters_show_as_chips_that_remove_them(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(server)
    wait = _wait(browser)
    since = _open_filters(browser, wait)
    since.send_keys("2024-01-01")
    # the chip follows the field as it is typed ("since 2024-" on the way): wait for the whole date
    wait.until(lambda d: [c for c in _visible(d, "#chip-since") if c.text == "since 2024-01-01 ×"])
    assert not _visible(browser, "#chip-until")
    browser.find_element(By.CSS_SELECTOR, "#filters button.label-wrap").click()  # fold the filters: the chip stays
    wait.until(lambda d: not _visible(d, "#since input, #since textarea"))
    assert _visible(browser, "#chip-since")
    _send(browser, "Who greeted Pezeshkian at the airport?", wait)
    _visible(browser, "#chip-since")[0].click()
    wait.until(lambda d: not _visible(d, "#chip-since"))
    since = _open_filters(browser, wait)
    assert since.get_attribute("value") == ""


def test_a_bad_date_is_named_next_to_its_field_and_asks_nothing(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server)
    wait = _wait(browser)
    since = _open_filters(browser, wait)
    since.send_keys("2024-13-01")
    browser.find_element(By.CSS_SELECTOR, "#filters button.label-wrap").click()  # folded: the error opens it again
    wait.until(lambda d: not _visible(d, "#since input, #since textarea"))
    box = browser.find_element(By.CSS_SELECTOR, "#question textarea")
    box.send_keys("Who greeted Pezeshkian at the airport?")
    browser.find_element(By.CSS_SELECTOR, "#ask").click()
    error = wait.until(lambda d: [e for e in _visible(d, "#date-error .field-error") if e.text])[0]
    assert error.text == "Since: '2024-13-01' is not a date; use YYYY-MM-DD, e.g. 2024-03-01."
    field = _visible(browser, "#since input, #since textarea")[0]
    assert 0 < error.rect["y"] - field.rect["y"] < 160  # right under the date fields
    assert "is not a date" not in _chat_text(browser) and not browser.find_elements(By.CSS_SELECTOR, "#chat .a")
    assert box.get_attribute("value") == "Who greeted Pezeshkian at the airport?"  # kept to ask again
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.BACKSPACE, "2024-03-01")  # fixed: the message goes
    wait.until(lambda d: not [e for e in _visible(d, "#date-error .field-error") if e.text])


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


def test_a_bad_date_through_the_api_is_one_line_without_a_traceback(server, ui_home):
    from gradio_client import Client

    client = Client(server, verbose=False, analytics_enabled=False)
    with pytest.raises(Exception, match=r"'2024-13-01' is not a date; use YYYY-MM-DD"):
        client.predict("Who greeted Pezeshkian at the airport?", [], "2024-13-01", "", "", 8, api_name="/ask")
    time.sleep(1)
    log = (ui_home / "serve.log").read_text()
    assert "Traceback" not in log and "FilterError" not in log, log[-2000:]
    out = client.predict("Who greeted Pezeshkian at the airport?", [], "2020-01-01", "", "", 8, api_name="/ask")
    assert "answer" in out  # the server goes on answering


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
