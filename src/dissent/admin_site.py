"""The admin site, open only to people holding the admin role, and audited like every other route.

The ``is_staff`` flag alone is not enough: roles come from the directory, and the
admin site must follow them.

Every model registered here, ours or a library's, gets ``AuditedModelAdmin`` mixed in by
``DissentAdminSite.register``: an addition, a change (its own fields, many-to-many fields
and inline rows), a deletion or an admin action is one audit event each, with what changed
before and after (``channel/operators.py``). A model cannot be registered unaudited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin
from django.contrib.admin import AdminSite
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dissent.channel.operators import Changes, diff, field_values, record_change
from dissent.people.roles import Role

BEFORE = "_dissent_audit_before"
# Built-in actions audited elsewhere: deleting the selection goes through ``delete_queryset``.
SELF_AUDITED_ACTIONS = frozenset({"delete_selected"})

Action = Callable[[admin.ModelAdmin, HttpRequest, QuerySet[Any]], Any]


class AuditedModelAdmin(admin.ModelAdmin):
    """Records each change the admin site makes as one event, inside the change's transaction."""

    def snapshot(self, request: HttpRequest, obj: models.Model) -> dict[str, Any]:
        """The object's fields and the rows its inlines edit, as compared before and after a save."""
        values = field_values(obj)
        for inline in self.get_inline_instances(request, obj):
            parent = next(
                f
                for f in inline.model._meta.concrete_fields
                if f.is_relation and f.related_model is type(obj)
            )
            rows = []
            for row in inline.model._default_manager.filter(**{parent.name: obj.pk}):
                fields = field_values(row)
                fields.pop(parent.name)
                fields.pop(row._meta.pk.name)
                rows.append(next(iter(fields.values())) if len(fields) == 1 else fields)
            values[parent.remote_field.get_accessor_name()] = sorted(rows, key=str)
        return values

    def audit(
        self, request: HttpRequest, *, action: str, target: models.Model, changes: Changes, **facts: Any
    ) -> None:
        record_change(actor=request.user, action=action, target=target, changes=changes, via="admin", **facts)  # type: ignore[arg-type]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        setattr(request, BEFORE, self.snapshot(request, stored) if stored is not None else {})
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Iterable[BaseFormSet], change: bool
    ) -> None:
        """Many-to-many fields and inlines are saved here, after the object: the event comes last."""
        super().save_related(request, form, formsets, change)
        obj = form.instance
        changes = diff(getattr(request, BEFORE, {}), self.snapshot(request, obj))
        if changes or not change:
            self.audit(
                request, action="admin.changed" if change else "admin.added", target=obj, changes=changes
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        self.audit(request, action="admin.deleted", target=obj, changes=diff(self.snapshot(request, obj), {}))
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.audit(
                request, action="admin.deleted", target=obj, changes=diff(self.snapshot(request, obj), {})
            )
        super().delete_queryset(request, queryset)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        return {
            name: (self.audited_action(entry[0], name), name, entry[2])
            for name, entry in actions.items()
            if entry is not None
        }

    def audited_action(self, func: Action, name: str) -> Action:
        """An admin action run in one transaction, with one event per object it changed."""

        def run(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
            with transaction.atomic():
                if name in SELF_AUDITED_ACTIONS:
                    return func(modeladmin, request, queryset)
                selected = list(queryset)
                before = {obj.pk: self.snapshot(request, obj) for obj in selected}
                response = func(modeladmin, request, queryset)
                for obj in self.model._default_manager.filter(pk__in=list(before)):
                    changes = diff(before[obj.pk], self.snapshot(request, obj))
                    if changes:
                        self.audit(
                            request, action="admin.action", target=obj, changes=changes, admin_action=name
                        )
                return response

        return run


class DissentAdminSite(AdminSite):
    site_header = _("Dissent Channel administration")
    site_title = _("Dissent Channel")
    index_title = _("Administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.has_role(Role.ADMIN))

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Every registration gets the audited base, whichever app (ours or a library) makes it."""
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, AuditedModelAdmin):
            base = type(base.__name__, (AuditedModelAdmin, base), {"__module__": base.__module__})
        super().register(model_or_iterable, base, **options)
