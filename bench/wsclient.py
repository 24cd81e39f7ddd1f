"""A Streamlit session client: drives the real server over its websocket as the browser does.

For the benchmarks and the tests only: the product never speaks Streamlit's private protocol (a worker
warms its caches in-process, sdp_dash/web/warm.py, and readiness is `scripts/serve.py ready`).

No browser is involved, so what is timed is the Streamlit server alone (plus one websocket hop on
127.0.0.1).  The protocol, as Streamlit 1.67 speaks it (streamlit/web/server/starlette/
starlette_websocket.py, streamlit/proto/{BackMsg,ClientState,ForwardMsg}.proto):

* connect to ``ws://HOST:PORT/_stcore/stream`` with ``Sec-WebSocket-Protocol: streamlit``.  The
  frontend adds the XSRF token and an old session id as the 2nd and 3rd entries; the server only
  checks the token when the request carries an ``Origin`` header, and this client sends none.
* every frame is one serialized protobuf: ``BackMsg`` from the client, ``ForwardMsg`` from the server.
* a page is shown by a ``BackMsg.rerun_script`` carrying a ``ClientState``: ``page_name`` is the
  page's url path (st.navigation resolves it in PagesManager), ``query_string`` the URL's query,
  ``page_script_hash`` the page the session is on (empty on a first visit) and
  ``cached_message_hashes`` the messages the client still holds.
* the server answers with ForwardMsgs (new_session, navigation, page_info_changed, deltas, ...)
  and ends the run with ``script_finished``.  A large ``new_element`` delta is marked
  ``metadata.cacheable``; when the client says it holds that hash the server sends only
  ``ref_hash``.  Like the browser, this client keeps the cacheable messages it received, lists
  their hashes on the next rerun and resolves ``ref_hash`` from them (``use_cache=False`` asks for
  full messages every time).

Usage (asyncio)::

    async with Session(port) as s:
        first = await s.run("explore?area=AAP-durham-aap&to=2025-12")
        again = await s.rerun()          # the same page, with the query string the server last set
        print(first.seconds, again.seconds, again.deltas, again.ok)

``RunResult.ok`` is false when the run raised (an exception element), showed ``st.error``, found
no page, timed out or lost the connection.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from google.protobuf.message import DecodeError
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

FINISHED = ForwardMsg.ScriptFinishedStatus
MAX_MESSAGE_BYTES = 256 * 1024 * 1024  # the server's own limit is server.maxMessageSize (200 MB)
MAX_MESSAGES_PER_RUN = 100_000


@dataclass
class RunResult:
    path: str
    seconds: float = 0.0  # rerun_script sent -> script_finished received
    deltas: int = 0
    messages: int = 0
    bytes: int = 0
    cached_refs: int = 0  # ref_hash messages answered from the client's cache
    exceptions: list[str] = field(default_factory=list)  # "Type: message" of exception elements
    error_alerts: list[str] = field(default_factory=list)  # st.error bodies
    page_not_found: bool = False
    status: str = ""  # ScriptFinishedStatus name
    failure: str | None = None  # "timeout", "disconnect: ...", "unknown ref_hash", ...

    @property
    def ok(self) -> bool:
        return self.failure is None and not self.exceptions and not self.error_alerts and not self.page_not_found

    def problem(self) -> str | None:
        """A short kind of what went wrong (for tallies), or None."""
        if self.failure:
            return self.failure.split(":")[0]
        if self.exceptions:
            return "exception element"
        if self.error_alerts:
            return "st.error alert"
        if self.page_not_found:
            return "page not found"
        return None


class Session:
    """One browser-tab-like session on a Streamlit server at 127.0.0.1:``port``."""

    def __init__(
        self, port: int, host: str = "127.0.0.1", use_cache: bool = True, open_timeout: float = 30.0, cookie: str = ""
    ) -> None:
        self.url = f"ws://{host}:{port}/_stcore/stream"
        self.http = f"http://{host}:{port}"
        self.use_cache = use_cache
        self.open_timeout = open_timeout
        self.cookie = cookie  # a Cookie header to send (e.g. a load balancer's route cookie), as a browser would
        self.ws = None
        self.page_name = ""
        self.query_string = ""
        self.page_script_hash = ""
        self.cache: dict[str, ForwardMsg] = {}

    async def open(self) -> Session:
        self.ws = await connect(
            self.url,
            subprotocols=["streamlit"],
            compression="deflate",  # as browsers offer
            proxy=None,  # loopback only, never through an environment proxy
            max_size=MAX_MESSAGE_BYTES,
            max_queue=None,
            open_timeout=self.open_timeout,
            ping_interval=None,  # the server pings; the library answers
            close_timeout=5,
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
        )
        return self

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def __aenter__(self) -> Session:
        return await self.open()

    async def __aexit__(self, *exc) -> None:
        await self.close()

    def _rerun_msg(self) -> bytes:
        back = BackMsg()
        cs = back.rerun_script
        cs.query_string = self.query_string
        cs.page_name = self.page_name
        cs.page_script_hash = self.page_script_hash
        if self.use_cache:
            cs.cached_message_hashes.extend(self.cache)
        cs.context_info.timezone = "Europe/London"
        cs.context_info.timezone_offset = 0
        cs.context_info.locale = "en-GB"
        cs.context_info.url = f"{self.http}/{self.page_name}" + (f"?{self.query_string}" if self.query_string else "")
        return back.SerializeToString()

    async def run(self, path: str, timeout: float = 60.0) -> RunResult:
        """Navigate this session to ``path`` (``"explore?area=..."``; "" is the default page) and run it."""
        page, _, query = path.partition("?")
        if page.strip("/") != self.page_name:
            self.page_script_hash = ""  # a different page: resolved by its name, as on a first visit
        self.page_name, self.query_string = page.strip("/"), query
        return await self._run(path, timeout)

    async def rerun(self, timeout: float = 60.0) -> RunResult:
        """Run the current page again with the current URL state (as pressing R in the browser)."""
        path = self.page_name + (f"?{self.query_string}" if self.query_string else "")
        return await self._run(path, timeout)

    async def _run(self, path: str, timeout: float) -> RunResult:
        if self.ws is None:
            raise RuntimeError("session is not open")
        res = RunResult(path)
        t0 = time.perf_counter()
        try:
            async with asyncio.timeout(timeout):
                await self.ws.send(self._rerun_msg())
                for _ in range(MAX_MESSAGES_PER_RUN):
                    data = await self.ws.recv(decode=False)
                    res.messages += 1
                    res.bytes += len(data)
                    msg = ForwardMsg()
                    msg.ParseFromString(data)
                    if self._take(msg, res):
                        break
                else:
                    res.failure = f"no script_finished in {MAX_MESSAGES_PER_RUN} messages"
        except TimeoutError:
            res.failure = "timeout"
        except ConnectionClosed as exc:
            res.failure = f"disconnect: {exc}"
        except OSError as exc:
            res.failure = f"disconnect: {type(exc).__name__}"
        except DecodeError:
            res.failure = "bad message: not a ForwardMsg"
        res.seconds = time.perf_counter() - t0
        return res

    def _take(self, msg: ForwardMsg, res: RunResult) -> bool:
        """Account for one ForwardMsg; True once the run has finished."""
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            cached = self.cache.get(msg.ref_hash)
            if cached is None:
                res.failure = "unknown ref_hash"
                return True
            res.cached_refs += 1
            msg, kind = cached, cached.WhichOneof("type")
        elif self.use_cache and msg.metadata.cacheable and msg.hash:
            self.cache[msg.hash] = msg
        if kind == "delta":
            res.deltas += 1
            el = msg.delta.new_element if msg.delta.WhichOneof("type") == "new_element" else None
            if el is not None and el.WhichOneof("type") == "exception":
                res.exceptions.append(f"{el.exception.type}: {el.exception.message}"[:300])
            elif el is not None and el.WhichOneof("type") == "alert" and el.alert.format == Alert.ERROR:
                res.error_alerts.append(el.alert.body[:300])
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string  # the browser's URL follows st.query_params
        elif kind == "page_not_found":
            res.page_not_found = True
        elif kind == "script_finished":
            if msg.script_finished == FINISHED.FINISHED_EARLY_FOR_RERUN:
                return False  # st.rerun(): a new run follows in the same request
            res.status = FINISHED.Name(msg.script_finished)
            if msg.script_finished == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                res.failure = "compile error"
            return True
        return False


def route_cookie(port: int, host: str = "127.0.0.1", timeout: float = 10.0) -> str:
    """The cookies a browser would hold after its first request to ``/`` (``name=value; ...``; "" if none).

    Behind the load balancer of deploy/ this is the route cookie that keeps a visitor on one worker;
    a bare Streamlit server sets none.  Blocking (urllib): call it before the event loop or in a thread.
    """
    import http.cookies
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never an environment proxy
    with opener.open(f"http://{host}:{port}/", timeout=timeout) as r:
        jar = http.cookies.SimpleCookie()
        for header in r.headers.get_all("Set-Cookie") or []:
            jar.load(header)
    return "; ".join(f"{k}={m.value}" for k, m in jar.items())


async def first_load(port: int, path: str, timeout: float = 60.0) -> tuple[float, RunResult]:
    """A fresh session's first page: (seconds from connect to script_finished, the run)."""
    t0 = time.perf_counter()
    async with Session(port) as s:
        res = await s.run(path, timeout)
    return time.perf_counter() - t0, res


if __name__ == "__main__":  # a quick look: python bench/wsclient.py PORT [PATH ...]
    import sys

    async def _main(port: int, paths: list[str]) -> None:
        async with Session(port) as s:
            for p in paths or [""]:
                r = await s.run(p)
                print(f"{p or '(default)'}: {r.seconds * 1000:.0f} ms, {r.deltas} deltas, {r.bytes} bytes, {r.status}, ok={r.ok}")
                r = await s.rerun()
                print(f"  rerun: {r.seconds * 1000:.0f} ms, {r.deltas} deltas, {r.cached_refs} cached, ok={r.ok}")

    asyncio.run(_main(int(sys.argv[1]), sys.argv[2:]))
