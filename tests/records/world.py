"""What the tests of a province's past share: the district criteria set of 2022–2024 beside the
reference world's Decision 28 set, the provincial clerk who records, and the file of the past."""

from __future__ import annotations

import datetime

from django.core.management import call_command

BORDER_DISTRICTS = ("415", "417", "418", "422", "424", "428")


def district_criteria() -> None:
    """The province's 2022 guidance (district procedure, 2022–2024)."""
    call_command("loaddata", "criteria_nghean_2022", verbosity=0)


def clerk(province):
    from tests.world import make_official

    return make_official("provincial_clerk", province, first_name="Văn Thư", last_name="Trần")


def past_file(province) -> str:
    """The province's past as one CSV: each border district chair's decisions on its border communes in
    2022 and 2023 (one commune of Kỳ Sơn not recognised in 2022) and the provincial chairman's decision on
    the 2025 cycle for the units that replaced them."""
    from communes.models import Commune

    lines = ["co_quan,so,ky_hieu,ngay,nguoi_ky,chuc_vu,the_thuc_ky,nam,ma_xa,ket_qua,ly_do"]
    old = Commune.objects.filter(province=province, district__code__in=BORDER_DISTRICTS).order_by("code")
    for index, district in enumerate(BORDER_DISTRICTS, start=1):
        for year, day in ((2022, "20/12/2022"), (2023, "18/12/2023")):
            for commune in old.filter(district__code=district):
                refused = year == 2022 and commune.code == "16822"
                lines.append(
                    f"{district},{index * 10 + year % 10},QĐ-UBND,{day},Lô Văn Chủ {district},"
                    f"Chủ tịch UBND huyện,,{year},{commune.code},"
                    + ("khong_cong_nhan,Còn 2 đối tượng mua bán" if refused else "cong_nhan,")
                )
    new = Commune.objects.filter(
        province=province, district__isnull=True, valid_from=datetime.date(2025, 7, 1)
    )
    for commune in new.order_by("code")[:5]:
        lines.append(
            f"{province.code},215,QĐ-UBND,19/12/2025,Nguyễn Văn Tỉnh,Phó Chủ tịch UBND tỉnh,KT.,2025,"
            f"{commune.code},Công nhận,"
        )
    return "\n".join(lines) + "\n"
