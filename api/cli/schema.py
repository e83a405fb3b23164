"""The contract, for clients and CI: the SDL and the possibleTypes map (no database)."""

from __future__ import annotations

import argparse
import json
import sys

from api.cli.common import Commands
from api.infra.settings import Settings


def cmd_export_schema(_: argparse.Namespace, __: Settings) -> int:
    from api.graphql.schema import export_sdl

    sys.stdout.write(export_sdl())
    return 0


def cmd_possible_types(_: argparse.Namespace, settings: Settings) -> int:
    from api.graphql.schema import build_schema, possible_types

    sys.stdout.write(json.dumps(possible_types(build_schema(settings)), indent=2) + "\n")
    return 0


def add_commands(c: Commands) -> None:
    group = "the contract (no database)"
    c.add(group, "export-schema", cmd_export_schema, help="print the GraphQL SDL",
          description="Print the schema as SDL: schema.graphql is this output, committed "
          "(a test fails when it is stale).", example="export-schema > schema.graphql")
    c.add(group, "possible-types", cmd_possible_types,
          help="print the possibleTypes map (JSON) for client caches",
          description="Print, for every union and interface, its member types: what Apollo "
          "and urql caches need to read union results (also served at /ui/possible-types.json).",
          example="possible-types > possible-types.json")


# Commands that build their own development settings (no environment needed).
NO_ENVIRONMENT = ("export-schema", "possible-types")
