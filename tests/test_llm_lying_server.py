"""A model that reverses the article, end to end: an OpenAI-compatible endpoint on 127.0.0.1 streams one faithful
sentence and others that negate or re-quantify their cited passages; `answer` (ROLEGUIDE_LLM=openai) must keep
the faithful one and report the others as unsupported, never showing them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from rag.answer import answer

QUESTION = "采购经理的KPI有哪些?"


def test_negated_and_requantified_sentences_from_a_served_model_are_dropped(seed_index, catalog, seed_text):
    passages = answer(QUESTION, seed_index, catalog).citations  # the extractive answer cites what the model is given
    n = {c.quote.split(":")[0]: i for i, c in enumerate(passages, 1)}
    faithful = f"供应商绩效评分基于交付、质量、价格进行综合评分,满分100分[{n['供应商绩效评分']}]。"
    lies = [
        f"采购商品合格率不考核抽检合格的采购商品数量占总采购量比例[{n['采购商品合格率']}]。",
        f"采购订单准时交付率是供应商按约定时间交付的订单占比的一半[{n['采购订单准时交付率']}]。",
        f"采购计划达成率是按既定采购计划完成的全部采购金额占比[{n['采购计划达成率']}]。",
        f"采购成本节约率从不计算实际采购成本与预算成本的差额[{n['采购成本节约率']}]。",
    ]
    with _lying_endpoint(faithful + "".join(lies)) as url:
        settings = seed_index.settings.model_copy(
            update={"llm": "openai", "llm_base_url": url, "llm_model": "lying", "llm_timeout": 10.0}
        )
        result = answer(QUESTION, replace(seed_index, settings=settings), catalog)  # the model comes from the settings
    dropped = tuple(lie.rsplit("[", 1)[0] + "。" for lie in lies)
    assert (result.backend, result.notice, result.unsupported) == ("openai:lying", None, dropped)
    assert list(result.segments) == [(faithful.rsplit("[", 1)[0] + "。", (1,))]
    assert not any(sentence in result.text for sentence in dropped)
    assert [c.quote.split(":")[0] for c in result.citations] == ["供应商绩效评分"]
    assert all(seed_text[c.start : c.end] == c.quote for c in result.citations)


@contextmanager
def _lying_endpoint(reply: str) -> Iterator[str]:
    """/v1/chat/completions on a free loopback port, streaming `reply` sentence by sentence as SSE chunks."""
    handler = type("Handler", (_Completions,), {"reply": reply})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _Completions(BaseHTTPRequestHandler):
    reply = ""

    def log_message(self, *args) -> None:  # keep pytest's output clean
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.rstrip("/") != "/v1/chat/completions":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for piece in self.reply.replace("。", "。\0").split("\0"):
            if piece:
                self._send(_chunk({"content": piece}, None))
        self._send(_chunk({}, "stop"))
        self._send("data: [DONE]\n\n")

    def _send(self, text: str) -> None:
        self.wfile.write(text.encode())
        self.wfile.flush()


def _chunk(delta: dict, finish: str | None) -> str:
    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "lying",
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}  # fmt: skip
    return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
