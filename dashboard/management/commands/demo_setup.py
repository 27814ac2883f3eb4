from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from communes.models import Commune, District, Province, Role
from communes.services import post_create

DEMO_PASSWORD = "demo-nghean-2022"
# One account per role, in the first border district (Kỳ Sơn, 417) and its commune Mỹ Lý (16816); the
# provincial ones in the province of that district (code None: taken from the data).
DEMO_ACCOUNTS = [
    ("xa.mylyky", "Lô Văn Xã", Role.COMMUNE_OFFICER, Commune, "16816", "Trưởng Công an xã Mỹ Lý"),
    ("congan.kyson", "Vi Văn Công", Role.DISTRICT_POLICE, District, "417", "Cán bộ Công an huyện Kỳ Sơn"),
    ("chutich.kyson", "Lữ Văn Chủ", Role.DISTRICT_CHAIR, District, "417", "Chủ tịch UBND huyện Kỳ Sơn"),
    ("congan.tinh", "Nguyễn Văn Tỉnh", Role.PROVINCIAL_POLICE, Province, None, "Phòng PC04, Công an tỉnh"),
    ("theodoi.tinh", "Trần Thị Theo", Role.PROVINCIAL_VIEWER, Province, None, "Sở Y tế"),
    ("quantri", "Quản Trị Viên", Role.ADMIN, Province, None, "Quản trị hệ thống"),
]


class Command(BaseCommand):
    help = "Create one demo account per role (DEBUG only; never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD)

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts are only created with DEBUG=1 (never in production).")
        User = get_user_model()
        for username, full_name, role, model, code, title in DEMO_ACCOUNTS:
            try:
                unit = model.objects.get(code=code) if code else District.objects.get(code="417").province
            except (model.DoesNotExist, District.DoesNotExist) as exc:
                raise CommandError(
                    f"Unit {code} is missing: run 'manage.py loaddata border_communes' first."
                ) from exc
            user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
            if created:
                user.set_password(options["password"])
                if role == Role.ADMIN:
                    user.is_staff = user.is_superuser = True
                user.save()
            if not user.posts.active().filter(role=role).exists():
                post_create(user=user, role=role, unit=unit, title=title)
            self.stdout.write(f"  {username:<16} {options['password']:<20} {role.label} — {unit}")
        self._open_demo_dossiers()

    def _open_demo_dossiers(self):
        """2024 drafts for the border communes of Kỳ Sơn, so the inbox has work to show."""
        from assessments.models import Dossier
        from assessments.selectors import criteria_set_for
        from assessments.services import dossier_open

        if criteria_set_for(year=2024) is None:
            self.stdout.write("  (no criteria set for 2024: run 'manage.py loaddata criteria_nghean_2022')")
            return
        for commune in Commune.objects.filter(district__code="417", is_border=True):
            if not Dossier.objects.filter(commune=commune, year=2024).exists():
                dossier_open(commune=commune, year=2024, actor=None)
