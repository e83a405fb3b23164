"""Platform tables (tortoise app ``platform``). Queried only by services and loaders."""

from api.models.appointment import (
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
from api.models.certificate import Certificate, CertificateDocument
from api.models.citizen import Citizen
from api.models.kiosk import Kiosk
from api.models.rating import Rating, RatingAppeal, RatingOutbox, RatingWorkOrder
from api.models.records import Cursor, DataAccess, Notification
from api.models.session import (
    Consent,
    FaceAttempt,
    LoginSession,
    PlatformSubject,
    RetiredRefresh,
)
from api.models.third_party import ApiClient, ProofRequest

__all__ = [
    "Booking", "BookingAccount", "CalendarDay", "CalendarYear", "Hall", "QueueTicket", "Slot", "TicketCounter",
    "TicketQuota", "Kiosk", "PlatformSubject", "RetiredRefresh",
    "ApiClient", "ProofRequest",
    "AuditCheckpoint", "AuditCheckpointOutbox",
    "AuditEvent", "Certificate", "CertificateDocument", "Citizen", "Consent", "Cursor", "DataAccess", "FaceAttempt", "LoginSession",
    "Notification",
    "Rating", "RatingAppeal", "RatingOutbox", "RatingWorkOrder",
]
