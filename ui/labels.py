"""Labels of matter stages, matter kinds and notices, shared by the screens that show them."""

from __future__ import annotations

from clinic_app.i18n import N_

STATUS_LABELS = {
    "intake": N_("Intake"),
    "gathering_evidence": N_("Gathering evidence"),
    "drafting": N_("Drafting"),
    "attorney_review": N_("Attorney review"),
    "filed": N_("Filed"),
    "receipt": N_("Receipt"),
    "biometrics": N_("Biometrics"),
    "rfe": N_("RFE"),
    "decision": N_("Decision"),
    "closed": N_("Closed"),
}
KIND_LABELS = {
    "initial": N_("Initial"),
    "renewal": N_("Renewal"),
    "extension": N_("Extension"),
    "other": N_("Other"),
}
EVENT_LABELS = {
    "filed": N_("Filed"),
    "receipt": N_("Receipt notice"),
    "biometrics": N_("Biometrics appointment"),
    "rfe": N_("Request for Evidence"),
    "rfe_response": N_("RFE response sent"),
    "decision": N_("Decision"),
    "termination": N_("Termination notice"),
    "other": N_("Note"),
}
DECISION_LABELS = {
    "granted": N_("Granted"),
    "denied": N_("Denied"),
    "withdrawn": N_("Withdrawn"),
    "terminated": N_("Terminated"),
}
