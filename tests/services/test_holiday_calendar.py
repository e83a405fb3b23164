"""Issue 12 item 16: the holiday calendar does not end with 2026.

Days come from the pinned ``holidays`` library plus operator overrides; past
the last year anyone loaded, holidays are estimated and working-day deadlines
are provisional. Every test sets its own clock: nothing depends on today.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from typing import Any

import pytest

from api.infra.settings import ROOT, Settings
from api.models import AuditEvent, CalendarDay, Hall
from api.services.appointments import calendar as cal
from api.services.appointments import calendar_admin
from api.services.appointments import holidays as holiday_calendar
from api.services.appointments.halls import seed_halls
from api.services.ratings.workorders import working_deadline
from tests.conftest import Client

HALL = "FS-CENTRE"


@pytest.fixture
async def halls(db: None) -> None:
    await seed_halls()


async def _works(day: date) -> bool:
    hall = await Hall.get(id=HALL)
    return cal.works_on(hall, day, await cal.overrides([HALL], day, day))


class TestLibrary:
    def test_pinned_library_carries_every_notice_through_2026(self) -> None:
        from holidays.countries.china import ChinaStaticHolidays

        last = holiday_calendar.library_last_year()
        assert last >= 2026
        # The coverage rule (last year with 调休 swaps = last notice) needs each year listed.
        assert set(range(2001, last + 1)) <= set(ChinaStaticHolidays.special_public_holidays)

    @pytest.mark.parametrize(("day", "works"), [
        (date(2026, 10, 1), False),  # 国庆节
        (date(2026, 10, 10), True),  # Saturday, 调休 working day
        (date(2026, 2, 14), True),   # Saturday before 春节, 调休
        (date(2026, 2, 17), False),  # 春节
        (date(2026, 5, 16), False),  # ordinary Saturday
        (date(2027, 1, 1), False),   # 元旦 2027: statutory, estimated past coverage
        (date(2027, 2, 8), False),   # 春节 2027 (statutory days by rule)
        (date(2027, 10, 1), False),  # 国庆节 2027
        (date(2027, 1, 6), True),    # an ordinary Wednesday
    ])
    async def test_hall_working_days(self, halls: None, day: date, works: bool) -> None:
        assert await _works(day) is works

    async def test_no_slots_on_new_years_day_2027(self, halls: None,
                                                  state: Any) -> None:
        at = cal.at_local(date(2026, 12, 28), "10:00")  # 2027-01-01..04 are released
        slots = await cal.available_slots(state, HALL, "TRANSFER", date(2026, 12, 31),
                                          date(2027, 1, 4), at)
        assert sorted({s.day for s in slots}) == [date(2026, 12, 31), date(2027, 1, 4)]


class TestOverrides:
    async def test_operator_override_wins_and_is_audited(self, halls: None,
                                                         state: Any) -> None:
        day = date(2027, 2, 12)  # a Friday the library's estimate keeps as working
        assert await _works(day)
        await calendar_admin.set_day(state, day, "HOLIDAY", "春节", actor="operator:t")
        assert not await _works(day)
        saturday = date(2027, 2, 20)
        await calendar_admin.set_day(state, saturday, "WORKDAY", "春节调休上班",
                                     actor="operator:t")
        assert await _works(saturday)
        row = await CalendarDay.get(hall_id="*", day=day)
        assert (row.kind, row.name, row.set_by) == ("HOLIDAY", "春节", "operator:t")
        assert await calendar_admin.unset_day(state, day, actor="operator:t")
        assert await _works(day)
        actions = await AuditEvent.all().order_by("seq").values_list("action", flat=True)
        assert actions == ["calendar.day_set", "calendar.day_set", "calendar.day_unset"]

    async def test_bad_reason_is_refused(self, halls: None, state: Any) -> None:
        from api.errors import InvalidArgument

        with pytest.raises(InvalidArgument):
            await calendar_admin.set_day(state, date(2027, 1, 2), "HOLIDAY", " ",
                                         actor="operator:t")
        with pytest.raises(InvalidArgument):
            await calendar_admin.confirm_year(state, 2026, "x", actor="operator:t")


class TestProvisional:
    async def test_deadline_within_coverage_is_certain(self, halls: None) -> None:
        due = await working_deadline(HALL, cal.at_local(date(2026, 12, 29), "10:00"), 1)
        assert due == holiday_calendar_deadline(date(2026, 12, 31), provisional=False)

    async def test_deadline_past_coverage_is_provisional_until_the_year_is_confirmed(
            self, halls: None, state: Any) -> None:
        start = cal.at_local(date(2026, 12, 29), "10:00")
        # 12-30, 12-31, (01-01 元旦, estimated), 01-04, 01-05: ends past 2026.
        due = await working_deadline(HALL, start, 4)
        assert due == holiday_calendar_deadline(date(2027, 1, 6), provisional=True)
        await calendar_admin.set_day(state, date(2027, 1, 4), "HOLIDAY", "元旦",
                                     actor="operator:t")
        await calendar_admin.confirm_year(state, 2027, "国办发明电〔2026〕号",
                                          actor="operator:t")
        assert await working_deadline(HALL, start, 4) == holiday_calendar_deadline(
            date(2027, 1, 7), provisional=False)


def holiday_calendar_deadline(last_day: date, *, provisional: bool) -> object:
    from api.services.ratings.workorders import Deadline

    return Deadline(cal.at_local(last_day, "00:00"), provisional)


class TestCoverageWarning:
    async def test_coverage_status_by_date(self, db: None, state: Any) -> None:
        soon = await holiday_calendar.coverage(date(2026, 12, 4), 60)
        assert (soon.end, soon.days_left, soon.status) == (date(2026, 12, 31), 27, "ENDING_SOON")
        assert (await holiday_calendar.coverage(date(2026, 10, 1), 60)).status == "OK"
        assert (await holiday_calendar.coverage(date(2027, 1, 2), 60)).status == "ENDED"
        await calendar_admin.confirm_year(state, 2027, "国办发明电〔2026〕号",
                                          actor="operator:t")
        assert (await holiday_calendar.coverage(date(2026, 12, 4), 60)).status == "OK"
        # Only an unbroken run counts: 2029 alone does not cover 2028.
        await calendar_admin.confirm_year(state, 2029, "x", actor="operator:t")
        assert await holiday_calendar.coverage_end() == date(2027, 12, 31)

    async def test_warning_is_logged(self, db: None,
                                     caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.WARNING, logger="api.calendar"):
            await holiday_calendar.warn_if_ending(date(2026, 12, 4), 60)
        assert "covers only through 2026-12-31" in caplog.text
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="api.calendar"):
            await holiday_calendar.warn_if_ending(date(2026, 9, 1), 60)
        assert caplog.text == ""


class TestCli:
    def _run(self, settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "DATABASE_URL": settings.database_url, "APP_ENV": "test",
               "FSREG_KEYS_DIR": str(settings.keys_dir), "FSREG_VAR_DIR": str(settings.var_dir)}
        return subprocess.run([sys.executable, "-m", "api", "calendar", *args], cwd=ROOT,
                              env=env, capture_output=True, text=True, timeout=120, check=False)

    async def test_set_list_confirm_check(self, halls: None, settings: Settings) -> None:
        run = lambda *a: asyncio.to_thread(self._run, settings, *a)  # noqa: E731
        check = await run("check", "--today", "2026-12-04")
        assert check.returncode == 1, check.stdout + check.stderr
        assert "covers only through 2026-12-31" in check.stdout
        done = await run("set", "2027-02-10", "--holiday", "--reason", "春节")
        assert done.returncode == 0, done.stderr
        listed = await run("list", "2027")
        assert "2027-02-10 Wed HOLIDAY  OPERATOR  春节" in listed.stdout
        assert "ESTIMATED" in listed.stdout
        bad = await run("set", "2027-02-11", "--workday", "--reason", "")
        assert (bad.returncode, "原因" in bad.stderr) == (2, True)
        confirmed = await run("confirm", "2027", "--notice", "国办发明电〔2026〕号")
        assert "covers through 2027-12-31" in confirmed.stdout
        assert (await run("check", "--today", "2026-12-04")).returncode == 0
        assert (await run("check", "--today", "2027-11-15")).returncode == 1


class TestReadiness:
    @pytest.mark.parametrize(("today", "status"), [
        (date(2026, 12, 4), "ENDING_SOON"), (date(2027, 3, 1), "ENDED"),
        (date(2026, 9, 1), "OK")])
    async def test_readyz_notice_does_not_turn_red(self, client: Client,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   today: date, status: str) -> None:
        at = datetime.combine(today, datetime.min.time(), UTC)
        monkeypatch.setattr(cal, "now", lambda: at)
        resp = await client.http.get("/readyz")
        body = resp.json()
        assert (resp.status_code, body["status"]) == (200, "ok")
        assert body["notices"] == {"calendar": {"status": status,
                                                "coveredThrough": "2026-12-31"}}
        assert set(body) == {"status", "checks", "notices"}
