"""Guard rails: an irreversible step is shown before it is taken (what happens, to whom) and asked
for again, on a page that works without JavaScript. The form's values travel as hidden fields; the
confirmation posts them back with `confirmed=1`, and "Go back" posts them back to the form to change."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.shortcuts import render

# Not carried into the confirmation page's hidden fields.
_NOT_CARRIED = {"csrfmiddlewaretoken", "confirmed", "back"}


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


def confirmation_page(request, confirmation: Confirmation, *, carry: dict | None = None, status: int = 200):
    """The confirmation page for `request`'s form (its POST values are carried), or for `carry`."""
    if carry is not None:
        values = [(k, str(v)) for k, v in carry.items()]
    else:
        values = [(k, v) for k in request.POST for v in request.POST.getlist(k) if k not in _NOT_CARRIED]
    reason = ""
    if confirmation.reason_label:
        reason = next((v for k, v in values if k == "reason"), "")
        values = [(k, v) for k, v in values if k != "reason"]
    return render(
        request,
        "confirm.html",
        {"c": confirmation, "values": values, "reason": reason, "action": request.path},
        status=status,
    )
