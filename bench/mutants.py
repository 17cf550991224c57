"""A small, targeted mutation run over the trust-critical modules.

Each mutant below breaks one promise of the README in one line (file, exact snippet,
replacement) and names the tests that must catch it. The script copies the working tree
(tracked and untracked files, not .git or .venv) into a temporary folder, applies each
mutant there in turn, runs the named tests with `pytest -x` and reports killed or
survived. The checkout itself is never modified.

    .venv/bin/python bench/mutants.py              # every mutant (a few minutes)
    .venv/bin/python bench/mutants.py publish serve  # only mutants whose name has a word
    .venv/bin/python bench/mutants.py --list

Exit status 1 when a mutant survives, its snippet no longer occurs exactly once (the code
moved on: update the table), or its tests pass unmutated (no baseline, no verdict).
Why not a mutation tool: mutmut or cosmic-ray would add a dependency and mutate every
operator of every module, hours on two cores; these mutants are the failures that would
cost a reader's trust, and each is a line someone could plausibly write.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    """One deliberate bug: replace SNIPPET (exactly once in FILE) with REPLACEMENT."""

    name: str
    file: str
    snippet: str
    replacement: str
    tests: tuple[str, ...]  # pytest arguments: node ids, or a file plus `-k` expression


FIT = "tests/test_fit.py"
LOAD = "tests/test_load.py"
CLI = "tests/test_cli_build.py"
PUBLISH = "tests/test_publish.py"
SOURCES_ADD = "tests/test_sources_add.py"
SOURCES_ACCEPT = "tests/test_sources_accept.py"
NEW_SOURCES = "tests/test_new_sources.py"
WORD = "tests/test_word.py"
SHARDS = "tests/test_shards.py"
EDITIONS = "tests/test_editions.py"
FRESHNESS = "tests/test_freshness.py"
MARKINGS = "tests/test_markings.py"

# One table, so a refactor on another branch updates one line per mutant. Provenance's
# word-boundary check is being added elsewhere: no mutant depends on it yet.
MUTANTS = (
    # --- pdf: one page, really everything on it ---------------------------------------------
    Mutant(
        "pdf-fits-ignores-end-marker",
        "briefgen/render/pdf.py",
        "return len(document.pages) == 1 and END_MARKER in document.pages[0].anchors",
        "return len(document.pages) == 1",
        (f"{FIT}::test_one_page_without_the_end_marker_is_refused",),
    ),
    Mutant(
        "pdf-overflow-not-refused",
        "briefgen/render/pdf.py",
        "            if not _fits(document):\n                raise BriefError(",
        "            if False:\n                raise BriefError(",
        (f"{FIT}::test_oversized_sheet_fails_with_bg310",),
    ),
    # --- fonts: every character printed, the same on every machine -----------------------
    Mutant(
        "fonts-host-fonts-visible",
        "briefgen/render/fontset.py",
        "            weasy.pangoft2.pango_fc_font_map_set_config(font_map, config)\n",
        "",
        ("tests/test_glyphs.py::test_the_pdf_is_the_same_with_other_fonts_installed",),
    ),
    Mutant(
        "fonts-host-rules-apply",
        "briefgen/render/fontset.py",
        "            _library_rules_off()\n",
        "",
        ("tests/test_glyphs.py::test_the_pdf_is_the_same_with_other_fonts_installed",),
    ),
    Mutant(
        "fonts-check-passes-any-character",
        "briefgen/verify/glyphs.py",
        "return any(_within(point, ranges) and point in _cmap(file) for file, ranges in faces())",
        "return True",
        ("tests/test_glyphs.py", "-k", "positioned_error or agree"),
    ),
    Mutant(
        "fonts-check-ignores-unicode-range",
        "briefgen/verify/glyphs.py",
        "return any(_within(point, ranges) and point in _cmap(file) for file, ranges in faces())",
        "return any(point in _cmap(file) for file, ranges in faces())",
        ("tests/test_glyphs.py", "-k", "agree"),
    ),
    Mutant(
        "fonts-project-without-fonts-gets-none",
        "briefgen/render/fetcher.py",
        "            if path.is_file() or not path.is_relative_to(self.roots[0]):",
        "            if True:",
        ("tests/test_glyphs.py", "-k", "without_fonts or bg610"),
    ),
    Mutant(
        "pdf-ladder-searches-instead-of-predicting",
        "briefgen/render/pdf.py",
        "order = list(range(first, len(LADDER)))",
        "order = list(range(1, len(LADDER)))",
        (FIT, "-k", "mildest_rung"),
    ),
    Mutant(
        "pdf-ladder-skips-the-milder-rung-when-close",
        "briefgen/render/pdf.py",
        "if first > 1 and natural <= held[first - 1] * (1 + CLOSE):",
        "if False:",
        (FIT, "-k", "mildest_rung or close_prediction"),
    ),
    Mutant(
        "pdftags-header-cells-unscoped",
        "briefgen/render/pdftags.py",
        'mark["A"]["Scope"] = "/Row" if row else "/Column"',
        "pass",
        ("tests/test_print.py", "-k", "scope"),
    ),
    Mutant(
        "pdftags-links-keep-internal-ids",
        "briefgen/render/pdftags.py",
        'annotation["Contents"] = pydyf.String(label)',
        "pass",
        ("tests/test_print.py", "-k", "links"),
    ),
    Mutant(
        "pdftags-empty-elements-kept",
        "briefgen/render/pdftags.py",
        "            _prune(pdf, kid)",
        "            pass",
        ("tests/test_print.py", "-k", "empty"),
    ),
    Mutant(
        "pdf-fetcher-reads-outside-the-assets",
        "briefgen/render/fetcher.py",
        "if not any(path.is_relative_to(r) for r in self.roots) or not path.is_file():",
        "if not path.is_file():",
        ("tests/test_hostile.py", "-k", "fetcher"),
    ),
    # --- columns: the balanced columns' page and tags, without WeasyPrint balancing -------
    Mutant(
        "columns-first-split-never-balanced",
        "briefgen/render/pdf.py",
        "if better in (None, document.flow.at) or layouts > 2 or natural > 1 + CLOSE:",
        "if True:",
        ("tests/test_columns.py", "-k", "wrong_place"),
    ),
    Mutant(
        "columns-continued-table-loses-its-header-row",
        "briefgen/render/columns.py",
        "                    shell.append(copy.deepcopy(child))",
        "                    pass",
        ("tests/test_columns.py", "-k", "tags and russia-us"),
    ),
    Mutant(
        "columns-balance-ignores-collapsed-margins",
        "briefgen/render/balance.py",
        "            y += max(_margins(boxes, flow.closes[k - 1], bottom=True),",
        "            y += 0 * max(_margins(boxes, flow.closes[k - 1], bottom=True),",
        ("tests/test_columns.py", "-k", "height"),
    ),
    Mutant(
        "columns-continuation-keeps-its-top-margin",
        "briefgen/render/columns.py",
        '    ".flow.split .continued>:first-child{{margin-top:0!important}}}}"',
        '    "}}"',
        ("tests/test_visual.py", "-k", "pdf and russia-profile"),
    ),
    # --- load / prescan: strict YAML ---------------------------------------------------------
    Mutant(
        "load-duplicate-key-kept",
        "briefgen/sheet/load.py",
        "        if value in top.first:",
        "        if False:",
        (LOAD, "-k", "duplicate"),
    ),
    Mutant(
        "load-yaml-1.1-octal",
        "briefgen/sheet/load.py",
        '_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)|0x[0-9a-fA-F]+")',
        '_INT = re.compile(r"[-+]?[0-9]+|0x[0-9a-fA-F]+")',
        (LOAD, "-k", "yaml_1_2"),
    ),
    Mutant(
        "prescan-depth-limit-raised",
        "briefgen/sheet/prescan.py",
        "MAX_DEPTH = 64",
        "MAX_DEPTH = 200",  # far higher only hangs the pure-Python re-walk: killed by timeout
        (LOAD, "-k", "deep"),
    ),
    Mutant(
        "prescan-alias-check-removed",
        "briefgen/sheet/prescan.py",
        "elif kind is _ALIAS:",
        "elif False:",  # still BG103, via the anchor check: the message names the alias wrongly
        (LOAD, "-k", "billion or named_as_written"),
    ),
    Mutant(
        "prescan-tags-allowed",
        "briefgen/sheet/prescan.py",
        "    if tag is not None:",
        "    if False:",
        (LOAD, "-k", "refuses"),
    ),
    # --- provenance: every passage is in its stored source -----------------------------------
    Mutant(
        "provenance-sha256-ignored",
        "briefgen/verify/provenance.py",
        "elif source.sha256 != got.sha256:",
        "elif False:",
        ("tests/test_check.py::test_a_changed_source_text_is_caught",),
    ),
    Mutant(
        "provenance-quotes-unchecked",
        "briefgen/verify/provenance.py",
        'if result := _passage(quote, ids, "quote", path, where, stored, unsure):',
        "if result := None:",
        ("tests/test_golden_errors.py", "-k", "quote-not-in-source"),
    ),
    Mutant(
        "provenance-excerpts-unchecked",
        "briefgen/verify/provenance.py",
        'ref.excerpt, [ident], "excerpt", (*path, "excerpt"), where, stored, unsure',
        'ref.excerpt, [], "excerpt", (*path, "excerpt"), where, stored, unsure',
        ("tests/test_golden_errors.py", "-k", "excerpt-not-in-source"),
    ),
    Mutant(
        "paragraphs-every-line-its-own",
        "briefgen/verify/paragraphs.py",
        "            if not joined:",
        "            if True:",
        ("tests/test_paragraphs.py", "-k", "wrapped_at_72"),
    ),
    Mutant(
        "passages-fragments-accepted",
        "briefgen/verify/passages.py",
        "        if any(cut):",
        "        if False:",
        ("tests/test_provenance.py", "-k", "fragment"),
    ),
    Mutant(
        "passages-paragraph-breaks-ignored",
        "briefgen/verify/passages.py",
        "        elif not {b - k for b in crossed} <= set(passage.breaks):",
        "        elif False:",
        ("tests/test_provenance.py", "-k", "fragment"),
    ),
    Mutant(
        "provenance-no-minimum-length",
        "briefgen/verify/provenance.py",
        "    if count < MIN_WORDS[what]:",
        "    if False:",
        ("tests/test_provenance.py", "-k", "fragment or minimum"),
    ),
    Mutant(
        "provenance-reads-outside-the-folder",
        "briefgen/verify/sources.py",
        "    if not path.is_relative_to(root):",
        "    if False:",
        ("tests/test_golden_errors.py", "-k", "path-escape"),
    ),
    # --- manifest: up to date only when nothing that matters changed --------------------------
    Mutant(
        "manifest-templates-not-hashed",
        "briefgen/publish/keys.py",
        "    for folder in template_dirs:\n        _hash_tree(digest, folder)\n",
        "",
        (f"{CLI}::test_editing_a_project_template_rebuilds",),
    ),
    Mutant(
        "manifest-code-of-subpackages-not-hashed",
        "briefgen/publish/keys.py",
        'for module in sorted(CODE.rglob("*.py")):',
        'for module in sorted(CODE.glob("*.py")):',
        ("tests/test_cli_build.py::test_an_upgrade_that_edits_a_subpackage_module_rebuilds",),
    ),
    Mutant(
        "noop-trusts-racy-stamps",
        "briefgen/publish/keys.py",
        "        if same and st.st_mtime_ns < self.trusted_before:",
        "        if same:",
        ("tests/test_noop.py::test_coarse_timestamps_are_not_trusted_within_their_tick",),
    ),
    Mutant(
        "noop-stamp-ignores-ctime",
        "briefgen/publish/keys.py",
        "stamp[:4] == meta",
        "stamp[:3] == meta[:3]",
        ("tests/test_noop.py", "-k", "same_second"),
    ),
    Mutant(
        "noop-racy-stamps-never-saved-again",
        "briefgen/publish/keys.py",
        "(self.new == self.old and not self.racy)",
        "self.new == self.old",
        ("tests/test_noop.py", "-k", "racy_stamp_is_saved"),
    ),
    Mutant(
        "realpaths-follows-no-link",
        "briefgen/publish/realpaths.py",
        "real = os.path.realpath(joined) if link else joined",
        "real = joined",
        ("tests/test_realpaths.py",),
    ),
    Mutant(
        "manifest-sources-not-hashed",
        "briefgen/publish/keys.py",
        "            found[name] = stamps.sha256(sheet.parent / inside)",
        "            found[name] = name",
        (f"{CLI}::test_an_edited_stored_source_is_rechecked_not_up_to_date",),
    ),
    Mutant(
        "manifest-missing-output-not-rebuilt",
        "briefgen/publish/manifest.py",
        '_file_hash(os.path.join(folder, rel), stamps) != manifest.files.get(rel, "?")',
        "False",
        (f"{CLI}::test_a_deleted_output_file_is_rebuilt",),
    ),
    # --- publish: atomic, exclusive, never someone else's folder -----------------------------
    Mutant(
        "publish-delete-then-rename",
        "briefgen/publish/stage.py",
        "                _exchange(self.path, self.out)\n"
        "                shutil.rmtree(self.path, ignore_errors=True)",
        "                shutil.rmtree(self.out)\n                self.path.rename(self.out)",
        (f"{PUBLISH}::test_the_live_site_never_disappears_during_the_swap",),
    ),
    Mutant(
        "publish-two-step-rename",
        "briefgen/publish/stage.py",
        "    if renameat2 is not None:",
        "    if False:",
        (f"{PUBLISH}::test_the_live_site_never_disappears_during_the_swap",),
    ),
    Mutant(
        "publish-folders-not-flushed",
        "briefgen/publish/stage.py",
        "        if not _sync_filesystem(self.path):  # one flush instead of one per folder",
        "        if False:",
        ("tests/test_scheduled.py::test_staged_files_and_folders_are_fsynced_before_the_swap",),
    ),
    Mutant(
        "publish-no-lock",
        "briefgen/publish/stage.py",
        "fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))",
        "pass",
        (f"{PUBLISH}::test_second_build_exits_4_while_the_lock_is_held",),
    ),
    Mutant(
        "publish-replaces-a-foreign-folder",
        "briefgen/publish/stage.py",
        "if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):",
        "if False:",
        (f"{PUBLISH}::test_refuses_a_non_empty_folder_it_did_not_make",),
    ),
    Mutant(
        "publish-leftovers-kept",
        "briefgen/publish/stage.py",
        "        if stale.is_dir() and not stale.is_symlink():",
        "        if False:",
        (f"{PUBLISH}::test_up_to_date_build_also_removes_leftover_staging",),
    ),
    Mutant(
        "publish-failed-staging-left-behind",
        "briefgen/publish/stage.py",
        "        if stage.path.exists():\n            stage.abort()",
        "        pass",
        (f"{PUBLISH}::test_failing_sheet_fails_the_build_and_leaves_the_site",),
    ),
    Mutant(
        "publish-failed-build-still-published",
        "briefgen/pipeline/building.py",
        "if failed and not options.keep_going:",
        "if False:",
        ("tests/test_render.py::test_template_error_fails_the_build_and_publishes_nothing",),
    ),
    # --- serve: a local preview -------------------------------------------------------------
    Mutant(
        "serve-listens-on-every-interface",
        "briefgen/preview/server.py",
        "server = _server(out, host, port, state)",
        'server = _server(out, "0.0.0.0", port, state)',
        ("tests/test_serve_loopback.py::test_serve_listens_on_loopback_only",),
    ),
    Mutant(
        "serve-banner-unescaped",
        "briefgen/preview/server.py",
        'items = "".join(f"<li>{html.escape(str(d))}</li>" for d in problems)',
        'items = "".join(f"<li>{d}</li>" for d in problems)',
        ("tests/test_serve_loopback.py::test_the_banner_shows_a_sheets_text_as_text",),
    ),
    # --- sources add/accept: bounded fetching, declared metadata, pinned hashes (issue 12) --
    Mutant(
        "sources-add-reads-past-the-bound",
        "briefgen/authoring/fetch.py",
        "    if left <= 0:\n        raise _too_large(url)",
        "    if False:\n        raise _too_large(url)",
        (f"{SOURCES_ADD}::test_add_stops_reading_an_oversized_download",),
    ),
    Mutant(
        "sources-add-trusts-any-content-type",
        "briefgen/authoring/fetch.py",
        "    if declared not in KINDS:",
        "    if False:",
        (SOURCES_ADD, "-k", "photo"),
    ),
    Mutant(
        "sources-add-stores-a-pdf-without-text",
        "briefgen/authoring/extract.py",
        "    if not text.strip():",
        "    if False:",
        (SOURCES_ADD, "-k", "scan"),
    ),
    Mutant(
        "sources-add-guesses-the-date",
        "briefgen/authoring/extract.py",
        "        published=when or UNKNOWN,",
        "        published=doc.date or UNKNOWN,",
        (SOURCES_ADD, "-k", "declares"),
    ),
    Mutant(
        "sources-add-overwrites-a-stored-file",
        "briefgen/authoring/ingest.py",
        'with path.open("xb") as handle:',
        'with path.open("wb") as handle:',
        (f"{SOURCES_ADD}::test_add_never_overwrites_a_different_stored_file",),
    ),
    Mutant(
        "sources-accept-hides-broken-quotes",
        "briefgen/authoring/accept.py",
        'return tuple(d for d in found if d.code in ("BG401", "BG402") and d.where in spots)',
        "return ()",
        (f"{SOURCES_ACCEPT}::test_accept_refuses_while_a_quote_would_break_and_lists_it",),
    ),
    Mutant(
        "sources-accept-does-not-ask",
        "briefgen/cli/sources.py",
        "if not yes and not click.confirm(",
        "if False and not click.confirm(",
        (f"{SOURCES_ACCEPT}::test_accept_declined_at_the_prompt_changes_nothing",),
    ),
    Mutant(
        "sources-accept-writes-over-a-concurrent-edit",
        "briefgen/authoring/accept.py",
        "        _unmoved(data, where, change)\n",
        "",
        (SOURCES_ACCEPT, "-k", "edited"),
    ),
    Mutant(
        "new-leaves-a-half-made-brief",
        "briefgen/authoring/starting.py",
        "            shutil.rmtree(sheet.parent)\n",
        "            pass\n",
        (NEW_SOURCES, "-k", "cannot_use"),
    ),
    Mutant(
        "new-without-a-source-cannot-be-added-to",
        "briefgen/sheet/edit.py",
        "    if key is not None and value is not None and value[0] == key[0] <= len(lines):",
        "    if False:",
        (NEW_SOURCES, "-k", "without_a_source"),
    ),
    Mutant(
        "build-claims-changes-it-did-not-publish",
        "briefgen/cli/commands.py",
        "    if report.published:  # what changed since the published version",
        "    if True:  # what changed since the published version",
        ("tests/test_build_changes.py::test_a_failed_build_claims_no_change_and_the_next_one_does",),
    ),
    # --- preview: the changed page first, then the PDF, pushed to open pages ----------------
    Mutant(
        "preview-first-page-not-what-build-publishes",
        "briefgen/pipeline/making.py",
        "        options.edition(),\n        evidence=checked.evidence,",
        "        options.edition() if pdf else type(options.edition())(formats=('md', 'html')),"
        "\n        evidence=checked.evidence,",
        ("tests/test_preview.py::test_a_save_reaches_the_open_page_html_first_then_the_pdf",),
    ),
    Mutant(
        "page-composed-again-for-the-pdf",
        "briefgen/pipeline/making.py",
        "html = render_html(page.for_print(), project=project)",
        "html = render_html(compose(checked.brief, options.edition(), "
        "evidence=checked.evidence).for_print(), project=project)",
        ("tests/test_page_model.py::test_each_sheet_is_composed_once_and_nothing_looks_up_after",),
    ),
    Mutant(
        "preview-scratch-file-rebuilds",
        "briefgen/preview/watch.py",
        "|4913$)",
        ")",
        ("tests/test_preview.py::test_editor_scratch_files_do_not_rebuild",),
    ),
    Mutant(
        "preview-event-streams-unbounded",
        "briefgen/preview/state.py",
        "if len(self.clients) >= MAX_CLIENTS or self.events.closed:",
        "if self.events.closed:",
        ("tests/test_preview.py::test_the_event_stream_is_guarded_and_bounded",),
    ),
    Mutant(
        "preview-open-streams-block-shutdown",
        "briefgen/preview/state.py",
        "            self.closed = True\n            self._ready.notify_all()",
        "            self.closed = True",
        ("tests/test_preview.py::test_sigterm_stops_promptly_with_pages_open",),
    ),
    # --- word and text: the editions of issue 24 ---------------------------------------------
    Mutant(
        "word-zip-keeps-the-clock",
        "briefgen/render/word.py",
        "    return _fixed_zip(out.getvalue())",
        "    return out.getvalue()",
        (f"{WORD}::test_both_rebuild_byte_for_byte_when_the_clock_moves",),
    ),
    Mutant(
        "word-header-row-unmarked",
        "briefgen/render/word.py",
        "    table.rows[0]._tr.get_or_add_trPr().append(mark)",
        "    del mark",
        (f"{WORD}::test_tables_mark_their_header_row",),
    ),
    Mutant(
        "word-reference-text-kept",
        "briefgen/render/word.py",
        "    if reference:\n        _clear(document)",
        "    if not reference:\n        _clear(document)",
        (f"{WORD}::test_a_reference_document_lends_its_styles_not_its_text",),
    ),
    Mutant(
        "word-and-text-drop-an-items-extra-lines",
        "briefgen/render/blocks.py",
        "    return tuple(r for x in item.extra for r in (Run(\" \"), *md(x)))",
        "    return ()",
        ("tests/test_coverage.py", "-k", "every_field_reaches_every_format and (docx or txt)"),
    ),
    Mutant(
        "text-lines-not-wrapped",
        "briefgen/render/text.py",
        "        WIDTH,\n",
        "        10 * WIDTH,\n",
        (f"{WORD}::test_plain_text_wraps_carries_the_banner_and_no_markup",),
    ),
    Mutant(
        "preview-page-never-reloads",
        "briefgen/preview/server.py",
        "if(s&&m(v))location.reload()",
        "if(false)location.reload()",
        ("tests/test_preview_browser.py::test_the_open_page_follows_a_save_by_itself",),
    ),
    # --- shards: a merged site is a plain build's, or nothing ---------------------------------
    Mutant(
        "shards-merge-takes-a-stale-part",
        "briefgen/publish/parts.py",
        "if record is None or record.key != key:",
        "if record is None:",
        (f"{SHARDS}::test_merge_refuses_each_bad_part_set_with_its_own_error",),
    ),
    Mutant(
        "shards-merge-takes-other-settings",
        "briefgen/publish/parts.py",
        "if part.settings != settings or part.manifest.settings != settings:",
        "if False:",
        (f"{SHARDS}::test_merge_refuses_each_bad_part_set_with_its_own_error",),
    ),
    Mutant(
        "shards-merge-without-a-shard",
        "briefgen/publish/parts.py",
        "    if missing:\n",
        "    if False:\n",
        (f"{SHARDS}::test_merge_refuses_each_bad_part_set_with_its_own_error",),
    ),
    Mutant(
        "shards-merge-trusts-part-files",
        "briefgen/pipeline/shards.py",
        "if stage.published[rel] != part.manifest.files.get(rel):",
        "if False:",
        (f"{SHARDS}::test_merge_refuses_a_part_whose_file_was_changed",),
    ),
    Mutant(
        "shards-python-hash",
        "briefgen/publish/parts.py",
        'return int.from_bytes(digest[:8], "big") % self.count == self.index - 1',
        "return hash(name) % self.count == self.index - 1",
        (f"{SHARDS}::test_a_shard_rebuilt_after_one_edit_rewrites_only_that_briefing",),
    ),
    Mutant(
        "dask-failing-briefing-not-reported",
        "briefgen/pipeline/cluster.py",
        "        return Outcome(sheet, diagnostics=tuple(error.diagnostics))",
        "        return Outcome(sheet)",
        (f"{SHARDS}::test_a_failing_briefing_under_dask_is_reported_as_under_a_plain_build",),
    ),
    # --- editions and time: kept, healed, compared; stale and withdrawn flagged (issue 23) --
    Mutant(
        "editions-not-carried-over",
        "briefgen/publish/editions.py",
        "(restore if rel in damaged else keep).append((rel, digest))",
        "(restore if rel in damaged else []).append((rel, digest))",
        (f"{EDITIONS}::test_three_editions_stay_as_published_and_changes_list_exactly_the_edits",),
    ),
    Mutant(
        "editions-never-archived",
        "briefgen/publish/editions.py",
        "new = before.content is not None and before.content != content",
        "new = False",
        (f"{EDITIONS}::test_three_editions_stay_as_published_and_changes_list_exactly_the_edits",),
    ),
    Mutant(
        "editions-not-healed",
        "briefgen/pipeline/building.py",
        "    data = store.get(digest)\n    if data is None:",
        "    data = None\n    if data is None:",
        (f"{EDITIONS}::test_three_editions_stay_as_published_and_changes_list_exactly_the_edits",),
    ),
    Mutant(
        "editions-archive-rewrites-downloads",
        "briefgen/publish/editions.py",
        'if not name.endswith(".html"):\n        return data',
        'if not name.endswith(".pdf"):\n        return data + b"\\n"',
        (f"{EDITIONS}::test_three_editions_stay_as_published_and_changes_list_exactly_the_edits",),
    ),
    Mutant(
        "changes-page-insertions-as-deletions",
        "briefgen/compose/revisions.py",
        '        if op in ("insert", "replace"):\n            run("ins", b[j1:j2])',
        '        if op in ("insert", "replace"):\n            run("del", b[j1:j2])',
        (f"{EDITIONS}::test_three_editions_stay_as_published_and_changes_list_exactly_the_edits",),
    ),
    Mutant(
        "freshness-review-date-compared-backwards",
        "briefgen/verify/freshness.py",
        '        due = getattr(item, "review_by", None)\n        if due and after(today, due):',
        '        due = getattr(item, "review_by", None)\n        if due and after(due, today):',
        (f"{FRESHNESS}::test_a_passed_review_date_is_reported_at_its_line_and_marked",),
    ),
    Mutant(
        "freshness-passed-date-not-rebuilt",
        "briefgen/publish/manifest.py",
        "fresh = fresh and not _passed(record, today)",
        "fresh = fresh",
        (f"{FRESHNESS}::test_the_day_a_review_date_passes_the_briefing_is_rebuilt",),
    ),
    Mutant(
        "withdrawn-only-first-cite",
        "briefgen/verify/freshness.py",
        'for ref in getattr(item, "cite", None) or ():',
        'for ref in (getattr(item, "cite", None) or ())[:1]:',
        (FRESHNESS, "-k", "withdrawing"),
    ),
    Mutant(
        "withdrawn-judgment-not-followed",
        "briefgen/verify/freshness.py",
        "    if stated in judged:",
        "    if False:",
        (FRESHNESS, "-k", "withdrawing"),
    ),
    Mutant(
        "word-and-text-drop-the-stale-flag",
        "briefgen/render/blocks.py",
        'return (*cites, *(Run(f" [{plain(f)}]", bold=True) for f in item.flags))',
        "return cites",
        (FRESHNESS, "-k", "passed_review"),
    ),
    # --- markings: an audience's edition holds nothing above its level (issue 22) -----------
    Mutant(
        "markings-audience-edition-keeps-everything",
        "briefgen/compose/compose.py",
        "brief = for_audience(full, edition.scheme, level, sheet=name) if level else full",
        "brief = full",
        (f"{MARKINGS}::test_no_withheld_marker_word_anywhere_in_an_audience_tree",),
    ),
    Mutant(
        "markings-audience-lists-every-source-at-its-level",
        "briefgen/compose/audiences.py",
        "if not above(s) and (s.id in used or s.id not in anywhere)",
        "if not above(s)",
        (f"{MARKINGS}::test_an_edition_says_it_leaves_material_out_and_numbers_its_own_sources",),
    ),
    Mutant(
        "markings-banner-of-the-full-sheet",
        "briefgen/compose/compose.py",
        "banner=handling.banner(brief),",
        "banner=handling.banner(full),",
        (f"{MARKINGS}::test_the_banner_is_the_highest_marking_held_top_and_bottom_of_every_page",),
    ),
    Mutant(
        "markings-item-below-its-source-passes",
        "briefgen/verify/markings.py",
        "if theirs is None or scheme.rank(theirs) <= scheme.rank(own):",
        "if True:",
        (f"{MARKINGS}::test_an_item_marked_lower_than_a_source_it_cites_is_a_positioned_error",),
    ),
    Mutant(
        "markings-judgment-printed-without-part-of-its-basis",
        "briefgen/compose/audiences.py",
        "        if not gone:\n            kept.append(j)",
        "        if True:\n            kept.append(j)",
        (f"{MARKINGS}::test_no_withheld_marker_word_anywhere_in_an_audience_tree",),
    ),
    Mutant(
        "markings-manifest-names-withheld-files",
        "briefgen/pipeline/building.py",
        "withheld_names=options.max_marking is not None",
        "withheld_names=False",
        (f"{MARKINGS}::test_no_withheld_marker_word_anywhere_in_an_audience_tree",),
    ),
)


def copy_tree(target: Path) -> None:
    """The working tree as it is (tracked and untracked, not ignored) into TARGET."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in filter(None, listed):
        rel = Path(os.fsdecode(raw))
        source = ROOT / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)


def pytest(copy: Path, tests: tuple[str, ...], timeout: float) -> tuple[int, float, str]:
    """Run TESTS in COPY (its own briefgen first on the path): (status, seconds, summary)."""
    env = dict(os.environ, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")
    env.pop("BRIEFGEN_STRICT", None)
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
            cwd=copy,
            env=env,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return -1, time.perf_counter() - start, "timed out"
    failures = [x for x in done.stdout.decode(errors="replace").splitlines() if x.startswith("E ")]
    return done.returncode, time.perf_counter() - start, "\n".join(failures[:3])


def verdict(status: int) -> str:
    """pytest's exit status → what it says about a mutant."""
    return {0: "SURVIVED", 1: "killed", -1: "killed (timeout)", 5: "NO TESTS"}.get(
        status, f"ERROR ({status})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="Run only mutants whose name contains a word.")
    parser.add_argument("--list", action="store_true", help="List the mutants and exit.")
    parser.add_argument("--timeout", type=float, default=300, help="Seconds per test run.")
    parser.add_argument("--why", action="store_true", help="Show how each mutant was killed.")
    parser.add_argument(
        "--no-baseline", action="store_true", help="Skip running each selection unmutated first."
    )
    args = parser.parse_args()
    chosen = [m for m in MUTANTS if not args.only or any(w in m.name for w in args.only)]
    if args.list:
        for m in chosen:
            print(f"{m.name:<44}{m.file:<24}{' '.join(m.tests)}")
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still remove the copy
    bad = 0
    passed: set[tuple[str, ...]] = set()  # selections seen passing unmutated
    with tempfile.TemporaryDirectory(prefix="briefgen-mutants-") as tmp:
        copy = Path(tmp)
        copy_tree(copy)
        print(f"{len(chosen)} mutants; each line: verdict, seconds, mutant, tests")
        for m in chosen:
            path = copy / m.file
            original = path.read_text(encoding="utf-8")
            if original.count(m.snippet) != 1:
                print(
                    f"{'STALE':<18}{'':>6}  {m.name}: snippet found "
                    f"{original.count(m.snippet)} times in {m.file}"
                )
                bad += 1
                continue
            if not args.no_baseline and m.tests not in passed:
                status, _, _ = pytest(copy, m.tests, args.timeout)
                if status != 0:  # the tests must pass unmutated, or a kill means nothing
                    print(f"{'BASELINE FAILS':<18}{'':>6}  {m.name}: {verdict(status)} unmutated")
                    bad += 1
                    continue
                passed.add(m.tests)
            path.write_text(original.replace(m.snippet, m.replacement), encoding="utf-8")
            try:
                status, seconds, why = pytest(copy, m.tests, args.timeout)
            finally:
                path.write_text(original, encoding="utf-8")
            print(f"{verdict(status):<18}{seconds:>5.1f}s  {m.name}  ({' '.join(m.tests)})")
            if args.why and why:
                print("    " + why.replace("\n", "\n    "))
            bad += status not in (1, -1)
    print(f"{len(chosen) - bad} of {len(chosen)} mutants killed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
