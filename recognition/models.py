"""The recognition decision (quyết định công nhận / không công nhận), revocations, the PDF documents and
the legal bases they cite."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Dossier
from communes.fragments import bumping_manager
from communes.signing import SigningCapacity
from communes.text import document_number

# The dossier page keeps its documents panel's rows in the cache under the "documents" version: every
# write to what the panel shows bumps it, bulk updates included (bumping_manager; saves and deletes
# through recognition.apps).
DOCUMENTS_VERSION = "documents"


class NumberedDocumentMixin(models.Model):
    """Number and symbol ("15/QĐ-UBND"), issuing body and the date it was signed."""

    issuer_code = models.CharField(_("issuing body (unit code)"), max_length=10)
    issuer_name = models.CharField(_("issuing body"), max_length=150)
    # Empty while the office's clerk has not yet given the number (the body numbers in its own register).
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=40)
    decided_on = models.DateField(_("date of the decision"))
    # The chair's approval; `decided_on` is the date of issue (the same day when the application numbers).
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    numbered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("numbered by"),
    )

    class Meta:
        abstract = True

    @property
    def number_display(self) -> str:
        """'05/QĐ-UBND': numbers under 10 take a leading zero; a draft has no number ("/QĐ-UBND")."""
        return document_number(self.number, self.symbol) or f"/{self.symbol}"

    @property
    def is_draft(self) -> bool:
        """Approved, waiting for the clerk's number: its documents are drafts (DỰ THẢO)."""
        return self.number is None


class CollectiveDecision(NumberedDocumentMixin, models.Model):
    """Quyết định công nhận (Decision 28/2025): the chairman of the provincial People's Committee
    recognises the communes the review council recommended, in one decision with an annex. Each commune's
    dossier keeps its own `RecognitionDecision`, carrying this decision's number and date."""

    province = models.ForeignKey(
        "communes.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    evaluated_year = models.PositiveIntegerField(_("evaluated year"))
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("signer")
    )
    signer_name = models.CharField(_("signer's name"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    # How the signer signed (communes.signing): as the head, KT., Q., TL. or TUQ.
    signer_capacity = models.CharField(
        _("signing capacity"), max_length=12, choices=SigningCapacity.choices, default=SigningCapacity.HEAD
    )
    legal_bases = models.JSONField(_("legal bases"), default=list, editable=False)
    # The council minutes it rests on, as cited ("Biên bản số 01/BB-HĐXD ngày ...").
    grounds = models.JSONField(
        default=list, editable=False, verbose_name=_("grounds (the council's minutes)")
    )
    year = models.PositiveIntegerField(_("year of the number"), editable=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = bumping_manager(DOCUMENTS_VERSION)

    class Meta:
        verbose_name = _("collective recognition decision")
        verbose_name_plural = _("collective recognition decisions")
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.number_display} — {self.province} {self.evaluated_year}"

    def save(self, *args, **kwargs):
        self.year = self.decided_on.year
        super().save(*args, **kwargs)


class RecordedDecision(NumberedDocumentMixin, models.Model):
    """Quyết định ban hành ngoài hệ thống: a decision signed outside the application (a district chair's
    of 2022–2024, the provincial chairman's on the 2025 cycle), recorded by the clerk so that the past
    reads like any other year. Each commune it names is a line; each line's dossier takes the step
    `record_outcome` and keeps a RecognitionDecision (or a Revocation) carrying this number. Nothing is
    rendered: the original is the attached scan or signed file, kept with its SHA-256."""

    class Attachment(models.TextChoices):
        SCAN = "scan", _("Scan of the signed and stamped paper")
        SIGNED = "signed", _("Digitally signed file")

    # The issuing body as it was: a district's People's Committee that has since ceased keeps its code.
    province = models.ForeignKey(
        "communes.Province", on_delete=models.PROTECT, related_name="+", verbose_name=_("province")
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signer (an official of the application)"),
    )
    signer_name = models.CharField(_("signer's name"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    signer_capacity = models.CharField(
        _("signing capacity"), max_length=12, choices=SigningCapacity.choices, default=SigningCapacity.HEAD
    )
    attachment = models.FileField(_("attached file"), upload_to="recorded/", max_length=200, blank=True)
    attachment_kind = models.CharField(
        _("kind of attached file"), max_length=10, choices=Attachment.choices, blank=True
    )
    attachment_name = models.CharField(_("name of the attached file"), max_length=200, blank=True)
    attachment_sha256 = models.CharField(_("SHA-256 of the attached file"), max_length=64, blank=True)
    # A signed file's signatures as validated on entry (esign.validation): who, when, trust, integrity.
    signatures = models.JSONField(_("signatures validated"), default=list, blank=True, editable=False)
    # Where it came from: "" (entered by hand) or the name of the imported file.
    source = models.CharField(_("entered from"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    entered_at = models.DateTimeField(auto_now_add=True, verbose_name=_("entered at"))
    # The code /verify/ answers for it (it is listed there as recorded, never as issued by the application).
    verification_code = models.CharField(_("verification code"), max_length=12, unique=True, editable=False)
    year = models.PositiveIntegerField(_("year of the number"), editable=False)

    class Meta:
        verbose_name = _("recorded decision")
        verbose_name_plural = _("recorded decisions")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_code", "symbol", "number", "year"], name="recorded_decision_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number_display} — {self.issuer_name}"

    def save(self, *args, **kwargs):
        self.year = self.decided_on.year
        if not self.verification_code:
            self.verification_code = new_verification_code()
        super().save(*args, **kwargs)


class RecordedOutcome(models.Model):
    """One commune named in a recorded decision: its dossier of the year and the outcome recorded."""

    class Outcome(models.TextChoices):
        RECOGNISED = "recognised", _("Recognised")
        NOT_RECOGNISED = "not_recognised", _("Not recognised")
        REVOKED = "revoked", _("Recognition revoked")

    decision = models.ForeignKey(
        RecordedDecision,
        on_delete=models.PROTECT,
        related_name="outcomes",
        verbose_name=_("recorded decision"),
    )
    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="recorded_outcomes", verbose_name=_("dossier")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"), blank=True)

    class Meta:
        verbose_name = _("recorded outcome")
        verbose_name_plural = _("recorded outcomes")
        ordering = ["decision", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "dossier"], name="recorded_outcome_once_per_dossier")
        ]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.get_outcome_display()}"


class RecognitionDecision(NumberedDocumentMixin, models.Model):
    """Quyết định: the deciding authority's decision on a dossier, with its signer and reasons."""

    class Outcome(models.TextChoices):
        RECOGNISED = "recognised", _("Recognised")
        NOT_RECOGNISED = "not_recognised", _("Not recognised")

    dossier = models.OneToOneField(
        Dossier, on_delete=models.PROTECT, related_name="recognition_decision", verbose_name=_("dossier")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    # Recognised in the chairman's decision with an annex (Decision 28): it shares that number.
    collective = models.ForeignKey(
        CollectiveDecision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("decision with an annex"),
    )
    # Issued outside the application and recorded (a province's past): it carries that decision's number.
    recorded = models.ForeignKey(
        RecordedDecision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("recorded decision"),
    )
    # None for a recorded decision whose signer never used the application (a former district chair).
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signer"),
    )
    signer_name = models.CharField(_("signer's name"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    # How the signer signed (communes.signing): as the head, KT., Q., TL. or TUQ.
    signer_capacity = models.CharField(
        _("signing capacity"), max_length=12, choices=SigningCapacity.choices, default=SigningCapacity.HEAD
    )
    reasons = models.TextField(_("reasons"), blank=True)
    # The authority decided otherwise than the police recommended (the reasons are then required).
    against_recommendation = models.BooleanField(_("against the police's recommendation"), default=False)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # The legal bases as cited on the day of the decision, fixed when it is issued (a later edit of a
    # basis never changes an issued document).
    legal_bases = models.JSONField(_("legal bases"), default=list, editable=False)
    year = models.PositiveIntegerField(_("year of the number"), editable=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = bumping_manager(DOCUMENTS_VERSION)

    class Meta:
        verbose_name = _("recognition decision")
        verbose_name_plural = _("recognition decisions")
        ordering = ["-decided_on", "-pk"]
        # The dashboard lists the few decisions taken against the police's recommendation.
        indexes = [
            models.Index(
                fields=["against_recommendation"],
                condition=models.Q(against_recommendation=True),
                name="decision_against_rec",
            )
        ]
        constraints = [
            # Communes recognised in one decision with an annex, or in one recorded decision, share its
            # number.
            models.UniqueConstraint(
                fields=["issuer_code", "symbol", "number", "year"],
                condition=models.Q(collective__isnull=True, recorded__isnull=True),
                name="decision_number_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number_display} — {self.dossier}"

    def save(self, *args, **kwargs):
        self.year = self.decided_on.year
        super().save(*args, **kwargs)

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.outcome == self.Outcome.RECOGNISED and (
            self.valid_until is None or day <= self.valid_until
        )


class Revocation(NumberedDocumentMixin, models.Model):
    """Quyết định thu hồi: the recognition is withdrawn after a drug case shows the commune no longer qualifies."""

    decision = models.OneToOneField(
        RecognitionDecision,
        on_delete=models.PROTECT,
        related_name="revocation",
        verbose_name=_("decision revoked"),
    )
    incident_date = models.DateField(_("date of the incident"), null=True, blank=True)
    incident_description = models.TextField(_("the incident"), blank=True)
    reason = models.TextField(_("reason"))
    recorded = models.ForeignKey(
        RecordedDecision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revocations",
        verbose_name=_("recorded decision"),
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signer"),
    )
    signer_name = models.CharField(_("signer's name"), max_length=150)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    # How the signer signed (communes.signing): as the head, KT., Q., TL. or TUQ.
    signer_capacity = models.CharField(
        _("signing capacity"), max_length=12, choices=SigningCapacity.choices, default=SigningCapacity.HEAD
    )
    legal_bases = models.JSONField(_("legal bases"), default=list, editable=False)
    year = models.PositiveIntegerField(editable=False, verbose_name=_("year of the number"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    objects = bumping_manager(DOCUMENTS_VERSION)

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer_code", "symbol", "number", "year"],
                condition=models.Q(recorded__isnull=True),
                name="revocation_number_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number_display} — {self.decision.dossier}"

    def save(self, *args, **kwargs):
        self.year = self.decided_on.year
        super().save(*args, **kwargs)


class Document(models.Model):
    """A PDF rendered by a Celery worker: its status, file and checksum."""

    class Kind(models.TextChoices):
        RECOGNITION = "recognition", _("Recognition decision")
        NON_RECOGNITION = "non_recognition", _("Non-recognition decision")
        NOTIFICATION = "notification", _("Notification dispatch to the commune")
        APPRAISAL_MINUTES = "appraisal_minutes", _("Appraisal minutes")
        REVOCATION = "revocation", _("Revocation decision")
        PROVINCIAL_SUMMARY = "provincial_summary", _("Provincial summary dispatch")
        COUNCIL_MINUTES = "council_minutes", _("Review council minutes")
        COUNCIL_NOTICE = "council_notice", _("Notice to the communes not recommended")
        COLLECTIVE_DECISION = "collective_decision", _("Recognition decision with its annex")
        MINISTRY_REPORT = "ministry_report", _("Report to the Ministry")
        # The police's papers, rendered when the appraisal is completed (the district's minutes above).
        APPRAISAL_REPORT = "appraisal_report", _("Provincial police's appraisal report")
        PROPOSAL = "proposal", _("Police's proposal (Tờ trình) on a dossier")
        SESSION_PROPOSAL = (
            "session_proposal",
            _("Standing body's proposal (Tờ trình) after a council session"),
        )

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class SignatureStage(models.TextChoices):
        """Where an electronic document stands in its digital signatures (Decree 30, Arts. 5, 13.7, 32.2):
        the competent person signs the final file first, then the clerk adds the organisation's."""

        NONE = "", _("On paper")
        SIGNER = "signer", _("Waiting for the signer's digital signature")
        ORGANISATION = "organisation", _("Waiting for the organisation's digital signature")
        SIGNED = "signed", _("Signed: the electronic original")

    kind = models.CharField(_("document"), max_length=20, choices=Kind.choices)
    dossier = models.ForeignKey(
        Dossier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("dossier"),
    )
    decision = models.ForeignKey(
        RecognitionDecision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("decision"),
    )
    revocation = models.ForeignKey(
        Revocation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("revocation"),
    )
    year = models.PositiveIntegerField(_("year"))
    collective = models.ForeignKey(
        CollectiveDecision,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("decision with an annex"),
    )
    # The province a summary dispatch covers (documents of a dossier take it from the dossier).
    province = models.ForeignKey(
        "communes.Province",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("province"),
    )
    # Dispatches (công văn) carry their own number, e.g. "07/UBND-CA".
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    symbol = models.CharField(_("symbol"), max_length=40, blank=True)
    # A dispatch of its own (the provincial summary): its date and signer; others take the decision's.
    issued_on = models.DateField(_("date"), null=True, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=150, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=150, blank=True)
    # How the signer signed (communes.signing): as the head, KT., Q., TL. or TUQ.
    signer_capacity = models.CharField(
        _("signing capacity"), max_length=12, choices=SigningCapacity.choices, default=SigningCapacity.HEAD
    )
    # The official who signs a document that is no decision's (the police's papers): the competent person
    # whose digital signature an electronic body's document awaits first.
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signer"),
    )
    # The register code of the body that numbers and signs it (an electronic body's documents wait for
    # their digital signatures once rendered).
    issuer_code = models.CharField(_("issuing body (register code)"), max_length=10, blank=True)
    signature_stage = models.CharField(
        _("digital signatures"), max_length=12, choices=SignatureStage.choices, blank=True, default=""
    )
    # The electronic original: the rendered file with the signer's and the organisation's signatures
    # appended (after the signer's alone while the clerk's is awaited).
    signed_file = models.FileField(
        upload_to="signed/", max_length=200, blank=True, verbose_name=_("digitally signed file")
    )
    signed_sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("SHA-256 of the signed file"))
    signed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("signatures completed at"))
    # A body on paper: the clerk's scan of the signed and stamped paper, listed beside the issued file.
    scan = models.FileField(
        upload_to="scans/", max_length=200, blank=True, verbose_name=_("scan of the signed paper")
    )
    scan_sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("SHA-256 of the scan"))
    # A report's figures as they stood on its date (its PDF and its spreadsheet both read them).
    figures = models.JSONField(default=dict, blank=True, editable=False, verbose_name=_("figures"))
    # The day a report was sent (to the Ministry); recorded by its author.
    sent_on = models.DateField(_("sent on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # A draft (DỰ THẢO) of a decision waiting for the clerk's number: never issued, never verifiable;
    # replaced by the issued document once numbered.
    draft = models.BooleanField(_("draft"), default=False)
    file = models.FileField(upload_to="documents/", max_length=200, blank=True, verbose_name=_("file"))
    sha256 = models.CharField(max_length=64, blank=True, verbose_name=_("SHA-256"))
    size = models.PositiveIntegerField(default=0, verbose_name=_("size (bytes)"))
    error = models.TextField(blank=True, verbose_name=_("error"))
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("attempts"))
    render_seconds = models.FloatField(null=True, blank=True, verbose_name=_("rendering time (seconds)"))
    requested_at = models.DateTimeField(_("requested at"))
    rendered_at = models.DateTimeField(null=True, blank=True, verbose_name=_("rendered at"))
    # Printed with a QR code on the document: anyone may check it at /verify/<code>/ without signing in.
    verification_code = models.CharField(
        max_length=16, unique=True, null=True, blank=True, editable=False, verbose_name=_("verification code")
    )

    objects = bumping_manager(DOCUMENTS_VERSION)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["pk"]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if not self.verification_code and not self.draft:
            self.verification_code = new_verification_code()
        super().save(*args, **kwargs)

    @property
    def number_display(self) -> str:
        return document_number(self.number, self.symbol)

    @property
    def storage_name(self) -> str:
        return f"documents/{self.year}/{self.kind}-{self.pk}.pdf"

    @property
    def signed_storage_name(self) -> str:
        return f"signed/{self.year}/{self.kind}-{self.pk}.pdf"

    @property
    def awaiting_signature(self) -> bool:
        return self.signature_stage in (self.SignatureStage.SIGNER, self.SignatureStage.ORGANISATION)

    @property
    def original_sha256(self) -> str:
        """The checksum /verify/ compares a copy with: the signed original's once signed."""
        return self.signed_sha256 if self.signature_stage == self.SignatureStage.SIGNED else self.sha256

    @property
    def verification_display(self) -> str:
        code = self.verification_code or ""
        return f"{code[:5]}-{code[5:]}"


# Crockford's base 32 without I, L, O and U: read aloud or typed from paper without confusion.
VERIFICATION_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_verification_code() -> str:
    import secrets

    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(10))


class LegalBasis(models.Model):
    """Căn cứ pháp lý: a legal document a decision or a dispatch cites, in force for a period.

    Kept by provincial staff in the admin. A document cites those in force on its own date for its kind
    and its procedure, ordered by legal force and then by date, each as its kind is cited (`citation`)."""

    class Kind(models.TextChoices):
        LAW = "law", _("Law")
        DECREE = "decree", _("Decree")
        DECISION = "decision", _("Decision")
        DISPATCH = "dispatch", _("Official dispatch")
        PLAN = "plan", _("Plan")

    class Role(models.TextChoices):
        """What the basis is to the document, which orders the "Căn cứ" lines in every kind: the
        competence of the body that signs, the law of the field, the Government's texts, the province's.
        What the decision rests on (the proposal, the minutes) follows them, in the "Xét đề nghị" line."""

        COMPETENCE = "competence", _("Competence of the issuing body")
        FIELD_LAW = "field_law", _("Law of the field")
        GOVERNMENT = "government", _("Decree or decision of the Government")
        PROVINCE = "province", _("Text of the province")

    # The order of the lines: by role, then by legal force, then older first.
    ROLE_ORDER = list(Role.values)
    RANK = {"law": 1, "decree": 2, "decision": 3, "dispatch": 4, "plan": 5}
    KIND_VI = {
        "law": "Luật",
        "decree": "Nghị định",
        "decision": "Quyết định",
        "dispatch": "Công văn",
        "plan": "Kế hoạch",
    }

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    role = models.CharField(_("role in the document"), max_length=12, choices=Role.choices)
    number = models.CharField(
        _("number and symbol"), max_length=40, blank=True, help_text=_("e.g. 72/2025/QH15")
    )
    signed_on = models.DateField(_("date"), null=True, blank=True)
    issuer = models.CharField(
        _("issued by"), max_length=200, blank=True, help_text=_("e.g. Thủ tướng Chính phủ; empty for a law")
    )
    title = models.CharField(
        _("name or subject (trích yếu)"),
        max_length=400,
        blank=True,
        help_text=_("A law: its name (Luật Tổ chức chính quyền địa phương). Others: the subject."),
    )
    in_force_from = models.DateField(_("in force from"), null=True, blank=True)
    in_force_until = models.DateField(_("in force until"), null=True, blank=True)
    procedures = models.JSONField(
        _("procedures"),
        default=list,
        blank=True,
        help_text=_("Codes of the procedures whose documents cite it."),
    )
    document_kinds = models.JSONField(
        _("documents"),
        default=list,
        blank=True,
        help_text=_("Kinds of document that cite it (recognition, ...)."),
    )

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["in_force_from", "signed_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number or self.title}".strip()

    def order_key(self) -> tuple:
        """Its place among the "Căn cứ" lines of a document (see Role)."""
        return (
            self.ROLE_ORDER.index(self.role),
            self.RANK[self.kind],
            self.signed_on or datetime.date.min,
            self.pk or 0,
        )

    def clean(self):
        """Its dates in their order (signed, then in force, then no longer), what its kind cites, and
        procedures and kinds of document that exist."""
        from django.core.exceptions import ValidationError

        from assessments.workflow import PROCEDURES

        errors: dict[str, list] = {}
        if self.in_force_from and self.in_force_until and self.in_force_until < self.in_force_from:
            errors.setdefault("in_force_until", []).append(_("It cannot end before it comes into force."))
        if self.signed_on and self.in_force_from and self.in_force_from < self.signed_on:
            errors.setdefault("in_force_from", []).append(_("It cannot come into force before it is signed."))
        if lacks := self.missing():
            errors.setdefault("__all__", []).append(
                _("A document cites it only with %(what)s.") % {"what": ", ".join(lacks)}
            )
        unknown = [p for p in self.procedures or [] if p not in PROCEDURES]
        if unknown:
            errors.setdefault("procedures", []).append(
                _("No such procedure: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
            )
        unknown = [k for k in self.document_kinds or [] if k not in Document.Kind.values]
        if unknown:
            errors.setdefault("document_kinds", []).append(
                _("No such kind of document: %(kinds)s.") % {"kinds": ", ".join(map(str, unknown))}
            )
        if errors:
            raise ValidationError(errors)

    def missing(self) -> list[str]:
        """What this basis lacks to be cited as its kind is cited (empty when it can be)."""
        needed = {"title": _("its name"), "signed_on": _("its date")}
        if self.kind != self.Kind.LAW:
            needed.update(
                {"number": _("its number"), "issuer": _("who issued it"), "title": _("its subject")}
            )
        return [str(label) for field, label in needed.items() if not getattr(self, field)]

    def citation(self) -> str:
        """The basis as a Vietnamese document cites it, without "Căn cứ" and the closing semicolon."""
        day = self.signed_on
        when = f"ngày {day.day} tháng {day.month} năm {day.year}" if day else ""
        if self.kind == self.Kind.LAW:
            return f"{self.title} {when}".strip()
        return f"{self.KIND_VI[self.kind]} số {self.number} {when} của {self.issuer} {self.title}".strip()

    def is_in_force_on(self, day: datetime.date) -> bool:
        return (self.in_force_from is None or self.in_force_from <= day) and (
            self.in_force_until is None or day <= self.in_force_until
        )
