"""The review council's records in the admin: shown, never edited here (the council's pages and
services change them)."""

from django.contrib import admin

from communes.admin import ReadOnlyAdmin

from .models import AgendaItem, Attendance, CouncilMember, CouncilSession, ReviewCouncil, Vote


@admin.register(ReviewCouncil)
class ReviewCouncilAdmin(ReadOnlyAdmin):
    list_display = ("province", "year", "created_at")
    list_select_related = ("province",)


@admin.register(CouncilMember)
class CouncilMemberAdmin(ReadOnlyAdmin):
    list_display = ("user", "council", "seat", "position")
    list_select_related = ("user", "council__province")
    list_filter = ("seat",)


@admin.register(CouncilSession)
class CouncilSessionAdmin(ReadOnlyAdmin):
    list_display = ("council", "held_on", "starts_at", "status", "present_count", "members_count")
    list_select_related = ("council__province",)
    list_filter = ("status",)


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ("session", "dossier", "outcome", "votes_for", "votes_against", "abstentions")
    list_select_related = ("session__council__province", "dossier__commune")


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ("session", "member", "present")
    list_select_related = ("session__council__province", "member__user")


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdmin):
    list_display = ("item", "member", "choice")
    list_select_related = ("item__session__council__province", "item__dossier__commune", "member__user")
