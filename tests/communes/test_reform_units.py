"""The units after the reform of 1 July 2025: identified by code and validity (the GSO codes are
reused), each new unit knows the units it replaced, and the officials of a new unit read (never act
on) the dossiers of those units, while nothing is shared through a code."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments import services
from assessments.models import Dossier
from communes.models import Commune, Role
from communes.permissions import can_view_commune, communes_visible_to, role_group_name
from tests import workflow
from tests.factories import DossierFactory

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
LISTS = [
    ("nghean_admin_units.csv", ["--valid-from", "2020-03-01", "--valid-until", "2024-12-31"]),
    ("nghean_admin_units_2025-01.csv", ["--valid-from", "2025-01-01", "--valid-until", "2025-06-30"]),
    (
        "nghean_admin_units_2025-07.csv",
        ["--valid-from", "2025-07-01", "--mapping", str(DATA / "nghean_2025_reform_mapping.csv")],
    ),
]


def import_all() -> list[str]:
    outputs = []
    for name, options in LISTS:
        out = io.StringIO()
        call_command(
            "import_admin_units",
            str(DATA / name),
            "--province",
            "40",
            "--province-name",
            "Tỉnh Nghệ An",
            *options,
            stdout=out,
        )
        outputs.append(out.getvalue())
    return outputs


@pytest.mark.django_db
def test_the_three_lists_and_the_mapping_import_once_and_a_second_run_changes_nothing(blank_database):
    call_command("loaddata", "border_communes", verbosity=0)  # the border flags come from here
    first = import_all()
    # The 21 new border units came with the border fixture: the list adds the other 109 and every link.
    assert "communes: 109 created, 0 updated, 21 unchanged" in first[2]
    assert Commune.predecessors.through.objects.count() == 412
    second = import_all()
    assert all("Nothing changed" in output for output in second)
    assert "communes: 0 created, 0 updated, 130 unchanged" in second[2]

    assert Commune.objects.valid_on(datetime.date(2026, 1, 1)).count() == 130
    assert Commune.objects.valid_on(datetime.date(2025, 3, 1)).count() == 412
    assert Commune.objects.valid_on(datetime.date(2024, 6, 1)).count() == 460
    new = Commune.objects.valid_on(datetime.date(2026, 1, 1))
    assert new.filter(district__isnull=True).count() == 130
    border_new = new.filter(is_border=True)
    assert border_new.count() == 21
    old_border = Commune.objects.valid_on(datetime.date(2024, 6, 1)).filter(is_border=True)
    assert old_border.count() == 27
    assert set(old_border) <= set(Commune.objects.filter(successors__in=border_new))


@pytest.mark.django_db
def test_the_fixtures_and_the_importer_describe_the_same_units():
    call_command("loaddata", "border_communes", "nghean_units", verbosity=0)
    fixture = set(Commune.objects.values_list("code", "valid_from", "valid_until", "name", "district__code"))
    links = set(Commune.predecessors.through.objects.values_list("from_commune__code", "to_commune__code"))
    assert "Nothing changed" in "".join(import_all())  # the fixture is what the importer writes
    assert (
        set(Commune.objects.values_list("code", "valid_from", "valid_until", "name", "district__code"))
        == fixture
    )
    assert (
        set(Commune.predecessors.through.objects.values_list("from_commune__code", "to_commune__code"))
        == links
    )


@pytest.mark.django_db
def test_a_bad_mapping_line_is_reported_with_its_number_and_nothing_is_written(blank_database, tmp_path):
    call_command("loaddata", "border_communes", "nghean_units", verbosity=0)
    Commune.objects.filter(valid_from="2025-07-01").delete()
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(
        "old_commune_code,new_commune_code\n16816,16816\n1681X,16816\n99999,16816\n16819,12345\n",
        encoding="utf-8",
    )
    err = io.StringIO()
    with pytest.raises(Exception, match="nothing was written"):
        call_command(
            "import_admin_units",
            str(DATA / "nghean_admin_units_2025-07.csv"),
            "--valid-from",
            "2025-07-01",
            "--mapping",
            str(mapping),
            stdout=io.StringIO(),
            stderr=err,
        )
    assert "mapping line 3:" in err.getvalue() and "mapping line 5:" in err.getvalue()
    assert not Commune.objects.filter(valid_from="2025-07-01").exists()


@pytest.mark.django_db
def test_old_and_new_my_ly_share_a_code_but_no_group_key_or_url(border_units, new_units):
    old, new = border_units["16816"], new_units["16816"]
    assert old.code == new.code and old.pk != new.pk
    assert old.natural_key() != new.natural_key()
    assert Commune.objects.get_by_natural_key(*new.natural_key()) == new
    assert role_group_name(Role.COMMUNE_OFFICER, old) != role_group_name(Role.COMMUNE_POLICE, new)
    assert role_group_name(Role.COMMUNE_POLICE, old) != role_group_name(Role.COMMUNE_POLICE, new)
    assert reverse("communes:commune_detail", args=[old.pk]) != reverse(
        "communes:commune_detail", args=[new.pk]
    )
    assert set(new.predecessors.all()) == {old}
    assert set(old.successors.all()) == {new}


@pytest.mark.district_clock
@pytest.mark.django_db
def test_an_officer_of_the_new_my_ly_reads_the_old_dossier_but_cannot_act(
    client, people, new_units, official
):
    from communes.models import Commune as C

    new_my_ly = new_units["16816"]
    police = official(Role.COMMUNE_POLICE, new_my_ly, username="congan_myly_moi")
    old_2023 = workflow.submit(DossierFactory(commune=people.my_ly, year=2023), people.officer)
    not_predecessor = DossierFactory(commune=people.hanh_lam, year=2023)
    client.force_login(police)

    assert can_view_commune(police, people.my_ly)
    assert client.get(reverse("assessments:dossier_detail", args=[old_2023.pk])).status_code == 200
    assert client.get(reverse("assessments:self_assessment", args=[old_2023.pk])).status_code == 403
    response = client.post(
        reverse("assessments:dossier_action", args=[old_2023.pk, "start_appraisal"]),
        {"version": old_2023.version},
    )
    assert response.status_code == 403
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied from the service
        services.dossier_start_appraisal(dossier=old_2023, actor=police)
    assert Dossier.objects.get(pk=old_2023.pk).state == "submitted"
    # Nothing of a unit that is not a predecessor, though Hạnh Lâm's new unit shares nothing with Mỹ Lý.
    assert client.get(reverse("assessments:dossier_detail", args=[not_predecessor.pk])).status_code == 404
    assert set(communes_visible_to(police)) == {new_my_ly, people.my_ly}
    # Another new unit whose code was never Mỹ Lý's sees nothing of it either.
    other_new = C.objects.get(code="16819", valid_from="2025-07-01")
    assert not can_view_commune(official(Role.COMMUNE_POLICE, other_new), people.my_ly)


@pytest.mark.django_db
def test_an_officer_of_the_old_unit_cannot_open_the_new_units_dossier(client, people, new_units):
    call_command("loaddata", "criteria_qd28_2025", verbosity=0)
    new_my_ly = new_units["16816"]
    cycle = services.cycle_open(
        province=people.province,
        year=2026,
        actor=people.provincial_police,
        target_percent=30,
        reports_due=datetime.date(2026, 12, 5),
        ministry_report_due=datetime.date(2026, 12, 19),
        assigned=[new_my_ly],
        today=datetime.date(2026, 3, 1),
    )
    dossier = cycle.dossiers.get()
    client.force_login(people.officer)  # the old Xã Mỹ Lý's officer, same code 16816
    assert client.get(reverse("assessments:dossier_detail", args=[dossier.pk])).status_code == 404
    assert client.get(reverse("communes:commune_detail", args=[new_my_ly.pk])).status_code == 404
    assert not can_view_commune(people.officer, new_my_ly)


@pytest.mark.django_db
def test_the_commune_page_shows_the_mapping_both_ways(client, people, new_units, official):
    new_my_ly = new_units["16816"]
    client.force_login(people.viewer)
    page = client.get(reverse("communes:commune_detail", args=[new_my_ly.pk])).content.decode()
    assert "Được sắp xếp từ các đơn vị" in page and "Huyện Kỳ Sơn" in page
    page = client.get(reverse("communes:commune_detail", args=[people.my_ly.pk])).content.decode()
    assert "Đã sắp xếp thành" in page and "01/07/2025" in page
