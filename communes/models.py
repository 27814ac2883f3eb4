"""Administrative units of the province and the posts of the officials who work in them."""

from __future__ import annotations

import datetime
from typing import Self, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.append_only import AppendOnlyModel

from .signing import SigningCapacity
from .text import fold, nfc, search_key


def valid_in_year_q(year: int, prefix: str = "") -> Q:
    """Units (under `prefix`, e.g. "communes__") that existed at some point of `year`."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": end})) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": start})
    )


def valid_on_q(day: datetime.date, prefix: str = "") -> Q:
    """Units (under `prefix`) in place on `day`."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": day})
    )


_Unit = TypeVar("_Unit", bound="AdministrativeUnit")


class UnitQuerySet(models.QuerySet[_Unit]):
    def valid_on(self, day: datetime.date) -> Self:
        """Units that existed on `day` (units were merged in 2020 and 2025)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        )

    def valid_in_year(self, year: int) -> Self:
        """Units that existed at some point of `year`."""
        return self.filter(valid_in_year_q(year))

    def search(self, query: str) -> Self:
        """Match a name with or without diacritics, and with either tone placement."""
        query = (query or "").strip()
        if not query:
            return self
        folded = fold(query)
        if folded == " ".join(nfc(query).lower().split()):
            return self.filter(name_ascii__contains=folded)
        return self.filter(name_search__contains=search_key(query))


class UnitManager(models.Manager.from_queryset(UnitQuerySet)):
    def get_by_natural_key(self, code, *valid_from):
        # A GSO code is reused across reforms (the new Xã Mỹ Lý of 1 July 2025 is 16816 like the old one):
        # a commune is its code and the day it starts. Provinces and districts keep one code each.
        if valid_from:
            return self.get(code=code, valid_from=valid_from[0])
        return self.get(code=code)


class AdministrativeUnit(models.Model):
    """What provinces, districts and communes share: a GSO code, an official name, validity dates."""

    code = models.CharField(_("GSO code"), max_length=5)
    name = models.CharField(_("official name"), max_length=100)
    name_ascii = models.CharField(max_length=100, editable=False, db_index=True)
    name_search = models.CharField(max_length=100, editable=False, db_index=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = UnitManager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The search keys are filled by the pre_save handler below; save them along with the name.
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_ascii", "name_search"}
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.code, self.valid_from.isoformat() if self.valid_from else None)

    @property
    def parent_unit(self) -> AdministrativeUnit | None:
        """The unit directly above: the district, or the province for units without one."""
        return None

    @property
    def validity_display(self) -> str:
        """“01/07/2025 –” or “– 30/06/2025”: how a list tells two units with one code apart."""
        start = self.valid_from.strftime("%d/%m/%Y") if self.valid_from else ""
        end = self.valid_until.strftime("%d/%m/%Y") if self.valid_until else ""
        return f"{start} – {end}".strip() if (start or end) else ""

    @property
    def short_name(self) -> str:
        """The name without its kind: 'Huyện Kỳ Sơn' -> 'Kỳ Sơn' (the place line of a document)."""
        for prefix in ("Thành phố", "Thị xã", "Huyện", "Xã", "Phường", "Thị trấn", "Tỉnh"):
            if self.name.startswith(prefix + " "):
                return self.name[len(prefix) + 1 :]
        return self.name

    def is_valid_in_year(self, year: int) -> bool:
        """The row-level twin of `valid_in_year_q`: existed at some point of `year`."""
        return (self.valid_from is None or self.valid_from <= datetime.date(year, 12, 31)) and (
            self.valid_until is None or self.valid_until >= datetime.date(year, 1, 1)
        )

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class Province(AdministrativeUnit):
    """Tỉnh (Nghệ An: GSO code 40)."""

    code = models.CharField(_("GSO code"), max_length=2, unique=True, validators=[RegexValidator(r"^\d{2}$")])

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        permissions = [
            ("view_province_dossiers", _("Can see every dossier of the province")),
            ("manage_criteria", _("Can manage the criteria sets")),
            # From 2025 (Decision 28/2025/QĐ-TTg) the provincial People's Committee decides.
            ("decide_province_dossiers", _("Can decide on dossiers decided at province level")),
            # The procedure in force since 1 July 2025 (Decision 28/2025/QĐ-TTg).
            ("appraise_province_dossiers", _("Can appraise the communes' dossiers (provincial police)")),
            ("manage_cycles", _("Can open the yearly evaluation cycle and assign communes")),
            ("sit_on_council", _("Can take part in the review council")),
            ("keep_council_minutes", _("Can keep the review council's minutes (secretary)")),
            ("keep_register", _("Can enter the numbers of the register on approved decisions (clerk)")),
            (
                "record_decisions",
                _("Can record the decisions issued outside the application, the province's past (clerk)"),
            ),
            (
                "keep_police_register",
                _("Can apply the provincial police's organisation signature to its documents (police clerk)"),
            ),
        ]

    def natural_key(self):
        return (self.code,)


class District(AdministrativeUnit):
    """Đơn vị hành chính cấp huyện: thành phố, thị xã or huyện (abolished on 1 July 2025)."""

    class Kind(models.TextChoices):
        CITY = "thanh_pho", _("provincial city")
        TOWN = "thi_xa", _("town")
        RURAL = "huyen", _("rural district")

    code = models.CharField(_("GSO code"), max_length=3, unique=True, validators=[RegexValidator(r"^\d{3}$")])
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("province")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    is_border = models.BooleanField(_("border district"), default=False)

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        permissions = [
            ("view_district_dossiers", _("Can see the dossiers of the district's communes")),
            ("appraise_district_dossiers", _("Can appraise the dossiers of the district (police)")),
            ("decide_district_dossiers", _("Can decide on the dossiers of the district (chair)")),
            ("keep_register", _("Can enter the numbers of the register on approved decisions (clerk)")),
        ]

    def natural_key(self):
        return (self.code,)

    @property
    def party_committee(self) -> str:
        """The Party committee of the district's kind, as a document's "Nơi nhận" names it."""
        return {"thanh_pho": "Thành ủy", "thi_xa": "Thị ủy"}.get(self.kind, "Huyện ủy")


class Commune(AdministrativeUnit):
    """Đơn vị hành chính cấp xã: xã, phường or thị trấn."""

    class Kind(models.TextChoices):
        COMMUNE = "xa", _("commune")
        WARD = "phuong", _("ward")
        TOWNSHIP = "thi_tran", _("township")

    code = models.CharField(_("GSO code"), max_length=5, validators=[RegexValidator(r"^\d{5}$")])
    # Since 1 July 2025 communes sit directly under the province: no district.
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("district"),
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("province")
    )
    predecessors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="successors",
        verbose_name=_("predecessors"),
        help_text=_("The units this one replaced (the reform of 1 July 2025: many old units to one new)."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    is_border = models.BooleanField(
        _("border commune"), default=False, help_text=_("Xã biên giới, on the Lao border.")
    )

    class Meta(AdministrativeUnit.Meta):
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        permissions = [
            ("view_commune_dossiers", _("Can see the commune's dossiers")),
            ("prepare_commune_dossiers", _("Can fill and submit the commune's self-assessment")),
            ("submit_commune_reports", _("Can sign and send the commune's report (commune chair)")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="commune_code_valid_from"),
        ]

    def save(self, *args, **kwargs):
        if self.district_id and not self.province_id:
            self.province_id = self.district.province_id
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        # Two units may share a code only if their validity does not overlap.
        others = Commune.objects.filter(code=self.code).exclude(pk=self.pk)
        start = self.valid_from or datetime.date.min
        end = self.valid_until or datetime.date.max
        for other in others:
            if (other.valid_from or datetime.date.min) <= end and start <= (
                other.valid_until or datetime.date.max
            ):
                raise ValidationError(
                    _("Unit %(code)s already exists for these dates (%(name)s).")
                    % {"code": self.code, "name": other.name}
                )

    @property
    def parent_unit(self) -> AdministrativeUnit:
        return self.district or self.province


class Role(models.TextChoices):
    """The roles of an official; each works at one level of unit (the Ministry's viewer: the country)."""

    # The district procedure (evaluation years to 2024, decided until 30 June 2025).
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    DISTRICT_POLICE = "district_police", _("District police officer")
    DISTRICT_CHAIR = "district_chair", _("District People's Committee chair")
    # Văn thư: enters the numbers of the office's register on approved decisions (both procedures).
    DISTRICT_CLERK = "district_clerk", _("District People's Committee clerk")
    PROVINCIAL_CLERK = "provincial_clerk", _("Provincial People's Committee clerk")
    # Văn thư Công an tỉnh: applies the provincial police's organisation signature (electronic originals).
    POLICE_CLERK = "police_clerk", _("Provincial police clerk")
    # The procedure in force since 1 July 2025 (Decision 28/2025/QĐ-TTg).
    COMMUNE_POLICE = "commune_police", _("Commune police officer")
    COMMUNE_CHAIR = "commune_chair", _("Commune People's Committee chair")
    PROVINCIAL_POLICE = "provincial_police", _("Provincial police officer")
    COUNCIL_MEMBER = "council_member", _("Review council member")
    COUNCIL_SECRETARY = "council_secretary", _("Review council secretary")
    PROVINCIAL_CHAIR = "provincial_chair", _("Provincial People's Committee chair")
    PROVINCIAL_VICE_CHAIR = "provincial_vice_chair", _("Provincial People's Committee vice-chair")
    MINISTRY_VIEWER = "ministry_viewer", _("Ministry of Public Security viewer")
    # Both.
    PROVINCIAL_VIEWER = "provincial_viewer", _("Provincial viewer")
    ADMIN = "admin", _("Administrator")


ROLE_LEVEL: dict[str, str] = {
    Role.COMMUNE_OFFICER: "commune",
    Role.DISTRICT_POLICE: "district",
    Role.DISTRICT_CHAIR: "district",
    Role.DISTRICT_CLERK: "district",
    Role.PROVINCIAL_CLERK: "province",
    Role.POLICE_CLERK: "province",
    Role.COMMUNE_POLICE: "commune",
    Role.COMMUNE_CHAIR: "commune",
    Role.PROVINCIAL_POLICE: "province",
    Role.COUNCIL_MEMBER: "province",
    Role.COUNCIL_SECRETARY: "province",
    Role.PROVINCIAL_CHAIR: "province",
    Role.PROVINCIAL_VICE_CHAIR: "province",
    Role.MINISTRY_VIEWER: "country",
    Role.PROVINCIAL_VIEWER: "province",
    Role.ADMIN: "province",
}


# The model of the units of each level a post is held in (the Ministry's viewer holds none: "country").
LEVEL_MODEL = {"commune": Commune, "district": District, "province": Province}


def roles_at(level: str) -> list[str]:
    return [str(role) for role, at in ROLE_LEVEL.items() if at == level]


class PostQuerySet(models.QuerySet):
    def active(self, on: datetime.date | None = None):
        on = on or timezone.localdate()
        # ended_on is the day the post stops: a post ended today grants nothing from now on.
        return self.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))

    def serving(self, on: datetime.date | None = None):
        """The active posts whose unit still exists on `on`: a post of a unit that ceased (a district, on
        30 June 2025) grants no action after its unit's `valid_until`, only reading (F17)."""
        on = on or timezone.localdate()
        still = Q()
        for level in ("province", "district", "commune"):
            still &= (
                Q(**{f"{level}__isnull": True})
                | Q(**{f"{level}__valid_until__isnull": True})
                | Q(**{f"{level}__valid_until__gte": on})
            )
        return self.active(on).filter(still)


class Post(models.Model):
    """A post (chức vụ): a user holds a role in one unit for a time. A person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    province = models.ForeignKey(
        Province,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=_("province"),
    )
    district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=_("district"),
    )
    commune = models.ForeignKey(
        Commune,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="posts",
        verbose_name=_("commune"),
    )
    title = models.CharField(
        _("title"), max_length=150, blank=True, help_text=_("e.g. Trưởng Công an xã, Chủ tịch UBND huyện")
    )
    # How its holder signs (communes.signing): as the head, KT., Q., TL. or TUQ.
    capacity = models.CharField(
        _("signing capacity"),
        max_length=12,
        choices=SigningCapacity.choices,
        default=SigningCapacity.HEAD,
        # Left empty in a form, it is read from the title (communes.services.post_create).
        blank=True,
        help_text=_("How the holder signs: as the head, or for the head (KT., Q., TL., TUQ.)."),
    )
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    ended_on = models.DateField(
        _("ended on"), null=True, blank=True, help_text=_("From this day the post grants nothing.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The guardian group of the role in the unit. Its permissions count for this user only while the
    # post is active (communes.permissions reads the dates at each check, no job needed).
    group = models.ForeignKey(
        "auth.Group", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="posts"
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["user_id", "started_on"]
        constraints = [
            models.CheckConstraint(
                name="post_unit_matches_role",
                condition=(
                    Q(
                        role__in=roles_at("commune"),
                        commune__isnull=False,
                        district__isnull=True,
                        province__isnull=True,
                    )
                    | Q(
                        role__in=roles_at("district"),
                        district__isnull=False,
                        commune__isnull=True,
                        province__isnull=True,
                    )
                    | Q(
                        role__in=roles_at("province"),
                        province__isnull=False,
                        district__isnull=True,
                        commune__isnull=True,
                    )
                    # The Ministry's viewer sees every province: a post without a unit.
                    | Q(
                        role__in=roles_at("country"),
                        province__isnull=True,
                        district__isnull=True,
                        commune__isnull=True,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}, {self.unit or _('every province')}"

    @property
    def unit(self) -> AdministrativeUnit | None:
        """The unit of the post; None for the Ministry's viewer, whose scope is every province."""
        return self.commune or self.district or self.province

    def is_active_on(self, day: datetime.date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day < self.ended_on)


@receiver(pre_save)
def fill_unit_search_keys(sender, instance, **kwargs):
    """NFC name and its search keys, also for fixtures (loaddata saves raw, bypassing save())."""
    if isinstance(instance, AdministrativeUnit):
        instance.name = nfc(instance.name).strip()
        instance.name_ascii = fold(instance.name)
        instance.name_search = search_key(instance.name)


class DataVersion(models.Model):
    """The version of one kind of data in one scope ("dossiers@district:12", "units", "criteria"): cached
    pages name the versions they show in their keys (communes.fragments). Kept in the database and
    changed in the writing transaction itself, so a cache outage can never leave a stale page behind."""

    key = models.CharField(max_length=80, primary_key=True)
    version = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.key}={self.version}"


class Installation(models.Model):
    """This deployment's identity, made once by the migration: cache keys carry it, so two deployments
    sharing one cache never read each other's pages (settings.CACHE_KEY_PREFIX overrides it)."""

    identifier = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.identifier


class IssuingBody(models.Model):
    """Cơ quan ban hành: a People's Committee or a police command that signs and numbers documents.

    Its register (sổ đăng ký văn bản) runs per calendar year and series. Per body, `numbering` says who
    gives the numbers: the application (gapless, at issue), or the office's clerk (văn thư), who enters
    the number of the office's own register, where every other document of the body is numbered too.
    The symbols of each kind of document ("QĐ-UBND", "BB-CAH", ...) are the body's own data."""

    class Kind(models.TextChoices):
        PEOPLE_COMMITTEE = "ubnd", _("People's Committee")
        POLICE = "police", _("Police")

    class Numbering(models.TextChoices):
        APPLICATION = "application", _("The application keeps the register")
        CLERK = "clerk", _("The office's clerk gives the number")

    class Issuance(models.TextChoices):
        """Hình thức ban hành: on paper (signed and stamped), or as electronic documents carrying the
        competent person's and the organisation's digital signatures (Decree 30/2020, Art. 5)."""

        PAPER = "paper", _("On paper, signed and stamped")
        ELECTRONIC = "electronic", _("Electronic documents with digital signatures")

    # The register's key: the unit's code for a People's Committee, "CA-<code>" for a police command.
    code = models.CharField(_("register code"), max_length=10, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    level = models.CharField(_("level"), max_length=10, default="district")
    name = models.CharField(_("name"), max_length=150)
    numbering = models.CharField(_("numbering"), max_length=12, choices=Numbering.choices)
    issuance = models.CharField(
        _("how it issues its documents"),
        max_length=12,
        choices=Issuance.choices,
        default=Issuance.PAPER,
        help_text=_(
            "Electronic: the signer and then the clerk upload the file signed with their digital "
            "signatures; the application numbers the document when the signer approves it."
        ),
    )
    symbols = models.JSONField(
        _("symbols"),
        default=dict,
        blank=True,
        help_text=_('Per kind of document, e.g. {"decision": "QĐ-UBND", "dispatch": "UBND-CA"}.'),
    )

    class Meta:
        verbose_name = _("issuing body")
        verbose_name_plural = _("issuing bodies")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    # The grant of the office's clerk (văn thư) of each kind of body: who numbers its register and applies
    # its organisation signature.
    CLERK_PERMISSION = {"ubnd": "keep_register", "police": "keep_police_register"}

    @property
    def clerk_permission(self) -> str:
        return self.CLERK_PERMISSION[self.kind]

    def clean(self) -> None:
        # Decree 30, Art. 15.3: the system numbers an electronic document, so the number and the date are
        # in the file the signer signs; a clerk's number typed after the signature would change it.
        if self.issuance == self.Issuance.ELECTRONIC and self.numbering != self.Numbering.APPLICATION:
            raise ValidationError(
                {
                    "numbering": _(
                        "A body that issues electronic documents has them numbered by the application: "
                        "the number is in the file the signer signs."
                    )
                }
            )

    @property
    def issues_electronically(self) -> bool:
        return self.issuance == self.Issuance.ELECTRONIC

    def symbol(self, series: str) -> str:
        """The symbol of the series ("QĐ-UBND"): the body's own, else its kind's default (a series
        added after the body was made)."""
        from .registers import body_defaults, defaults_key

        return (
            self.symbols.get(series)
            or body_defaults(defaults_key(kind=self.kind, level=self.level))["symbols"][series]
        )


class RegisterNumber(AppendOnlyModel):
    """One number taken in an issuing body's register: unique per body, year and series."""

    body = models.ForeignKey(IssuingBody, on_delete=models.PROTECT, related_name="numbers")
    year = models.PositiveIntegerField()
    series = models.CharField(max_length=20)
    number = models.PositiveIntegerField()
    issued_on = models.DateField()
    # What carries it ("recognition decision 12"): read in the admin when a number is questioned.
    label = models.CharField(max_length=120, blank=True)
    by_clerk = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("register number")
        verbose_name_plural = _("register numbers")
        ordering = ["body", "year", "series", "number"]
        constraints = [
            models.UniqueConstraint(fields=["body", "year", "series", "number"], name="register_number_once")
        ]

    def __str__(self) -> str:
        return f"{self.body.code} {self.year} {self.series} {self.number:02d}"
