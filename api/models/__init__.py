"""Platform tables (tortoise app ``platform``). Queried only by services and loaders."""

from api.models.appointments import (
    Booking,
    BookingAccount,
    CalendarDay,
    CalendarYear,
    Hall,
    QueueTicket,
    Slot,
    TicketCounter,
    TicketQuota,
)
from api.models.audit import AuditCheckpoint, AuditCheckpointOutbox, AuditEvent
from api.models.certificates import Certificate, CertificateDocument
from api.models.citizen import Citizen
from api.models.kiosks import Kiosk
from api.models.privacy import Cursor, DataAccess, Notification
from api.models.proofs import ApiClient, ProofRequest
from api.models.ratings import Rating, RatingAppeal, RatingOutbox, RatingWorkOrder
from api.models.session import (
    Consent,
    FaceAttempt,
    LoginSession,
    PlatformSubject,
    RetiredRefresh,
)

__all__ = [
    "Booking", "BookingAccount", "CalendarDay", "CalendarYear", "Hall", "QueueTicket", "Slot", "TicketCounter",
    "TicketQuota", "Kiosk", "PlatformSubject", "RetiredRefresh",
    "ApiClient", "ProofRequest",
    "AuditCheckpoint", "AuditCheckpointOutbox",
    "AuditEvent", "Certificate", "CertificateDocument", "Citizen", "Consent", "Cursor", "DataAccess", "FaceAttempt", "LoginSession",
    "Notification",
    "Rating", "RatingAppeal", "RatingOutbox", "RatingWorkOrder",
]
