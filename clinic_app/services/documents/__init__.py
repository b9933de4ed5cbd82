"""Word documents: fields, clinic details, templates, rendering and kept drafts (one module each)."""

from __future__ import annotations

from clinic_app.documents.selection import MatterFilter
from clinic_app.services.documents.clinic import (
    CLINIC_KEYS,
    ClinicDetails,
    clinic_details,
    set_clinic_details,
)
from clinic_app.services.documents.drafts import DraftRecord, export_draft, list_drafts
from clinic_app.services.documents.fields import (
    SCOPE_TITLES,
    FieldInfo,
    fields_markdown,
    list_fields,
)
from clinic_app.services.documents.render import (
    PLAIN_FILES_NOTICE,
    LeftOut,
    MissingClinicSettings,
    MissingSetting,
    Progress,
    RenderedDocument,
    RenderReport,
    clinic_settings_missing,
    render_documents,
)
from clinic_app.services.documents.templates import (
    TemplateCheck,
    TemplateRecord,
    add_template,
    check_template,
    copy_template,
    list_templates,
    remove_template,
    shipped_template_folder,
)

__all__ = [
    "CLINIC_KEYS",
    "PLAIN_FILES_NOTICE",
    "SCOPE_TITLES",
    "ClinicDetails",
    "DraftRecord",
    "FieldInfo",
    "LeftOut",
    "MatterFilter",
    "MissingClinicSettings",
    "MissingSetting",
    "Progress",
    "RenderReport",
    "RenderedDocument",
    "TemplateCheck",
    "TemplateRecord",
    "add_template",
    "check_template",
    "clinic_details",
    "clinic_settings_missing",
    "copy_template",
    "export_draft",
    "fields_markdown",
    "list_drafts",
    "list_fields",
    "list_templates",
    "remove_template",
    "render_documents",
    "set_clinic_details",
    "shipped_template_folder",
]
