"""Criteria, the commune's yearly dossier with its state machine, answers, evidence, appraisal, history."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField

from accounts.append_only import AppendOnlyModel
from communes.models import Commune
from communes.text import document_number, plain_decimal

from . import workflow
from .classification import KeyAreaType

# The appraisal requirements a criteria set may hold, with the value a set without them has.
APPRAISAL_RULES = {
    "min_team": 1,  # members of the inspection team, commune representatives not counted
    "conclusion": False,
    "border_guard_on_border": False,  # a Border Guard member when the commune is on the border
    "findings_start_empty": False,  # findings are not suggested from the commune's claims
    "counts_cross_check": False,  # the date the counts were cross-checked against police data
    # The agencies a team member may come from (AppraisalMember.Agency values); None: every agency.
    # After 1 July 2025 there is no district police: the set of Decision 28 does not offer it.
    "agencies": None,
}


# The thresholds a criteria set holds for its procedure (Decision 28/2025 and the district guidance),
# with the value a set without them has.
DECISION_RULES = {
    # A council session holds when more than this share of its voting members is present.
    "council_quorum_share": 0.5,
    # A commune is recommended when its votes for exceed this share of the members present (a tie fails).
    "council_majority_share": 0.5,
    # A recognition stands until the decision on the next evaluation, at the latest 31 December of the
    # assessed year plus this many years (a decision signed after the year ends still holds).
    "recognition_valid_extra_years": 1,
}


class CriteriaSetQuerySet(models.QuerySet):
    def for_year(self, year: int, level: str = "commune"):
        return (
            self.filter(is_active=True, level=level, year_from__lte=year)
            .filter(models.Q(year_to__isnull=True) | models.Q(year_to__gte=year))
            .order_by("-year_from", "-version")
        )


class CriteriaSetManager(models.Manager.from_queryset(CriteriaSetQuerySet)):
    def get_by_natural_key(self, code, version):
        return self.get(code=code, version=version)


class CriteriaSet(models.Model):
    """Bộ tiêu chí: a versioned guideline (the provincial police guidance of 2022, Decision 28/2025...)."""

    class Level(models.TextChoices):
        COMMUNE = "commune", _("commune level")
        DISTRICT = "district", _("district level")

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"), default=1)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    source_document = models.CharField(
        _("source document"), max_length=300, help_text=_("The document the criteria come from.")
    )
    year_from = models.PositiveIntegerField(_("first year"))
    year_to = models.PositiveIntegerField(_("last year"), null=True, blank=True)
    recognition_term = models.CharField(
        _("term printed on decisions"),
        max_length=60,
        help_text=_("“sạch về ma túy” until 2024, “không ma túy” from 2025."),
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.COMMUNE)
    # The workflow its dossiers follow (assessments.workflow): who appraises, who decides.
    procedure = models.CharField(_("procedure"), max_length=20, choices=workflow.PROCEDURE_CHOICES)
    classification_rules = models.JSONField(
        _("classification rules"),
        default=dict,
        blank=True,
        help_text=_("Article 4 of Decision 28/2025: the bands of key areas types I, II, III, as data."),
    )
    period_start_month = models.PositiveSmallIntegerField(
        _("evaluation year starts (month)"),
        default=1,
        help_text=_("12 for Decision 28/2025: 15 Dec to 14 Dec."),
    )
    period_start_day = models.PositiveSmallIntegerField(_("evaluation year starts (day)"), default=1)
    # What the police must record before completing an appraisal (see APPRAISAL_RULES): the district
    # guidance asks for a team, a conclusion and the Border Guard on the border; Decision 28 computes the
    # criteria from the counts, asks for their cross-check and, on the border, the Border Guard too.
    appraisal_rules = models.JSONField(
        _("appraisal requirements"),
        default=dict,
        blank=True,
        help_text=_(
            "min_team (police-side members), conclusion, border_guard_on_border, findings_start_empty, "
            "counts_cross_check, agencies (the agencies a team member may come from)."
        ),
    )
    # The procedure's thresholds (see DECISION_RULES): the review council's quorum and majority, how long
    # a recognition stands. Legal rules of the procedure, kept with its criteria, never in settings.
    decision_rules = models.JSONField(
        _("decision thresholds"),
        default=dict,
        blank=True,
        help_text=_(
            "council_quorum_share (more than this share of the voting members present), "
            "council_majority_share (votes for above this share of those present), "
            "recognition_valid_extra_years (valid to 31 December of the assessed year plus these years)."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("supersedes"),
    )
    created_at = models.DateTimeField(default=timezone.now)  # a default, as fixtures load raw

    objects = CriteriaSetManager()

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["-year_from", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="criteria_set_code_version")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs):
        if self.pk and self.is_locked:
            raise ValidationError(_("This criteria set is used by submitted dossiers: create a new version."))
        super().save(*args, **kwargs)

    def decision_rule(self, name: str):
        """One threshold of the procedure (DECISION_RULES): the set's own value, or the default."""
        return (self.decision_rules or {}).get(name, DECISION_RULES[name])

    def recognition_valid_until(self, year: int) -> datetime.date:
        """The latest day a recognition of `year` stands: 31 December of the assessed year plus the
        set's `recognition_valid_extra_years` (one: the year after); the decision on the next
        evaluation ends it earlier."""
        return datetime.date(year + self.decision_rule("recognition_valid_extra_years"), 12, 31)

    def appraisal_rule(self, name: str):
        """One appraisal requirement; a set without the key requires nothing of it."""
        return (self.appraisal_rules or {}).get(name, APPRAISAL_RULES[name])

    def natural_key(self):
        return (self.code, self.version)

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "vi").startswith("en") else self.title_vi

    @property
    def is_locked(self) -> bool:
        """Used by a dossier that left the draft: its text is then part of a record and cannot change."""
        return self.dossiers.exclude(state=workflow.INITIAL_STATE).exists()

    def evaluation_period(self, year: int) -> tuple[datetime.date, datetime.date]:
        """The period a dossier of `year` covers (1 Jan-31 Dec, or 15 Dec of year-1 to 14 Dec)."""
        if (self.period_start_month, self.period_start_day) == (1, 1):
            return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        start = datetime.date(year - 1, self.period_start_month, self.period_start_day)
        return start, datetime.date(
            year, self.period_start_month, self.period_start_day
        ) - datetime.timedelta(days=1)


class CriterionManager(models.Manager):
    def get_by_natural_key(self, set_code, set_version, code):
        return self.get(criteria_set__code=set_code, criteria_set__version=set_version, code=code)


class Criterion(models.Model):
    """Tiêu chí: one condition of a set, with how it is measured and whether evidence is required."""

    class Measure(models.TextChoices):
        BOOLEAN = "boolean", _("yes / no")
        COUNT = "count", _("count")
        PERCENTAGE = "percentage", _("percentage")
        AREA = "area", _("area (m²)")

    class Comparator(models.TextChoices):
        EQ = "eq", "="
        GTE = "gte", "≥"
        LTE = "lte", "≤"
        GT = "gt", ">"
        LT = "lt", "<"

    class AppliesTo(models.TextChoices):
        ALWAYS = "always", _("every evaluation")
        FIRST = "first", _("first evaluation only")
        REEVALUATION = "reevaluation", _("re-evaluation only")

    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("criteria set")
    )
    code = models.CharField(_("code"), max_length=30)
    text_vi = models.TextField(_("text (Vietnamese)"))
    text_en = models.TextField(_("text (English)"))
    measure = models.CharField(_("measured as"), max_length=12, choices=Measure.choices)
    comparator = models.CharField(_("comparator"), max_length=3, choices=Comparator.choices, default="eq")
    target = models.DecimalField(
        _("target"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For yes/no: 1 if “yes” meets the criterion, 0 if “no” does."),
    )
    evidence_required = models.BooleanField(_("evidence required"), default=True)
    evidence_hint_vi = models.TextField(_("evidence hint (Vietnamese)"), blank=True)
    evidence_hint_en = models.TextField(_("evidence hint (English)"), blank=True)
    applies_to = models.CharField(
        _("applies to"), max_length=12, choices=AppliesTo.choices, default=AppliesTo.ALWAYS
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    computed_from = models.JSONField(
        _("computed from counts"),
        default=list,
        blank=True,
        help_text=_("Names of the dossier's counts whose sum is the value (Decision 28): never claimed."),
    )

    objects = CriterionManager()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code_in_set")]

    def __str__(self) -> str:
        return f"{self.code}: {self.text}"

    def natural_key(self):
        return (*self.criteria_set.natural_key(), self.code)

    natural_key.dependencies = ["assessments.criteriaset"]

    @property
    def text(self) -> str:
        return self.text_en if (get_language() or "vi").startswith("en") else self.text_vi

    @property
    def evidence_hint(self) -> str:
        return self.evidence_hint_en if (get_language() or "vi").startswith("en") else self.evidence_hint_vi

    @property
    def target_display(self) -> str:
        if self.measure == self.Measure.BOOLEAN:
            return str(_("yes")) if self.target != 0 else str(_("no"))
        unit = {"percentage": " %", "area": " m²"}.get(self.measure, "")
        target = plain_decimal(self.target) if self.target is not None else ""
        return f"{self.get_comparator_display()} {target}{unit}".replace(".", ",")

    @property
    def is_computed(self) -> bool:
        return bool(self.computed_from)

    def clean(self):
        super().clean()
        unknown = [name for name in self.computed_from or [] if name not in SituationCounts.COUNT_FIELDS]
        if unknown:
            raise ValidationError(
                {"computed_from": _("Unknown count(s): %(names)s") % {"names": ", ".join(unknown)}}
            )

    def applies(self, *, reevaluation: bool) -> bool:
        if self.applies_to == self.AppliesTo.FIRST:
            return not reevaluation
        if self.applies_to == self.AppliesTo.REEVALUATION:
            return reevaluation
        return True

    def is_met_by(self, value: Decimal | bool | None) -> bool | None:
        """Whether `value` meets the criterion; None while unanswered. Computed, never claimed."""
        if value is None:
            return None
        if self.measure == self.Measure.BOOLEAN:
            return bool(value) == (self.target is None or self.target != 0)
        value, target = Decimal(value), self.target or Decimal(0)
        return {
            "eq": value == target,
            "gte": value >= target,
            "lte": value <= target,
            "gt": value > target,
            "lt": value < target,
        }[self.comparator]


class DossierQuerySet(models.QuerySet["Dossier"]):
    def with_page_relations(self) -> DossierQuerySet:
        return self.select_related("commune__district", "commune__province", "criteria_set")


class Dossier(ConcurrentTransitionMixin, workflow.DossierTransitions, models.Model):
    """Hồ sơ: a commune's yearly dossier, from self-assessment to the decision.

    The state only changes through the transitions below, called by `assessments.services`,
    which lock the row, check guardian permissions, and write the history in the same transaction.
    """

    # The states are the workflow table's (workflow.State).
    State = workflow.State

    # Recognised that year (an expired recognition still stands for the year it was given): the states
    # the table counts as recognised.
    RECOGNISED_STATES = workflow.states_in_columns("recognised")
    # States reached through a decision (recognition.RecognitionDecision): only they can have one.
    DECIDED_STATES = workflow.states_in_columns("recognised", "not_recognised", "revoked")

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("commune")
    )
    year = models.PositiveIntegerField(_("year"))
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("criteria set")
    )
    is_reevaluation = models.BooleanField(
        _("re-evaluation"), default=False, help_text=_("The commune was recognised the year before.")
    )
    cycle = models.ForeignKey(
        "EvaluationCycle",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("evaluation cycle"),
    )
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    # Optimistic lock for edits that are not transitions (answers, findings): a stale form is refused.
    version = models.PositiveIntegerField(default=1)
    state_changed_at = models.DateTimeField(_("in this state since"), default=timezone.now)
    # The StateTally row this dossier is counted in now ("" when in none): written by assessments.tallies
    # only, so that a change moves exactly one count out and one in.
    tally_key = models.CharField(max_length=80, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-year", "commune__code"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "year"], name="one_dossier_per_commune_year")
        ]
        indexes = [
            # With the state's date: the dashboard's dossiers that entered a waiting state lately.
            models.Index(fields=["year", "state", "state_changed_at"]),
            models.Index(fields=["-year", "commune"]),
        ]

    def __str__(self) -> str:
        return f"{self.commune.name} — {self.year}"

    @property
    def is_editable(self) -> bool:
        return workflow.is_editable(self)

    def situation(self) -> SituationCounts | None:
        try:
            return self.counts
        except SituationCounts.DoesNotExist:
            return None

    def applicable_criteria(self) -> list[Criterion]:
        criteria = getattr(self, "_criteria_cache", None)
        if criteria is None:
            criteria = [
                c for c in self.criteria_set.criteria.all() if c.applies(reevaluation=self.is_reevaluation)
            ]
            self._criteria_cache = criteria
        return criteria

    # --- conditions (also used by the services to explain what is missing) -----------------------

    def submission_problems(self) -> list[str]:
        from .selectors import submission_problems

        return submission_problems(dossier=self)

    def appraisal_problems(self) -> list[str]:
        from .selectors import appraisal_problems

        return appraisal_problems(dossier=self)

    # --- transitions ------------------------------------------------------------------------------
    # Made from the workflow tables (workflow.DossierTransitions): submit(), start_appraisal(),
    # complete_appraisal(), recommend(), recognise()... each from the states that have it.


class Answer(models.Model):
    """The commune's answer to one criterion: the measured value and an explanation."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value_bool = models.BooleanField(_("answer"), null=True, blank=True)
    value_number = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    # Copied from last year's dossier (re-evaluation): shown as such until confirmed or replaced.
    carried_over = models.BooleanField(_("carried over"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "criterion"], name="one_answer_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.dossier} / {self.criterion.code}"

    @property
    def value(self):
        if self.criterion.measure == Criterion.Measure.BOOLEAN:
            return self.value_bool
        return self.value_number

    @property
    def is_met(self) -> bool | None:
        return self.criterion.is_met_by(self.value)

    @property
    def value_display(self) -> str:
        """The value as an official reads it: "Có", "12", "99,5 %", "0 m²"."""
        from django.utils.formats import number_format

        measure = self.criterion.measure
        if measure == Criterion.Measure.BOOLEAN:
            return (
                "—" if self.value_bool is None else str(_("yes") if self.value_bool else _("no")).capitalize()
            )
        if self.value_number is None:
            return "—"
        if measure == Criterion.Measure.COUNT:
            return number_format(int(self.value_number), force_grouping=True)
        unit = " %" if measure == Criterion.Measure.PERCENTAGE else " m²"
        return number_format(plain_decimal(self.value_number), force_grouping=True) + unit


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    # The stored name is generated: the official's file name is kept only for display.
    return f"evidence/{instance.dossier_id}/{uuid.uuid4().hex}.{instance.extension}"


class Evidence(models.Model):
    """Minh chứng: a file attached to a criterion of a dossier."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="evidence")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    carried_over = models.BooleanField(_("carried over"), default=False)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["criterion__order", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class Appraisal(models.Model):
    """Biên bản kiểm tra, thẩm định: the police's inspection, findings and recommendation."""

    class Recommendation(models.TextChoices):
        RECOGNISE = "recognise", _("Recognise")
        NOT_RECOGNISE = "not_recognise", _("Do not recognise")

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="appraisal")
    inspection_date = models.DateField(_("inspection date"), null=True, blank=True)
    counts_checked_on = models.DateField(
        _("counts cross-checked on"),
        null=True,
        blank=True,
        help_text=_("The day the commune's counts were checked against the police's own data."),
    )
    recommendation = models.CharField(
        _("recommendation"), max_length=20, choices=Recommendation.choices, blank=True
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    # The minutes record when and where the team met the commune.
    started_at = models.TimeField(_("started at"), null=True, blank=True)
    ended_at = models.TimeField(_("ended at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True, help_text=_("e.g. Hội trường UBND xã"))
    # The police command's proposal to the deciding authority (Tờ trình) and the minutes, numbered in the
    # command's register when the appraisal is completed (or typed, when its clerk gives the numbers).
    proposal_date = models.DateField(_("date of the proposal (Tờ trình)"), null=True, blank=True)
    proposal_number = models.PositiveIntegerField(_("proposal number"), null=True, blank=True)
    proposal_symbol = models.CharField(max_length=40, blank=True)
    minutes_number = models.PositiveIntegerField(_("minutes number"), null=True, blank=True)
    minutes_symbol = models.CharField(max_length=40, blank=True)
    police_body = models.CharField(_("police command"), max_length=150, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("appraisal")
        verbose_name_plural = _("appraisals")

    def __str__(self) -> str:
        return f"{self.dossier}"

    @property
    def proposal_display(self) -> str:
        return document_number(self.proposal_number, self.proposal_symbol)

    @property
    def minutes_display(self) -> str:
        return document_number(self.minutes_number, self.minutes_symbol)


class AppraisalMember(models.Model):
    """A member of the inspection team (tổ thẩm định), with the agency they come from."""

    class Agency(models.TextChoices):
        DISTRICT_POLICE = "district_police", _("District police")
        PROVINCIAL_POLICE = "provincial_police", _("Provincial police")
        LABOUR = "labour", _("Labour, Invalids and Social Affairs")
        HEALTH = "health", _("Health")
        BORDER_GUARD = "border_guard", _("Border Guard")
        COMMUNE = "commune", _("Commune People's Committee")
        OTHER = "other", _("Other")

    class Duty(models.TextChoices):
        LEADER = "leader", _("Team leader")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary")
        COMMUNE = "commune", _("Commune representative")

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="members")
    duty = models.CharField(_("duty"), max_length=10, choices=Duty.choices, default=Duty.MEMBER)
    name = models.CharField(_("full name"), max_length=150)
    agency = models.CharField(_("agency"), max_length=20, choices=Agency.choices)
    position = models.CharField(_("position"), max_length=150, blank=True)
    # The body the member works for, by its name ("Trung tâm Y tế huyện Kỳ Sơn"), printed in the minutes;
    # the agency above is only its category, never printed as a body.
    body = models.CharField(_("body"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_agency_display()})"


class InspectionTeam(models.Model):
    """Tổ kiểm tra, thẩm định: a police command's usual inspection team, saved once and reused on each
    dossier of a campaign (the members are copied into each appraisal, which keeps its own)."""

    district = models.ForeignKey(
        "communes.District", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    province = models.ForeignKey(
        "communes.Province", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name of the team"), max_length=150)
    # [{"duty", "name", "agency", "position", "body"}], in the order of the minutes.
    members = models.JSONField(_("members"), default=list)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("saved inspection team")
        verbose_name_plural = _("saved inspection teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EvidenceRemoval(models.Model):
    """A file the commune removed from its dossier: kept as a line (not the file), so that what changed
    since a return can say which files were removed and when."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="evidence_removals")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(_("file name"), max_length=255)
    uploaded_at = models.DateTimeField()
    removed_at = models.DateTimeField(default=timezone.now)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("removed file")
        verbose_name_plural = _("removed files")
        ordering = ["removed_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Finding(models.Model):
    """The police's finding on one criterion: met, not met or not applicable, with a note."""

    class Result(models.TextChoices):
        MET = "met", _("Met")
        NOT_MET = "not_met", _("Not met")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="findings")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("finding"), max_length=15, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "criterion"], name="one_finding_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.get_result_display()}"


class DossierEvent(AppendOnlyModel):
    """Lịch sử: one append-only row per transition, written in the transition's transaction."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    transition = models.CharField(max_length=40)
    from_state = models.CharField(max_length=20, choices=Dossier.State.choices)
    to_state = models.CharField(max_length=20, choices=Dossier.State.choices)
    comment = models.TextField(blank=True)
    # A decision that goes against the police's recommendation (its reasons are the comment).
    against_recommendation = models.BooleanField(default=False)
    # A return to the commune keeps what the dossier held then (answers, counts, files), so that on
    # resubmission the police and the chair see what changed since.
    snapshot = models.JSONField(default=dict, blank=True, editable=False)
    # A text snapshot, as Django's LogEntry.object_repr, so the row reads right after renames.
    object_repr = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.from_state} → {self.to_state}"


class Notification(models.Model):
    """An in-app notice (the bell), and its e-mail: to the people who act next on a dossier, or of work
    that belongs to no dossier (a council session called, its minutes, a decision waiting for its
    number), which then carries its own subject and the page it leads to."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    dossier = models.ForeignKey(Dossier, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    subject = models.CharField(max_length=200, blank=True)
    link = models.CharField(max_length=200, blank=True)
    event = models.ForeignKey(
        DossierEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    # For reminders, which follow no transition: what the notice says.
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.event}"


class SituationCounts(models.Model):
    """Số liệu tình hình ma túy: the counts of a Decision 28 dossier, for its evaluation period.

    Counts only: no name or identity of any drug user is stored anywhere. The criteria KMT-1..3 and the
    key-area classification (Article 4) are computed from these, never claimed by the commune."""

    # Counts a criterion may be computed from (`Criterion.computed_from`).
    COUNT_FIELDS = (
        "population",
        "users_with_records",
        "users_not_exempt",
        "users_substitution",
        "users_community_rehab",
        "users_post_rehab",
        "resident_violators",
        "wanted_fugitives",
        "harbouring_places",
        "offenders_arrested",
        "drug_plants",
        "drug_plant_area",
    )
    EXEMPT_FIELDS = ("users_substitution", "users_community_rehab", "users_post_rehab")

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="counts")
    population = models.PositiveIntegerField(_("resident population"), null=True)
    users_with_records = models.PositiveIntegerField(
        _("addicts and illegal users with management records"), null=True
    )
    users_substitution = models.PositiveIntegerField(_("of whom in substitution treatment"), null=True)
    users_community_rehab = models.PositiveIntegerField(_("of whom in family or community rehab"), null=True)
    users_post_rehab = models.PositiveIntegerField(_("of whom under post-rehab management"), null=True)
    resident_violators = models.PositiveIntegerField(_("resident drug-law violators"), null=True)
    wanted_fugitives = models.PositiveIntegerField(
        _("wanted drug fugitives hiding in the commune"), null=True
    )
    harbouring_places = models.PositiveIntegerField(_("places organising or harbouring drug use"), null=True)
    offenders_arrested = models.PositiveIntegerField(_("drug offenders arrested"), null=True)
    drug_plants = models.PositiveIntegerField(_("drug plants found and destroyed (number)"), null=True)
    drug_plant_area = models.DecimalField(
        _("drug plants found and destroyed (m²)"), max_digits=10, decimal_places=1, null=True
    )
    on_key_route = models.BooleanField(_("on a provincial or inter-provincial key drug route"), null=True)
    attested_by = models.CharField(_("attested by (commune police officer)"), max_length=150, blank=True)
    # Article 4, computed on every save from the counts and the set's rules.
    classification = models.CharField(
        _("key-area type"), max_length=5, blank=True, choices=KeyAreaType.choices
    )
    classification_basis = models.JSONField(default=dict, blank=True)
    carried_over = models.BooleanField(_("carried over"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("situation counts")
        verbose_name_plural = _("situation counts")
        constraints = [
            models.CheckConstraint(
                name="counts_population_positive",
                condition=models.Q(population__isnull=True) | models.Q(population__gt=0),
            ),
            models.CheckConstraint(
                name="counts_drug_plant_area_not_negative",
                condition=models.Q(drug_plant_area__isnull=True) | models.Q(drug_plant_area__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier}"

    @property
    def users_not_exempt(self) -> int:
        """KMT-1's count: users with records who are in none of the three exempt groups."""
        exempt = sum(getattr(self, name) or 0 for name in self.EXEMPT_FIELDS)
        return max((self.users_with_records or 0) - exempt, 0)

    # What the commune enters (users_not_exempt is computed), the key-route question with them.
    ENTERED_FIELDS = tuple(f for f in COUNT_FIELDS if f != "users_not_exempt") + ("on_key_route",)

    def missing(self) -> list[str]:
        """The counts not entered yet (a zero is entered, an empty field is not)."""
        return [name for name in self.ENTERED_FIELDS if getattr(self, name) is None]

    @property
    def is_complete(self) -> bool:
        return not self.missing()

    def value_of(self, names: list[str]) -> Decimal | None:
        """The sum of the named counts (None while one is missing)."""
        total = Decimal(0)
        for name in names:
            value = getattr(self, name)
            if value is None:
                return None
            total += Decimal(value)
        return total

    @property
    def basis_display(self) -> str:
        """The Article 4 criteria (a–đ) the commune's type rests on."""
        return ", ".join((self.classification_basis or {}).get(self.classification, []))

    @property
    def classification_display(self) -> str:
        return str(self.get_classification_display())


class EvaluationCycle(models.Model):
    """Đợt xét: a province's yearly round under Decision 28, opened by the provincial police.

    The evaluation period comes from the criteria set (15 December of the previous year to 14 December);
    the communes assigned by the province's plan (giao chỉ tiêu) and those that registered themselves
    have a dossier opened for them."""

    province = models.ForeignKey(
        "communes.Province", on_delete=models.PROTECT, related_name="cycles", verbose_name=_("province")
    )
    year = models.PositiveIntegerField(_("year"))
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("criteria set")
    )
    target_percent = models.DecimalField(
        _("target, in per cent of the communes"),
        max_digits=5,
        decimal_places=2,
        help_text=_("e.g. 30 for 2026 (KH 107/KH-UBND)."),
    )
    plan_reference = models.CharField(
        _("plan"), max_length=200, blank=True, help_text=_("e.g. Kế hoạch số 107/KH-UBND ngày 12/02/2026")
    )
    reports_due = models.DateField(_("commune reports due"))
    ministry_report_due = models.DateField(_("report to the Ministry due"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("evaluation cycle")
        verbose_name_plural = _("evaluation cycles")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="one_cycle_per_province_year")
        ]

    def __str__(self) -> str:
        return f"{self.province.name} — {self.year}"

    @property
    def period(self) -> tuple[datetime.date, datetime.date]:
        return self.criteria_set.evaluation_period(self.year)


class CycleCommune(models.Model):
    """A commune taking part in a cycle: assigned by the province (giao chỉ tiêu) or registered."""

    class How(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned by the province")
        REGISTERED = "registered", _("Registered by the commune")

    cycle = models.ForeignKey(EvaluationCycle, on_delete=models.CASCADE, related_name="entries")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="cycle_entries")
    how = models.CharField(_("how"), max_length=12, choices=How.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("commune in a cycle")
        verbose_name_plural = _("communes in a cycle")
        ordering = ["cycle", "commune__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "commune"], name="commune_once_per_cycle")]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.commune} ({self.get_how_display()})"


class StateTally(models.Model):
    """Số liệu tổng hợp: how many dossiers of `year` are in `state` among the communes of one unit (a
    district, or the province for communes directly under it), border communes apart, by Article 4 class.

    Kept by `assessments.tallies` in the transaction that changes a dossier (its state, its counts, its
    commune), so the dashboards read a few hundred rows instead of every dossier. Only communes in place
    at the end of `year` are counted, as on every dashboard. A nightly job recomputes the tallies from
    the dossiers and reports any drift (`tallies.tallies_drift`)."""

    key = models.CharField(max_length=80, unique=True)
    province = models.ForeignKey("communes.Province", on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey(
        "communes.District", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveIntegerField()
    state = models.CharField(max_length=30)
    is_border = models.BooleanField()
    # The class of the dossier's counts (KeyAreaType: "" is "not a key area"); None: no counts entered.
    classification = models.CharField(max_length=5, null=True, blank=True)  # noqa: DJ001 (None ≠ "")
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("dossier tally")
        verbose_name_plural = _("dossier tallies")
        indexes = [models.Index(fields=["year", "province"])]

    def __str__(self) -> str:
        return f"{self.key}={self.count}"
