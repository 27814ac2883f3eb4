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
dashboards, the inbox's "awaiting me", badges), how it is counted (its dashboard column, the funnel
stages it has passed) and whether the police record the appraisal in it; for each step, what it does
besides moving the dossier (its effects, the snapshot its history row keeps). The transitions of
`Dossier` (django-fsm) are made from these tables (`DossierTransitions`), never declared beside them.
`completeness_problems` (a system check) names what a new state or step leaves unsaid. Adding a
procedure is an entry here and its templates.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from communes.permissions import has_unit_perm

COMMUNE, DISTRICT, PROVINCE = "commune", "district", "province"

# How a dossier reaches the unit of each level (ORM lookups from Dossier).
LEVEL_LOOKUP = {COMMUNE: "commune", DISTRICT: "commune__district", PROVINCE: "commune__province"}


# The states of a dossier (trạng thái hồ sơ), every procedure's; each table below says what each means.
class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    UNDER_APPRAISAL = "under_appraisal", _("Under appraisal")
    APPRAISED = "appraised", _("Appraised")
    # Decision 28/2025: the review council's vote.
    RECOMMENDED = "recommended", _("Recommended by the council")
    NOT_RECOMMENDED = "not_recommended", _("Not recommended by the council")
    RETURNED = "returned", _("Returned to the commune")
    RECOGNISED = "recognised", _("Recognised")
    NOT_RECOGNISED = "not_recognised", _("Not recognised")
    REVOKED = "revoked", _("Recognition revoked")
    EXPIRED = "expired", _("Recognition expired")


# Who holds a step: the permission and the level of the unit it is held on ("appraise_...", "district").
Holder = tuple[str, str]


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
    label: StrOrPromise = ""
    # The name of a limit (LIMITS) after which the step is closed, e.g. "until the year's decision".
    open_until: str = ""
    # What taking it does besides moving the dossier (the services' STEP_EFFECTS, by name), before the
    # move: "number_appraisal" numbers the minutes and the proposal in the police register.
    effects: tuple[str, ...] = ()
    # Its history row keeps what the dossier held (answers, counts, files) to show the changes later.
    keeps_snapshot: bool = False
    # What it needs of the dossier first (a key of NEEDS): the report complete ("report"), the appraisal
    # complete ("appraisal").
    needs: str = ""
    # The other states it may lead to, chosen by the one who takes it (a recorded decision's outcome).
    also_to: tuple[str, ...] = ()
    # It records what was done outside the application (a decision signed on paper before it was used):
    # nobody is told, and the procedure's paths (states_through) do not run through it.
    outside: bool = False

    @property
    def targets(self) -> tuple[str, ...]:
        """The states it may lead to: its target, then `also_to`."""
        return (self.target, *self.also_to)

    @property
    def consequences(self) -> list[str]:
        """What taking it does, as its confirmation page says (CONSEQUENCES, by step and page)."""
        return consequences_of(self.transition, self.page)


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
    # The police record the appraisal (inspection, team, findings) in this state: its page is open and
    # the dossier has an Appraisal from when it enters it.
    appraisal_open: bool = False
    # The stages of a cycle's funnel (FUNNEL_STAGES) a dossier in this state has passed, whatever
    # became of it after (a commune recommended and left out stays counted as recommended).
    funnel: tuple[str, ...] = ()


@dataclass(frozen=True)
class AppraisalPapers:
    """What the police's appraisal produces when it is completed, numbered in their register and rendered
    then (recognition registers the step's effect): the appraisal's own paper, and the proposal (Tờ
    trình) to the deciding authority when there is one per dossier. Under Decision 28 the standing body
    sends one Tờ trình per council session instead (the council app), so none is reserved per dossier."""

    # The kind of the appraisal's own paper (recognition's Document.Kind) and its register series; its
    # number is kept on the appraisal (`minutes_number`), it is dated the day of the inspection.
    paper_kind: str
    paper_series: str
    paper_label: StrOrPromise
    # The kind of the proposal sent for each dossier; "": none per dossier.
    proposal_kind: str = ""


@dataclass(frozen=True)
class Procedure:
    code: str
    label: StrOrPromise
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
    # What completing the appraisal numbers and renders (AppraisalPapers).
    appraisal_papers: AppraisalPapers = AppraisalPapers(
        paper_kind="appraisal_minutes",
        paper_series="minutes",
        paper_label=_("the minutes of the inspection and appraisal (Biên bản)"),
        proposal_kind="proposal",
    )


_DISTRICT_APPRAISE = ("appraise_district_dossiers", DISTRICT)
_DISTRICT_DECIDE = ("decide_district_dossiers", DISTRICT)
_PROVINCE_APPRAISE = ("appraise_province_dossiers", PROVINCE)
_PROVINCE_DECIDE = ("decide_province_dossiers", PROVINCE)
_COMMUNE_PREPARE = ("prepare_commune_dossiers", COMMUNE)
_COMMUNE_SUBMIT = ("submit_commune_reports", COMMUNE)
_COUNCIL_SECRETARY = ("keep_council_minutes", PROVINCE)
_STANDING_BODY = ("manage_cycles", PROVINCE)  # the provincial police, the council's standing body
# Who records a decision issued outside the application: the provincial People's Committee's clerk (the
# district bodies ceased on 30 June 2025; their past decisions are entered by the province).
_RECORD = ("record_decisions", PROVINCE)
# The limit of the council's steps: the year's decision with its annex has been issued (recognition
# registers what it means, LIMITS).
YEAR_DECISION_ISSUED = "year_decision_issued"
# Who appraises for a unit of each level (its police command's saved teams are theirs).
APPRAISE_PERMISSION = {DISTRICT: _DISTRICT_APPRAISE[0], PROVINCE: _PROVINCE_APPRAISE[0]}
_RETURN = _("Return to the commune")


# What each step does, shown on its confirmation page (by the step and the page it is taken from); the
# pages add what depends on the case (the register that numbers it, the validity of a recognition).
_DECIDED = (
    _("The decision and the dispatch to the commune are prepared as PDF for signature."),
    _("The decision cannot be changed afterwards; a recognition can only be revoked by a new decision."),
)
_VOTED = (
    _("Each commune is recommended or not by the votes as tallied here; the votes can no longer be changed."),
    _("The session's minutes and notice are prepared as PDF."),
)
_ANNEXED = (
    _("One decision with an annex listing the communes is numbered and prepared as PDF."),
    _("Each listed commune is recognised; those left out go back to the appraised dossiers."),
    _("The decision cannot be changed afterwards; a recognition can only be revoked by a new decision."),
)
CONSEQUENCES = {
    ("submit", "dossier"): (
        _("The dossier is locked: the answers, counts and evidence can no longer be changed."),
        _("It can be changed again only if the police return it to the commune."),
    ),
    ("start_appraisal", "dossier"): (
        _("The dossier is under appraisal: you record the inspection, the team and the findings."),
        _("The commune can no longer change it."),
    ),
    ("return_to_commune", "dossier"): (
        _("The dossier goes back to the commune with your reason, to be corrected and submitted again."),
        _("The reason is shown at the top of the dossier and in the commune's inbox."),
    ),
    ("complete_appraisal", "dossier"): (
        _("The appraisal's papers are numbered in the police register and prepared as PDF."),
        _("The appraisal can no longer be changed; the dossier goes to the deciding authority."),
    ),
    ("reconsider", "dossier"): (
        _("The dossier is appraised again and can be put on the agenda of a later session this year."),
        _("The council's notice stays as it was issued; the reason is kept in the history."),
    ),
    ("recognise", "decision"): _DECIDED,
    ("refuse", "decision"): _DECIDED,
    ("send_back", "decision"): (
        _("The dossier goes back to the police with your reason, for a new appraisal."),
    ),
    ("revoke", "revoke"): (
        _("The commune loses its recognition from the date of the revocation decision."),
        _("The revocation decision is numbered and prepared as PDF; it cannot be undone."),
    ),
    ("recommend", "council"): _VOTED,
    ("not_recommend", "council"): _VOTED,
    ("record_outcome", "record"): (
        _(
            "The outcome is entered as the decision issued outside the application states it, with its number."
        ),
        _(
            "The number is entered in the issuing body's register as taken: the register never gives it again."
        ),
        _("The history keeps who entered it and when; nothing is rendered and no one is notified."),
    ),
    ("recognise", "provincial_decision"): _ANNEXED,
    ("leave_out", "provincial_decision"): _ANNEXED,
}


def consequences_of(transition: str, page: str = "dossier") -> list[str]:
    """What the step does, as its confirmation page says it (Step.consequences)."""
    return [str(line) for line in CONSEQUENCES.get((transition, page), ())]


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


# The stages of a cycle's funnel (phễu, the dashboard of a province's year), in their order: each state
# names those it has passed (StateRule.funnel).
FUNNEL_STAGES = {
    "opened": _("Assigned or registered"),
    "submitted": _("Submitted"),
    "appraised": _("Appraised"),
    "recommended": _("Recommended by the council"),
    "recognised": _("Recognised"),
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
    prepare: Holder,
    submit: Holder,
    appraise: Holder,
    decide: Holder,
    submit_label: StrOrPromise,
    record: Holder,
    council: Holder | None = None,
    standing_body: Holder | None = None,
) -> dict[str, StateRule]:
    """The states both procedures share; what differs is who holds each step. With a `council`
    (Decision 28) an appraised dossier goes to the review council's vote, and the recommended ones to
    the chairman's decision with its annex; no one decides a dossier alone."""
    told_commune = tuple(dict.fromkeys((prepare, submit)))
    # The funnel's stages a state has passed: with a council, a recognised commune was recommended.
    opened, submitted, appraised = ("opened",), ("opened", "submitted"), ("opened", "submitted", "appraised")
    decided = (*appraised, *(("recommended",) if council is not None else ()), "recognised")
    # A decision issued outside the application (a province's past) is recorded on a dossier not yet
    # sent: recognised, not recognised or revoked; a recognition (in force or lapsed) can later be revoked
    # so.
    record_outcome = Step(
        "record_outcome",
        State.RECOGNISED,
        *record,
        page="record",
        also_to=(State.NOT_RECOGNISED, State.REVOKED),
        outside=True,
    )
    editable_steps = (Step("submit", State.SUBMITTED, *submit, label=submit_label, needs="report"),)
    # The police send the dossier back from the report and from the appraisal alike.
    return_to_commune = Step(
        "return_to_commune",
        State.RETURNED,
        *appraise,
        reason_required=True,
        label=_RETURN,
        keeps_snapshot=True,
    )
    return {
        State.DRAFT: StateRule(
            funnel=opened,
            steps=(*editable_steps, record_outcome),
            editable=True,
            waiting=True,
            actors=told_commune,
        ),
        State.RETURNED: StateRule(
            funnel=submitted,
            steps=editable_steps,
            editable=True,
            waiting=True,
            actors=told_commune,
            column="draft",
        ),
        State.SUBMITTED: StateRule(
            funnel=submitted,
            steps=(
                Step("start_appraisal", State.UNDER_APPRAISAL, *appraise, label=_("Start the appraisal")),
                return_to_commune,
            ),
            waiting=True,
            actors=(appraise,),
        ),
        State.UNDER_APPRAISAL: StateRule(
            funnel=submitted,
            steps=(
                return_to_commune,
                Step(
                    "complete_appraisal",
                    State.APPRAISED,
                    *appraise,
                    label=_("Complete the appraisal"),
                    effects=("number_appraisal", "prepare_appraisal_papers"),
                    needs="appraisal",
                ),
            ),
            waiting=True,
            actors=(appraise,),
            appraisal_open=True,
        ),
        # Without a council the authority decides each appraised dossier; with one (Decision 28) the
        # council's vote recommends or not, and the chairman recognises the recommended in one decision.
        State.APPRAISED: StateRule(
            funnel=appraised,
            steps=(
                Step("recognise", State.RECOGNISED, *decide, page="decision"),
                Step("refuse", State.NOT_RECOGNISED, *decide, reason_required=True, page="decision"),
                Step("send_back", State.UNDER_APPRAISAL, *decide, reason_required=True, page="decision"),
            )
            if council is None
            else (
                Step("recommend", State.RECOMMENDED, *council, page="council"),
                Step("not_recommend", State.NOT_RECOMMENDED, *council, page="council"),
            ),
            waiting=True,
            # With a council: its secretary, and its standing body, who puts it on a session's agenda.
            actors=(decide,) if council is None else tuple(a for a in (council, standing_body) if a),
        ),
        State.RECOMMENDED: StateRule(
            funnel=(*appraised, "recommended"),
            steps=()
            if council is None
            else (
                Step("recognise", State.RECOGNISED, *decide, page="provincial_decision"),
                Step("leave_out", State.APPRAISED, *decide, reason_required=True, page="provincial_decision"),
            ),
            waiting=council is not None,
            actors=(decide,) if council is not None else (),
        ),
        # Closed for the year by the council's notice; its standing body may put it on a later session
        # of the same year until the year's decision is issued (YEAR_DECISION_ISSUED).
        State.NOT_RECOMMENDED: StateRule(
            funnel=appraised,
            steps=()
            if standing_body is None
            else (
                Step(
                    "reconsider",
                    State.APPRAISED,
                    *standing_body,
                    reason_required=True,
                    label=_("Put it on a later session of the council"),
                    open_until=YEAR_DECISION_ISSUED,
                ),
            ),
            actors=told_commune,
        ),
        State.RECOGNISED: StateRule(
            funnel=decided,
            steps=(
                Step("revoke", State.REVOKED, *decide, reason_required=True, page="revoke"),
                Step("expire", State.EXPIRED, None, page=""),
                Step("record_outcome", State.REVOKED, *record, page="record", outside=True),
            ),
            actors=told_commune,
        ),
        State.NOT_RECOGNISED: StateRule(funnel=appraised, actors=told_commune),
        State.REVOKED: StateRule(funnel=decided, actors=told_commune),
        # An expired recognition still stands for the year it was given; a revocation issued outside
        # the application before it lapsed is recorded on it.
        State.EXPIRED: StateRule(
            funnel=decided,
            column="recognised",
            steps=(Step("record_outcome", State.REVOKED, *record, page="record", outside=True),),
        ),
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
            record=_RECORD,
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
            record=_RECORD,
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
        # The provincial police's report on each commune, to the council; the Tờ trình is the session's.
        appraisal_papers=AppraisalPapers(
            paper_kind="appraisal_report",
            paper_series="report",
            paper_label=_("the provincial police's appraisal report (Báo cáo thẩm định)"),
        ),
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


def _holds(user, permission: str, level: str | None, dossier) -> bool:
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
    return {
        (state, s.transition, target)
        for state, r in procedure.states.items()
        for s in r.steps
        for target in s.targets
    }


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


INITIAL_STATE = State.DRAFT


def states_past(procedure: Procedure, stage: str) -> set[str]:
    """The states of `procedure` that have passed a funnel stage (StateRule.funnel)."""
    return {state for state, state_rule in procedure.states.items() if stage in state_rule.funnel}


def states_through(procedure: Procedure, state: str) -> set[str]:
    """The states a dossier of `procedure` can be in only after having been in `state` (it included):
    those reachable from the initial state, and no longer reachable once `state` is taken out of the
    table. A dossier in one of them has passed through `state`, whatever its history says (dossiers
    loaded from the past have none)."""

    def reachable(without: str | None) -> set[str]:
        seen: set[str] = set()
        todo: list[str] = [INITIAL_STATE] if INITIAL_STATE != without else []
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(
                s.target
                for s in procedure.states.get(current, StateRule()).steps
                if s.target != without and not s.outside
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


# What a step may need of the dossier before it is taken (Step.needs): why not yet, and the selector
# listing what is missing.
NEEDS = {
    "report": (_("The dossier cannot be submitted yet."), "submission_problems"),
    "appraisal": (_("The appraisal cannot be completed yet."), "appraisal_problems"),
}


def step_needs(transition: str):
    """What a step needs of the dossier before it is taken, or None: (why not yet, the check listing
    what is missing), from its Step.needs. The dossier page asks it before the confirmation page, the
    step when taken."""
    from . import selectors

    needs = _needs_by_step().get(transition)
    if not needs:
        return None
    why, check = NEEDS[needs]
    return why, getattr(selectors, check)


@functools.cache
def _needs_by_step() -> dict[str, str]:
    """Each step that needs something first -> its key of NEEDS (read once from the tables)."""
    return {
        st.transition: st.needs
        for p in PROCEDURES.values()
        for r in p.states.values()
        for st in r.steps
        if st.needs
    }


def step_refusal(dossier, transition: str) -> str:
    """Why `transition` is closed for this dossier now, past the limit its step names ("" if open)."""
    found = step(dossier, transition)
    if found is None or not found.open_until:
        return ""
    return LIMITS[found.open_until](dossier)


def next_steps(dossier, *, besides: Sequence[Step] = ()) -> list[tuple[str, list[str], str]]:
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
    "record_outcome": _("Record a decision issued outside the application"),
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


def awaiting_q(units_with: Callable[[str, str], list[int] | None]) -> Q:
    """Dossiers on which a user acts now, as one condition: `units_with(permission, level)` gives the pks
    of the units on which the user holds the permission (None: every unit, a superuser's). A permission
    held on no unit adds nothing: an official's condition names only the states they act in."""
    condition = Q(pk__in=[])
    for code, procedure in PROCEDURES.items():
        for state, state_rule in procedure.states.items():
            if not state_rule.waiting:
                continue
            for permission, level in state_rule.actors:
                units = units_with(permission, level)
                if units is not None and not units:
                    continue
                in_units = {} if units is None else {f"{LEVEL_LOOKUP[level]}__in": units}
                condition |= Q(criteria_set__procedure=code, state=state, **in_units)
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


# --- the dossier's transitions, made from the tables ------------------------------------------------

# What each step is, in the procedure's words (the docstring of the transition on Dossier).
STEP_MEANINGS = {
    "submit": "The commune sends its self-assessment (from 2025: the chair signs the commune's report).",
    "start_appraisal": "The police open the appraisal (kiểm tra, thẩm định).",
    "return_to_commune": "The police send the dossier back to the commune for completion (reason required).",
    "complete_appraisal": "The police finish the appraisal with findings and a recommendation.",
    "recommend": "The review council's vote recommends the commune (Decision 28/2025, Article 9).",
    "not_recommend": "The review council's vote does not recommend the commune.",
    "reconsider": "The standing body puts a commune the council did not recommend on a later session of "
    "the year (until the year's decision is issued, YEAR_DECISION_ISSUED).",
    "recognise": "The deciding authority recognises the commune (quyết định công nhận).",
    "leave_out": "The chairman leaves a recommended commune out of the decision (reason): back to the council.",
    "refuse": "The deciding authority refuses recognition (reason required).",
    "send_back": "The deciding authority sends the dossier back to the police (reason required).",
    "revoke": "The authority withdraws the recognition after a drug case (reason required).",
    "expire": "The recognition's validity ended (system, no user).",
    "record_outcome": "The clerk records the outcome of a decision issued outside the application "
    "(recognised, not recognised or revoked), with its number, date, signer and file.",
}


def model_edges() -> dict[str, tuple[tuple[str, ...], str]]:
    """Each transition of every procedure -> (the states it leaves, in the tables' order; its target):
    what Dossier declares to django-fsm. A transition leads to one state whatever the procedure; a step
    whose taker chooses among several (Step.also_to) is declared with every state it may lead to
    (`choice_targets`), and its first target here."""
    found: dict[str, tuple[list[str], str]] = {}
    for procedure in PROCEDURES.values():
        for state, state_rule in procedure.states.items():
            for st in state_rule.steps:
                sources, target = found.setdefault(st.transition, ([], st.target))
                if target != st.target and st.transition not in choice_targets():
                    raise ValueError(f"{st.transition} leads to {target} and to {st.target}")
                if state not in sources:
                    sources.append(state)
    return {name: (tuple(sources), target) for name, (sources, target) in found.items()}


@functools.cache
def choice_targets() -> dict[str, dict[str, tuple[str, ...]]]:
    """The steps whose taker chooses where they lead (Step.also_to) -> for each state they leave, the
    states they may lead to from it (the same in every procedure)."""
    chosen = {
        st.transition for p in PROCEDURES.values() for r in p.states.values() for st in r.steps if st.also_to
    }
    found: dict[str, dict[str, tuple[str, ...]]] = {}
    for procedure in PROCEDURES.values():
        for state, state_rule in procedure.states.items():
            for st in state_rule.steps:
                if st.transition in chosen:
                    targets = found.setdefault(st.transition, {}).setdefault(state, st.targets)
                    if targets != st.targets:
                        raise ValueError(
                            f"{st.transition} from {state} leads to {targets} and to {st.targets}"
                        )
    return found


def needs_met(transition: str) -> Callable:
    """The `conditions=` of a transition that needs something of the dossier first (step_needs)."""

    def condition(dossier) -> bool:
        needs = step_needs(transition)
        return needs is None or not needs[1](dossier=dossier)

    condition.__name__ = f"{transition}_needs_met"
    return condition


def sources_of(transition: str) -> tuple[str, ...]:
    """The states a step leaves from, in any procedure (e.g. the appraised dossiers a council weighs:
    sources_of("recommend"); the recognitions in force: sources_of("revoke"))."""
    return _edges()[transition][0]


def target_of(transition: str) -> str:
    """The state a step leads to (the same in every procedure)."""
    return _edges()[transition][1]


@functools.cache
def _edges() -> dict[str, tuple[tuple[str, ...], str]]:
    return model_edges()


def appraisal_open(dossier) -> bool:
    """Whether the police record the dossier's appraisal in its state now (its page is open)."""
    return rule(dossier).appraisal_open


def appraisal_papers(dossier) -> AppraisalPapers:
    return procedure_of(dossier).appraisal_papers


def step_effects(dossier, transition: str) -> tuple[str, ...]:
    found = step(dossier, transition)
    return found.effects if found else ()


def keeps_snapshot(dossier, transition: str) -> bool:
    found = step(dossier, transition)
    return bool(found and found.keeps_snapshot)


def states_in_columns(*columns: str) -> tuple[str, ...]:
    """The states counted in these dashboard columns (e.g. "recognised": recognised and expired)."""
    of = state_columns()
    return tuple(state for column in columns for state in of[column])


def is_system_step(transition: str) -> bool:
    """Whether the step is taken by the system only, never by an official (the expiry)."""
    return all(
        st.permission is None
        for p in PROCEDURES.values()
        for r in p.states.values()
        for st in r.steps
        if st.transition == transition
    )


def _fsm_transition(name: str, sources: tuple[str, ...], target: str):
    from django_fsm import RETURN_VALUE, transition

    def take(self, to_state: str | None = None):
        # The step's effects are its service's (assessments.services, recognition.services); a step
        # that leads where its taker chooses returns the state chosen (django-fsm's RETURN_VALUE).
        return to_state

    take.__name__ = take.__qualname__ = name
    take.__doc__ = STEP_MEANINGS.get(name, "")
    permission = None if is_system_step(name) else permitted(name)
    conditions = [in_table(name), needs_met(name)]
    if name not in choice_targets():
        return transition(
            field="state", source=list(sources), target=target, permission=permission, conditions=conditions
        )(take)
    # One declaration per state it leaves, with the states it may lead to from there.
    for source, targets in choice_targets()[name].items():
        take = transition(
            field="state",
            source=source,
            target=RETURN_VALUE(*targets),
            permission=permission,
            conditions=conditions,
        )(take)
    return take


class DossierTransitions:
    """The transitions of Dossier (django-fsm-2), one per step of the tables above, each from the
    states that have it to its target: the edges are declared here once, never beside the tables.
    Who may take one from which state is the table's (`permitted`, `in_table`), and what it needs first
    (`step_needs`)."""


for _name, (_sources, _target) in model_edges().items():
    setattr(DossierTransitions, _name, _fsm_transition(_name, _sources, _target))


# --- the tables are complete ---------------------------------------------------------------------


def completeness_problems(procedures: dict[str, Procedure] | None = None) -> list[str]:
    """What a table leaves unsaid, one sentence each (empty: every page, export and document knows every
    state and step). Each state needs its dashboard column (COLUMNS), its funnel stages (FUNNEL_STAGES)
    and its label (State, the export's and the pages' words); each step taken by an official needs its
    confirmation text (Step.consequences, from CONSEQUENCES) and a notice
    rule (whom its target state tells: StateRule.actors)."""
    problems = []
    labels = set(State.values)
    for procedure in (procedures or PROCEDURES).values():
        for state, state_rule in procedure.states.items():
            where = f"{procedure.code}: state '{state}'"
            if (state_rule.column or state) not in COLUMNS:
                problems.append(f"{where} has no dashboard column (COLUMNS: {state_rule.column or state!r})")
            if not state_rule.funnel or set(state_rule.funnel) - set(FUNNEL_STAGES):
                problems.append(f"{where} has no funnel stage in FUNNEL_STAGES ({state_rule.funnel!r})")
            if state not in labels:
                problems.append(f"{where} has no label (State, the pages' and the exports' words)")
            for st in state_rule.steps:
                if st.permission is None:
                    continue  # the system's step (the expiry): no one confirms it, no one is told
                where = f"{procedure.code}: step '{st.transition}' from '{state}'"
                if not st.consequences:
                    problems.append(f"{where} has no confirmation text (page {st.page!r})")
                for to in st.targets:
                    target = procedure.states.get(to)
                    if target is None or not target.actors:
                        problems.append(f"{where} has no notice rule: its target '{to}' tells no one")
    return problems
