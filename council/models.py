"""The review council (Hội đồng xét duyệt, Decision 28/2025/QĐ-TTg): its seats, its sessions on an
agenda of appraised dossiers, the attendance and votes, and the documents each session leaves (its
minutes and its notice to the communes it did not recommend)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Dossier


class ReviewCouncil(models.Model):
    """Hội đồng xét duyệt: the province's council for a year, set up by the provincial police (its
    standing body) from officials' posts. It votes on the appraised communes; the chairman of the
    provincial People's Committee recognises those it recommends."""

    province = models.ForeignKey(
        "communes.Province", on_delete=models.PROTECT, related_name="councils", verbose_name=_("province")
    )
    year = models.PositiveIntegerField(_("year"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("set up by")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("review council")
        verbose_name_plural = _("review councils")
        constraints = [models.UniqueConstraint(fields=["province", "year"], name="one_council_per_year")]

    def __str__(self) -> str:
        return f"{self.province} {self.year}"

    def voting_members(self):
        """Who counts for the quorum and votes: every seat but a secretary who is not also a member."""
        return [m for m in self.members.all() if m.votes]


class CouncilMember(models.Model):
    """A seat on the council: an official, the seat (chair, vice-chair, member, secretary) and the post
    printed in the minutes."""

    class Seat(models.TextChoices):
        CHAIR = "chair", _("Council chair")
        VICE_CHAIR = "vice_chair", _("Council vice-chair")
        MEMBER = "member", _("Council member")
        SECRETARY = "secretary", _("Council secretary")

    council = models.ForeignKey(
        ReviewCouncil, on_delete=models.CASCADE, related_name="members", verbose_name=_("review council")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("official")
    )
    seat = models.CharField(_("seat"), max_length=12, choices=Seat.choices)
    position = models.CharField(_("post and agency"), max_length=200)
    # A secretary votes (and counts for the quorum) only when also a member of the council.
    secretary_is_member = models.BooleanField(_("the secretary is also a member"), default=False)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council", "pk"]
        constraints = [models.UniqueConstraint(fields=["council", "user"], name="one_seat_per_person")]

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} ({self.get_seat_display()})"

    @property
    def votes(self) -> bool:
        return self.seat != self.Seat.SECRETARY or self.secretary_is_member


class CouncilSession(models.Model):
    """Phiên họp: a meeting of the council on an agenda of appraised dossiers."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CLOSED = "closed", _("Closed")

    class Recording(models.TextChoices):
        """How the secretary records the vote: each member's vote, or the tally per commune."""

        VOTES = "votes", _("Each member's vote")
        TALLIES = "tallies", _("The tally per commune")

    council = models.ForeignKey(
        ReviewCouncil, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("review council")
    )
    recording = models.CharField(
        _("recorded as"), max_length=8, choices=Recording.choices, default=Recording.VOTES
    )
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"))
    ends_at = models.TimeField(_("ended at"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    conclusion = models.TextField(_("conclusion"), blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheduled by")
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("closed by"),
    )
    # Quorum and tally as they stood when the session was closed (printed in the minutes).
    present_count = models.PositiveIntegerField(default=0, verbose_name=_("voting members present"))
    members_count = models.PositiveIntegerField(default=0, verbose_name=_("voting members"))
    # Biên bản họp and Thông báo: the documents the session leaves when it is closed (the notice only
    # when a commune was not recommended).
    minutes = models.OneToOneField(
        "recognition.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="minutes_of",
        verbose_name=_("minutes"),
    )
    notice = models.OneToOneField(
        "recognition.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notice_of",
        verbose_name=_("notice"),
    )
    # The standing body's Tờ trình to the chairman listing the communes recommended (Decision 28): one
    # per session that recommended any, numbered in the police register.
    proposal = models.OneToOneField(
        "recognition.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposal_of",
        verbose_name=_("proposal (Tờ trình)"),
    )

    class Meta:
        verbose_name = _("council session")
        verbose_name_plural = _("council sessions")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.council} — {self.held_on:%d/%m/%Y}"


class AgendaItem(models.Model):
    """One commune on a session's agenda, and the council's outcome on it once the session is closed."""

    class Outcome(models.TextChoices):
        RECOMMENDED = "recommended", _("Recommended")
        NOT_RECOMMENDED = "not_recommended", _("Not recommended")

    session = models.ForeignKey(
        CouncilSession, on_delete=models.CASCADE, related_name="items", verbose_name=_("council session")
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="agenda_items", verbose_name=_("dossier")
    )
    votes_for = models.PositiveIntegerField(default=0, verbose_name=_("votes for"))
    votes_against = models.PositiveIntegerField(default=0, verbose_name=_("votes against"))
    abstentions = models.PositiveIntegerField(default=0, verbose_name=_("other opinions"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("the council's reason"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "dossier"], name="once_per_agenda")]

    def __str__(self) -> str:
        return f"{self.session}: {self.dossier}"


class Attendance(models.Model):
    session = models.ForeignKey(
        CouncilSession, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("council session")
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("council member")
    )
    present = models.BooleanField(default=False, verbose_name=_("present"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.member}: {'present' if self.present else 'absent'}"


class Vote(models.Model):
    """A present member's vote on one commune: for, against or abstain."""

    class Choice(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        ABSTAIN = "abstain", _("Abstain")

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="votes", verbose_name=_("agenda item")
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.PROTECT, related_name="+", verbose_name=_("council member")
    )
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="one_vote_per_member")]

    def __str__(self) -> str:
        return f"{self.member}: {self.choice}"
