"""The web chat's web server: the demo clinic page, the widget's files and its history endpoint.

`make run` starts it (ops/stack.py) on WEB_PORT [8080]. It serves webchat/dist/ (built by
`make setup` from the pinned npm packages) with a strict Content-Security-Policy:

- widget.<hash>.js / .css (a content hash in the name) with `Cache-Control: public,
  max-age=31536000, immutable`: a new build has new names, so browsers never ask again;
- widget.js (the loader sites embed), the demo page and its stylesheet with `no-cache` and an
  ETag, so browsers revalidate them (a 304 when unchanged) and pick up a new build at once;
- the build's precompressed .br / .gz copies to browsers that accept them, the page compressed
  on the fly.

and one API:

    GET /api/history/<conversation id>  ->  {"messages": [{"sender": "user"|"bot", "text": ...,
                                                          "buttons": [{"title", "payload"}]}],
                                             "user_turns": <messages the visitor sent>}

which reads the conversation from Rasa's HTTP API (GET /conversations/<id>/tracker) with the
server-side token, so the browser never sees the token, and returns only what the visitor saw.
Conversation ids are the 32 hex characters the widget generates, so ids of other channels
(REST, the terminal) cannot be read through it.
"""

from __future__ import annotations

import argparse
import hmac
import html
import logging
import re
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional
from urllib.parse import urlsplit

from aiohttp import ClientError, ClientSession, ClientTimeout, web
from aiohttp.abc import AbstractAccessLogger

from clinic_core.settings import load_settings, parse_origins

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIST = PROJECT_ROOT / "webchat" / "dist"
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
MAX_MESSAGES = 200
# Files the server hands out from dist/, and their types. Nothing else is served.
CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}
LOADER = "widget.js"
# The build's content-hashed files (webchat/build.mjs): cacheable for good.
HASHED_ASSET = re.compile(r"^widget\.[A-Z0-9]{8,}\.(?:js|css)$")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# Precompressed copies next to each file, best first.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))

logger = logging.getLogger("webchat")


def accepted_encodings(header: str) -> set:
    """Content codings an Accept-Encoding header allows ("gzip;q=0" refuses gzip)."""
    accepted = set()
    for part in header.lower().split(","):
        coding, _, params = part.strip().partition(";")
        quality = params.strip()
        if quality.startswith("q="):
            try:
                if float(quality[2:]) <= 0:
                    continue
            except ValueError:
                continue
        if coding:
            accepted.add(coding.strip())
    return accepted


def websocket_origin(http_origin: str) -> str:
    parts = urlsplit(http_origin)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}"


def content_security_policy(rasa_public_url: str) -> str:
    """Only this server and the Rasa server: no third-party scripts, styles, fonts or analytics."""
    parts = urlsplit(rasa_public_url)
    rasa_origin = f"{parts.scheme}://{parts.netloc}"
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'none'",
            f"connect-src 'self' {rasa_origin} {websocket_origin(rasa_origin)}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
            "object-src 'none'",
        ]
    )


# --------------------------------------------------------------------------- history


def _bot_parts(event: Dict[str, Any]) -> List[Dict[str, Any]]:
    """A bot event as the socket.io channel sent it: text split on blank lines, buttons on the last."""
    data = event.get("data") or {}
    buttons = [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", b.get("url", "")))}
        for b in (data.get("buttons") or data.get("quick_replies") or [])
        if isinstance(b, dict)
    ]
    image = data.get("image")
    if isinstance(image, str) and image.startswith(("https://", "http://")):
        buttons.append({"title": "Open image", "payload": image})
    text = event.get("text") or ""
    parts = [p for p in text.strip().split("\n\n") if p] if text.strip() else []
    if not parts and not buttons:
        return []
    messages = [{"sender": "bot", "text": p, "buttons": []} for p in (parts or [""])]
    messages[-1]["buttons"] = buttons
    return messages


def visible_messages(
    events: Iterable[Dict[str, Any]], limit: int = MAX_MESSAGES
) -> List[Dict[str, Any]]:
    """What the visitor saw: their messages (a button's title, not its payload) and the bot's."""
    messages: List[Dict[str, Any]] = []
    offered: Dict[str, str] = {}  # payload -> title of the buttons shown since the last user turn
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = event.get("text")
            if not isinstance(text, str) or not text:
                continue
            messages.append({"sender": "user", "text": offered.get(text, text)})
            offered = {}
        elif kind == "bot":
            for part in _bot_parts(event):
                messages.append(part)
                offered.update({b["payload"]: b["title"] for b in part["buttons"]})
    return messages[-limit:]


# --------------------------------------------------------------------------- app


class RedactingAccessLogger(AbstractAccessLogger):
    """Access log without conversation ids (they are what lets someone read a conversation)."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        path = re.sub(r"^/api/history/[^/?]*", "/api/history/<id>", request.path)
        self.logger.info(
            "%s %s %s %s %.0fms", request.remote, request.method, path, response.status, time * 1000
        )


def create_app(
    *,
    dist: Path,
    rasa_url: str,
    rasa_public_url: str,
    token: Optional[str],
    cors_origins: List[str],
    clinic: Optional[Dict[str, str]] = None,
) -> web.Application:
    dist = dist.resolve()
    csp = content_security_policy(rasa_public_url)
    allow_any_origin = "*" in cors_origins
    app = web.Application()

    def cors_headers(request: web.Request) -> Dict[str, str]:
        origin = request.headers.get("Origin")
        if origin and (allow_any_origin or origin.rstrip("/") in cors_origins):
            return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
        return {"Vary": "Origin"}

    def add_security_headers(response: web.StreamResponse) -> None:
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )

    @web.middleware
    async def security_headers(request: web.Request, handler):
        try:
            response = await handler(request)
        except web.HTTPException as error:
            add_security_headers(error)
            raise
        add_security_headers(response)
        return response

    app.middlewares.append(security_headers)

    def page(name: str) -> str:
        text = (dist / name).read_text(encoding="utf-8")
        values = {"RASA_URL": rasa_public_url, **(clinic or {})}
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", html.escape(value, quote=True))
        return text

    def html_page(name: str) -> web.Response:
        response = web.Response(
            text=page(name),
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": REVALIDATE},
        )
        response.enable_compression()
        return response

    async def index(request: web.Request) -> web.Response:
        return html_page("index.html")

    async def static_file(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        path = (dist / name).resolve()
        suffix = path.suffix.lower()
        if path.parent != dist or suffix not in CONTENT_TYPES or not path.is_file():
            raise web.HTTPNotFound()
        if suffix == ".html":
            return html_page(name)
        immutable = bool(HASHED_ASSET.match(name))
        headers = {
            "Content-Type": CONTENT_TYPES[suffix],
            "Cache-Control": IMMUTABLE if immutable else REVALIDATE,
        }
        if immutable or name == LOADER:  # other sites embed these
            headers["Cross-Origin-Resource-Policy"] = "cross-origin"
            headers.update(cors_headers(request))
        if suffix in (".js", ".css", ".svg"):
            headers["Vary"] = ", ".join(filter(None, [headers.get("Vary"), "Accept-Encoding"]))
            accepted = accepted_encodings(request.headers.get("Accept-Encoding", ""))
            for coding, extension in ENCODINGS:
                compressed = path.with_name(path.name + extension)
                if coding in accepted and compressed.is_file():
                    headers["Content-Encoding"] = coding
                    path = compressed
                    break
        return web.FileResponse(path, headers=headers)

    async def health(request: web.Request) -> web.Response:
        if not (dist / LOADER).is_file():
            return web.json_response({"status": "widget not built"}, status=503)
        return web.json_response({"status": "ok"})

    async def history(request: web.Request) -> web.Response:
        headers = {"Cache-Control": "no-store", **cors_headers(request)}
        conversation_id = request.match_info["conversation_id"]
        if not SESSION_ID.match(conversation_id):
            return web.json_response({"error": "unknown conversation"}, status=404, headers=headers)
        params = {"token": token} if token else {}
        try:
            async with request.app["client"].get(
                f"{rasa_url}/conversations/{conversation_id}/tracker",
                params=params,
            ) as response:
                if response.status != 200:
                    logger.warning("Rasa answered %s for a tracker", response.status)
                    return web.json_response(
                        {"error": "history unavailable"}, status=502, headers=headers
                    )
                tracker = await response.json()
        except (ClientError, OSError, ValueError) as error:
            logger.warning("Rasa server not reachable for history: %s", error)
            return web.json_response(
                {"error": "chat server unavailable"}, status=503, headers=headers
            )
        events = tracker.get("events") or []
        return web.json_response(
            {
                "messages": visible_messages(events),
                "user_turns": sum(1 for e in events if e.get("event") == "user"),
            },
            headers=headers,
        )

    async def client_session(app: web.Application):
        app["client"] = ClientSession(timeout=ClientTimeout(total=10))
        yield
        await app["client"].close()

    async def scrape(request: web.Request) -> web.Response:
        """Prometheus metrics, for a scrape with the Rasa API token (Bearer) only."""
        from clinic_core import metrics

        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not token or not hmac.compare_digest(given.encode(), token.encode()):
            return web.json_response({"error": "unauthorized"}, status=401)
        body, content_type = metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})

    @web.middleware
    async def count_requests(request: web.Request, handler):
        from clinic_core import metrics

        route = request.match_info.route.resource
        name = route.canonical if route is not None else "-"
        try:
            response = await handler(request)
        except web.HTTPException as error:
            metrics.WEB_REQUESTS.labels(route=name, status=str(error.status)).inc()
            raise
        metrics.WEB_REQUESTS.labels(route=name, status=str(response.status)).inc()
        return response

    app.middlewares.append(count_requests)
    app.cleanup_ctx.append(client_session)
    app.router.add_get("/metrics", scrape)
    app.router.add_get("/", index)
    app.router.add_get("/healthz", health)
    app.router.add_get("/api/history/{conversation_id}", history)
    app.router.add_get("/{name}", static_file)
    return app


def clinic_placeholders() -> Dict[str, str]:
    """The demo page's clinic details, from clinic.yml (as the bot's answers use them)."""
    try:
        sys.path.insert(0, str(PROJECT_ROOT))
        from clinic_core.settings import load_clinic

        clinic = load_clinic()
    except Exception as error:  # the page still works with neutral text
        logger.warning("Clinic details not loaded for the demo page: %s", error)
        return {
            "CLINIC_NAME": "Our clinic",
            "CLINIC_PHONE": "",
            "CLINIC_PHONE_TEL": "",
            "CLINIC_HOURS": "",
            "BOOKING_URL": "#",
        }
    return {
        "CLINIC_NAME": clinic.clinic_name,
        "CLINIC_PHONE": clinic.phone,
        "CLINIC_PHONE_TEL": "".join(ch for ch in clinic.phone if ch.isdigit() or ch == "+"),
        "CLINIC_HOURS": clinic.hours,
        "BOOKING_URL": clinic.booking_url,
    }


def main(argv=None) -> int:
    settings = load_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=settings.bind_host)
    parser.add_argument("--port", type=int, default=settings.web_port)
    parser.add_argument(
        "--rasa-url",
        default=f"http://127.0.0.1:{settings.rasa_port}",
        help="the Rasa server as this server reaches it",
    )
    parser.add_argument(
        "--rasa-public-url",
        default=settings.webchat_server_url,
        help="the Rasa server as browsers reach it [WEBCHAT_SERVER_URL or --rasa-url]",
    )
    parser.add_argument("--cors-origins", default=settings.cors_origins)
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s  %(message)s"
    )

    if not (args.dist / "widget.js").is_file():
        print(
            f"The web chat is not built ({args.dist}/widget.js is missing). Run `make setup` "
            "(it runs `npm ci` and the build in webchat/).",
            file=sys.stderr,
        )
        return 2
    public_url = (args.rasa_public_url or args.rasa_url).rstrip("/")
    app = create_app(
        dist=args.dist,
        rasa_url=args.rasa_url.rstrip("/"),
        rasa_public_url=public_url,
        token=settings.auth_token,
        cors_origins=parse_origins(args.cors_origins),
        clinic=clinic_placeholders(),
    )
    print(
        f"Web chat on http://localhost:{args.port}/ (chat server for browsers: {public_url})",
        flush=True,
    )
    web.run_app(
        app,
        host=args.host,
        port=args.port,
        print=None,
        access_log_class=RedactingAccessLogger,
        access_log=logging.getLogger("webchat.access"),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
