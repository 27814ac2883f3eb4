"""The report to the Ministry as a spreadsheet (the exports' neutralising writer)."""

from __future__ import annotations

from .models import Document


def ministry_report_xlsx(document: Document) -> bytes:
    """The report's figures as a spreadsheet, by the exports' neutralising writer (no cell is ever a
    formula): the summary; the classes with their number of units; one row per unit, with its class and
    whether it is recognised or recommended (the PDF's lists)."""
    from django.utils import translation

    from communes.exports import xlsx_bytes

    from .selectors import report_classes

    with translation.override("vi"):  # an official paper, Vietnamese as its PDF
        classes_of = report_classes()
    figures = document.figures
    title = f"Báo cáo số {document.number_display}: kết quả xét công nhận năm {figures['year']}"
    summary = [
        ["Năm", figures["year"]],
        ["Số đơn vị cấp xã", figures["units"]],
        ["Đã được công nhận", len(figures["recognised"])],
        ["Hội đồng đề nghị công nhận", len(figures["recommended"])],
        ["Tỷ lệ (%)", figures["percent"]],
        ["Chỉ tiêu (%)", figures["target_percent"]],
        ["Chỉ tiêu (số đơn vị)", figures["target_units"]],
        [f"Năm {figures['previous']['year']}: được công nhận", figures["previous"]["recognised"]],
        [f"Năm {figures['previous']['year']}: số đơn vị", figures["previous"]["units"]],
    ]
    classes = [[label, len(figures["classes"].get(key, []))] for key, label in classes_of]
    # By class as the PDF lists them, each class in the order of the units' names.
    class_of = {name: label for key, label in classes_of for name in figures["classes"].get(key, [])}
    recognised, recommended = set(figures["recognised"]), set(figures["recommended"])
    units = [
        [
            index,
            name,
            class_of[name],
            "Đã được công nhận"
            if name in recognised
            else "Hội đồng đề nghị công nhận"
            if name in recommended
            else "",
        ]
        for index, name in enumerate(class_of, start=1)
    ]
    return xlsx_bytes(
        [
            {"sheet": "Tổng hợp", "header": ["Nội dung", "Số liệu"], "rows": summary, "title": title},
            {"sheet": "Phân loại", "header": ["Phân loại", "Số đơn vị"], "rows": classes, "title": title},
            {
                "sheet": "Danh sách đơn vị",
                "header": ["STT", "Đơn vị cấp xã", "Phân loại", "Kết quả"],
                "rows": units,
                "title": title,
            },
        ]
    )
