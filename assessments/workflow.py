"""Quy trình: the workflow of a dossier, as one table per procedure.

A dossier follows the procedure of its criteria set (`CriteriaSet.procedure`):

- "district": the district procedure of 2022 – June 2025 (evaluation years to 2024, on the units of
  before the reform): the commune officers prepare and submit, the district police appraise, the
  district People's Committee chair decides.
- "province": the procedure in force since 1 July 2025 (Decision 28/2025/QĐ-TTg, evaluation years from
  2025, on the 130 units under the province): the commune police prepare the counts and the evidence,
  the commune chair submits the commune's report, the provincial police appraise, the provincial
  People's Committee decides.

For each state the table says who may act (a guardian permission and the level of the unit it is
held on), which transitions lead where, whether the dossier can be edited, whether a transition needs a
reason, who is told when the dossier arrives, and whether the dossier counts as waiting (reminders,
dashboards, the inbox's "awaiting me", badges). The transitions themselves are declared on
`Dossier` (django-fsm); their permission and condition callables read this table, and a test holds the
two equal both ways. Adding a procedure is an entry here, its transitions and its templates.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communes.permissions import has_unit_perm

COMMUNE, DISTRICT, PROVINCE = "commune", "district", "province"

# How a dossier reaches the unit of each level (ORM lookups from Dossier).
LEVEL_LOOKUP = {COMMUNE: "commune", DISTRICT: "commune__district", PROVINCE: "commune__province"}


@dataclass(frozen=True)
class Step:
    """One transition out of a state: who takes it, where it leads."""

    transition: str
    target: str
    permission: str | None  # None: taken by the system (expiry), never by a user
    level: str | None = None
    reason_required: bool = False
    # Where an official takes it: the dossier page, the decision page, the revocation page.
    page: str = "dossier"
    # The button's words.
    label: str = ""
    # The name of a limit (LIMITS) after which the step is closed, e.g. "until the year's decision".
    open_until: str = ""


@dataclass(frozen=True)
class StateRule:
    steps: tuple[Step, ...] = ()
    editable: bool = False
    # Someone must act: reminders, dashboards, the inbox's "awaiting me" and badges count it.
    waiting: bool = False
    # Who acts on the dossier in this state (told when it arrives, and it is in their "awaiting me"):
    # (permission, level) pairs.
    actors: tuple[tuple[str, str], ...] = ()
    # The column of the dashboards and their exports that counts a dossier in this state (a key of
    # COLUMNS); "" means the state's own name.
    column: str = ""


@dataclass(frozen=True)
class Procedure:
    code: str
    label: str
    states: dict[str, StateRule]
    # The level whose People's Committee decides and numbers the decision.
    decided_at: str
    # Who may change the answers, counts and evidence while the dossier is editable.
    editor: tuple[str, str]
    # Dossiers are opened by the yearly cycle (assigned or registered communes), not one by one.
    opens_through_cycle: bool
    # Who receives a copy of the decision (Nơi nhận), after "Như Điều 3".
    copies_of_decision: tuple[str, ...] = field(default=())
    # The level whose police command appraises, numbers the minutes and the proposal (Tờ trình).
    appraised_at: str = ""
    # Who executes a decision first in its Article 3 ("{unit}": the deciding unit, as in a sentence).
    executing_office: str = "Chánh Văn phòng Ủy ban nhân dân {unit}"
    # The last day its bodies issue documents (districts ended on 30 June 2025); None: still in force.
    documents_until: datetime.date | None = None


_DISTRICT_APPRAISE = ("appraise_district_dossiers", DISTRICT)
_DISTRICT_DECIDE = ("decide_district_dossiers", DISTRICT)
_PROVINCE_APPRAISE = ("appraise_province_dossiers", PROVINCE)
_PROVINCE_DECIDE = ("decide_province_dossiers", PROVINCE)
_COMMUNE_PREPARE = ("prepare_commune_dossiers", COMMUNE)
_COMMUNE_SUBMIT = ("submit_commune_reports", COMMUNE)
_COUNCIL_SECRETARY = ("keep_council_minutes", PROVINCE)
_STANDING_BODY = ("manage_cycles", PROVINCE)  # the provincial police, the council's standing body
# The limit of the council's steps: the year's decision with its annex has been issued (recognition
# registers what it means, LIMITS).
YEAR_DECISION_ISSUED = "year_decision_issued"
# Who appraises for a unit of each level (its police command's saved teams are theirs).
APPRAISE_PERMISSION = {DISTRICT: _DISTRICT_APPRAISE[0], PROVINCE: _PROVINCE_APPRAISE[0]}
_RETURN = _("Return to the commune")


# What each step taken from the dossier page does, shown on its confirmation page.
CONSEQUENCES = {
    "submit": (
        _("The dossier is locked: the answers, counts and evidence can no longer be changed."),
        _("It can be changed again only if the police return it to the commune."),
    ),
    "start_appraisal": (
        _("The dossier is under appraisal: you record the inspection, the team and the findings."),
        _("The commune can no longer change it."),
    ),
    "return_to_commune": (
        _("The dossier goes back to the commune with your reason, to be corrected and submitted again."),
        _("The reason is shown at the top of the dossier and in the commune's inbox."),
    ),
    "complete_appraisal": (
        _("The minutes and the proposal (Tờ trình) are numbered in the police register."),
        _("The appraisal can no longer be changed; the dossier goes to the deciding authority."),
    ),
    "reconsider": (
        _("The dossier is appraised again and can be put on the agenda of a later session this year."),
        _("The council's notice stays as it was issued; the reason is kept in the history."),
    ),
}


# The columns (cột thống kê) of the dashboards and their exports, in their order, with their headings: each
# state of each procedure is counted in one (StateRule.column). A state added to a table without a column
# here is caught by tests/assessments/test_workflow.py, never by a request.
COLUMNS = {
    "draft": _("Draft or returned"),
    "submitted": _("Submitted"),
    "under_appraisal": _("Under appraisal"),
    "appraised": _("Appraised"),
    "recommended": _("Recommended by the council"),
    "not_recommended": _("Not recommended by the council"),
    "recognised": _("Recognised"),
    "not_recognised": _("Not recognised"),
    "revoked": _("Revoked"),
}


# The transition each outcome of a decision takes (the decision pages name outcomes, not transitions).
OUTCOME_TRANSITION = {
    "recognised": "recognise",
    "not_recognised": "refuse",
    "revoked": "revoke",
    "left_out": "leave_out",
    "send_back": "send_back",
}

# The steps that send a dossier back with a reason (to the commune, to the police, out of the annex):
# their reason is shown at the top of the dossier, in the inbox and on the form being corrected.
RETURNS = ("return_to_commune", "send_back", "leave_out")
# The step after which the commune corrects its dossier: what it held then is kept to show the changes.
RETURN_TO_COMMUNE = "return_to_commune"


# The campaign pages that take a step on several dossiers at once (one confirmation for all), by the
# step they take and the page it is taken from.
CAMPAIGN_PAGES = {
    ("start_appraisal", "dossier"): ("assessments:appraisals_start", _("Start several appraisals")),
    ("complete_appraisal", "dossier"): ("assessments:appraisals_complete", _("Complete several appraisals")),
    ("recognise", "decision"): ("recognition:decisions", _("Decide several dossiers")),
}


def _states(
    *,
    prepare: tuple,
    submit: tuple,
    appraise: tuple,
    decide: tuple,
    submit_label: str,
    council: tuple | None = None,
    standing_body: tuple | None = None,
) -> dict[str, StateRule]:
    """The states both procedures share; what differs is who holds each step. With a `council`
    (Decision 28) an appraised dossier goes to the review council's vote, and the recommended ones to
    the chairman's decision with its annex; no one decides a dossier alone."""
    told_commune = tuple(dict.fromkeys((prepare, submit)))
    editable_steps = (Step("submit", "submitted", *submit, label=submit_label),)
    return {
        "draft": StateRule(steps=editable_steps, editable=True, waiting=True, actors=told_commune),
        "returned": StateRule(
            steps=editable_steps, editable=True, waiting=True, actors=told_commune, column="draft"
        ),
        "submitted": StateRule(
            steps=(
                Step("start_appraisal", "under_appraisal", *appraise, label=_("Start the appraisal")),
                Step("return_to_commune", "returned", *appraise, reason_required=True, label=_RETURN),
            ),
            waiting=True,
            actors=(appraise,),
        ),
        "under_appraisal": StateRule(
            steps=(
                Step("return_to_commune", "returned", *appraise, reason_required=True, label=_RETURN),
                Step("complete_appraisal", "appraised", *appraise, label=_("Complete the appraisal")),
            ),
            waiting=True,
            actors=(appraise,),
        ),
        # Without a council the authority decides each appraised dossier; with one (Decision 28) the
        # council's vote recommends or not, and the chairman recognises the recommended in one decision.
        "appraised": StateRule(
            steps=(
                Step("recognise", "recognised", *decide, page="decision"),
                Step("refuse", "not_recognised", *decide, reason_required=True, page="decision"),
                Step("send_back", "under_appraisal", *decide, reason_required=True, page="decision"),
            )
            if council is None
            else (
                Step("recommend", "recommended", *council, page="council"),
                Step("not_recommend", "not_recommended", *council, page="council"),
            ),
            waiting=True,
            # With a council: its secretary, and its standing body, who puts it on a session's agenda.
            actors=(decide,) if council is None else tuple(a for a in (council, standing_body) if a),
        ),
        "recommended": StateRule(
            steps=()
            if council is None
            else (
                Step("recognise", "recognised", *decide, page="provincial_decision"),
                Step("leave_out", "appraised", *decide, reason_required=True, page="provincial_decision"),
            ),
            waiting=council is not None,
            actors=(decide,) if council is not None else (),
        ),
        # Closed for the year by the council's notice; its standing body may put it on a later session
        # of the same year until the year's decision is issued (YEAR_DECISION_ISSUED).
        "not_recommended": StateRule(
            steps=()
            if standing_body is None
            else (
                Step(
                    "reconsider",
                    "appraised",
                    *standing_body,
                    reason_required=True,
                    label=_("Put it on a later session of the council"),
                    open_until=YEAR_DECISION_ISSUED,
                ),
            ),
            actors=told_commune,
        ),
        "recognised": StateRule(
            steps=(
                Step("revoke", "revoked", *decide, reason_required=True, page="revoke"),
                Step("expire", "expired", None, page=""),
            ),
            actors=told_commune,
        ),
        "not_recognised": StateRule(actors=told_commune),
        "revoked": StateRule(actors=told_commune),
        # An expired recognition still stands for the year it was given.
        "expired": StateRule(column="recognised"),
    }


PROCEDURES: dict[str, Procedure] = {
    "district": Procedure(
        code="district",
        label=_("District procedure (to 2024)"),
        states=_states(
            prepare=_COMMUNE_PREPARE,
            submit=_COMMUNE_PREPARE,
            appraise=_DISTRICT_APPRAISE,
            decide=_DISTRICT_DECIDE,
            submit_label=_("Submit to the district police"),
        ),
        decided_at=DISTRICT,
        appraised_at=DISTRICT,
        executing_office="Chánh Văn phòng HĐND và UBND {unit}",
        documents_until=datetime.date(2025, 6, 30),
        editor=_COMMUNE_PREPARE,
        opens_through_cycle=False,
        copies_of_decision=(
            "Như Điều 3;",
            "Công an tỉnh (PC04);",
            "Thường trực {party_committee};",
            "Lưu: VT, CA.",
        ),
    ),
    "province": Procedure(
        code="province",
        label=_("Provincial procedure (Decision 28/2025, from 2025)"),
        states=_states(
            prepare=_COMMUNE_PREPARE,
            submit=_COMMUNE_SUBMIT,
            appraise=_PROVINCE_APPRAISE,
            decide=_PROVINCE_DECIDE,
            submit_label=_("Sign and send the commune's report to the provincial police"),
            # The review council votes on the appraised dossiers; the chairman recognises the
            # recommended ones in one decision with an annex (recognition.services).
            council=_COUNCIL_SECRETARY,
            standing_body=_STANDING_BODY,
        ),
        decided_at=PROVINCE,
        appraised_at=PROVINCE,
        editor=_COMMUNE_PREPARE,
        opens_through_cycle=True,
        copies_of_decision=("Như Điều 3;", "Bộ Công an (C04);", "Công an tỉnh (PC04);", "Lưu: VT, CA."),
    ),
}

PROCEDURE_CHOICES = [(code, procedure.label) for code, procedure in PROCEDURES.items()]


# --- reading the table ------------------------------------------------------------------------------


def procedure_of(dossier) -> Procedure:
    return PROCEDURES[dossier.criteria_set.procedure]


def unit_for(dossier, level: str | None):
    """The unit of `level` a dossier belongs to (None when its commune has no district)."""
    commune = dossier.commune
    if level == COMMUNE:
        return commune
    if level == DISTRICT:
        return commune.district
    if level == PROVINCE:
        return commune.province
    return None


def _holds(user, permission: str, level: str, dossier) -> bool:
    unit = unit_for(dossier, level)
    return unit is not None and has_unit_perm(user, permission, unit)


def rule(dossier, state: str | None = None) -> StateRule:
    return procedure_of(dossier).states.get(state or dossier.state, StateRule())


def step(dossier, transition: str, state: str | None = None) -> Step | None:
    for candidate in rule(dossier, state).steps:
        if candidate.transition == transition:
            return candidate
    return None


def procedures_with(transition: str) -> list[str]:
    """The codes of the procedures whose table holds `transition` (the council's vote: Decision 28)."""
    return [
        code
        for code, procedure in PROCEDURES.items()
        if any(s.transition == transition for r in procedure.states.values() for s in r.steps)
    ]


def transitions() -> set[str]:
    """Every transition name of every procedure."""
    return {s.transition for p in PROCEDURES.values() for r in p.states.values() for s in r.steps}


def edges(procedure: Procedure) -> set[tuple[str, str, str]]:
    """(source, transition, target) of a procedure: what the model must declare."""
    return {(state, s.transition, s.target) for state, r in procedure.states.items() for s in r.steps}


def column_of_state() -> dict[str, str]:
    """Each state of every procedure -> the dashboard column that counts it."""
    return {
        state: state_rule.column or state
        for p in PROCEDURES.values()
        for state, state_rule in p.states.items()
    }


def state_columns() -> dict[str, tuple[str, ...]]:
    """Each dashboard column (in COLUMNS' order) -> the states it counts, read from the tables."""
    of = column_of_state()
    return {column: tuple(sorted(s for s, c in of.items() if c == column)) for column in COLUMNS}


def states() -> set[str]:
    """Every state of every procedure."""
    return {state for p in PROCEDURES.values() for state in p.states}


INITIAL_STATE = "draft"


def states_through(procedure: Procedure, state: str) -> set[str]:
    """The states a dossier of `procedure` can be in only after having been in `state` (it included):
    those reachable from the initial state, and no longer reachable once `state` is taken out of the
    table. A dossier in one of them has passed through `state`, whatever its history says (dossiers
    loaded from the past have none)."""

    def reachable(without: str | None) -> set[str]:
        seen, todo = set(), [INITIAL_STATE] if INITIAL_STATE != without else []
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(
                s.target for s in procedure.states.get(current, StateRule()).steps if s.target != without
            )
        return seen

    if state not in procedure.states:
        return set()
    return reachable(None) - reachable(state)


def is_editable(dossier) -> bool:
    return rule(dossier).editable


def editable_states() -> set[str]:
    return {state for p in PROCEDURES.values() for state, r in p.states.items() if r.editable}


def waiting_states() -> set[str]:
    return {state for p in PROCEDURES.values() for state, r in p.states.items() if r.waiting}


def reason_required(dossier, transition: str) -> bool:
    found = step(dossier, transition)
    return bool(found and found.reason_required)


def can_edit(dossier, user) -> bool:
    """May change the answers, counts and evidence (whatever the state: the services check that)."""
    permission, level = procedure_of(dossier).editor
    return _holds(user, permission, level, dossier)


def deciding_unit(dossier):
    """The unit whose People's Committee decides on the dossier."""
    return unit_for(dossier, procedure_of(dossier).decided_at)


def appraising_unit(dossier):
    """The unit whose police command appraises the dossier (district police, or the province's)."""
    return unit_for(dossier, procedure_of(dossier).appraised_at)


# --- what django-fsm calls (declared on Dossier's transitions) --------------------------------------


def permitted(transition: str) -> Callable:
    """The `permission=` of a transition: the user holds the step's permission on the step's unit."""

    def check(dossier, user) -> bool:
        found = step(dossier, transition)
        if found is None or found.permission is None:
            return False
        return _holds(user, found.permission, found.level, dossier)

    check.__name__ = f"may_{transition}"
    return check


def in_table(transition: str) -> Callable:
    """The `conditions=` of a transition: the dossier's procedure has this step from its state."""

    def condition(dossier) -> bool:
        return step(dossier, transition) is not None

    condition.__name__ = f"{transition}_in_procedure"
    return condition


# What each limit of a step (Step.open_until) means: name -> a function of the dossier giving why the
# step is closed now ("" while it is open). Registered by the apps that know (recognition).
LIMITS: dict[str, Callable[[Any], str]] = {}


def step_needs(transition: str):
    """What a step needs of the dossier before it is taken, or None: (why not yet, the check listing
    what is missing). The dossier page asks it before the confirmation page, the step when taken."""
    from . import selectors

    return {
        "submit": (_("The dossier cannot be submitted yet."), selectors.submission_problems),
        "complete_appraisal": (_("The appraisal cannot be completed yet."), selectors.appraisal_problems),
    }.get(transition)


def step_refusal(dossier, transition: str) -> str:
    """Why `transition` is closed for this dossier now, past the limit its step names ("" if open)."""
    found = step(dossier, transition)
    if found is None or not found.open_until:
        return ""
    return LIMITS[found.open_until](dossier)


def next_steps(dossier, *, besides: list[Step] = ()) -> list[tuple[str, list[str], str]]:
    """What the table allows next from the dossier's state, for the dossier page: (the step in words,
    the roles that take it, why it is closed now or ""). Steps of the system (expiry) are left out, and
    so are `besides` (the reader's own, offered as buttons)."""
    from communes.models import ROLE_LEVEL, Role
    from communes.permissions import ROLE_PERMISSIONS

    found = []
    for candidate in rule(dossier).steps:
        if candidate.permission is None or candidate in besides:
            continue
        roles = [
            str(Role(role).label)
            for role, permissions in ROLE_PERMISSIONS.items()
            if role != Role.ADMIN
            and candidate.permission in permissions
            and ROLE_LEVEL[role] == candidate.level
        ]
        words = str(candidate.label or STEP_WORDS.get(candidate.transition, candidate.transition))
        found.append((words, roles, step_refusal(dossier, candidate.transition)))
    return found


# The words of the steps the table gives no button label (they are taken on their own pages).
STEP_WORDS = {
    "recognise": _("Recognise the commune"),
    "refuse": _("Do not recognise the commune"),
    "send_back": _("Send back to the police"),
    "recommend": _("The council's vote: recommended"),
    "not_recommend": _("The council's vote: not recommended"),
    "leave_out": _("Leave it out of the decision, with a reason"),
    "revoke": _("Revoke the recognition"),
}


def available_actions(dossier, user, *, page: str | None = None) -> list[Step]:
    """The steps `user` may take now (optionally only those taken from `page`); a step past its limit
    is not offered."""
    found = []
    for candidate in rule(dossier).steps:
        if page is not None and candidate.page != page:
            continue
        if candidate.permission and _holds(user, candidate.permission, candidate.level, dossier):
            if not candidate.open_until or not step_refusal(dossier, candidate.transition):
                found.append(candidate)
    return found


def transitions_from_page(page: str) -> set[str]:
    """The transitions an official takes from `page` in some procedure."""
    return {
        s.transition
        for p in PROCEDURES.values()
        for r in p.states.values()
        for s in r.steps
        if s.page == page
    }


def may_take(transition: str, dossier, user) -> bool:
    """Whether the user's role allows `transition` on this dossier in some state of its procedure."""
    for state_rule in procedure_of(dossier).states.values():
        for candidate in state_rule.steps:
            if candidate.transition == transition and candidate.permission:
                if _holds(user, candidate.permission, candidate.level, dossier):
                    return True
    return False


def actors_of(dossier, state: str | None = None) -> tuple[tuple[str, str], ...]:
    return rule(dossier, state).actors


def awaiting_q(units_with: Callable[[str, str], object]) -> Q:
    """Dossiers on which a user acts now, as one condition: `units_with(permission, level)` gives the
    units (a queryset of pks) on which the user holds the permission."""
    condition = Q(pk__in=[])
    for code, procedure in PROCEDURES.items():
        for state, state_rule in procedure.states.items():
            if not state_rule.waiting:
                continue
            for permission, level in state_rule.actors:
                condition |= Q(
                    criteria_set__procedure=code,
                    state=state,
                    **{f"{LEVEL_LOOKUP[level]}__in": units_with(permission, level)},
                )
    return condition


def states_after_return() -> set[str]:
    """The states a return leads to, in any procedure."""
    return {
        step.target
        for procedure in PROCEDURES.values()
        for rule_ in procedure.states.values()
        for step in rule_.steps
        if step.transition in RETURNS
    }
