"""A tiny OpenAI Chat Completions test double for the agentspan SDK compatibility tests.

Usage: openai_double.py PORT_FILE LOG_FILE

Binds 127.0.0.1 on a free port, writes the port to PORT_FILE, and answers
POST /v1/chat/completions deterministically (and POST /v1/images/generations with a small PNG):
  * the conversation's last message is a tool result -> a final answer quoting it;
  * otherwise, when tools are offered -> a short reasoning text plus one call of the first offered tool
    (arguments from ARGUMENTS when known, else every required string property set to "x");
  * otherwise -> a plain answer.
Every request body is appended to LOG_FILE as one JSON line.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGUMENTS = {
    "get_weather": {"city": "Paris"},
    "delete_file": {"path": "/tmp/report.txt"},
    "draw_image": {"prompt": "a lighthouse at dusk"},
    "generate_pdf": {"markdown": "# Lighthouse report\n\n- The lamp works.\n- The paint is peeling."},
}

# A 1x1 PNG.
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")

LOG_FILE = None


def completion(message, finish_reason):
    return {
        "id": "chatcmpl-double",
        "object": "chat.completion",
        "created": 1700000000,
        "model": "gpt-4o",
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


def answer(body):
    messages = body.get("messages") or []
    tools = body.get("tools") or []
    last = messages[-1] if messages else {}
    if last.get("role") == "tool":
        text = "Final answer: " + str(last.get("content"))
        return completion({"role": "assistant", "content": text}, "stop")
    if tools:
        function = tools[0].get("function", {})
        name = function.get("name", "")
        args = ARGUMENTS.get(name)
        if args is None:
            required = (function.get("parameters") or {}).get("required") or []
            args = {key: "x" for key in required}
        call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
        text = "I should call " + name + " first."
        return completion({"role": "assistant", "content": text, "tool_calls": [call]}, "tool_calls")
    return completion({"role": "assistant", "content": "Nothing to do."}, "stop")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        with open(LOG_FILE, "a") as log:
            log.write(json.dumps({"path": self.path, "body": body}) + "\n")
        if self.path.rstrip("/").endswith("/images/generations"):
            self.reply(200, {"created": 1700000000, "data": [{"b64_json": PNG} for _ in range(body.get("n") or 1)]})
            return
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self.reply(404, {"error": {"message": "unknown path " + self.path}})
            return
        self.reply(200, answer(body))

    def reply(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def main():
    global LOG_FILE
    port_file, LOG_FILE = sys.argv[1], sys.argv[2]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as out:
        out.write(str(server.server_address[1]))
    os.replace(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
