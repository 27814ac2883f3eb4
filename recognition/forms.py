from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.forms import MAX_TEXT, ClockInput, DayInput, VersionedForm
from communes.fields import PlainIntegerField


def signer_title_field(help_text="") -> forms.CharField:
    """The signer's title as printed above the signature (e.g. "Phó Chủ tịch" signs as KT. CHỦ TỊCH)."""
    return forms.CharField(label=_("Signer's title"), required=False, max_length=150, help_text=help_text)


class DecisionForm(VersionedForm):
    """Quyết định: recognise, refuse (reasons required), or send back to the police (reason required)."""

    OUTCOMES = [
        ("recognised", _("Recognise the commune")),
        ("not_recognised", _("Do not recognise the commune")),
        ("send_back", _("Send back to the district police")),
    ]

    outcome = forms.ChoiceField(label=_("Decision"), choices=OUTCOMES, widget=forms.RadioSelect)
    decided_on = forms.DateField(
        label=_("Date of the decision"),
        widget=DayInput(),
        initial=timezone.localdate,
    )
    signer_title = signer_title_field()
    reasons = forms.CharField(
        label=_("Reasons"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, recommendation: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # What the police recommended ("recognise", "not_recognise"): deciding otherwise needs reasons.
        self.recommendation = recommendation

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The decision cannot be dated in the future."))
        return day

    def goes_against_recommendation(self) -> bool:
        outcome = (self.cleaned_data if hasattr(self, "cleaned_data") else {}).get("outcome")
        if not self.recommendation or outcome not in ("recognised", "not_recognised"):
            return False
        return (self.recommendation == "recognise") != (outcome == "recognised")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("reasons") or "").strip():
            if cleaned.get("outcome") in ("not_recognised", "send_back"):
                self.add_error("reasons", _("Give the reasons."))
            elif self.goes_against_recommendation():
                self.add_error(
                    "reasons",
                    _(
                        "The police recommended not to recognise the commune: give the reasons for recognising it."
                    ),
                )
        return cleaned


class RevocationForm(forms.Form):
    incident_date = forms.DateField(label=_("Date of the incident"), widget=DayInput())
    incident_description = forms.CharField(
        label=_("The incident (the drug case)"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 4})
    )
    reason = forms.CharField(
        label=_("Why the commune no longer qualifies"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decided_on = forms.DateField(
        label=_("Date of the revocation decision"),
        widget=DayInput(),
        initial=timezone.localdate,
    )
    signer_title = signer_title_field()

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        incident, decided = cleaned.get("incident_date"), cleaned.get("decided_on")
        if incident and incident > today:
            self.add_error("incident_date", _("The date cannot be in the future."))
        if decided and decided > today:
            self.add_error("decided_on", _("The date cannot be in the future."))
        if incident and decided and incident > decided:
            self.add_error("incident_date", _("The incident must come before the decision."))
        return cleaned


class SummaryForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2022, max_value=2100, initial=lambda: timezone.localdate().year
    )
    issued_on = forms.DateField(
        label=_("Date of the dispatch"),
        widget=DayInput(),
        initial=timezone.localdate,
    )
    signer_title = signer_title_field(_("“Phó Giám đốc” signs on the director's behalf (KT. GIÁM ĐỐC)."))

    def clean(self):
        cleaned = super().clean()
        year, day = cleaned.get("year"), cleaned.get("issued_on")
        if day and day > timezone.localdate():
            self.add_error("issued_on", _("The date cannot be in the future."))
        elif day and year and day.year < year:
            self.add_error(
                "issued_on", _("A summary of %(year)s cannot be dated before that year.") % {"year": year}
            )
        return cleaned


class IssueForm(forms.Form):
    """Vào sổ: the number and date of issue the office's register gave an approved decision."""

    number = PlainIntegerField(label=_("Number in the register"), min_value=1, max_value=99999)
    issued_on = forms.DateField(
        label=_("Date of issue"),
        widget=DayInput(),
        initial=timezone.localdate,
    )
    dispatch_number = PlainIntegerField(
        label=_("Number of the dispatch to the commune"), min_value=1, max_value=99999, required=False
    )

    def __init__(self, *args, needs_dispatch: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_dispatch:
            self.fields["dispatch_number"].required = True
        else:
            del self.fields["dispatch_number"]

    def clean_issued_on(self):
        day = self.cleaned_data["issued_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class CouncilSeatsForm(forms.Form):
    """Thành phần Hội đồng: the council's officials, each with a seat and a post; as many rows as the
    council has seats, and one more at each "add a seat" (no JavaScript needed: the page is sent back
    with what was typed and an empty row)."""

    SEATS = 9  # rows offered when the council is set up
    MAX_SEATS = 60  # far above any council: bounds the rows a posted count can ask for

    def __init__(self, *args, officials, seats=(), rows: int = 0, **kwargs):
        from .models import CouncilMember

        super().__init__(*args, **kwargs)
        seats = list(seats)
        if self.is_bound:
            try:
                rows = max(rows, int(self.data.get("row_count", 0)))
            except (TypeError, ValueError):
                pass
        self.size = min(max(self.SEATS, len(seats) + 1, rows), self.MAX_SEATS)
        self.fields["row_count"] = forms.IntegerField(
            widget=forms.HiddenInput, initial=self.size, required=False
        )
        for i in range(self.size):
            seat = seats[i] if i < len(seats) else None
            self.fields[f"seat_{i}_user"] = forms.ModelChoiceField(
                label=_("Official"),
                queryset=officials,
                required=False,
                initial=seat.user_id if seat else None,
            )
            self.fields[f"seat_{i}_seat"] = forms.ChoiceField(
                label=_("Seat"),
                choices=CouncilMember.Seat.choices,
                initial=seat.seat if seat else CouncilMember.Seat.MEMBER,
                required=False,  # an empty row needs none; a filled one does (clean)
            )
            self.fields[f"seat_{i}_position"] = forms.CharField(
                label=_("Post and agency"),
                max_length=200,
                required=False,
                initial=seat.position if seat else "",
            )
            self.fields[f"seat_{i}_member"] = forms.BooleanField(
                label=_("The secretary is also a member"),
                required=False,
                initial=seat.secretary_is_member if seat else False,
            )

    @classmethod
    def with_one_more_row(cls, data, *, officials) -> "CouncilSeatsForm":
        """The form as typed, not yet validated nor saved, with one empty row more."""
        typed = cls(data, officials=officials)
        form = cls(officials=officials, rows=typed.size + 1)
        for name in typed.fields:
            if name != "row_count" and name in form.fields:
                form.initial[name] = typed[name].value()
        form.initial["row_count"] = form.size
        return form

    def clean(self):
        cleaned = super().clean()
        for i in range(self.size):
            if not cleaned.get(f"seat_{i}_user"):
                continue
            if not (cleaned.get(f"seat_{i}_position") or "").strip():
                self.add_error(f"seat_{i}_position", _("Give the post and agency printed in the minutes."))
            if not cleaned.get(f"seat_{i}_seat"):
                self.add_error(f"seat_{i}_seat", _("Choose the seat."))
        return cleaned

    def rows(self):
        for i in range(self.size):
            yield [self[f"seat_{i}_{name}"] for name in ("user", "seat", "position", "member")]

    def seats(self) -> list[dict]:
        return [
            {
                "user": self.cleaned_data[f"seat_{i}_user"],
                "seat": self.cleaned_data[f"seat_{i}_seat"],
                "position": self.cleaned_data[f"seat_{i}_position"],
                "secretary_is_member": self.cleaned_data[f"seat_{i}_member"],
            }
            for i in range(self.size)
            if self.cleaned_data.get(f"seat_{i}_user")
        ]


class SessionForm(forms.Form):
    """Triệu tập phiên họp: date, time, place and the appraised communes on the agenda."""

    held_on = forms.DateField(label=_("Date"), widget=DayInput())
    starts_at = forms.TimeField(label=_("Starts at"), widget=ClockInput())
    place = forms.CharField(label=_("Place"), max_length=200)
    dossiers = forms.ModelMultipleChoiceField(
        label=_("Communes on the agenda"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = candidates
        self.fields["dossiers"].label_from_instance = lambda d: f"{d.commune.name} ({d.year})"


class SessionVotesForm(forms.Form):
    """The secretary's record: attendance, each present member's vote on each commune; then closing."""

    ends_at = forms.TimeField(label=_("Ended at"), required=False, widget=ClockInput())
    conclusion = forms.CharField(
        label=_("Conclusion"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, members, items, present=(), votes=None, session=None, **kwargs):
        from .models import Vote

        super().__init__(*args, **kwargs)
        if session is not None:  # the draft as saved: its end time and conclusion
            self.fields["ends_at"].initial = session.ends_at
            self.fields["conclusion"].initial = session.conclusion
        votes = votes or {}
        self.members, self.items = members, items
        self.by_tally = session is not None and session.recording == session.Recording.TALLIES
        self.missing_votes: set[int] = set()  # the communes marked for missing votes
        for member in members:
            self.fields[f"present_{member.pk}"] = forms.BooleanField(
                label=member.user.get_full_name(), required=False, initial=member.pk in present
            )
        for item in items:
            self.fields[f"reason_{item.pk}"] = forms.CharField(
                label=_("The council's reason (if not recommended)"),
                required=False,
                max_length=MAX_TEXT,
                initial=item.reason,
            )
            if self.by_tally:  # three numbers per commune, whatever the council's size
                for key, label, value in (
                    ("for", _("For"), item.votes_for),
                    ("against", _("Against"), item.votes_against),
                    ("other", _("Abstain"), item.abstentions),
                ):
                    self.fields[f"tally_{key}_{item.pk}"] = PlainIntegerField(
                        label=f"{item.dossier.commune.name} — {label}",
                        min_value=0,
                        required=False,
                        initial=value,
                        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "narrow"}),
                    )
                continue
            for member in members:
                if member.votes:
                    self.fields[f"vote_{item.pk}_{member.pk}"] = forms.ChoiceField(
                        label=f"{item.dossier.commune.name} — {member.user.get_full_name()}",
                        choices=[("", "—"), *Vote.Choice.choices],
                        required=False,
                        initial=votes.get((item.pk, member.pk), ""),
                    )

    def present(self) -> set[int]:
        return {m.pk for m in self.members if self.cleaned_data.get(f"present_{m.pk}")}

    def votes(self) -> dict[tuple[int, int], str]:
        return {
            (item.pk, member.pk): choice
            for item in self.items
            for member in self.members
            if (choice := self.cleaned_data.get(f"vote_{item.pk}_{member.pk}"))
        }

    def tallies(self) -> dict[int, tuple[int, int, int]]:
        if not self.by_tally:
            return {}
        return {
            item.pk: tuple(
                self.cleaned_data.get(f"tally_{key}_{item.pk}") or 0 for key in ("for", "against", "other")
            )
            for item in self.items
        }

    def reasons(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"reason_{item.pk}") or "" for item in self.items}

    def closing_refusals(self, session) -> list[tuple[str, str]]:
        """What closing would refuse on the values typed, marked on the form before the confirmation
        page: the service's own checks (services.session_closing_refusals), not a copy of them."""
        from .services import items_missing_votes, session_closing_refusals

        votes = self.votes()
        tallies = self.tallies()
        cast = {
            item: sum(tallies[item.pk])
            if self.by_tally
            else {m for (i, m), _c in votes.items() if i == item.pk}
            for item in self.items
        }
        voting = {m.pk for m in self.members if m.votes}
        refusals = session_closing_refusals(
            session=session,
            ends_at=self.cleaned_data.get("ends_at") or session.ends_at,
            present=self.present(),
            voting=voting,
            cast=cast,
        )
        self.missing_votes = {item.pk for item in items_missing_votes(cast, voting & self.present())}
        # (the form's field to mark, "" for the form as a whole; the message): the page marks them.
        return [("ends_at" if key == "ends_at" else "", message) for key, message in refusals.items()]

    def attendance_rows(self):
        for member in self.members:
            yield member, self[f"present_{member.pk}"]

    def matrix(self):
        """Rows of the vote table: the commune, then one field per voting member."""
        for item in self.items:
            if self.by_tally:
                fields = [self[f"tally_{key}_{item.pk}"] for key in ("for", "against", "other")]
            else:
                fields = [self[f"vote_{item.pk}_{m.pk}"] for m in self.members if m.votes]
            yield item, fields, self[f"reason_{item.pk}"], item.pk in self.missing_votes


class CollectiveDecisionForm(forms.Form):
    """The chairman's decision: which recommended communes it recognises (the rest left out, with a
    reason), its date and the signer's title."""

    decided_on = forms.DateField(
        label=_("Date of the decision"),
        widget=DayInput(),
        initial=timezone.localdate,
    )
    signer_title = signer_title_field(_("“Phó Chủ tịch” signs on the chairman's behalf (KT. CHỦ TỊCH)."))

    # The communes the page was opened on: a decision confirmed from a stale page is refused with
    # what changed since, never recorded on another list than the one the chairman read.
    opened_on = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        current = ",".join(str(d.pk) for d in sorted(self.candidates, key=lambda d: d.pk))
        self.fields["opened_on"].initial = current
        self.changed_since: dict[str, list[str]] = {}
        if self.is_bound and self.data.get("opened_on", current) != current:
            self._note_changes(current)
        for dossier in self.candidates:
            self.fields[f"include_{dossier.pk}"] = forms.BooleanField(
                label=dossier.commune.name, required=False, initial=True
            )
            self.fields[f"reason_{dossier.pk}"] = forms.CharField(
                label=_("Reason for leaving it out"), required=False, max_length=MAX_TEXT
            )

    def _note_changes(self, current: str) -> None:
        """The communes added to and gone from the list since the page was opened; the form goes on
        with what was typed, on the current list (a commune added is listed, as on a fresh page)."""
        from assessments.models import Dossier

        opened = {int(pk) for pk in self.data.get("opened_on", "").split(",") if pk.isdigit()}
        now = {d.pk: d for d in self.candidates}
        gone = Dossier.objects.filter(pk__in=opened - set(now)).select_related("commune")
        self.changed_since = {
            "added": [now[pk].commune.name for pk in sorted(set(now) - opened)],
            "gone": sorted(d.commune.name for d in gone),
        }
        self.data = self.data.copy()
        self.data["opened_on"] = current
        for pk in set(now) - opened:
            self.data[f"include_{pk}"] = "on"

    def clean(self):
        cleaned = super().clean()
        if self.changed_since:
            self.add_error(
                None,
                _(
                    "The list of recommended communes changed since you opened the page; nothing was "
                    "recorded. Check the list below, then confirm again."
                ),
            )
        for dossier in self.candidates:
            if (
                not cleaned.get(f"include_{dossier.pk}")
                and not (cleaned.get(f"reason_{dossier.pk}") or "").strip()
            ):
                self.add_error(f"reason_{dossier.pk}", _("Give the reason for leaving this commune out."))
        day = cleaned.get("decided_on")
        if day and day > timezone.localdate():
            self.add_error("decided_on", _("The decision cannot be dated in the future."))
        return cleaned

    def rows(self):
        for dossier in self.candidates:
            yield dossier, self[f"include_{dossier.pk}"], self[f"reason_{dossier.pk}"]

    def listed(self) -> list[int]:
        return [d.pk for d in self.candidates if self.cleaned_data.get(f"include_{d.pk}")]

    def left_out(self) -> dict[int, str]:
        return {
            d.pk: self.cleaned_data.get(f"reason_{d.pk}", "")
            for d in self.candidates
            if not self.cleaned_data.get(f"include_{d.pk}")
        }


class ReportForm(forms.Form):
    """The report to the Ministry: its date (default today) and the signer's title."""

    issued_on = forms.DateField(
        label=_("Date of the report"),
        widget=DayInput(),
        initial=timezone.localdate,
    )
    signer_title = signer_title_field(
        _(
            "Printed in the signature block: “Giám đốc” signs as GIÁM ĐỐC; “Phó Giám đốc” signs on the "
            "director's behalf (KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC)."
        )
    )


class SentForm(forms.Form):
    sent_on = forms.DateField(
        label=_("Sent to the Ministry on"),
        widget=DayInput(attrs={"aria-label": _("Sent to the Ministry on")}),
        initial=timezone.localdate,
    )


class DecideSeveralForm(forms.Form):
    """Quyết định nhiều hồ sơ (district procedure): the appraised dossiers with the police's
    recommendation; each gets its own outcome (the recommendation by default) and, when needed, reasons;
    one date and signer for all. Each decision is still numbered and documented on its own."""

    CHOICES = [
        ("", _("Not now")),
        ("recognised", _("Recognise")),
        ("not_recognised", _("Do not recognise")),
    ]

    decided_on = forms.DateField(
        label=_("Date of the decisions"),
        widget=DayInput(),
        initial=timezone.localdate,
    )
    signer_title = signer_title_field()

    def __init__(self, *args, dossiers: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.dossiers = dossiers
        for d in dossiers:
            recommended = getattr(getattr(d, "appraisal", None), "recommendation", "")
            self.fields[f"outcome_{d.pk}"] = forms.ChoiceField(
                label=_("Decision"),
                choices=self.CHOICES,
                required=False,
                initial="recognised"
                if recommended == "recognise"
                else "not_recognised"
                if recommended
                else "",
            )
            self.fields[f"reasons_{d.pk}"] = forms.CharField(
                label=_("Reasons"),
                required=False,
                max_length=MAX_TEXT,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean_decided_on(self):
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The decision cannot be dated in the future."))
        return day

    def clean(self):
        cleaned = super().clean()
        if not self.decisions():
            raise forms.ValidationError(_("Choose a decision for at least one dossier."))
        for dossier, outcome, reasons, against in self.decisions():
            if reasons:
                continue
            if outcome == "not_recognised":
                self.add_error(f"reasons_{dossier.pk}", _("Give the reasons."))
            elif against:
                self.add_error(
                    f"reasons_{dossier.pk}",
                    _(
                        "The police recommended not to recognise the commune: give the reasons for recognising it."
                    ),
                )
        return cleaned

    def decisions(self) -> list[tuple]:
        """(dossier, outcome, reasons, against the recommendation) for each dossier decided now."""
        out = []
        for d in self.dossiers:
            outcome = self.cleaned_data.get(f"outcome_{d.pk}")
            if not outcome:
                continue
            recommended = getattr(getattr(d, "appraisal", None), "recommendation", "")
            against = bool(recommended) and (recommended == "recognise") != (outcome == "recognised")
            out.append((d, outcome, (self.cleaned_data.get(f"reasons_{d.pk}") or "").strip(), against))
        return out

    def rows(self):
        for d in self.dossiers:
            yield d, self[f"outcome_{d.pk}"], self[f"reasons_{d.pk}"]
