"""A fake OpenAI/Anthropic provider for the gateway's SDK tests.

It records every request it receives (path, headers, body) and answers in
the provider's format. Every answer carries PLANT, a secret the gateway must
mask on the way back, and echoes the first `<email:…>` pseudonym it saw, so
the tests can check that the gateway restores it. Streamed answers split the
text into deltas of 3 bytes, so PLANT arrives split across many deltas.
"""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PLANT = "ghp_ZyXwVuTsRqPoNmLkJiHgFeDcBa9876543210"
PSEUDO = re.compile(r"<email:[0-9a-f]{8}>")


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = []

    def add(self, path, headers, body):
        with self.lock:
            self.requests.append({"path": path, "headers": headers, "body": body})

    def all(self):
        with self.lock:
            return list(self.requests)

    def clear(self):
        with self.lock:
            self.requests.clear()


def answer_text(body_text):
    m = PSEUDO.search(body_text)
    pseudo = m.group(0) if m else "nobody"
    return f"Use token {PLANT} to write to {pseudo} today."


def pieces(text, n=3):
    return [text[i : i + n] for i in range(0, len(text), n)]


def make_handler(rec):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _read(self):
            n = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(n) if n else b""
            text = raw.decode("utf-8", "replace")
            rec.add(self.path, {k.lower(): v for k, v in self.headers.items()}, text)
            return text

        def _json(self, obj, status=200):
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _sse(self, events):
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("connection", "close")
            self.end_headers()
            for name, data in events:
                chunk = ""
                if name:
                    chunk += f"event: {name}\n"
                chunk += f"data: {data if isinstance(data, str) else json.dumps(data)}\n\n"
                self.wfile.write(chunk.encode())
                self.wfile.flush()
                time.sleep(0.001)
            self.close_connection = True

        def do_GET(self):
            rec.add(self.path, {k.lower(): v for k, v in self.headers.items()}, "")
            if self.path.startswith("/v1/models"):
                self._json({"object": "list", "data": [{"id": "fake-model", "object": "model", "created": 0, "owned_by": "fake"}]})
            else:
                self._json({"error": {"message": "not found"}}, 404)

        def do_POST(self):
            body = self._read()
            try:
                req = json.loads(body)
            except ValueError:
                req = {}
            text = answer_text(body)
            stream = bool(req.get("stream"))
            if self.path == "/v1/chat/completions":
                if stream:
                    self._sse(openai_chat_stream(text))
                else:
                    self._json(openai_chat(text))
            elif self.path == "/v1/responses":
                self._json(openai_response(text))
            elif self.path == "/v1/embeddings":
                self._json({"object": "list", "model": "e", "data": [{"object": "embedding", "index": 0, "embedding": [0.1, 0.2]}], "usage": {"prompt_tokens": 1, "total_tokens": 1}})
            elif self.path == "/v1/messages":
                if stream:
                    self._sse(anthropic_stream(text))
                else:
                    self._json(anthropic_message(text))
            else:
                self._json({"error": {"message": "not found"}}, 404)

    return Handler


def openai_chat(text):
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "fake",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def openai_chat_stream(text):
    base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": "fake"}
    evs = [(None, {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]})]
    for p in pieces(text):
        evs.append((None, {**base, "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]}))
    evs.append((None, {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}))
    evs.append((None, "[DONE]"))
    return evs


def openai_response(text):
    return {
        "id": "resp_1", "object": "response", "created_at": 0, "status": "completed", "model": "fake",
        "output": [{"type": "message", "id": "msg_1", "status": "completed", "role": "assistant",
                    "content": [{"type": "output_text", "text": text, "annotations": []}]}],
        "parallel_tool_calls": False, "tool_choice": "auto", "tools": [],
    }


def anthropic_message(text):
    return {
        "id": "msg_1", "type": "message", "role": "assistant", "model": "fake",
        "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }


def anthropic_stream(text):
    evs = [
        ("message_start", {"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant", "model": "fake", "content": [], "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 1, "output_tokens": 1}}}),
        ("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        ("ping", {"type": "ping"}),
    ]
    for p in pieces(text):
        evs.append(("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}}))
    evs.append(("content_block_stop", {"type": "content_block_stop", "index": 0}))
    evs.append(("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 5}}))
    evs.append(("message_stop", {"type": "message_stop"}))
    return evs


def start():
    """Starts the fake on a free loopback port: (server, recorder, base URL)."""
    rec = Recorder()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(rec))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, rec, f"http://127.0.0.1:{server.server_address[1]}"
