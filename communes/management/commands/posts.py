import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from communes.models import LEVEL_MODEL, ROLE_LEVEL, Post, Role
from communes.services import post_create, post_end, sync_all_posts


class Command(BaseCommand):
    help = "Manage officials' posts: list, add (grants permissions), end (revokes them), sync."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        lst = sub.add_parser("list", help="list posts")
        lst.add_argument("--user")
        add = sub.add_parser("add", help="give a user a post")
        add.add_argument("username")
        add.add_argument("role", choices=Role.values)
        add.add_argument(
            "unit_code",
            nargs="?",
            default="",
            help="GSO code of the commune, district or province (none for the Ministry)",
        )
        add.add_argument(
            "--on", type=datetime.date.fromisoformat, help="the unit valid on this day (codes are reused)"
        )
        add.add_argument("--title", default="")
        add.add_argument("--started-on", type=datetime.date.fromisoformat)
        end = sub.add_parser("end", help="end a post")
        end.add_argument("post_id", type=int)
        end.add_argument("--ended-on", type=datetime.date.fromisoformat)
        sub.add_parser("sync", help="re-derive group memberships from posts (posts starting/ending today)")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "list":
            posts = Post.objects.select_related("user", "commune", "district", "province")
            if options.get("user"):
                posts = posts.filter(user__username=options["user"])
            for post in posts:
                state = "ended " + post.ended_on.isoformat() if post.ended_on else "active"
                self.stdout.write(
                    f"{post.pk}\t{post.user.username}\t{post.role}\t{post.unit.code if post.unit else '*'}\t"
                    f"{post.unit or 'every province'}\t{post.started_on}\t{state}"
                )
        elif action == "add":
            User = get_user_model()
            try:
                user = User.objects.get(username=options["username"])
            except User.DoesNotExist as exc:
                raise CommandError(f"No user {options['username']!r}") from exc
            level = ROLE_LEVEL[options["role"]]
            unit = None
            if level != "country":
                model = LEVEL_MODEL[level]
                units = model.objects.filter(code=options["unit_code"])
                if options["on"]:
                    units = units.valid_on(options["on"])
                found = list(units[:2])
                if not found:
                    raise CommandError(f"No {model._meta.model_name} with code {options['unit_code']!r}")
                if len(found) > 1:
                    raise CommandError(
                        f"Code {options['unit_code']} names several units: give --on YYYY-MM-DD"
                    )
                unit = found[0]
            try:
                post = post_create(
                    user=user,
                    role=options["role"],
                    unit=unit,
                    title=options["title"],
                    started_on=options["started_on"],
                )
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(self.style.SUCCESS(f"Post {post.pk} created: {post}"))
        elif action == "end":
            try:
                post = Post.objects.get(pk=options["post_id"])
            except Post.DoesNotExist as exc:
                raise CommandError(f"No post {options['post_id']}") from exc
            try:
                post_end(post=post, ended_on=options["ended_on"])
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            self.stdout.write(self.style.SUCCESS(f"Post {post.pk} ended on {post.ended_on}"))
        else:
            changed = sync_all_posts()
            self.stdout.write(self.style.SUCCESS(f"{changed} membership(s) changed"))
