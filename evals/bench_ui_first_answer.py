"""Benchmark: how long the first and later answers take in the browser after `assistant serve` says it is ready.

Usage: python evals/bench_ui_first_answer.py --home DIR [--src CHECKOUT] [--questions N] [--show]
DIR must be an indexed data directory (it is copied, never written). `--src` runs another checkout's code (e.g. the
main branch, for a before/after figure). A real `assistant serve` is started, the readiness line ("Serving on") is
awaited, then headless Chromium (selenium) asks questions and the time from the click to the rendered answer is
printed, first question apart from the rest.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    "Who greeted Pezeshkian at the airport?",
    "Where was the Iranian president officially received by Aliyev?",
    "Which Iranian state outlet reported on the airport welcome in Baku?",
    "What kind of economic corridor does Iran want to develop?",
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _browser(profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


PENDING = ("Searching the articles", "checking citations")  # an answer still on its way (ui/render.py)


def _answered(driver) -> int:
    """Answers in the chat (`#chat .a`), or -1 while one is still pending."""
    from selenium.webdriver.common.by import By

    text = driver.find_element(By.CSS_SELECTOR, "#chat").text
    if any(p in text for p in PENDING):
        return -1
    return len(driver.find_elements(By.CSS_SELECTOR, "#chat .a"))


def _ask(driver, question: str, show: bool = False) -> float:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 300, poll_frequency=0.05, ignored_exceptions=(StaleElementReferenceException,))
    before = wait.until(lambda d: _answered(d) + 1) - 1  # no answer pending
    box = driver.find_element(By.CSS_SELECTOR, "#question textarea")
    box.send_keys(question)
    t = time.perf_counter()
    driver.find_element(By.CSS_SELECTOR, "#ask").click()
    wait.until(lambda d: _answered(d) == before + 1 and question in d.find_element(By.CSS_SELECTOR, "#chat").text)
    took = time.perf_counter() - t
    if show:
        print(repr(driver.find_element(By.CSS_SELECTOR, "#chat").text[-300:]), file=sys.stderr)
    return took


def main() -> None:
    """Start serve, wait for its readiness line, ask in the browser, print the latencies."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", type=Path, required=True, help="an indexed data directory (copied)")
    ap.add_argument("--src", type=Path, default=ROOT, help="checkout whose code runs (default: this one)")
    ap.add_argument("--questions", type=int, default=4)
    ap.add_argument("--show", action="store_true", help="print the end of the conversation after each answer")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as tmp:
        home = Path(tmp) / "home"
        shutil.copytree(args.home, home, ignore=shutil.ignore_patterns(".lock", "serve.json"))  # the copy is not in use
        env = {**os.environ, "ASSISTANT_HOME": str(home), "PYTHONPATH": str(args.src), "GRADIO_ANALYTICS_ENABLED": "False"}
        port = _port()
        t0 = time.perf_counter()
        cmd = [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)]
        # cwd: `-m` puts the working directory first on sys.path, so it must not be another checkout
        proc = subprocess.Popen(cmd, cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            line = proc.stdout.readline() if proc.stdout else ""
            if "Serving on" not in line:
                raise SystemExit(f"serve did not print its readiness line: {line!r}")
            ready = time.perf_counter() - t0
            from urllib.request import urlopen

            while True:  # the old code printed the line before the server listened
                try:
                    urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                    break
                except OSError:
                    time.sleep(0.1)
            listening = time.perf_counter() - t0
            driver = _browser(Path(tmp) / "profile")
            try:
                driver.get(f"http://127.0.0.1:{port}/")
                from selenium.webdriver.common.by import By
                from selenium.webdriver.support.ui import WebDriverWait

                WebDriverWait(driver, 90).until(lambda d: d.find_element(By.CSS_SELECTOR, "#question textarea"))
                times = [_ask(driver, q, args.show) for q in QUESTIONS[: args.questions]]
            finally:
                driver.quit()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"code: {args.src} ({proc.args[0]} -m assistant.cli, PYTHONPATH={args.src})")
    print(f"readiness line after {ready:.1f} s, listening after {listening:.1f} s")
    print(f"first answer in the browser: {times[0]:.2f} s")
    if len(times) > 1:
        print(f"later answers: median {statistics.median(times[1:]):.2f} s ({', '.join(f'{t:.2f}' for t in times[1:])})")


if __name__ == "__main__":
    main()
