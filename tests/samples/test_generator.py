"""The sample generator on real municipal files and on broken ones."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from ckanext.odpo.samples import SampleError, generate_sample, read_head, sample_format
from sample_support import (
    KOBE_CP932,
    YAIZU_BOM,
    YAIZU_UTF8,
    csv_records,
    json_bytes,
    records_as_json,
    xlsx_bytes,
)


def parse_sample(content: bytes, delimiter: str = ",") -> list[list[str]]:
    text = content.decode("utf-8")  # strict: the sample is UTF-8
    assert not text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def first_lines(path: Path, count: int) -> str:
    """The first lines of a UTF-8 file (line 43 of the toilets holds 「－」, which
    only CP932 of the legacy encodings has)."""
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    return "\r\n".join(lines[:count]) + "\r\n"


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


class TestRealFiles:
    def test_cp932_file_becomes_utf8_with_header_and_first_rows(self) -> None:
        sample = generate_sample(KOBE_CP932, "CSV", 20)
        expected = csv_records(KOBE_CP932, "cp932")
        assert sample.source_encoding == "CP932"  # 「№」 is a CP932 extension of Shift_JIS
        assert parse_sample(sample.content) == expected[:21]
        assert sample.row_count == 20
        assert parse_sample(sample.content)[0][0] == "№"

    def test_utf8_with_bom_loses_the_bom_and_keeps_the_empty_last_column(self) -> None:
        sample = generate_sample(YAIZU_BOM, "CSV", 20)
        expected = csv_records(YAIZU_BOM, "utf-8-sig")
        records = parse_sample(sample.content)
        assert sample.source_encoding == "UTF-8 (BOM)"
        assert records == expected[:21]
        assert records[0][0] == "都道府県コード又は市区町村コード"
        assert records[0][-1] == ""

    def test_utf8_file(self) -> None:
        sample = generate_sample(YAIZU_UTF8, "CSV", 3)
        assert sample.source_encoding == "UTF-8"
        assert parse_sample(sample.content) == csv_records(YAIZU_UTF8, "utf-8")[:4]

    def test_plain_shift_jis(self, tmp_path: Path) -> None:
        path = write(tmp_path, "toilets.csv", first_lines(YAIZU_UTF8, 30).encode("shift_jis"))
        sample = generate_sample(path, "CSV", 5)
        assert sample.source_encoding == "Shift_JIS"
        assert parse_sample(sample.content) == csv_records(YAIZU_UTF8, "utf-8")[:6]

    def test_euc_jp(self, tmp_path: Path) -> None:
        path = write(tmp_path, "toilets.csv", first_lines(YAIZU_UTF8, 30).encode("euc_jp"))
        sample = generate_sample(path, "CSV", 5)
        assert sample.source_encoding == "EUC-JP"
        assert parse_sample(sample.content) == csv_records(YAIZU_UTF8, "utf-8")[:6]

    def test_a_file_shorter_than_the_sample_is_taken_whole(self) -> None:
        sample = generate_sample(KOBE_CP932, "CSV", 10_000)
        assert parse_sample(sample.content) == csv_records(KOBE_CP932, "cp932")

    def test_a_large_file_is_read_in_growing_heads(self, tmp_path: Path) -> None:
        # More than the first 64 KiB read: the tourism file repeated 20 times.
        header, *rows = csv_records(YAIZU_BOM, "utf-8-sig")
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows * 20)
        path = write(tmp_path, "big.csv", buffer.getvalue().encode("cp932", errors="replace"))
        sample = generate_sample(path, "CSV", 1000)
        assert sample.row_count == 1000
        assert parse_sample(sample.content)[0] == header

    def test_values_spanning_lines_stay_one_record(self, tmp_path: Path) -> None:
        content = '名称,説明\r\n"北公園","トイレ\r\n（多目的）"\r\n南公園,なし\r\n'.encode("cp932")
        sample = generate_sample(write(tmp_path, "parks.csv", content), "CSV", 20)
        assert parse_sample(sample.content) == [
            ["名称", "説明"],
            ["北公園", "トイレ\r\n（多目的）"],
            ["南公園", "なし"],
        ]

    def test_tsv_stays_tsv(self, tmp_path: Path) -> None:
        records = csv_records(YAIZU_UTF8, "utf-8")
        text = "\r\n".join("\t".join(record) for record in records) + "\r\n"
        sample = generate_sample(write(tmp_path, "toilets.tsv", text.encode("cp932")), "TSV", 4)
        assert sample.file_format == "TSV"
        assert parse_sample(sample.content, "\t") == records[:5]

    def test_xlsx_becomes_csv_of_the_first_sheet(self, tmp_path: Path) -> None:
        records = csv_records(KOBE_CP932, "cp932")
        typed = [records[0], *([r[0], r[1], float(r[5] or 0)] for r in records[2:12])]
        content = xlsx_bytes([[], *typed])  # an empty first row is skipped
        sample = generate_sample(write(tmp_path, "shelters.xlsx", content), "XLSX", 5)
        assert sample.file_format == "CSV"
        rows = parse_sample(sample.content)
        header = records[0]
        while not header[-1]:  # empty trailing columns are dropped
            header = header[:-1]
        assert rows[0] == header
        assert rows[1][:3] == [records[2][0], records[2][1], records[2][5]]
        assert len(rows) == 6

    def test_json_array_of_records(self, tmp_path: Path) -> None:
        records = records_as_json(YAIZU_UTF8, "utf-8")
        sample = generate_sample(write(tmp_path, "toilets.json", json_bytes(records)), "JSON", 3)
        assert json.loads(sample.content.decode("utf-8")) == records[:3]

    @pytest.mark.parametrize("key", ["records", "data", "items", "results", "features"])
    def test_json_object_holding_its_records(self, tmp_path: Path, key: str) -> None:
        records = records_as_json(YAIZU_UTF8, "utf-8")
        path = write(tmp_path, "toilets.json", json_bytes({"count": len(records), key: records}))
        assert json.loads(generate_sample(path, "JSON", 2).content) == records[:2]

    def test_json_of_a_ckan_datastore_search(self, tmp_path: Path) -> None:
        records = records_as_json(YAIZU_UTF8, "utf-8")
        document = {"success": True, "result": {"fields": [], "records": records}}
        head = read_head(write(tmp_path, "search.json", json_bytes(document)), "JSON", 2)
        assert head.header[:3] == ("全国地方公共団体コード", "ID", "地方公共団体名")
        assert head.rows[0][3] == records[0]["名称"]


class TestFormats:
    @pytest.mark.parametrize(
        ("declared", "filename", "expected"),
        [
            ("CSV", "x.bin", "CSV"),
            ("csv", None, "CSV"),
            (".xlsx", None, "XLSX"),
            ("", "shelters.tsv", "TSV"),
            ("", "data.json", "JSON"),
            ("PDF", "a.csv", None),  # the declared format wins
            ("", "notes.txt", None),
        ],
    )
    def test_sample_format(self, declared: str, filename: str | None, expected: str | None) -> None:
        assert sample_format(declared, filename) == expected


class TestBrokenFiles:
    def error(self, path: Path, file_format: str) -> SampleError:
        with pytest.raises(SampleError) as raised:
            generate_sample(path, file_format, 20)
        return raised.value

    def test_empty_file(self, tmp_path: Path) -> None:
        assert self.error(write(tmp_path, "e.csv", b""), "CSV").code == "empty"
        assert self.error(write(tmp_path, "blank.csv", b"\r\n\r\n"), "CSV").code == "empty"

    def test_header_only(self, tmp_path: Path) -> None:
        header = KOBE_CP932.read_bytes().split(b"\r\n")[0] + b"\r\n"
        error = self.error(write(tmp_path, "h.csv", header), "CSV")
        assert error.code == "header_only"
        assert error.english == "The file has a header but no data rows."

    def test_binary_data_named_csv(self, tmp_path: Path) -> None:
        content = xlsx_bytes(csv_records(KOBE_CP932, "cp932"))  # a workbook saved as .csv
        error = self.error(write(tmp_path, "shelters.csv", content), "CSV")
        assert error.code == "binary"
        assert "not a text file" in error.english

    def test_mixed_encodings(self, tmp_path: Path) -> None:
        lines = YAIZU_UTF8.read_bytes().decode("utf-8").split("\r\n")
        content = ("\r\n".join(lines[:3]) + "\r\n").encode("utf-8") + (
            "\r\n".join(lines[3:6]) + "\r\n"
        ).encode("cp932")
        error = self.error(write(tmp_path, "mixed.csv", content), "CSV")
        assert error.code == "mixed_encodings"
        assert error.params == {"utf8_line": 1, "other_line": 4}
        assert "line 1 is UTF-8 but line 4 is not" in error.english

    def test_truncated_xlsx(self, tmp_path: Path) -> None:
        content = xlsx_bytes(csv_records(KOBE_CP932, "cp932"))
        error = self.error(write(tmp_path, "cut.xlsx", content[: len(content) // 2]), "XLSX")
        assert error.code == "broken_xlsx"
        assert error.english.startswith("The file is not a readable Excel workbook (.xlsx)")

    def test_csv_declared_as_xlsx(self) -> None:
        assert self.error(YAIZU_UTF8, "XLSX").code == "broken_xlsx"

    def test_empty_workbook(self, tmp_path: Path) -> None:
        assert self.error(write(tmp_path, "e.xlsx", xlsx_bytes([])), "XLSX").code == "empty_workbook"

    def test_invalid_json(self, tmp_path: Path) -> None:
        records = records_as_json(YAIZU_UTF8, "utf-8")
        content = json.dumps(records[:3], ensure_ascii=False, indent=1).encode("utf-8")
        broken = content.replace(b'",\n', b'"\n', 1)  # a comma missing in the first record
        error = self.error(write(tmp_path, "broken.json", broken), "JSON")
        assert error.code == "invalid_json"
        assert error.params["line"] == 4  # where the next value starts
        assert error.english.startswith("The file is not valid JSON: Expecting ',' delimiter (line 4")

    def test_invalid_json_object(self, tmp_path: Path) -> None:
        content = json_bytes({"records": records_as_json(YAIZU_UTF8, "utf-8")})[:-40]
        error = self.error(write(tmp_path, "cut.json", content), "JSON")
        assert error.code == "invalid_json"
        assert error.params["line"] == 1 and error.params["column"] > 1

    def test_a_json_array_is_read_only_as_far_as_the_sample_needs(self, tmp_path: Path) -> None:
        records = records_as_json(YAIZU_UTF8, "utf-8")
        content = json_bytes(records * 200)  # one line of 6 MB, cut in its last record
        sample = generate_sample(write(tmp_path, "cut.json", content[:-40]), "JSON", 20)
        assert json.loads(sample.content) == (records * 2)[:20]

    def test_a_cp932_json_array(self, tmp_path: Path) -> None:
        records = records_as_json(KOBE_CP932, "cp932")
        content = json.dumps(records, ensure_ascii=False).encode("cp932")
        sample = generate_sample(write(tmp_path, "shelters.json", content), "JSON", 4)
        assert sample.source_encoding == "CP932"
        assert json.loads(sample.content.decode("utf-8")) == records[:4]

    def test_json_without_records(self, tmp_path: Path) -> None:
        path = write(tmp_path, "n.json", json_bytes({"名称": "北公園", "count": 3}))
        assert self.error(path, "JSON").code == "json_no_records"

    def test_unterminated_quote(self, tmp_path: Path) -> None:
        content = '名称,説明\r\n"北公園,なし\r\n'.encode("utf-8")
        error = self.error(write(tmp_path, "q.csv", content), "CSV")
        assert error.code == "broken_table"

    def test_unsupported_format(self) -> None:
        assert self.error(YAIZU_UTF8, "PDF").code == "unsupported_format"
