"""CSV files for spreadsheets, one way for every download (the review export, the programme report).

Danish Excel opens a file by double click as `;`-separated, and reads UTF-8 only after a byte order mark;
no cell may run as a formula. Pure: no Flask, no database."""
import csv
import io
from collections.abc import Iterable
from datetime import datetime

BOM = "\ufeff"
DELIMITER = ";"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A CSV cell that Excel will not run as a formula (OWASP: prefix with an apostrophe)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def writer(out: io.StringIO):
    """A csv writer in the files' dialect (`;`, CRLF); write cells through `safe_cell`."""
    return csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")


def table(header: Iterable, rows: Iterable[Iterable]) -> str:
    """A whole file: the BOM, the header and the rows, every cell made safe."""
    out = io.StringIO()
    out.write(BOM)
    write = writer(out)
    for row in (header, *rows):
        write.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()
