#!/usr/bin/env python3
"""Wraps a text file into LLM request bodies, one JSON document per line (for benchmarks).

    python3 bench/accuracy/wrap_jsonl.py IN OUT

The text is cut at line ends into pieces of about 1.5 KB; each becomes the user text of an OpenAI
chat completion or an Anthropic message, in turn (the shapes json_score.py uses), written compact
with non-ASCII kept as is. Streams: memory stays small for any input size.
"""

import json
import sys

PIECE = 1500


def body(n, text):
    if n % 2 == 0:
        return {"model": "gpt-4o", "messages": [
            {"role": "system", "content": "You are a debugging assistant."},
            {"role": "user", "content": text}], "temperature": 0.2}
    return {"model": "claude-sonnet-4-5", "max_tokens": 1024, "system": "Find the bug.",
            "messages": [{"role": "user", "content": [{"type": "text", "text": text}]}]}


def main():
    src, dst = sys.argv[1], sys.argv[2]
    n = 0
    with open(src, "r", encoding="utf-8", errors="replace", newline="") as f, \
            open(dst, "w", encoding="utf-8") as out:
        buf = []
        size = 0
        for line in f:
            buf.append(line)
            size += len(line)
            if size >= PIECE:
                out.write(json.dumps(body(n, "".join(buf)), ensure_ascii=False) + "\n")
                n += 1
                buf, size = [], 0
        if buf:
            out.write(json.dumps(body(n, "".join(buf)), ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
