"""The roles a person may hold. Roles are rows (RoleAssignment), their names are these choices."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Staff")
    OFFICE = "office", _("Receiving office")
    OFFICE_HEAD = "office_head", _("Head of the receiving office")
    LEADERSHIP = "leadership", _("Leadership")
    AUDITOR = "auditor", _("Auditor")
    ADMIN = "admin", _("Administrator")


# Who receives memos and answers them: the receiving office.
OFFICE_ROLES = frozenset({Role.OFFICE, Role.OFFICE_HEAD})

# In the directory CSV, `head` is not a role but "head of the first unit listed".
HEAD = "head"


class UnitKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    AGENCY = "agency", _("Agency")
    BUREAU = "bureau", _("Bureau")
    OFFICE = "office", _("Office")
    POST = "post", _("Post")
