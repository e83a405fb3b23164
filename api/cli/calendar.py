"""``python -m api calendar set|unset|confirm|list|check``: the national holiday
calendar's operator overrides (api/services/calendar_admin.py)."""

from __future__ import annotations

import argparse
import asyncio
import getpass
from datetime import date

from api.cli.common import Commands, database, err, out
from api.infra.settings import Settings


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected YYYY-MM-DD") from None


def _actor() -> str:
    return f"operator:{getpass.getuser()}"


def cmd_calendar(args: argparse.Namespace, settings: Settings) -> int:
    from api.errors import InvalidArgument
    from api.infra.state import open_state
    from api.services.appointments import calendar as cal
    from api.services.appointments import calendar_admin
    from api.services.appointments import holidays as holiday_calendar

    async def go() -> int:
        async with database(settings), open_state(settings) as state:
            if args.action == "set":
                kind = "HOLIDAY" if args.holiday else "WORKDAY"
                moved = await calendar_admin.set_day(state, args.day, kind, args.reason,
                                                     actor=_actor())
                out(f"{args.day}: {kind} ({args.reason.strip()}) for every hall; "
                      f"{moved} provisional deadlines recounted")
            elif args.action == "unset":
                removed = await calendar_admin.unset_day(state, args.day, actor=_actor())
                out(f"{args.day}: " + ("override removed" if removed
                                         else "had no override"))
            elif args.action == "confirm":
                end = await calendar_admin.confirm_year(state, args.year, args.notice,
                                                        actor=_actor())
                out(f"{args.year} confirmed as loaded; the calendar covers through {end}")
            elif args.action == "list":
                listed, end = await calendar_admin.year_listing(args.year)
                for d in listed:
                    out(f"{d.day} {d.day:%a} {d.kind:8} {d.source:9} {d.name}")
                out(f"covered through {end}; ESTIMATED days are the library's guess")
            else:
                today = args.today or cal.local_day(cal.now())
                covered = await holiday_calendar.coverage(today, settings.calendar_warn_days)
                out(covered.message())
                return 0 if covered.status == "OK" else 1
        return 0

    try:
        return asyncio.run(go())
    except InvalidArgument as exc:
        err(exc.message)
        return 2


def add_commands(c: Commands) -> None:
    p = c.add("operations", "calendar", cmd_calendar,
              help="public holidays and 调休 days: operator overrides",
              description="The national holiday calendar of the halls: the holidays library's "
              "days, overridden by operators (set/unset a day for every hall, confirm a year "
              "once the State Council notice is loaded), listed by source; `check` exits 1 "
              "when the coverage ends soon (working-day deadlines past it are provisional).",
              example="calendar set 2027-02-06 --holiday --reason 春节\n"
              "calendar confirm 2027 --notice 国办发明电〔2026〕7号\ncalendar check")
    actions = p.add_subparsers(dest="action", required=True)
    s = actions.add_parser("set", help="mark a day for every hall (wins over the library)")
    s.add_argument("day", type=_day)
    kind = s.add_mutually_exclusive_group(required=True)
    kind.add_argument("--holiday", action="store_true", help="a public holiday: halls closed")
    kind.add_argument("--workday", action="store_true", help="a 调休 make-up working day")
    s.add_argument("--reason", required=True, help="e.g. 春节, 国庆节调休上班")
    s = actions.add_parser("unset", help="remove an override (the library applies again)")
    s.add_argument("day", type=_day)
    s = actions.add_parser("confirm", help="a year is fully loaded from the State Council notice")
    s.add_argument("year", type=int)
    s.add_argument("--notice", required=True, help="the notice's number or title")
    s = actions.add_parser("list", help="a year's holidays and 调休 days, by source")
    s.add_argument("year", type=int)
    s = actions.add_parser("check", help="exit 1 when coverage ends within "
                           "FSREG_CALENDAR_WARN_DAYS (default 60) days")
    s.add_argument("--today", type=_day, help="check as of this day (default: today)")
