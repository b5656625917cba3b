"""The one error type and the one place that renders it.

Every failure leaves the sandbox as Biteship's envelope
``{"success": false, "error": <message>, "code": <int>}`` (plus ``details`` when
there is something useful to say). Services raise ``SandboxError`` subclasses; they
never build responses. ``register(app)`` also turns werkzeug's HTTP errors,
marshmallow's ``ValidationError`` and any unexpected exception into that envelope,
so an HTML page or a stack trace can never reach a client.

Biteship's codes read ``HHH MM NNN``: HTTP status, module, sequence. Module ``11`` is
draft orders, ``02`` orders, ``01`` auth. Codes the sandbox had to invent (no
Biteship page documents them) use module ``99`` and are listed in the README.
"""

from __future__ import annotations

import logging
from typing import Any

from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("sandbox")


class SandboxError(Exception):
    """An error the client sees, in Biteship's envelope."""

    code: int = 50099005
    message: str = "Internal server error."
    #: Biteship's code prefix is the HTTP status for draft errors; a subclass sets
    #: ``http_status`` only where Biteship breaks that rule.
    http_status: int | None = None
    #: Extra response headers (e.g. ``Retry-After`` on a forced 429).
    headers: dict[str, str] | None = None

    def __init__(self, message: str | None = None, *, details: Any = None, **placeholders: Any):
        template = message or type(self).message
        self.message = template.format(**placeholders) if placeholders else template
        self.details = details
        super().__init__(self.message)

    @property
    def status(self) -> int:
        return self.http_status or int(str(self.code)[:3])

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"success": False, "error": self.message, "code": self.code}
        if self.details is not None:
            body["details"] = self.details
        return body


# --- Draft orders (https://biteship.com/en/docs/api/draft_orders/error) ------------


class BadRequest(SandboxError):
    code = 40011001
    message = "Bad request."


class DraftOrderConfirmed(SandboxError):
    code = 42211006
    message = "Draft order with 'id={id}' has been confirmed."


class DraftOrderNotFound(SandboxError):
    code = 40411007
    message = "Draft order with 'id={id}' is not found."


class DraftOrderNotReady(SandboxError):
    code = 42211008
    message = "Draft order with 'id={id}' is not ready to be confirmed for it is on {status} status."


class InvoicePaid(SandboxError):
    code = 42211009
    message = "Invoice with 'number={number}' has been paid."


class CashOnDeliveryTypeInvalid(SandboxError):
    code = 42211010
    message = "'{type}' is not a valid cash on delivery type."


class CashOnDeliveryAmountExceeded(SandboxError):
    code = 42211011
    message = "Cash on delivery amount cannot exceed Rp 15.000.000,-"


class CashOnDeliveryUnavailable(SandboxError):
    code = 42211012
    message = "Cash on delivery for '{company}' is not available for this account."


class PostalCodeNotRegistered(SandboxError):
    code = 42211013
    message = "Postal code '{postal_code}' is not registered."


class ReferenceIdTaken(SandboxError):
    code = 42211015
    message = "Reference ID '{reference_id}' is already taken."


# --- Orders (https://biteship.com/en/docs/api/orders/error) ------------------------


class OrderNotFound(SandboxError):
    # Every Order error carries the 400 prefix, "not found" included; the sandbox
    # answers it with the HTTP status a client expects for a missing resource.
    code = 40002057
    message = "Order not found"
    http_status = 404


# --- Authentication (https://biteship.com/id/docs/api/authentication) --------------


class AuthorizationFailed(SandboxError):
    code = 40101001
    message = "Authorization failed"


class NoAccountForKey(SandboxError):
    code = 40101002
    message = "No account found with associated key"


# --- Invented by the sandbox: module 99 (no Biteship page documents these) ---------


class RouteNotFound(SandboxError):
    code = 40499001
    message = "Route {method} {path} is not found."


class MethodNotAllowed(SandboxError):
    code = 40599002
    message = "Method {method} is not allowed on {path}."


class PayloadTooLarge(SandboxError):
    code = 41399003
    message = "Request body is larger than {limit} bytes."


class UnsupportedMediaType(SandboxError):
    code = 41599004
    message = "Request body must be sent as application/json."


class InternalError(SandboxError):
    code = 50099005
    message = "Internal server error."


class TooManyRequests(SandboxError):
    code = 42999006
    message = "Too many requests."


# Maps area search (GET /v1/maps/areas): Biteship documents no error for it, so these
# are sandbox codes too, numbered from 101 to stay clear of the core's sequence.


class AreaSearchInputInvalid(SandboxError):
    code = 40099101
    message = "Parameter 'input' is required: 1 to 200 characters of free text."


class AreaSearchCountryNotSupported(SandboxError):
    code = 40099102
    message = "Parameter 'countries' is required and must be 'ID': only Indonesian areas exist."


class AreaSearchTypeNotSupported(SandboxError):
    code = 40099103
    message = "Parameter 'type' must be 'single'."


# Scenarios and the control plane (/_sandbox/...): sandbox codes numbered from 201.


class UnknownScenario(SandboxError):
    code = 40099201
    message = "Scenario '{name}' is not defined: GET /_sandbox/scenarios lists them."


class ScenarioNotFound(SandboxError):
    code = 40499202
    message = "Scenario '{name}' is not found."


class OrderStatusMoveRefused(SandboxError):
    code = 42299203
    message = "Order with 'id={id}' cannot move from '{frm}' to '{to}'."


class DraftOrderStatusForceRefused(SandboxError):
    code = 42299204
    message = "Draft order with 'id={id}' cannot be forced from '{frm}' to '{to}'."


class AdminTokenRequired(SandboxError):
    code = 40199205
    message = "Resetting every key needs the X-Sandbox-Admin-Token header."


class AdminTokenInvalid(SandboxError):
    code = 40399206
    message = "X-Sandbox-Admin-Token does not match the sandbox's admin token."


def _from_http_exception(exc: HTTPException) -> SandboxError:
    from flask import request

    if exc.code == 404:
        return RouteNotFound(method=request.method, path=request.path)
    if exc.code == 405:
        return MethodNotAllowed(method=request.method, path=request.path)
    if exc.code == 413:
        from flask import current_app

        return PayloadTooLarge(limit=current_app.config["MAX_CONTENT_LENGTH"])
    if exc.code == 415:
        return UnsupportedMediaType()
    if exc.code == 400:
        return BadRequest(details=exc.description)
    if exc.code == 429:
        return TooManyRequests()
    return InternalError()


def render(error: SandboxError):
    """The only producer of error responses."""
    from flask import g, request

    from .http import CODE, json_response

    request.environ[CODE] = error.code
    response = json_response(error.body(), error.status)
    if error.headers:
        response.headers.update(error.headers)
    if isinstance(error, MethodNotAllowed):
        allowed = getattr(g, "allowed_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(sorted(allowed))
    return response


def register(app) -> None:
    @app.errorhandler(SandboxError)
    def _sandbox_error(error: SandboxError):
        return render(error)

    @app.errorhandler(ValidationError)
    def _validation_error(error: ValidationError):
        return render(BadRequest(details=error.messages))

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code == 405 and error.valid_methods:
            from flask import g

            g.allowed_methods = error.valid_methods
        return render(_from_http_exception(error))

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error")
        return render(InternalError())
