"""portal/spreadsheet.py: every CSV download is `;`-separated UTF-8 with a BOM, and no cell is a formula."""
import csv
import io
from datetime import datetime

from portal import spreadsheet


def test_a_table_has_the_bom_the_delimiter_and_safe_cells():
    text = spreadsheet.table(["Name", "=Header"], [["=1+2", None], [True, datetime(2026, 12, 6, 9, 5)],
                                                    ["Ana; Berg", 3]])
    assert text.startswith("\ufeff") and text.count("\ufeff") == 1 and text.endswith("\r\n")
    assert list(csv.reader(io.StringIO(text[1:]), delimiter=";")) == [
        ["Name", "'=Header"], ["'=1+2", ""], ["1", "2026-12-06 09:05"], ["Ana; Berg", "3"]]

