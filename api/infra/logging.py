"""Logging with a request id on every line and no unmasked ID number ever written.

The redaction runs on the fully formatted message (arguments included) and on
exception text, so an ID number echoed by a coercion error or a driver error
is masked too (RELIABILITY R1 item 6). Two more rules (issue 12 item 13):

- One record is one line: control characters in a message (a newline in a
  ``client_id``, say) are escaped, and the continuation lines of a traceback
  are indented, so no input can forge a log line.
- The access log never holds a credential: query-string values are replaced by
  ``***`` (download tokens ``?t=``, certificate number and verification code
  ``/verify?n=&c=``, a GET's variables), and so is the signed statement in a
  ``/v/<statement>`` path.
"""

from __future__ import annotations

import contextvars
import logging
import re

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def current_request_id() -> str:
    """The id of the HTTP request being served, as audit and access rows keep it:
    "" outside a request (a background job, the CLI, a test calling a service)."""
    value = request_id_var.get()
    return "" if value == "-" else value

# 18-digit resident ID (last may be X), not part of a longer digit run.
_ID_RE = re.compile(r"(?<![0-9])([1-9][0-9]{2})[0-9]{11}([0-9]{3}[0-9Xx])(?![0-9])")
# Mainland mobile numbers.
_PHONE_RE = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")


# C0/C1 controls and the Unicode line and paragraph separators.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_QUERY_VALUE_RE = re.compile(r"=[^&#]*")


def redact(text: str) -> str:
    text = _ID_RE.sub(lambda m: f"{m.group(1)}***********{m.group(2)}", text)
    return _PHONE_RE.sub(lambda m: f"{m.group(1)}****{m.group(2)}", text)


def escape_controls(text: str) -> str:
    """``\\n``, ``\\x1b``...: the text stays on one line."""
    return _CONTROL_RE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def _indent_continuations(text: str) -> str:
    first, *rest = text.split("\n")
    return "\n".join([escape_controls(first), *("  " + escape_controls(r) for r in rest)])


def redact_target(target: str) -> str:
    """A request target as the access log may keep it: no credential in it."""
    path, sep, query = target.partition("?")
    if path.startswith("/v/"):
        path = "/v/***"
    return path + sep + _QUERY_VALUE_RE.sub("=***", query)


def _access_args(record: logging.LogRecord) -> None:
    # uvicorn: '%s - "%s %s HTTP/%s" %d' (client, method, path?query, version, status)
    args = record.args
    if record.name == "uvicorn.access" and isinstance(args, tuple) and len(args) == 5:
        record.args = (args[0], args[1], redact_target(str(args[2])), *args[3:])


_installed = False


def install_redaction() -> None:
    """Redact every log record at creation, whatever handler later writes it.

    A record factory (not a handler filter) is the one place every record
    passes through, including those captured by test harnesses and third-party
    handlers; the message is rendered with its arguments, then masked.
    """
    global _installed
    if _installed:
        return
    base = logging.getLogRecordFactory()
    formatter = logging.Formatter()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = base(*args, **kwargs)
        record.request_id = request_id_var.get()
        _access_args(record)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the line
            message = f"{record.msg!r} {record.args!r}"
        record.msg, record.args = escape_controls(redact(message)), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = _indent_continuations(
                redact(formatter.formatException(record.exc_info)))
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def configure_logging(level: str = "INFO") -> None:
    install_redaction()
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # pyHanko logs a full traceback at WARNING for every untrusted signature:
    # a public verify endpoint would flood the log with it.
    logging.getLogger("pyhanko").setLevel(logging.ERROR)
    # fontTools logs dozens of INFO lines per subset font, i.e. per certificate.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        lg = logging.getLogger(name)
        lg.handlers[:] = []
        lg.propagate = True
