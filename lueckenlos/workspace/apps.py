from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The coordinator's workspace (Arbeitsbereich): the Kommune's inventory, kept and reviewed."""

    name = "lueckenlos.workspace"
    verbose_name = _("Workspace")
