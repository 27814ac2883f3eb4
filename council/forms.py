"""The review council's forms: its seats, a session's call, and the secretary's record of a session."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.forms import MAX_TEXT, ClockInput, DayInput
from communes.fields import PlainIntegerField

from .models import CouncilMember, Vote


class CouncilSeatsForm(forms.Form):
    """Thành phần Hội đồng: the council's officials, each with a seat and a post; as many rows as the
    council has seats, and one more at each "add a seat" (no JavaScript needed: the page is sent back
    with what was typed and an empty row)."""

    SEATS = 9  # rows offered when the council is set up
    MAX_SEATS = 60  # far above any council: bounds the rows a posted count can ask for

    def __init__(self, *args, officials, seats=(), rows: int = 0, **kwargs):
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
