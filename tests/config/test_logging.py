"""Log lines: time, level, logger, process, message, then the call's `extra` fields as key=value."""

import logging
import os
import re
import sys

from django.conf import settings

from config.logging_format import KeyValueFormatter


def _record(**extra) -> logging.LogRecord:
    record = logging.LogRecord(
        "shop.payment.views", logging.WARNING, __file__, 1, "webhook %s", ("refused",), None
    )
    record.__dict__.update(extra)
    return record


def test_a_line_has_time_level_logger_process_message_and_the_extra_fields():
    line = KeyValueFormatter().format(_record(reason="signature", payload_bytes=312))
    assert re.fullmatch(
        r"time=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4} level=WARNING "
        rf"logger=shop\.payment\.views process={os.getpid()} "
        r'message="webhook refused" reason=signature payload_bytes=312',
        line,
    ), line


def test_values_with_spaces_quotes_or_equals_signs_are_quoted():
    line = KeyValueFormatter().format(_record(error='No "v1" = sig', empty=""))
    assert line.endswith(r'error="No \"v1\" = sig" empty=""'), line


def test_an_exception_follows_its_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "shop", logging.ERROR, __file__, 1, "failed", (), exc_info=sys.exc_info()
        )
    first, *rest = KeyValueFormatter().format(record).splitlines()
    assert first.endswith("message=failed")
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "ValueError: boom"


def test_settings_use_the_formatter_and_our_loggers_log_at_info():
    handler = settings.LOGGING["handlers"]["console"]
    assert settings.LOGGING["formatters"][handler["formatter"]] == {
        "()": "config.logging_format.KeyValueFormatter"
    }
    levels = {name: logging.getLogger(name).level for name in ("shop", "guidance", "celery")}
    assert levels == {"shop": logging.INFO, "guidance": logging.INFO, "celery": logging.INFO}
