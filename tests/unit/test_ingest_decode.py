"""Bytes to text: UTF-8 fast, legacy code pages detected (valid, not rejected), binary refused."""

from __future__ import annotations

import codecs

import pytest

from storyline.errors import RejectedInput
from storyline.ingest import decode as decode_module
from storyline.ingest.decode import declared_charset, decode

LEGACY = [
    (
        "ru",
        "Городской совет во вторник решил отремонтировать старый мост через реку. Работы начнутся осенью.",
        "cp1251",
    ),
    (
        "ru",
        "Городской совет во вторник решил отремонтировать старый мост через реку. Работы начнутся осенью.",
        "koi8-r",
    ),
    ("bg", "Общинският съвет реши във вторник да ремонтира стария мост над реката.", "cp1251"),
    (
        "de",
        "Der Stadtrat hat am Dienstag beschlossen, die alte Brücke über den Fluss zu erneuern. Anwohner begrüßen das.",
        "latin-1",
    ),
    (
        "fr",
        "Le conseil municipal a décidé mardi de rénover le vieux pont. Les travaux commenceront à l'automne.",
        "latin-1",
    ),
    ("es", "El ayuntamiento decidió el martes renovar el viejo puente. Las obras comenzarán en otoño.", "cp1252"),
    ("pt", "A câmara municipal decidiu na terça-feira renovar a velha ponte. As obras começarão no outono.", "latin-1"),
    ("cs", "Městská rada v úterý rozhodla o opravě starého mostu přes řeku. Práce začnou na podzim.", "cp1250"),
    ("pl", "Rada miasta zdecydowała we wtorek o remoncie starego mostu nad rzeką. Prace ruszą jesienią.", "iso8859-2"),
    ("el", "Το δημοτικό συμβούλιο αποφάσισε την Τρίτη να ανακαινίσει την παλιά γέφυρα πάνω από τον ποταμό.", "cp1253"),
    (
        "tr",
        "Belediye meclisi salı günü eski köprünün yenilenmesine karar verdi. Çalışmalar sonbaharda başlayacak.",
        "cp1254",
    ),
    ("lv", "Rīgas dome otrdien nolēma atjaunot veco tiltu pār upi. Darbi sāksies rudenī, sacīja mērs.", "cp1257"),
    ("zh", "市议会周二决定翻修河上的旧桥。工程将于秋季开始，市长说。居民对此表示欢迎。", "gbk"),
    ("ja", "市議会は火曜日、川に架かる古い橋を改修することを決めた。工事は秋に始まる。", "shift_jis"),
]


def test_utf8_is_read_as_utf8() -> None:
    text = "Ελληνικά, русский, 中文 and English"
    out = decode(text.encode("utf-8"))
    assert (out.text, out.encoding) == (text, "utf-8")


def test_utf8_does_not_run_detection(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(data: bytes) -> None:
        raise AssertionError("detection ran on valid UTF-8")

    monkeypatch.setattr(decode_module, "detect", boom)
    assert decode("Größe".encode()).text == "Größe"


@pytest.mark.parametrize(
    "bom, codec", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
)
def test_byte_order_mark_is_stripped(bom: bytes, codec: str) -> None:
    text = "Приветствие и начало статьи"
    out = decode(bom + text.encode(codec))
    assert out.text == text
    assert not out.text.startswith("\ufeff")


def test_utf16_without_bom_is_text_not_binary() -> None:
    text = "A plain English sentence saved by an old editor."
    assert decode(text.encode("utf-16-le")).text == text


@pytest.mark.parametrize("lang, text, encoding", LEGACY, ids=[f"{code}-{enc}" for code, _, enc in LEGACY])
def test_legacy_code_pages_are_decoded_not_rejected(lang: str, text: str, encoding: str) -> None:
    out = decode(text.encode(encoding))
    assert out.text == text, f"{lang} in {encoding} read as {out.encoding}"
    assert out.encoding != "utf-8"


def test_declared_charset_is_used_when_bytes_are_not_utf8() -> None:
    html = '<html><head><meta charset="windows-1251"></head><body>Мост через реку</body></html>'
    data = html.encode("cp1251")
    assert declared_charset(data) == "cp1251"
    assert decode(data).text == html
    assert decode("Мост".encode("koi8-r") * 20, declared="koi8-r").text == "Мост" * 20


def test_nul_bytes_are_not_text() -> None:
    with pytest.raises(RejectedInput) as err:
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert err.value.reason == "not-text"
    assert "NUL" in err.value.detail
