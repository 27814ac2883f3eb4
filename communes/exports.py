"""CSV (UTF-8 with BOM, so Excel opens Vietnamese correctly) and XLSX exports with Vietnamese headers.

Both are inert: a text cell that a spreadsheet would read as a formula (starting with =, +, -, @, a tab
or a carriage return) is neutralised: quoted with an apostrophe in the CSV, written as a string cell
in the XLSX (never a formula)."""

import csv
import datetime
import io

from django.http import HttpResponse

from .text import FORMULA_STARTS


def inert_text(value):
    """A CSV value that no spreadsheet evaluates; numbers stay numbers; dates day-first (25/12/2024)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if value is None:
        return ""
    return value


def csv_response(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([inert_text(v) for v in header])
    writer.writerows([inert_text(v) for v in row] for row in rows)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(filename)
    return response


def xlsx_sheet(
    workbook,
    sheet: str,
    header: list[str],
    rows: list[list],
    *,
    title: str = "",
    subtitle: str = "",
    total: list | None = None,
) -> None:
    """A report-grade sheet in `workbook` (write-only): a title and the date and scope above a bold
    header that stays frozen on screen, columns as wide as their content, numbers as numbers, and a
    bold total row when given."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    worksheet = workbook.create_sheet(sheet[:31])
    bold = Font(bold=True)
    for column, values in enumerate(zip(header, *rows, strict=False), start=1):
        width = max((len(str(v)) for v in values if v is not None), default=8) + 2
        worksheet.column_dimensions[get_column_letter(column)].width = min(max(width, 8), 50)
    top = [line for line in (title, subtitle) if line]
    worksheet.freeze_panes = f"A{len(top) + 2}"
    for index, line in enumerate(top):
        worksheet.append([_cell(worksheet, line, font=Font(bold=True, size=13) if index == 0 else None)])
    worksheet.append([_cell(worksheet, value, font=bold) for value in header])
    for row in rows:
        worksheet.append([_cell(worksheet, value) for value in row])
    if total is not None:
        worksheet.append([_cell(worksheet, value, font=bold) for value in total])


def xlsx_bytes(sheets: list[dict]) -> bytes:
    """A workbook of the sheets given (each the keyword arguments of `xlsx_sheet`), as bytes."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for sheet in sheets:
        xlsx_sheet(workbook, **sheet)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, sheet: str, header: list[str], rows: list[list], **options) -> HttpResponse:
    """One sheet as a download (see `xlsx_sheet` for the options)."""
    response = HttpResponse(
        xlsx_bytes([{"sheet": sheet, "header": header, "rows": rows, **options}]),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = _disposition(filename)
    return response


def _cell(worksheet, value, font=None):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(worksheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    elif isinstance(value, datetime.date):
        cell.number_format = "DD/MM/YYYY"  # a real date, shown day-first
    elif isinstance(value, float):
        cell.number_format = "0.0"  # rates, one decimal as on screen
    elif isinstance(value, int):
        cell.number_format = "#,##0"
    if font is not None:
        cell.font = font
    return cell


def _disposition(filename: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(as_attachment=True, filename=filename)
