"""Helpers the pages of `assessments` and of the apps above it share (not views themselves)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _

from communes.confirm import Confirmation, confirmation_page, is_confirmed, is_going_back

from . import permissions as perms
from . import selectors, services
from .models import Dossier


def visible_dossier(request, pk: int, *, with_record: bool = True) -> Dossier:
    """The dossier for its pages; out of scope answers 404, like a dossier that does not exist."""
    try:
        dossier = selectors.dossier_for_page(pk=pk, with_record=with_record)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    if not perms.can_view(dossier, request.user):
        raise Http404
    return dossier


def followed_province(request):
    """The province the official works in, when they follow its dossiers (its council, its reports and
    its decisions with an annex); refused otherwise."""
    from django.core.exceptions import PermissionDenied

    from communes.permissions import follows_province
    from communes.selectors import province_of

    province = province_of(request.user)
    if province is None or not follows_province(request.user, province):
        raise PermissionDenied
    return province


def show_action_error(request, error: services.DossierActionError) -> int:
    """The refusal as messages; returns the status for a re-rendered form (409 for a conflict)."""
    messages.error(request, error.message)
    for problem in error.problems:
        messages.warning(request, problem)
    return 409 if isinstance(error, services.DossierConflict) else 400


# --- an act confirmed before it is taken (xác nhận trước khi thực hiện) --------------------------------


@dataclass
class Answer:
    """What a confirmed page's post comes to: a response to send (the confirmation page, or the act's
    redirect), or none, and the form is shown again with `status` (what was typed kept)."""

    response: HttpResponse | None = None
    status: int = 200


INVALID = _("Some values are not valid; nothing was saved. Correct the marked fields.")


def confirmed_act(
    request,
    *,
    form,
    confirmation: Callable[[], Confirmation],
    act: Callable[[], HttpResponse],
    refusals: Callable[[], dict[str, str] | list[tuple[str, str]]] | None = None,
    invalid_message=INVALID,
    refused_message=None,
    carry: dict | None = None,
    again: Callable[[], bool] | None = None,
) -> Answer:
    """The one routine of every irreversible act: the form's values are checked (`form`, None when the
    act takes none), then what the act would refuse (`refusals`: {field: message}, marked on the form,
    "" for the form as a whole) before the confirmation page (Post/Redirect/Get, communes.confirm);
    "Go back and change" shows the form again; the confirmed post takes the act (`act`, which sends its
    own message and redirect), and a refusal it meets is shown on the form with its reason (409 when
    something changed meanwhile). A page whose confirmation is asked for by a link (GET, with `carry`:
    the dossier page's steps) shows it at once; when `again()` says so, a refused act shows the
    confirmation again with the reason (a reason typed on the confirmation page itself)."""
    if request.method != "POST":
        return Answer(confirmation_page(request, confirmation(), carry=carry))
    if form is not None and not form.is_valid():
        if invalid_message:
            messages.error(request, invalid_message)
        return Answer(status=400)
    if is_going_back(request):
        return Answer()
    if not is_confirmed(request):
        problems = refusals() if refusals else {}
        for field, message in problems.items() if isinstance(problems, dict) else problems:
            form.add_error(field or None, message)
        if problems:
            messages.error(request, refused_message or invalid_message or INVALID)
            return Answer(status=400)
        return Answer(confirmation_page(request, confirmation()))
    try:
        return Answer(act())
    except services.DossierActionError as error:
        status = show_action_error(request, error)
        if again is not None and again():
            return Answer(confirmation_page(request, confirmation(), status=status))
        return Answer(status=status)
