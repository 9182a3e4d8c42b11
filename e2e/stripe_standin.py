"""A local stand-in for Stripe: enough of its API, in its documented JSON shapes, for this site's
checkout, fulfilment and refunds, and a hosted checkout page a browser can pay on.

The site talks to it through the real stripe library (settings.STRIPE_API_BASE points the library at
it), so everything above the HTTP layer runs as it does against Stripe: form-encoded requests with
nested keys, idempotency keys, expansions, error objects. Paying on the hosted page marks the session
paid and, when `deliver_webhooks` is on, posts a checkout.session.completed event to the site's
webhook, signed as Stripe signs it, before the browser is sent back to the success URL.

Every API request and webhook delivery is recorded, so tests can say what the site asked Stripe for.
"""

import copy
import hashlib
import hmac
import html
import json
import re
import secrets
import string
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

API_VERSION = "2026-10-28.endive"  # the version the pinned stripe library asks for
TEST_CARD = "4242 4242 4242 4242"
ZERO_DECIMAL_CURRENCIES = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "vnd", "vuv", "xaf"}
CURRENCY_SYMBOLS = {"usd": "$", "cad": "CA$", "eur": "€", "gbp": "£"}


@dataclass
class Recorded:
    """One API request as the stand-in received it: its form or query decoded into nested values."""

    method: str
    path: str
    params: dict
    headers: dict


@dataclass
class Delivery:
    """One webhook event posted to the site, and the site's answer."""

    event: dict
    status: int
    body: str


class StripeError(Exception):
    def __init__(self, status: int, message: str, *, code: str = "", param: str = "", kind="invalid_request_error"):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": kind, "message": message, **({"code": code} if code else {})}}
        if param:
            self.body["error"]["param"] = param


@dataclass
class StripeStandIn:
    webhook_url: str = ""
    webhook_secret: str = ""
    deliver_webhooks: bool = False
    requests: list[Recorded] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)

    def __post_init__(self):
        self.sessions: dict[str, dict] = {}
        self.payment_intents: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self._line_items: dict[str, list[dict]] = {}
        self._intent_metadata: dict[str, dict] = {}
        self._idempotent: dict[str, tuple[dict, int, dict]] = {}
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Running ------------------------------------------------------------------------------------

    def start(self) -> "StripeStandIn":
        standin = self

        class Handler(_Handler):
            pass

        Handler.standin = standin
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="stripe-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def calls(self, method: str, path: str) -> list[Recorded]:
        """The API requests received for `path` (a prefix: "/v1/checkout/sessions" matches retrieves too)."""
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path.startswith(path)]

    # The API ------------------------------------------------------------------------------------

    def api(self, method: str, path: str, params: dict, headers: dict) -> tuple[int, dict, dict]:
        """Stripe's answer to one API request: status, JSON body and extra headers."""
        with self._lock:
            self.requests.append(Recorded(method, path, params, headers))
            if not headers.get("authorization", "").startswith("Bearer sk_"):
                raise StripeError(
                    401,
                    "You did not provide an API key. Provide it in the Authorization header (Bearer auth).",
                    kind="invalid_request_error",
                )
            key = headers.get("idempotency-key")
            if method == "POST" and key:
                if key in self._idempotent:
                    first_params, status, body = self._idempotent[key]
                    if first_params != params:
                        raise StripeError(
                            400,
                            "Keys for idempotent requests can only be used with the same parameters they were "
                            "first used with.",
                            kind="idempotency_error",
                        )
                    return status, copy.deepcopy(body), {"Idempotent-Replayed": "true"}
                status, body = self._route(method, path, params)
                self._idempotent[key] = (params, status, copy.deepcopy(body))
                return status, body, {}
            status, body = self._route(method, path, params)
            return status, body, {}

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        if method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._session_create(params)
        if method == "GET" and (match := re.fullmatch(r"/v1/checkout/sessions/([^/]+)", path)):
            return 200, self._expanded(self._session(match[1]), params.get("expand") or [])
        if method == "GET" and (match := re.fullmatch(r"/v1/payment_intents/([^/]+)", path)):
            intent = self.payment_intents.get(match[1])
            if intent is None:
                raise _missing("payment_intent", match[1], param="intent")
            return 200, self._expanded_intent(intent, params.get("expand") or [])
        if method == "POST" and path == "/v1/refunds":
            return 200, self._refund_create(params)
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    def _session_create(self, params: dict) -> dict:
        for required in ("mode", "success_url", "line_items"):
            if not params.get(required):
                raise StripeError(400, f"Missing required param: {required}.", code="parameter_missing", param=required)
        line_items = params["line_items"]
        subtotal = 0
        for position, item in enumerate(line_items):
            price = item.get("price_data") or {}
            if not str(price.get("unit_amount", "")).isdigit():
                param = f"line_items[{position}][price_data][unit_amount]"
                raise StripeError(400, f"Missing required param: {param}.", code="parameter_missing", param=param)
            subtotal += int(price["unit_amount"]) * int(item.get("quantity") or 1)
        currency = line_items[0]["price_data"].get("currency", "").lower()
        now = int(time.time())
        session_id = _new_id("cs_test_", 58)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "allow_promotion_codes": params.get("allow_promotion_codes") == "true" or None,
            "amount_subtotal": subtotal,
            "amount_total": subtotal,
            "automatic_tax": {
                "enabled": (params.get("automatic_tax") or {}).get("enabled") == "true",
                "liability": None,
                "status": None,
            },
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "currency": currency,
            "customer": None,
            "customer_creation": "if_required",
            "customer_details": None,
            "customer_email": params.get("customer_email"),
            "expires_at": now + 24 * 3600,
            "livemode": False,
            "locale": None,
            "metadata": params.get("metadata") or {},
            "mode": params["mode"],
            "payment_intent": None,  # Stripe makes it when the customer pays
            "payment_method_types": ["card"],
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params["success_url"],
            "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
            "ui_mode": "hosted",
            "url": f"{self.url}/c/pay/{session_id}",
        }
        self.sessions[session_id] = session
        self._line_items[session_id] = line_items
        self._intent_metadata[session_id] = (params.get("payment_intent_data") or {}).get("metadata") or {}
        return copy.deepcopy(session)

    def _session(self, session_id: str) -> dict:
        session = self.sessions.get(session_id)
        if session is None:
            raise _missing("checkout.session", session_id, param="session")
        return session

    def _expanded(self, session: dict, expand: list[str]) -> dict:
        session = copy.deepcopy(session)
        wanted = [e for e in expand if e == "payment_intent" or e.startswith("payment_intent.")]
        if wanted and session["payment_intent"]:
            inner = [e.removeprefix("payment_intent.") for e in wanted if e != "payment_intent"]
            session["payment_intent"] = self._expanded_intent(self.payment_intents[session["payment_intent"]], inner)
        return session

    def _expanded_intent(self, intent: dict, expand: list[str]) -> dict:
        intent = copy.deepcopy(intent)
        if "latest_charge" in expand and intent["latest_charge"]:
            intent["latest_charge"] = copy.deepcopy(self.charges[intent["latest_charge"]])
        return intent

    def _refund_create(self, params: dict) -> dict:
        intent = self.payment_intents.get(params.get("payment_intent", ""))
        if intent is None:
            raise _missing("payment_intent", params.get("payment_intent", ""), param="payment_intent")
        charge = self.charges[intent["latest_charge"]]
        remaining = charge["amount"] - charge["amount_refunded"]
        amount = int(params.get("amount") or remaining)
        if amount > remaining:
            raise StripeError(
                400,
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})",
                code="amount_too_large",
                param="amount",
            )
        refund = {
            "id": _new_id("re_test_", 24),
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "created": int(time.time()),
            "currency": charge["currency"],
            "metadata": params.get("metadata") or {},
            "payment_intent": intent["id"],
            "reason": params.get("reason"),
            "status": "succeeded",
        }
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        self.refunds[refund["id"]] = refund
        return copy.deepcopy(refund)

    # The hosted checkout page ----------------------------------------------------------------------

    def pay(self, session_id: str, *, email: str = "") -> tuple[dict, bool]:
        """What paying on the hosted page does: the session paid, with a payment and its charge; and
        whether this paid it (a second press of Pay on a completed checkout pays nothing)."""
        with self._lock:
            session = self._session(session_id)
            if session["status"] != "open":
                return copy.deepcopy(session), False
            intent_id, charge_id = _new_id("pi_test_", 24), _new_id("ch_test_", 24)
            now = int(time.time())
            self.charges[charge_id] = {
                "id": charge_id,
                "object": "charge",
                "amount": session["amount_total"],
                "amount_captured": session["amount_total"],
                "amount_refunded": 0,
                "captured": True,
                "created": now,
                "currency": session["currency"],
                "paid": True,
                "payment_intent": intent_id,
                "receipt_email": session["customer_email"],
                "receipt_url": f"{self.url}/receipts/payment/{charge_id}",
                "refunded": False,
                "status": "succeeded",
            }
            self.payment_intents[intent_id] = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": session["amount_total"],
                "amount_received": session["amount_total"],
                "created": now,
                "currency": session["currency"],
                "description": None,
                "latest_charge": charge_id,
                "metadata": self._intent_metadata.get(session_id, {}),
                "status": "succeeded",
            }
            session.update(
                payment_intent=intent_id,
                payment_status="paid",
                status="complete",
                customer_details={
                    "address": {"country": "US", "postal_code": "33101"},
                    "email": email or session["customer_email"],
                    "name": None,
                    "phone": None,
                    "tax_exempt": "none",
                    "tax_ids": [],
                },
                url=None,
            )
            return copy.deepcopy(session), True

    def deliver(self, event_type: str, stripe_object: dict) -> Delivery:
        """Posts an event to the site's webhook as Stripe does: JSON, signed with the endpoint's secret."""
        event = {
            "id": _new_id("evt_test_", 24),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": event_type,
            "data": {"object": copy.deepcopy(stripe_object)},
        }
        payload = json.dumps(event)
        request = urllib.request.Request(  # noqa: S310 - the site's own webhook, http(s) from the fixture
            self.webhook_url,
            data=payload.encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": stripe_signature(payload, self.webhook_secret),
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as answer:  # noqa: S310
                delivery = Delivery(event, answer.status, answer.read().decode())
        except urllib.error.HTTPError as error:
            delivery = Delivery(event, error.code, error.read().decode())
        except urllib.error.URLError as error:  # Stripe would retry later; the test sees it went nowhere
            delivery = Delivery(event, 0, str(error.reason))
        with self._lock:
            self.deliveries.append(delivery)
        return delivery

    def checkout_page(self, session_id: str) -> str:
        with self._lock:
            session = self._session(session_id)
            items = self._line_items[session_id]
        names = [(item["price_data"].get("product_data") or {}).get("name", "") for item in items]
        title = html.escape(", ".join(names))
        total = html.escape(format_amount(session["amount_total"], session["currency"]))
        if session["status"] != "open":
            body = f"<h1>{title}</h1><p>This checkout is {html.escape(session['status'])}.</p>"
        else:
            cancel = (
                f'<p><a href="{html.escape(session["cancel_url"])}">Cancel and go back</a></p>'
                if session["cancel_url"]
                else ""
            )
            body = f"""<p>Stand-in for Stripe Checkout (test mode)</p>
<h1>{title}</h1>
<p>Total due: <strong>{total}</strong></p>
<form method="post" action="/c/pay/{html.escape(session_id)}">
  <p><label for="email">Email</label><br>
  <input id="email" name="email" type="email" autocomplete="email"
    value="{html.escape(session["customer_email"] or "")}"></p>
  <p><label for="card">Card number</label><br>
  <input id="card" name="card" inputmode="numeric" autocomplete="cc-number" value="{TEST_CARD}"></p>
  <p><button type="submit">Pay {total}</button></p>
</form>
{cancel}"""
        return _html_page(f"Pay {', '.join(names)}", body)

    def receipt_page(self, charge_id: str) -> str | None:
        with self._lock:
            charge = self.charges.get(charge_id)
        if charge is None:
            return None
        amount = html.escape(format_amount(charge["amount"], charge["currency"]))
        return _html_page("Receipt", f"<h1>Receipt</h1><p>Amount paid: {amount}</p>")


class _Handler(BaseHTTPRequestHandler):
    standin: StripeStandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):
        pass  # quiet: the tests read the stand-in's `requests` instead

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        form = decode_form(url.query if method == "GET" else body)
        if url.path.startswith("/v1/"):
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                status, answer, extra = self.standin.api(method, url.path, form, headers)
            except StripeError as error:
                status, answer, extra = error.status, error.body, {}
            self._send(status, json.dumps(answer), "application/json", {"Request-Id": _new_id("req_", 14), **extra})
        elif match := re.fullmatch(r"/c/pay/([^/]+)", url.path):
            self._hosted_checkout(method, match[1], form)
        elif (match := re.fullmatch(r"/receipts/payment/([^/]+)", url.path)) and method == "GET":
            page = self.standin.receipt_page(match[1])
            self._send(200 if page else 404, page or "Not found", "text/html; charset=utf-8")
        else:
            self._send(404, "Not found", "text/plain; charset=utf-8")

    def _hosted_checkout(self, method: str, session_id: str, form: dict) -> None:
        standin = self.standin
        if session_id not in standin.sessions:
            self._send(404, _html_page("Not found", "<h1>This checkout does not exist.</h1>"), "text/html")
            return
        if method == "GET":
            self._send(200, standin.checkout_page(session_id), "text/html; charset=utf-8")
            return
        session, newly_paid = standin.pay(session_id, email=form.get("email", ""))
        if newly_paid and standin.deliver_webhooks:
            standin.deliver("checkout.session.completed", session)
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, text: str, content_type: str, headers: dict | None = None) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


def decode_form(encoded: str) -> dict:
    """A form body or query string as Stripe reads it: `line_items[0][price_data][unit_amount]=4900`
    becomes {"line_items": [{"price_data": {"unit_amount": "4900"}}]}; `expand[]` and `expand[0]` are lists."""
    root: dict = {}
    for name, value in parse_qsl(encoded, keep_blank_values=True):
        match = re.fullmatch(r"([^\[\]]+)((?:\[[^\[\]]*\])*)", name)
        if match is None:
            continue
        keys = [match[1], *re.findall(r"\[([^\[\]]*)\]", match[2])]
        node = root
        for position, key in enumerate(keys):
            last = position == len(keys) - 1
            if key == "":  # `a[]` appends
                key = str(len(node))
            if last:
                node[key] = value
            else:
                node = node.setdefault(key, {})
    return _lists(root)


def _lists(node):
    if not isinstance(node, dict):
        return node
    converted = {key: _lists(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def stripe_signature(payload: str, secret: str, *, timestamp: int | None = None) -> str:
    """The Stripe-Signature header: t=<unix time>,v1=<hex HMAC-SHA256 of "t.payload" keyed by the endpoint secret>."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def format_amount(amount: int, currency: str) -> str:
    currency = currency.lower()
    figure = str(amount) if currency in ZERO_DECIMAL_CURRENCIES else f"{amount // 100:,}.{amount % 100:02d}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{figure}" if symbol else f"{figure} {currency.upper()}"


def _missing(kind: str, object_id: str, *, param: str) -> StripeError:
    return StripeError(404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param)


def _new_id(prefix: str, length: int) -> str:
    alphabet = string.ascii_letters + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


def _html_page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title></head>
<body><main>
{body}
</main></body>
</html>"""
