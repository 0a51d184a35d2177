"""Open a page in headless Chromium and report what a reader would see go wrong.

The browser is driven over the Chrome DevTools Protocol on a pipe (``--remote-debugging-pipe``:
JSON messages ending in a NUL byte on file descriptors 3 and 4), so no port is opened and no
third-party package is needed. :func:`check_pages` loads files, waits for each one's load event
and returns every <img> with its natural size, the number of <script> elements, and every console
message of level error, uncaught exception and browser log entry of level error (a blocked or
failed resource load, a Content-Security-Policy violation).
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

#: names of the Chromium binary (the Debian package 'chromium' installs /usr/bin/chromium)
BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """Path of a Chromium binary, or None."""
    for name in BINARIES:
        path = shutil.which(name)
        if path:
            return path
    return None


class _Pipe:
    """The DevTools protocol over two pipes: commands with ids, events collected."""

    def __init__(self, proc: subprocess.Popen, to_browser: int, from_browser: int, deadline):
        self.proc = proc
        self.w = to_browser
        self.r = from_browser
        self.deadline = deadline
        self.buf = b""
        self.events: list[dict] = []
        self.next_id = 0

    def _read_message(self) -> dict:
        while b"\0" not in self.buf:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self.r], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise RuntimeError(f"Chromium closed the pipe (exit code {self.proc.poll()})")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str, session: str) -> dict:
        for i, e in enumerate(self.events):
            if e.get("method") == method and e.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            e = self._read_message()
            if e.get("method") == method and e.get("sessionId") == session:
                return e
            self.events.append(e)


def _problems(events: list[dict]) -> list[str]:
    out = []
    for e in events:
        method, p = e.get("method"), e.get("params", {})
        if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"])
            out.append(f"console.{p['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append(f"exception: {d.get('text')} {d.get('exception', {}).get('description')}")
        elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            out.append(f"log: {p['entry'].get('text')} {p['entry'].get('url', '')}")
    return out


_PROBE = """JSON.stringify({
  images: Array.from(document.images).map(i => ({
    src: i.currentSrc.slice(0, 40), complete: i.complete,
    width: i.naturalWidth, height: i.naturalHeight})),
  scripts: document.scripts.length,
  title: document.title,
  text: document.body ? document.body.innerText.length : 0
})"""


def check_page(path: str | os.PathLike, timeout: float = 60.0) -> dict:
    """:func:`check_pages` for one page."""
    return check_pages([path], timeout)[0]


def check_pages(paths, timeout: float = 60.0, chromium: str | None = None) -> list[dict]:
    """Load local HTML files one after the other in one headless Chromium.

    Returns a dict per page: ``images`` (src head, complete, width, height per <img>),
    ``scripts`` (number of <script> elements), ``title``, ``text`` (length of the visible
    text) and ``problems`` (console errors, exceptions, browser log errors).
    """
    binary = chromium or find_chromium()
    if binary is None:
        raise FileNotFoundError("no Chromium binary")
    urls = [Path(p).resolve().as_uri() for p in paths]
    to_r, to_w = os.pipe()
    from_r, from_w = os.pipe()
    # the child reads commands on fd 3 and writes answers on fd 4: copies of the pipe ends at
    # free descriptors >= 10 (close-on-exec) are moved there in the child, so the dup2 calls
    # never overwrite each other's source
    hi_r = fcntl.fcntl(to_r, fcntl.F_DUPFD_CLOEXEC, 10)
    hi_w = fcntl.fcntl(from_w, fcntl.F_DUPFD_CLOEXEC, 10)

    def child_fds():  # runs in the child between fork and exec
        os.dup2(hi_r, 3)  # inheritable: Chromium gets them
        os.dup2(hi_w, 4)

    profile = tempfile.mkdtemp(prefix="memsim-chromium-")
    args = [
        binary,
        "--headless",
        "--remote-debugging-pipe",
        f"--user-data-dir={profile}",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-gpu",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--mute-audio",
        "about:blank",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium refuses to run as root with its sandbox
    proc = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=False,  # Python's own descriptors are not inheritable; 3 and 4 are
        preexec_fn=child_fds,
    )
    for fd in {to_r, from_w, hi_r, hi_w}:
        os.close(fd)
    pipe = _Pipe(proc, to_w, from_r, time.monotonic() + timeout)
    try:
        target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log"):
            pipe.send(f"{domain}.enable", session=session)
        results = []
        for url in urls:
            pipe.events.clear()
            pipe.send("Page.navigate", {"url": url}, session=session)
            pipe.wait_event("Page.loadEventFired", session)
            value = pipe.send(
                "Runtime.evaluate", {"expression": _PROBE, "returnByValue": True}, session=session
            )["result"]["value"]
            result = json.loads(value)
            result["problems"] = _problems(pipe.events)
            results.append(result)
        try:
            pipe.send("Browser.close")
        except (RuntimeError, TimeoutError):
            pass
        return results
    finally:
        for fd in (to_w, from_r):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
