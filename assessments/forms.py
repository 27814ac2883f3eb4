from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.fields import PlainDecimalField, PlainIntegerField
from communes.text import plain_decimal

from .models import Appraisal, AppraisalMember, Criterion, Dossier, Finding

MAX_TEXT = 4000


class DayInput(forms.DateInput):
    """The browser's date picker (it reads and writes ISO dates, whatever the page's language)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ClockInput(forms.TimeInput):
    """The browser's time picker."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class VersionedForm(forms.Form):
    """Carries the dossier version the page was built from: a stale form is refused, not applied."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _bool_choice(value: str):
    return {"1": True, "0": False}.get(value)


class EvidenceFilesInput(forms.ClearableFileInput):
    """Several files at once; the browser checks their size and type before uploading (keep.js)."""

    allow_multiple_selected = True

    def __init__(self, attrs=None):
        from django.conf import settings

        from .evidence import ALLOWED_TYPES

        super().__init__(
            {
                "accept": ",".join(f".{ext}" for ext in sorted({*ALLOWED_TYPES, "jpeg"})),
                "data-max-bytes": str(settings.EVIDENCE_MAX_BYTES),
                **(attrs or {}),
            }
        )


class EvidenceFilesField(forms.FileField):
    """Several evidence files for one criterion (the Django documentation's pattern): a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", EvidenceFilesInput())
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class SelfAssessmentForm(VersionedForm):
    """Tự đánh giá: one value, one explanation and one evidence file per applicable criterion."""

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            criterion: Criterion = row["criterion"]
            answer = row["answer"]
            key = criterion.pk
            carried = (answer is not None and answer.carried_over) or any(
                e.carried_over for e in row["evidence"]
            )
            if carried:
                self.fields[f"confirm_{key}"] = forms.BooleanField(
                    label=_("Last year's answer and files still hold: confirm them"), required=False
                )
            if criterion.is_computed:
                # Never claimed: computed from the counts (SituationCountsForm).
                field = forms.CharField(required=False, disabled=True, widget=forms.HiddenInput)
                initial = ""
            elif criterion.measure == Criterion.Measure.BOOLEAN:
                field = forms.TypedChoiceField(
                    label=_("Answer"),
                    choices=[("1", _("Yes")), ("0", _("No"))],
                    coerce=_bool_choice,
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect,
                )
                initial = (
                    None
                    if answer is None or answer.value_bool is None
                    else ("1" if answer.value_bool else "0")
                )
            elif criterion.measure == Criterion.Measure.COUNT:
                field = PlainIntegerField(
                    label=_("Number"),
                    required=False,
                    min_value=0,
                    max_value=10**9,
                    widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                )
                initial = int(answer.value_number) if answer and answer.value_number is not None else None
            else:
                unit = "%" if criterion.measure == Criterion.Measure.PERCENTAGE else "m²"
                field = PlainDecimalField(
                    label=_("Value") + f" ({unit})",
                    required=False,
                    min_value=Decimal(0),
                    max_value=Decimal(100)
                    if criterion.measure == Criterion.Measure.PERCENTAGE
                    else Decimal(10**9),
                    max_digits=12,
                    decimal_places=2,
                    localize=True,
                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                )
                initial = (
                    plain_decimal(answer.value_number) if answer and answer.value_number is not None else None
                )
            field.initial = initial
            self.fields[f"value_{key}"] = field
            self.fields[f"explanation_{key}"] = forms.CharField(
                label=_("Explanation"),
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.explanation if answer else "",
            )
            self.fields[f"evidence_{key}"] = EvidenceFilesField(label=_("Attach evidence"), required=False)
            row["value_field"] = f"value_{key}"

    def bound_rows(self):
        for row in self.rows:
            key = row["criterion"].pk
            yield {
                **row,
                "confirm": self[f"confirm_{key}"] if f"confirm_{key}" in self.fields else None,
                "value": self[f"value_{key}"],
                "explanation": self[f"explanation_{key}"],
                "upload": self[f"evidence_{key}"],
            }

    def answers(self) -> dict[int, tuple]:
        return {
            row["criterion"].pk: (
                self.cleaned_data.get(f"value_{row['criterion'].pk}"),
                self.cleaned_data.get(f"explanation_{row['criterion'].pk}", ""),
            )
            for row in self.rows
        }

    def confirmed(self) -> set[int]:
        return {
            row["criterion"].pk
            for row in self.rows
            if self.cleaned_data.get(f"confirm_{row['criterion'].pk}")
        }

    def uploads(self) -> list[tuple[Criterion, object]]:
        """Every file chosen, several per criterion, in the order chosen."""
        return [
            (row["criterion"], upload)
            for row in self.rows
            for upload in self.cleaned_data.get(f"evidence_{row['criterion'].pk}") or []
        ]

    def accepted_uploads(self) -> list[tuple[Criterion, object]]:
        """The files of the fields without an error, when the form as a whole has errors: kept as evidence
        so that correcting a value never means choosing the files again."""
        return [
            (row["criterion"], upload)
            for row in self.rows
            if f"evidence_{row['criterion'].pk}" not in self.errors
            for upload in self.cleaned_data.get(f"evidence_{row['criterion'].pk}") or []
        ]


def _count_field(label, *, minimum: int = 0) -> forms.IntegerField:
    return PlainIntegerField(
        label=label,
        required=False,
        min_value=minimum,
        max_value=10**8,
        localize=True,
        error_messages={
            "invalid": _("Type a whole number (no letters or decimals)."),
            "min_value": _("Type a number of at least %(limit_value)s."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class SituationCountsForm(forms.Form):
    """Số liệu tình hình: the Decision 28 counts, whole numbers only; never a name or an identity."""

    prefix = "counts"

    population = _count_field(_("Resident population"), minimum=1)
    users_with_records = _count_field(_("Addicts and illegal users with management records"))
    users_substitution = _count_field(_("of whom in substitution treatment (methadone…)"))
    users_community_rehab = _count_field(_("of whom in family or community rehab"))
    users_post_rehab = _count_field(_("of whom under post-rehab management"))
    resident_violators = _count_field(_("Resident drug-law violators"))
    wanted_fugitives = _count_field(_("Wanted drug fugitives hiding in the commune"))
    harbouring_places = _count_field(_("Places organising or harbouring illegal drug use"))
    offenders_arrested = _count_field(_("Drug offenders arrested"))
    drug_plants = _count_field(_("Drug plants found and destroyed (number)"))
    drug_plant_area = PlainDecimalField(
        label=_("Drug plants found and destroyed (m²)"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(10**8),
        max_digits=10,
        decimal_places=1,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    on_key_route = forms.TypedChoiceField(
        label=_("On a provincial or inter-provincial key drug route"),
        choices=[("1", _("Yes")), ("0", _("No"))],
        coerce=_bool_choice,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    attested_by = forms.CharField(
        label=_("Counts attested by (commune police officer, name and rank)"), required=False, max_length=150
    )
    confirm = forms.BooleanField(label=_("Last year's counts still hold: confirm them"), required=False)

    def __init__(self, *args, counts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.carried_over = bool(counts and counts.carried_over)
        if not self.carried_over:
            del self.fields["confirm"]
        if counts is not None and not self.is_bound:
            for name in self.fields:
                if name == "on_key_route":
                    value = counts.on_key_route
                    self.fields[name].initial = None if value is None else ("1" if value else "0")
                elif name != "confirm":
                    self.fields[name].initial = getattr(counts, name)
            # Each count saved empty is marked: the chair cannot submit until it is entered.
            for name in counts.missing():
                self.fields[name].help_text = _("Not entered: a zero is a count too.")
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["class"] = "not-entered"

    def clean(self):
        cleaned = super().clean()
        total = cleaned.get("users_with_records")
        exempt = [
            cleaned.get(name) for name in ("users_substitution", "users_community_rehab", "users_post_rehab")
        ]
        if total is not None and all(v is not None for v in exempt) and sum(exempt) > total:
            message = _(
                "The three exempt groups add up to %(exempt)s, more than the %(total)s people with management records."
            ) % {"exempt": sum(exempt), "total": total}
            for name in ("users_substitution", "users_community_rehab", "users_post_rehab"):
                self.add_error(name, message)
        return cleaned

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class CycleForm(forms.Form):
    """Mở đợt xét: the provincial police open the year's cycle and assign communes (giao chỉ tiêu)."""

    year = forms.IntegerField(label=_("Year"), min_value=2025, max_value=2100)
    target_percent = PlainDecimalField(
        label=_("Target, in per cent of the communes"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        localize=True,
    )
    plan_reference = forms.CharField(label=_("Plan (number and date)"), required=False, max_length=200)
    reports_due = forms.DateField(label=_("Commune reports due"), widget=DayInput())
    ministry_report_due = forms.DateField(label=_("Report to the Ministry due"), widget=DayInput())
    assigned = forms.ModelMultipleChoiceField(
        label=_("Communes assigned by the plan"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned"].queryset = communes

    def clean(self):
        cleaned = super().clean()
        reports, ministry = cleaned.get("reports_due"), cleaned.get("ministry_report_due")
        year = cleaned.get("year")
        for name in ("reports_due", "ministry_report_due"):
            day = cleaned.get(name)
            if year and day and day > datetime.date(year, 12, 31):
                self.add_error(
                    name,
                    _("%(field)s: the date must be on or before 31/12/%(year)s, within the cycle's year.")
                    % {"field": self.fields[name].label, "year": year},
                )
        if reports and ministry and reports > ministry:
            self.add_error(
                "reports_due", _("The commune reports must be due before the report to the Ministry.")
            )
        return cleaned


class AssignForm(forms.Form):
    assigned = forms.ModelMultipleChoiceField(
        label=_("Communes to assign"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned"].queryset = communes


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )


class OpenDossierForm(forms.Form):
    commune = forms.CharField(widget=forms.HiddenInput)
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in sorted(years, reverse=True)]


class AppraisalForm(VersionedForm):
    """Kiểm tra, thẩm định: inspection date, team, a finding per criterion, recommendation, conclusion."""

    TEAM_ROWS = 6

    inspection_date = forms.DateField(
        label=_("Inspection date"),
        required=False,
        widget=DayInput(),
    )
    counts_checked_on = forms.DateField(
        label=_("Counts cross-checked against police data on"),
        required=False,
        widget=DayInput(),
    )
    started_at = forms.TimeField(
        label=_("Meeting started at"),
        required=False,
        widget=ClockInput(),
    )
    ended_at = forms.TimeField(
        label=_("Meeting ended at"),
        required=False,
        widget=ClockInput(),
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        required=False,
        choices=[("", "—"), *Appraisal.Recommendation.choices],
    )
    conclusion = forms.CharField(
        label=_("Conclusion"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )
    proposal_date = forms.DateField(
        label=_("Date of the proposal (Tờ trình) to the deciding authority"),
        required=False,
        widget=DayInput(),
        help_text=_("The minutes and the proposal are numbered in the police register when you complete."),
    )
    minutes_number = forms.IntegerField(
        label=_("Number of the minutes in the office's register"),
        required=False,
        min_value=1,
        max_value=99999,
    )
    proposal_number = forms.IntegerField(
        label=_("Number of the proposal in the office's register"),
        required=False,
        min_value=1,
        max_value=99999,
    )

    save_team_as = forms.CharField(
        label=_("Save this team for the next dossiers, as"),
        required=False,
        max_length=150,
        help_text=_("e.g. Tổ thẩm định Công an huyện 2024; a team saved under the same name is replaced."),
    )

    SIMPLE_FIELDS = (
        "inspection_date",
        "counts_checked_on",
        "started_at",
        "ended_at",
        "place",
        "recommendation",
        "conclusion",
        "proposal_date",
        "minutes_number",
        "proposal_number",
    )

    def __init__(
        self,
        *args,
        rows: list[dict],
        appraisal: Appraisal | None,
        papers=None,
        clerk_numbers: bool = False,
        start_empty: bool = False,
        team=None,
        agencies: list[str] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.rows = rows
        # The command's clerk gives the numbers: they are typed here; otherwise the application gives them.
        self.clerk_numbers = clerk_numbers
        if clerk_numbers:
            self.fields["proposal_date"].help_text = ""
        else:
            del self.fields["minutes_number"], self.fields["proposal_number"]
        if papers is not None and not papers.proposal_kind:
            # Decision 28: no Tờ trình per dossier (one per council session, from the standing body).
            for name in ("proposal_date", "proposal_number"):
                self.fields.pop(name, None)
            if "minutes_number" in self.fields:
                self.fields["minutes_number"].label = _(
                    "Number of the appraisal report in the office's register"
                )
        members = list(appraisal.members.all()) if appraisal else []
        if team is not None:  # "fill from a saved team": its members replace the rows shown
            members = [AppraisalMember(**m) for m in team.members]
        for i in range(max(self.TEAM_ROWS, len(members) + 2)):
            member = members[i] if i < len(members) else None
            self.fields[f"member_{i}_duty"] = forms.ChoiceField(
                label=_("Duty"),
                required=False,
                choices=AppraisalMember.Duty.choices,
                initial=member.duty if member else AppraisalMember.Duty.MEMBER,
            )
            self.fields[f"member_{i}_name"] = forms.CharField(
                label=_("Full name"), required=False, max_length=150, initial=member.name if member else ""
            )
            # The agencies of the procedure (the criteria set's rule); a member already recorded keeps
            # theirs, so an appraisal of before the reform reads as it was.
            recorded = member.agency if member and team is None else ""
            self.fields[f"member_{i}_agency"] = forms.ChoiceField(
                label=_("Agency"),
                required=False,
                choices=[
                    ("", "—"),
                    *(
                        (value, label)
                        for value, label in AppraisalMember.Agency.choices
                        if agencies is None or value in agencies or value == recorded
                    ),
                ],
                initial=member.agency if member else "",
            )
            self.fields[f"member_{i}_position"] = forms.CharField(
                label=_("Position"), required=False, max_length=150, initial=member.position if member else ""
            )
            self.fields[f"member_{i}_body"] = forms.CharField(
                label=_("Body"), required=False, max_length=200, initial=member.body if member else ""
            )
        self.team_size = max(self.TEAM_ROWS, len(members) + 2)
        for row in rows:
            criterion = row["criterion"]
            finding = row["finding"]
            # Suggest the finding the commune's own figures give (the police confirm or change it),
            # unless the criteria set wants each finding chosen by the police from an empty start.
            suggested = ""
            if finding is None and row["is_met"] is not None and not start_empty:
                suggested = Finding.Result.MET if row["is_met"] else Finding.Result.NOT_MET
            self.fields[f"finding_{criterion.pk}"] = forms.ChoiceField(
                label=_("Finding"),
                required=False,
                choices=Finding.Result.choices,
                widget=forms.RadioSelect,
                initial=finding.result if finding else suggested,
            )
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=finding.note if finding else "",
            )
        if appraisal:
            for name in self.SIMPLE_FIELDS:
                if name in self.fields:
                    self.fields[name].initial = getattr(appraisal, name)

    def clean_inspection_date(self):
        day = self.cleaned_data.get("inspection_date")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The inspection date cannot be in the future."))
        return day

    def clean_proposal_date(self):
        day = self.cleaned_data.get("proposal_date")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The proposal cannot be dated in the future."))
        return day

    def clean_counts_checked_on(self):
        day = self.cleaned_data.get("counts_checked_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The cross-check date cannot be in the future."))
        return day

    def clean(self):
        cleaned = super().clean()
        for i in range(self.team_size):
            name = (cleaned.get(f"member_{i}_name") or "").strip()
            agency = cleaned.get(f"member_{i}_agency")
            if name and not agency:
                self.add_error(f"member_{i}_agency", _("Choose the member's agency."))
            if agency and not name:
                self.add_error(f"member_{i}_name", _("Give the member's name."))
        inspected, proposed = cleaned.get("inspection_date"), cleaned.get("proposal_date")
        if inspected and proposed and proposed < inspected:
            self.add_error(
                "proposal_date", _("The proposal cannot be dated before the inspection it reports.")
            )
        started, ended = cleaned.get("started_at"), cleaned.get("ended_at")
        if started and ended and ended <= started:
            self.add_error("ended_at", _("The meeting must end after it starts."))
        return cleaned

    def appraisal_data(self) -> dict:
        """The keyword arguments of services.appraisal_save taken from this form."""
        data = {name: self.cleaned_data.get(name) for name in self.SIMPLE_FIELDS if name in self.fields}
        data["place"] = data.get("place") or ""
        data["recommendation"] = data.get("recommendation") or ""
        data["conclusion"] = data.get("conclusion") or ""
        return {**data, "members": self.members(), "findings": self.findings()}

    def team_rows(self):
        for i in range(self.team_size):
            yield (
                self[f"member_{i}_duty"],
                self[f"member_{i}_name"],
                self[f"member_{i}_agency"],
                self[f"member_{i}_position"],
                self[f"member_{i}_body"],
            )

    def bound_rows(self):
        for row in self.rows:
            key = row["criterion"].pk
            yield {**row, "finding_field": self[f"finding_{key}"], "note_field": self[f"note_{key}"]}

    def members(self) -> list[dict]:
        return [
            {
                "duty": self.cleaned_data.get(f"member_{i}_duty") or "member",
                "name": self.cleaned_data[f"member_{i}_name"],
                "agency": self.cleaned_data[f"member_{i}_agency"],
                "position": self.cleaned_data[f"member_{i}_position"],
                "body": self.cleaned_data[f"member_{i}_body"],
            }
            for i in range(self.team_size)
            if self.cleaned_data.get(f"member_{i}_name")
        ]

    def findings(self) -> dict[int, tuple[str, str]]:
        return {
            row["criterion"].pk: (
                self.cleaned_data.get(f"finding_{row['criterion'].pk}") or "",
                self.cleaned_data.get(f"note_{row['criterion'].pk}") or "",
            )
            for row in self.rows
        }


class InboxFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    district = forms.ChoiceField(label=_("District"), required=False)
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("All states")), *Dossier.State.choices]
    )
    border = forms.ChoiceField(
        label=_("Border communes"),
        required=False,
        choices=[
            ("", _("All communes")),
            ("1", _("Border communes only")),
            ("0", _("Non-border communes only")),
        ],
    )
    q = forms.CharField(label=_("Commune name (with or without diacritics)"), required=False, max_length=100)

    def __init__(self, *args, years: list[int], districts: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *[(y, y) for y in years]]
        self.fields["district"].choices = [("", _("All districts")), *districts]

    def valid_params(self) -> dict:
        """The values that are valid, each on its own (an invalid one is dropped, not the others)."""
        self.is_valid()  # a field with an error is left out of cleaned_data
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class CampaignForm(forms.Form):
    """Several dossiers of a campaign at once: the ones ticked (all by default)."""

    dossiers = forms.TypedMultipleChoiceField(
        label=_("Dossiers"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one dossier.")},
    )

    def __init__(self, *args, dossiers: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_pk = {d.pk: d for d in dossiers}
        self.fields["dossiers"].choices = [(d.pk, f"{d.commune.name} ({d.year})") for d in dossiers]
        self.fields["dossiers"].initial = list(self.by_pk)

    def chosen(self) -> list:
        return [self.by_pk[pk] for pk in self.cleaned_data["dossiers"]]


class StartAppraisalsForm(CampaignForm):
    """Bắt đầu thẩm định nhiều hồ sơ: with a saved team and the inspection's date and place copied in."""

    team = forms.ModelChoiceField(label=_("Saved inspection team"), queryset=None, required=False)
    inspection_date = forms.DateField(
        label=_("Inspection date"),
        required=False,
        widget=DayInput(),
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams

    def clean_inspection_date(self):
        day = self.cleaned_data.get("inspection_date")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("The inspection date cannot be in the future."))
        return day
