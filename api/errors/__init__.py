"""The error catalogue: every failure the API reports, declared once.

- ``codes.ErrorCode``: every code the API emits, with its Chinese message and
  a recovery hint.
- ``public``: top-level errors (``errors[].extensions.code``): auth failures,
  malformed requests, a dependency down. ``api/graphql/masking.py`` shows them
  and masks every other exception as ``INTERNAL_SERVER_ERROR``.
- ``domain.DomainError``: the base of the expected failures, the members of a
  mutation's result union. Each lives next to its rules
  (``api/services/<domain>/errors.py``) as a small dataclass whose fields are
  what the client needs to recover; ``resolvers/errors.py`` generates its
  GraphQL type from it. Nothing here imports strawberry.

Adding a failure: a member of ``ErrorCode`` (message, hint), a ``DomainError``
subclass in the domain's ``errors.py`` (``code``, ``summary``, recovery
fields), then the class in the result union of each field that can raise it.

The input-error rule (one for the whole API)
--------------------------------------------
A value that is wrong *on its own* -- its type, its length, its format (a
date, a month), its range (a page size), a choice outside the vocabulary its
position documents (an enum, the tags of the chosen rating level) -- is the
client program's mistake: a top-level ``BAD_USER_INPUT`` with
``extensions.field`` (or ``variable``), and ``reason``/``maximum`` where it
helps. The schema layer checks what it can before anything executes (variable
coercion, ``api/graphql/input_limits.py``); a service checks the rest with
``InvalidArgument`` before it changes anything.

A value that is well-formed but that the domain refuses -- by one of its rules
(a comment required for 不满意, a purpose that needs the whole holdings, an ID
number failing GB 11643), by the register, or by the state of a record (a full
slot, a service already rated) -- is a typed member of the result union, named
after the condition, so the client can tell the user what to do.

So ``rateService`` answers a missing comment for 不满意 with
``CommentRequired`` (GB/T 39734's rule for the bottom two levels) and a
comment over 500 characters, or a tag the level does not offer, with
``BAD_USER_INPUT``. One member predates the rule and is kept because
third-party clients branch on it: ``ProofParametersInvalid`` (a parameter
missing, extra or malformed for the question) would be ``BAD_USER_INPUT``.
"""

from api.errors.codes import ErrorCode
from api.errors.domain import DomainError, ObjectId, recovery
from api.errors.public import (
    BatchNotAllowed,
    Forbidden,
    InsufficientAssurance,
    InvalidArgument,
    PublicError,
    RateLimited,
    ServiceUnavailable,
    Unauthenticated,
    unavailable_cause,
)

__all__ = ["BatchNotAllowed", "DomainError", "ErrorCode", "Forbidden", "InsufficientAssurance",
           "InvalidArgument", "ObjectId", "PublicError", "RateLimited", "ServiceUnavailable",
           "Unauthenticated", "recovery", "unavailable_cause"]
