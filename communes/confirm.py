"""Guard rails: an irreversible step is shown before it is taken (what happens, to whom) and asked
for again, on a page that works without JavaScript.

Post/Redirect/Get: the form's post does not answer with the confirmation page; the act it asks for
is held on the server (the session), bound to the official and to the page, for PENDING_ACT_SECONDS,
and the browser is sent to the confirmation page by a redirect (`?pending=<token>`). Confirming posts
to `?pending=<token>` with the values; the token is used once (`PendingActMiddleware`), so Back, reload or a
replayed post never repeat an act. "Go back" posts the values back to the form to change."""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass, field

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

# Not carried into the confirmation page's hidden fields.
_NOT_CARRIED = {"csrfmiddlewaretoken", "confirmed", "back", "pending"}
# How long a confirmation page stays valid: long enough to read it, short enough not to act on a
# page left open overnight.
PENDING_ACT_SECONDS = 30 * 60
_SESSION_KEY = "pending_acts"
_KEPT = 5  # pending acts kept per session, the newest (a council's votes make a large one)


def is_confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get("confirmed") == "1"


def is_going_back(request) -> bool:
    return request.method == "POST" and "back" in request.POST


@dataclass
class Confirmation:
    """What the official is about to do: a title, the facts, what happens, who is told."""

    title: str
    confirm_label: str
    cancel_url: str
    facts: list[tuple[str, str]] = field(default_factory=list)
    consequences: list[str] = field(default_factory=list)
    told: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # A step whose reason is typed on the confirmation page itself (the dossier page's actions).
    reason_label: str = ""
    # Whether "Go back and change" posts the values back to the form (a form page), or is a link.
    back_to_form: bool = True
    danger: bool = False

    def as_text(self) -> dict:
        """Plain strings (lazy translations resolved now), to be held in the session."""
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, list):
                data[key] = [
                    [str(v) for v in item] if isinstance(item, tuple | list) else str(item) for item in value
                ]
            elif not isinstance(value, bool):
                data[key] = str(value)
        return data


def confirmation_page(request, confirmation: Confirmation, *, carry: dict | None = None, status: int = 200):
    """The confirmation page for `request`'s form (its POST values are carried), or for `carry`.

    A form's post is answered by a redirect to the page (Post/Redirect/Get); a refusal shown on the
    page itself (status other than 200) and a page asked for by GET are rendered at once."""
    if carry is not None:
        values = [(k, str(v)) for k, v in carry.items()]
    else:
        values = [(k, v) for k in request.POST for v in request.POST.getlist(k) if k not in _NOT_CARRIED]
    reason = ""
    if confirmation.reason_label:
        reason = next((v for k, v in values if k == "reason"), "")
        values = [(k, v) for k, v in values if k != "reason"]
    token = _hold(request, {"c": confirmation.as_text(), "values": values, "reason": reason})
    if request.method == "POST" and status == 200:
        return redirect(f"{request.path}?pending={token}")
    return _render(request, token, _held(request)[token], status=status)


def _render(request, token: str, act: dict, status: int = 200):
    return render(
        request,
        "confirm.html",
        {
            "c": act["c"],
            "values": act["values"],
            "reason": act["reason"],
            "action": request.path,
            "pending": token,
        },
        status=status,
    )


def _held(request) -> dict:
    return request.session.get(_SESSION_KEY, {})


def _hold(request, act: dict) -> str:
    """Keep the act for the signed-in official and this page; the token names it."""
    now = time.time()
    held = {
        token: kept
        for token, kept in _held(request).items()
        if kept["expires"] > now  # the expired ones go
    }
    token = secrets.token_urlsafe(16)
    held[token] = {**act, "user": request.user.pk, "path": request.path, "expires": now + PENDING_ACT_SECONDS}
    request.session[_SESSION_KEY] = dict(sorted(held.items(), key=lambda kv: kv[1]["expires"])[-_KEPT:])
    return token


def _valid(request, token: str) -> dict | None:
    act = _held(request).get(token)
    if act is None or act["user"] != request.user.pk or act["path"] != request.path:
        return None
    return act if act["expires"] > time.time() else None


class PendingActMiddleware:
    """The confirmation page by GET (`?pending=`), and the token used once when it is confirmed.

    Runs as a view hook, after the CSRF check: a forged post never uses an official's token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        if request.method == "GET" and "pending" in request.GET:
            token = request.GET["pending"]
            act = _valid(request, token)
            if act is None:
                messages.warning(
                    request,
                    _(
                        "This confirmation page is no longer valid (it was used or it expired): nothing was done. Check the page and act again."
                    ),
                )
                return redirect(request.path)
            return _render(request, token, act)
        if request.method == "POST" and "pending" in request.GET:
            # The confirmation form posts to `?pending=<token>` (its "Go back" button to the page
            # itself), so the token is read without reading the body before the view.
            token = request.GET["pending"]
            if _valid(request, token) is None:
                messages.warning(
                    request,
                    _(
                        "This was already confirmed, or its confirmation page expired: nothing was done again."
                    ),
                )
                return redirect(request.path)
            held = _held(request)
            held.pop(token, None)  # used once, before the act
            request.session[_SESSION_KEY] = held
        return None
