#!/usr/bin/env python3
"""The receivers of tests/integration/notify.sh, on 127.0.0.1 only.

HTTP (one threaded server): each channel's robot, verifying what the platform verifies
(DingTalk's query signature over timestamp + "\\n" + secret, Feishu's body signature with
timestamp + "\\n" + secret as the key over an empty message, the webhook's HMAC header,
the access token or key in the URL) and the payload's shape, answering in that platform's
own format and error codes; /reply/CHANNEL/CODE answers a chosen error; /hang never
answers in time; /flaky/ID answers 500 once, then 200; /limited/ID answers 429 with
Retry-After: 1 once; /limited-long answers 429 with Retry-After: 120. Every request is
appended to WORK/http.jsonl (path, headers that matter, body, time, verdict).

SMTP (a second port, plain with STARTTLS offered, and a third speaking TLS at once):
EHLO, STARTTLS, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT; each message with
its envelope, whether TLS was on, and the login, to WORK/mail.jsonl.

Usage: notify-receiver.py WORK HTTP_PORT SMTP_PORT SMTPS_PORT CERT KEY LIFETIME
Stops by itself after LIFETIME seconds."""
import base64
import hashlib
import hmac
import json
import socket
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORK, HTTP_PORT, SMTP_PORT, SMTPS_PORT, CERT, KEY, LIFETIME = sys.argv[1:8]
SECRET = "SECtest-\u79d8\u5bc6-secret"   # non-ASCII on purpose
TOKEN = "tok123"
LOCK = threading.Lock()
COUNTS = {}


def record(name, obj):
    with LOCK, open(f"{WORK}/{name}.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(obj, ensure_ascii=False) + "\n")


def is_str(v):
    return isinstance(v, str) and v != ""


def check_text(t, limit):
    """The text: valid UTF-8 (it decoded), within the limit in bytes, no controls."""
    if not is_str(t):
        return "text missing"
    if len(t.encode("utf-8")) > limit:
        return f"text of {len(t.encode('utf-8'))} bytes over {limit}"
    for ch in t:
        if ord(ch) < 32 and ch not in "\n\t":
            return f"control character {ord(ch)} in text"
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self, status, body, ctype="application/json", extra=None):
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(n)
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        parts = u.path.strip("/").split("/")
        rec = {"t": time.time(), "path": u.path, "query_keys": sorted(q),
               "ctype": self.headers.get("Content-Type", ""), "len": n}
        try:
            body = json.loads(raw.decode("utf-8"))
            rec["body"] = body
        except (UnicodeDecodeError, ValueError) as e:
            body = None
            rec["bad_json"] = str(e)
        verdict = None
        kind = parts[0]
        if body is None:
            verdict = "payload is not UTF-8 JSON"
        if kind == "hang":
            record("http", rec)
            time.sleep(20)
            return
        if kind == "flaky" or kind == "limited":
            with LOCK:
                COUNTS[u.path] = COUNTS.get(u.path, 0) + 1
                c = COUNTS[u.path]
            rec["n"] = c
            record("http", rec)
            if c == 1 and kind == "flaky":
                return self.answer(500, "internal error", "text/plain")
            if c == 1:
                return self.answer(429, "slow down", "text/plain", {"Retry-After": "1"})
            return self.answer(200, '{"errcode":0,"errmsg":"ok"}')
        if kind == "limited-long":
            record("http", rec)
            return self.answer(429, "slow down", "text/plain", {"Retry-After": "120"})
        if kind == "always500":
            record("http", rec)
            return self.answer(503, "unavailable", "text/plain")
        if kind == "reply":
            record("http", rec)
            ch, code = parts[1], int(parts[2])
            if ch == "feishu":
                return self.answer(200, json.dumps({"code": code, "msg": "test error", "data": {}}))
            if ch == "slack":
                return self.answer(code, parts[3] if len(parts) > 3 else "invalid_payload",
                                   "text/plain")
            return self.answer(200, json.dumps({"errcode": code, "errmsg": "test error"}))

        if kind == "dingtalk" and verdict is None:
            ts = q.get("timestamp", [""])[0]
            sign = q.get("sign", [""])[0]   # parse_qs has undone the percent-encoding
            want = base64.b64encode(hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(),
                                             hashlib.sha256).digest()).decode()
            if q.get("access_token", [""])[0] != TOKEN:
                rec["verdict"] = "token"
                record("http", rec)
                return self.answer(200, '{"errcode":300001,"errmsg":"token is not exist"}')
            if not ts.isdigit() or abs(int(ts) - time.time() * 1000) > 3600_000 or \
                    not hmac.compare_digest(sign, want):
                rec["verdict"] = "sign"
                record("http", rec)
                return self.answer(200, '{"errcode":310000,"errmsg":"sign not match"}')
            mt = body.get("msgtype")
            if mt == "markdown":
                md = body.get("markdown", {})
                verdict = None if is_str(md.get("title")) else "markdown.title missing"
                verdict = verdict or check_text(md.get("text"), 20000)
            elif mt == "text":
                verdict = check_text(body.get("text", {}).get("content"), 20000)
            else:
                verdict = "msgtype"
            if verdict is None and parts[1] == "keyword" and "[plumbline]" not in \
                    json.dumps(body, ensure_ascii=False):
                rec["verdict"] = "keyword"
                record("http", rec)
                return self.answer(200, '{"errcode":310000,"errmsg":"keywords not in content"}')
        elif kind == "wecom" and verdict is None:
            if q.get("key", [""])[0] != TOKEN:
                rec["verdict"] = "key"
                record("http", rec)
                return self.answer(200, '{"errcode":93000,"errmsg":"invalid webhook url"}')
            mt = body.get("msgtype")
            content = body.get(mt, {}).get("content") if mt in ("markdown", "text") else None
            if isinstance(content, str) and len(content.encode()) > (4096 if mt == "markdown" else 2048):
                rec["verdict"] = "size"
                record("http", rec)
                return self.answer(200, '{"errcode":45002,"errmsg":"content size exceed limit"}')
            verdict = check_text(content, 4096) if mt else "msgtype"
        elif kind == "feishu" and verdict is None:
            ts = body.get("timestamp", "")
            sign = body.get("sign", "")
            key = f"{ts}\n{SECRET}".encode()
            want = base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()
            if parts[-1] != TOKEN:
                return self.answer(200, '{"code":19001,"msg":"param invalid: incoming webhook access token invalid"}')
            if not isinstance(ts, str) or not ts.isdigit() or abs(int(ts) - time.time()) > 3600 \
                    or not hmac.compare_digest(sign, want):
                rec["verdict"] = "sign"
                record("http", rec)
                return self.answer(200, '{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}')
            if body.get("msg_type") == "interactive":
                card = body.get("card", {})
                title = card.get("header", {}).get("title", {})
                el = card.get("elements", [{}])[0]
                verdict = None if title.get("tag") == "plain_text" and is_str(title.get("content")) \
                    else "card header"
                verdict = verdict or (None if el.get("tag") == "div" and
                                      el.get("text", {}).get("tag") == "lark_md" else "card element")
                verdict = verdict or check_text(el.get("text", {}).get("content"), 28000)
                if len(raw) > 30 * 1024:
                    verdict = f"request of {len(raw)} bytes over 30 KB"
            elif body.get("msg_type") == "text":
                verdict = check_text(body.get("content", {}).get("text"), 28000)
            else:
                verdict = "msg_type"
        elif kind == "slack" and verdict is None:
            verdict = check_text(body.get("text"), 40000)
            record("http", dict(rec, verdict=verdict or "ok"))
            if verdict:
                return self.answer(400, "invalid_payload", "text/plain")
            return self.answer(200, "ok", "text/plain")
        elif kind == "webhook" and verdict is None:
            ts = self.headers.get("X-Plumbline-Timestamp", "")
            sig = self.headers.get("X-Plumbline-Signature", "")
            want = "sha256=" + hmac.new(SECRET.encode(), ts.encode() + b"." + raw,
                                        hashlib.sha256).hexdigest()
            if (sig or parts[-1] == "signed") and not hmac.compare_digest(sig, want):
                record("http", dict(rec, verdict="sign"))
                return self.answer(401, "bad signature", "text/plain")
            nt = body.get("notification", {})
            verdict = None if body.get("version") == 1 and is_str(body.get("title")) and \
                is_str(nt.get("type")) and is_str(nt.get("host")) else "webhook fields"
            record("http", dict(rec, verdict=verdict or "ok", signed=bool(sig)))
            return self.answer(400 if verdict else 204, b"", "text/plain")
        rec["verdict"] = verdict or "ok"
        record("http", rec)
        if verdict:
            if kind == "feishu":
                return self.answer(400, json.dumps({"code": 9499, "msg": "Bad Request: " + verdict}))
            return self.answer(200, json.dumps({"errcode": 40035, "errmsg": "test receiver: " + verdict}))
        if kind == "feishu":
            return self.answer(200, '{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}')
        return self.answer(200, '{"errcode":0,"errmsg":"ok"}')


class SMTPHandler(socketserver.StreamRequestHandler):
    tls_at_once = False

    def setup(self):
        self.conn = self.request
        self.tls = False
        if self.tls_at_once:
            self.conn = CTX.wrap_socket(self.request, server_side=True)
            self.tls = True
        self.conn.settimeout(10)
        self.r = self.conn.makefile("rb")

    def say(self, line):
        self.conn.sendall((line + "\r\n").encode())

    def handle(self):
        login = None
        env_from, rcpt = None, []
        self.say("220 test ESMTP")
        while True:
            line = self.r.readline(4096)
            if not line:
                return
            cmd = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = cmd.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                exts = ["250-test", "250-8BITMIME", "250-AUTH PLAIN LOGIN"]
                if not self.tls:
                    exts.append("250-STARTTLS")
                exts.append("250 SIZE 1000000")
                for e in exts:
                    self.say(e)
            elif verb == "STARTTLS":
                self.say("220 go ahead")
                self.conn = CTX.wrap_socket(self.conn, server_side=True)
                self.conn.settimeout(10)
                self.r = self.conn.makefile("rb")
                self.tls = True
            elif verb == "AUTH":
                a = cmd.split(" ")
                if a[1].upper() == "PLAIN":
                    cred = a[2] if len(a) > 2 else None
                    if cred is None:
                        self.say("334 ")
                        cred = self.r.readline().decode().strip()
                    _, user, pw = base64.b64decode(cred).decode().split("\0")
                else:
                    self.say("334 VXNlcm5hbWU6")
                    user = base64.b64decode(self.r.readline().strip()).decode()
                    self.say("334 UGFzc3dvcmQ6")
                    pw = base64.b64decode(self.r.readline().strip()).decode()
                if pw == SECRET and user == "icinga":
                    login = user
                    self.say("235 ok")
                else:
                    self.say("535 5.7.8 authentication failed")
            elif verb == "MAIL":
                env_from = cmd[10:].strip()
                self.say("250 ok")
            elif verb == "RCPT":
                to = cmd[8:].strip()
                if "reject" in to:
                    self.say("550 5.1.1 no such user")
                else:
                    rcpt.append(to)
                    self.say("250 ok")
            elif verb == "DATA":
                self.say("354 end with .")
                data = b""
                while True:
                    l = self.r.readline(100000)
                    if not l or l == b".\r\n":
                        break
                    data += l
                record("mail", {"from": env_from, "rcpt": rcpt, "tls": self.tls, "login": login,
                                "data": data.decode("utf-8", "replace"),
                                "raw_ok": all(ch < 128 for ch in data)})
                self.say("250 queued")
            elif verb == "RSET":
                env_from, rcpt = None, []
                self.say("250 ok")
            elif verb == "NOOP":
                self.say("250 ok")
            elif verb == "QUIT":
                self.say("221 bye")
                return
            else:
                self.say("502 not implemented")


class SMTPSHandler(SMTPHandler):
    tls_at_once = True


class TCP(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


CTX = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
CTX.load_cert_chain(CERT, KEY)

http = ThreadingHTTPServer(("127.0.0.1", int(HTTP_PORT)), Handler)
http.daemon_threads = True
smtp = TCP(("127.0.0.1", int(SMTP_PORT)), SMTPHandler)
smtps = TCP(("127.0.0.1", int(SMTPS_PORT)), SMTPSHandler)
for srv in (http, smtp, smtps):
    threading.Thread(target=srv.serve_forever, daemon=True).start()
open(f"{WORK}/receiver.ready", "w").close()
time.sleep(float(LIFETIME))
