"""How long making a sample takes, by format and file size.

    .venv/bin/python benchmarks/samples.py [--sizes-mb 1,10,100] [--rows 20] [--repeat 5]

Builds files in a temporary folder from the real municipal files of
``tests/samples/data`` (Kobe's CP932 shelters, Yaizu's UTF-8-with-BOM tourist
spots), repeated up to each size: CSV in CP932 and in UTF-8 with BOM, TSV,
JSON (records) and XLSX (the same rows), then times ``generate_sample`` (the
function the upload hook and ``ckan odpo samples generate`` call) and prints
the median and the slowest run. No database is needed. Workbooks are built up
to 10 MB only (see ``build_workbooks``).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "ckanext-odpo"))
DATA = ROOT / "tests" / "samples" / "data"


def records(name: str, encoding: str) -> list[list[str]]:
    with open(DATA / name, encoding=encoding, newline="") as stream:
        return [row for row in csv.reader(stream) if any(value.strip() for value in row)]


def delimited(header: list[str], rows: list[list[str]], size: int, delimiter: str) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    while buffer.tell() < size:
        writer.writerows(rows)
    return buffer.getvalue()


def build_files(folder: Path, size_mb: int) -> dict[str, tuple[Path, str]]:
    size = size_mb * 1024 * 1024
    kobe_header, *kobe_rows = records("kobe_2017okugaihinanjo_cp932.csv", "cp932")
    yaizu_header, *yaizu_rows = records("yaizu_222127_tourism.csv", "utf-8-sig")
    files: dict[str, tuple[Path, str]] = {}
    cp932 = folder / f"shelters-{size_mb}mb.csv"
    cp932.write_bytes(delimited(kobe_header, kobe_rows, size, ",").encode("cp932"))
    files["CSV, CP932"] = (cp932, "CSV")
    bom = folder / f"tourism-{size_mb}mb.csv"
    bom.write_bytes(delimited(yaizu_header, yaizu_rows, size, ",").encode("utf-8-sig"))
    files["CSV, UTF-8 with BOM"] = (bom, "CSV")
    tsv = folder / f"tourism-{size_mb}mb.tsv"
    tsv.write_bytes(delimited(yaizu_header, yaizu_rows, size, "\t").encode("utf-8"))
    files["TSV, UTF-8"] = (tsv, "TSV")
    row_count = len(delimited(yaizu_header, yaizu_rows, size, ",").splitlines()) - 1
    repeated = (yaizu_rows * (row_count // len(yaizu_rows) + 1))[:row_count]
    json_path = folder / f"tourism-{size_mb}mb.json"
    json_path.write_text(json.dumps([dict(zip(yaizu_header, row)) for row in repeated], ensure_ascii=False))
    files["JSON, records"] = (json_path, "JSON")
    if size_mb <= 10:  # writing larger workbooks takes minutes
        files.update(build_workbooks(folder, size_mb, yaizu_header, repeated))
    return files


def build_workbooks(
    folder: Path, size_mb: int, header: list[str], rows: list[list[str]]
) -> dict[str, tuple[Path, str]]:
    """The rows as a workbook written as Excel writes it (with a ``<dimension>``
    record; at most 5,000 rows, openpyxl's normal mode is slow to write) and
    as streaming generators write it (no ``<dimension>``: openpyxl then reads
    the whole sheet to find its size before it gives the first row)."""
    import openpyxl

    files: dict[str, tuple[Path, str]] = {}
    excel_rows = rows[:5000]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in excel_rows:
        sheet.append(row)
    excel_like = folder / f"tourism-{size_mb}mb-excel.xlsx"
    workbook.save(excel_like)
    files[f"XLSX, dimension ({len(excel_rows):,} rows)"] = (excel_like, "XLSX")
    streamed = openpyxl.Workbook(write_only=True)
    sheet = streamed.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    streamed_path = folder / f"tourism-{size_mb}mb-stream.xlsx"
    streamed.save(streamed_path)
    files[f"XLSX, no dimension ({len(rows):,} rows)"] = (streamed_path, "XLSX")
    return files


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes-mb", default="1,10,100")
    parser.add_argument("--rows", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    from ckanext.odpo.samples import generate_sample

    print(f"generate_sample, {options.rows} rows, median and slowest of {options.repeat} runs")
    print(f"{'file':<34} {'size':>10} {'median ms':>10} {'max ms':>9} {'sample bytes':>13}")
    with tempfile.TemporaryDirectory() as folder:
        for size_mb in (int(value) for value in options.sizes_mb.split(",")):
            files = build_files(Path(folder), size_mb)
            for label, (path, file_format) in files.items():
                timings = []
                for _ in range(options.repeat):
                    started = time.perf_counter()
                    sample = generate_sample(path, file_format, options.rows)
                    timings.append((time.perf_counter() - started) * 1000)
                size = path.stat().st_size / 1024 / 1024
                print(
                    f"{label:<34} {size:>8.1f}MB {statistics.median(timings):>10.1f} "
                    f"{max(timings):>9.1f} {len(sample.content):>13,}"
                )
            for path, _ in files.values():
                path.unlink()


if __name__ == "__main__":
    main()
