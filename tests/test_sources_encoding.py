"""`briefgen sources add`: pages in legacy encodings are stored as the right text (issue 18).

The pages are real article text encoded with Python's codecs, laid out as news sites
lay them out (a long head of styles and scripts, the article in the middle), and served
by a local server on 127.0.0.1 with the encoding declared in the HTTP header only, in a
<meta> only, or nowhere. Whatever cannot be decoded with confidence is refused (BG827).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.ingest_helpers import Site, run, serving

RUSSIAN = [
    "Встреча в Хельсинки",
    "Хельсинки, 16 июля. Президенты России и США встретились в понедельник в столице "
    "Финляндии. Переговоры один на один продолжались около двух часов, сообщили помощники "
    "обоих лидеров.",
    "Абзац из заявления: «У нас был прямой и открытый диалог», — сказал журналистам один из "
    "президентов после встречи. Он добавил, что стороны обсудили Сирию, Украину и контроль "
    "над вооружениями.",
    "Официальные лица заявили, что следующая встреча может состояться позднее в этом году, "
    "но дата пока не назначена. Эксперты называют итоги саммита скромными.",
]
JAPANESE = [
    "ヘルシンキで米ロ首脳会談",
    "両国の大統領は十六日、フィンランドの首都ヘルシンキで約二時間にわたって会談した。会談は"
    "通訳のみを交えた一対一の形式で行われたと、両国の補佐官が明らかにした。",
    "会談後、一方の大統領は記者団に対し「率直で開かれた対話ができた」と述べ、シリア情勢や"
    "軍備管理についても意見を交わしたと説明した。",
    "関係者によると、年内に再び会談が行われる可能性があるが、日程はまだ決まっていない。"
    "専門家の間では、成果は限定的だとの見方が多い。",
]
FRENCH = [
    "Rencontre au sommet à Helsinki",
    "Les deux présidents se sont rencontrés lundi à Helsinki, la capitale finlandaise, "
    "pendant près de deux heures, selon leurs conseillers.",
    "« Nous avons eu un dialogue direct et ouvert », a déclaré l'un d'eux aux journalistes "
    "après la réunion, en évoquant la Syrie et le contrôle des armements.",
    "Des responsables ont indiqué qu'une nouvelle rencontre pourrait avoir lieu plus tard "
    "dans l'année, mais aucune date n'a été fixée. Les experts jugent le bilan très modeste.",
]
GERMAN = [
    "Gipfeltreffen in Helsinki",
    "Die beiden Präsidenten trafen sich am Montag in der finnischen Hauptstadt zu einem rund "
    "zweistündigen Gespräch unter vier Augen, wie Berater mitteilten.",
    "»Wir hatten einen offenen und direkten Dialog«, sagte einer der beiden nach dem Treffen "
    "vor Journalisten. Über Abrüstung, Syrien und die Ukraine sei ausführlich gesprochen worden.",
    "Ein weiteres Treffen könnte später im Jahr folgen, ein Datum gebe es aber noch nicht. "
    "Beobachter halten die Ergebnisse für äußerst bescheiden; große Überraschungen blieben aus.",
]
MENU = {"ru": "новости", "ja": "ニュース", "fr": "actualités", "de": "Nachrichten aus aller Welt"}
ABOUT = {"ru": "о нас", "ja": "会社概要", "fr": "à propos", "de": "Über uns"}
ARTICLES = {
    "ru": ("windows-1251", RUSSIAN),
    "ja": ("shift_jis", JAPANESE),
    "fr": ("iso-8859-1", FRENCH),
    "de": ("iso-8859-1", GERMAN),
}


def news_page(lang: str, paragraphs: list[str], head: str = "") -> str:
    """A news site's page: styles and scripts first, the article in the middle.

    Why this shape: a detector that samples the first and last few kilobytes (as
    trafilatura's does) sees only a menu word or two and guesses wrong."""
    css = "".join(f".c{i} {{ margin: {i}px; padding: 0 {i}px; color: #{i:06x}; }}\n"
                  for i in range(120))
    js = "".join(f"window.dataLayer.push({{'event': 'view{i}', 'section': 'world', 'id': {i}}});\n"
                 for i in range(80))
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs[1:])
    return (
        f"<!doctype html>\n<html><head>{head}\n<style>\n{css}</style>\n"
        f"<title>{paragraphs[0]}</title>\n<script>\n{js}</script>\n</head><body>\n"
        f'<nav><a href="/news">{MENU[lang]}</a></nav>\n<div class="layout">\n'
        f"<article>\n<h1>{paragraphs[0]}</h1>\n{body}</article>\n</div>\n"
        f'<footer><a href="/about">{ABOUT[lang]}</a></footer>\n<script>\n{js}</script>\n'
        "</body></html>\n"
    )


def _stored(sheet: Path, ident: str = "S3") -> str:
    """The stored text of source IDENT, found through the sheet's entry."""
    text = sheet.read_text(encoding="utf-8")
    entry = text[text.index(f"  - id: {ident}\n") :]
    file = entry[entry.index('file: "') + 7 :].split('"', 1)[0]
    return (sheet.parent / file).read_text(encoding="utf-8")


@pytest.mark.parametrize("declared", ["header", "meta", "none"])
@pytest.mark.parametrize("lang", sorted(ARTICLES))
def test_a_legacy_encoded_page_is_stored_as_its_text(
    example_copy: Path, tmp_path: Path, lang: str, declared: str
) -> None:
    encoding, paragraphs = ARTICLES[lang]
    head = f'<meta charset="{encoding}">' if declared == "meta" else ""
    kind = f"text/html; charset={encoding}" if declared == "header" else "text/html"
    body = news_page(lang, paragraphs, head).encode(encoding)
    with serving(Site({f"/{lang}.html": (200, kind, body)})) as served:
        result = run("sources", "add", str(example_copy), f"{served.url}/{lang}.html",
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _stored(example_copy) == "\n\n".join(paragraphs) + "\n"
    assert f'title: "{paragraphs[0]}"' in example_copy.read_text(encoding="utf-8")
    assert run("check", str(example_copy), cwd=tmp_path).returncode == 0


def test_a_meta_declaration_in_the_http_equiv_form_counts(
    example_copy: Path, tmp_path: Path
) -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
    body = news_page("ru", RUSSIAN, head).encode("cp1251")
    with serving(Site({"/ru.html": (200, "text/html", body)})) as served:
        result = run("sources", "add", str(example_copy), f"{served.url}/ru.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Абзац из заявления" in _stored(example_copy)


def test_a_local_html_file_in_windows_1251_without_a_declaration(
    example_copy: Path, tmp_path: Path
) -> None:
    page = tmp_path / "vstrecha.html"
    page.write_bytes(news_page("ru", RUSSIAN).encode("cp1251"))
    result = run("sources", "add", str(example_copy), str(page), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = _stored(example_copy)
    assert text == "\n\n".join(RUSSIAN) + "\n"
    assert "Абзац" in text  # not `јбзац`
    assert "Хельсинки" in text  # not `’ельсинки`
    original = example_copy.parent / "sources" / "original" / "vstrecha.html"
    assert original.read_bytes() == page.read_bytes()  # the original keeps its bytes


def test_a_page_in_utf8_under_a_wrong_legacy_label_is_read_as_utf8(
    example_copy: Path, tmp_path: Path
) -> None:
    body = news_page("fr", FRENCH).encode("utf-8")
    with serving(Site({"/fr.html": (200, "text/html; charset=iso-8859-1", body)})) as served:
        result = run("sources", "add", str(example_copy), f"{served.url}/fr.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _stored(example_copy) == "\n\n".join(FRENCH) + "\n"  # no `prÃ©sidents`


def test_a_text_file_in_windows_1251_is_detected(example_copy: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_bytes("\n\n".join(RUSSIAN).encode("cp1251"))
    result = run("sources", "add", str(example_copy), str(notes), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _stored(example_copy) == "\n\n".join(RUSSIAN) + "\n"


MIXED = news_page("fr", FRENCH[:2]).encode("utf-8") + news_page("fr", FRENCH[2:]).encode("cp1252")


@pytest.mark.parametrize(
    ("body", "kind", "where"),
    [
        (random.Random(18).randbytes(6000), "text/html", ":1:"),
        (b"<!doctype html><html><body><p>" + random.Random(7).randbytes(4000) + b"</p></body>"
         b"</html>", "text/html; charset=utf-8", ":1:"),
        (MIXED, "text/html", ":"),  # UTF-8 up to the middle, windows-1252 after
        (MIXED, "text/html; charset=iso-8859-1", ":"),  # the label fits half of it
        ("Привет, как дела?".encode("cp1251"), "text/plain", ":1:1"),  # too short to tell
    ],
    ids=["random", "random-labelled-utf8", "mixed", "mixed-labelled-latin1", "too-short"],
)
def test_a_page_that_cannot_be_decoded_with_confidence_is_refused(
    example_copy: Path, tmp_path: Path, body: bytes, kind: str, where: str
) -> None:
    before = example_copy.read_bytes()
    files = sorted(p.name for p in example_copy.parent.rglob("*"))
    with serving(Site({"/page": (200, kind, body)})) as served:
        result = run("sources", "add", str(example_copy), f"{served.url}/page", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{served.url}/page{where}" in result.stderr  # positioned at the first odd byte
    assert "error BG827: cannot tell the text's character encoding with confidence" in (
        result.stderr)
    assert "hint: open it in a browser" in result.stderr
    assert example_copy.read_bytes() == before
    assert sorted(p.name for p in example_copy.parent.rglob("*")) == files


def test_a_short_local_text_in_an_unknown_encoding_is_refused_where_it_starts(
    example_copy: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "latin.txt"
    notes.write_bytes(b"Caf\xe9\n")  # é in windows-1252, й in windows-1251, ι in 1253…
    result = run("sources", "add", str(example_copy), str(notes), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert f"{notes}:1:4: error BG827: cannot tell the text's character encoding" in (
        result.stderr)
    assert "byte 0xE9 is not UTF-8" in result.stderr


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("text/plain; charset=windows-1251", "Привет, как дела?\n".encode("cp1251")),
        ("text/html", '<html><head><meta charset="windows-1251">\n<title>Привет</title></head>'
         "<body><article><p>Привет, как дела?</p></article></body></html>".encode("cp1251")),
    ],
    ids=["header", "meta"],
)
def test_a_declaration_decides_where_detection_could_not(
    example_copy: Path, tmp_path: Path, kind: str, body: bytes
) -> None:
    with serving(Site({"/short": (200, kind, body)})) as served:
        result = run("sources", "add", str(example_copy), f"{served.url}/short", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _stored(example_copy).endswith("Привет, как дела?\n")
