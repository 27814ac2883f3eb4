"""What an official may see on the dashboards (quyền xem bảng theo dõi), by name."""

from communes.permissions import unit_grants


def sees_whole_districts(user) -> bool:
    """District and province staff see every commune of a district; a commune officer sees one. Read from
    the user's grants, already loaded for the request (no query)."""
    grants = unit_grants(user)
    return bool(
        user.is_superuser
        or grants.get(("district", "view_district_dossiers"))
        or grants.get(("province", "view_province_dossiers"))
    )
