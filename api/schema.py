"""Composes the slices into one strawberry schema with the surface limits of R1."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from api.errors import MaskUnexpectedErrors, RequestIdExtension
from api.settings import Settings
from resolvers import errors
from resolvers.appointments.mutations import AppointmentMutation
from resolvers.appointments.queries import AppointmentQuery
from resolvers.certificates.mutations import CertificateMutation
from resolvers.certificates.queries import CertificateQuery
from resolvers.platform.queries import PlatformQuery
from resolvers.privacy.queries import PrivacyMutation, PrivacyQuery
from resolvers.proofs.resolvers import ProofMutation, ProofQuery
from resolvers.properties.queries import PropertyQuery
from resolvers.ratings.mutations import RatingMutation
from resolvers.ratings.queries import RatingQuery
from resolvers.session.mutations import SessionMutation
from resolvers.session.queries import SessionQuery


@strawberry.type
class Query(PlatformQuery, SessionQuery, PropertyQuery, PrivacyQuery, CertificateQuery,
            ProofQuery, AppointmentQuery, RatingQuery):
    pass


@strawberry.type
class Mutation(SessionMutation, PrivacyMutation, CertificateMutation, ProofMutation,
               AppointmentMutation, RatingMutation):
    pass


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError],
                       execution_context: ExecutionContext | None = None) -> None:
        """Client mistakes are not server errors; unexpected ones are logged,
        with the request id, where they are masked (``api.errors``)."""


def build_schema(settings: Settings) -> Schema:
    # The limiters' rule classes are built once: the validation cache is keyed
    # by (schema, document, rules), and a limiter instantiated per request
    # makes a new rule class each time, so nothing would ever be a cache hit.
    rules = [
        *QueryDepthLimiter(max_depth=settings.max_query_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    if settings.is_production:
        rules.append(NoSchemaIntrospectionCustomRule)
    extensions: list = [
        # Token limit first: it aborts a 5,000-field flood inside the parser.
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=settings.parser_cache_size),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=settings.parser_cache_size),
        MaskUnexpectedErrors,
        RequestIdExtension,
    ]
    config = StrawberryConfig(
        disable_field_suggestions=settings.is_production,
        batching_config={"max_operations": settings.max_batch_operations},
    )
    return Schema(query=Query, mutation=Mutation, extensions=extensions, config=config,
                  exception_handlers=errors.HANDLERS)


def export_sdl() -> str:
    return build_schema(Settings()).as_str() + "\n"
