"""factory_boy factories for every app, and a fixture that makes an official with a post."""

import factory
from django.contrib.auth import get_user_model

from communes.models import Commune, District, Province


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"official{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    password = factory.django.Password("pw-for-tests-2022")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = "40"
    name = "Tỉnh Nghệ An"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{700 + n}")
    name = factory.Sequence(lambda n: f"Huyện Thử Nghiệm {n}")
    kind = District.Kind.RURAL
    province = factory.SubFactory(ProvinceFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{70000 + n}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    kind = Commune.Kind.COMMUNE
    district = factory.SubFactory(DistrictFactory)


# --- assessments ------------------------------------------------------------------------------------

from decimal import Decimal  # noqa: E402

from assessments.models import CriteriaSet, Criterion, Dossier  # noqa: E402


class CriteriaSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriteriaSet

    code = factory.Sequence(lambda n: f"test-set-{n}")
    title_vi = "Bộ tiêu chí thử nghiệm"
    title_en = "Test criteria set"
    source_document = "Hướng dẫn thử nghiệm"
    year_from = 2022
    year_to = 2024
    recognition_term = "sạch về ma túy"
    procedure = "district"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    criteria_set = factory.SubFactory(CriteriaSetFactory)
    code = factory.Sequence(lambda n: f"T-{n:02d}")
    text_vi = factory.Sequence(lambda n: f"Tiêu chí thử nghiệm số {n}")
    text_en = factory.Sequence(lambda n: f"Test criterion {n}")
    measure = Criterion.Measure.COUNT
    comparator = Criterion.Comparator.EQ
    target = Decimal("0")
    evidence_required = False
    order = factory.Sequence(int)


def small_criteria_set(**kwargs) -> CriteriaSet:
    """Three criteria, as a commune meets them: no active offenders (evidence required),
    a Party resolution (yes/no), at least 12 communication sessions."""
    criteria_set = CriteriaSetFactory(**kwargs)
    CriterionFactory(
        criteria_set=criteria_set,
        code="C1",
        order=1,
        evidence_required=True,
        text_vi="Không còn đối tượng mua bán ma túy",
        text_en="No active drug dealers",
    )
    CriterionFactory(
        criteria_set=criteria_set,
        code="C2",
        order=2,
        measure="boolean",
        target=Decimal(1),
        text_vi="Đảng ủy có nghị quyết",
        text_en="Party committee resolution",
    )
    CriterionFactory(
        criteria_set=criteria_set,
        code="C3",
        order=3,
        comparator="gte",
        target=Decimal(12),
        text_vi="Tuyên truyền ít nhất 12 buổi",
        text_en="At least 12 sessions",
    )
    return criteria_set


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    commune = factory.SubFactory(CommuneFactory)
    year = 2024
    criteria_set = factory.LazyFunction(small_criteria_set)


def _one_page_pdf() -> bytes:
    """A real, minimal PDF (one blank A4 page): evidence is parsed, not only sniffed."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


PDF_BYTES = _one_page_pdf()


def _small_png() -> bytes:
    """A real 2x2 PNG (its checksums right: images are decoded, not only sniffed)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG_BYTES = _small_png()


def put_in_state(dossiers, state: str, **fields) -> None:
    """Set dossiers' state directly, as data loaded from elsewhere would be (no transition, no history),
    and count them in the dashboards' tallies as the bulk loaders do."""
    from assessments.models import Dossier
    from assessments.tallies import recount

    ids = [d.pk for d in dossiers]
    Dossier.objects.filter(pk__in=ids).update(state=state, **fields)
    recount(dossier_ids=ids)


def hostile_names(commune):
    """The commune and its district named with every character HTML gives a meaning to (for the tests
    of rows built in Python: every text escaped)."""
    commune.name = "Xã <b>\"Mỹ\"</b> & 'Lý'"
    commune.save()
    commune.district.name = "Huyện <Kỳ Sơn> & co"
    commune.district.save()
    return commune
