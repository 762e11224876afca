"""The upload check's search for active content (markup, script, PDF actions) in a file's bytes."""

import random
import re

import pytest

from processes.common.materials import has_active_content

# The check as one case-insensitive pattern (how it was first written): the faster search
# must find exactly what it finds.
ONE_PATTERN = re.compile(
    rb"<\s*(script|html|body|iframe|svg|object|embed)\b|<!doctype\s+html|javascript:|/JavaScript\b|/JS\s*[(<]|/Launch\b|/EmbeddedFile\b",
    re.IGNORECASE,
)
SAMPLES = [
    b"<script>", b"< \t\nSCRIPT src=x>", b"<Html>", b"<body onload=x>", b"<iframe", b"<svg/onload=1>", b"<OBJECT data=x>", b"<embed>",
    b"<!DOCTYPE  html>", b"<!doctype\nHTML", b"JavaScript:alert(1)", b"/JavaScript", b"/JS (app.alert(1))", b"/js<feff>", b"/Launch",
    b"/EmbeddedFile", b"/EMBEDDEDFILE ",
    # near misses
    b"<scripts>", b"<htmlx", b"< !doctype html", b"<!doctypehtml", b"java script:", b"/JavaScripts", b"/JSON", b"/js x", b"/Launcher",
    b"/EmbeddedFiles", b"script", b"<", b"/", b"",
]


@pytest.mark.parametrize("sample", SAMPLES)
def test_active_content_is_found_in_any_letter_case_exactly_where_one_case_insensitive_pattern_finds_it(sample):
    noise = random.Random(sample).randbytes(3000)
    for content in (sample, noise[:1500] + sample + noise[1500:], sample.upper(), sample.swapcase() + noise):
        assert has_active_content(content) == bool(ONE_PATTERN.search(content)), content[:80]


def test_active_content_search_agrees_on_random_binary_files():
    rng = random.Random(20261121)
    for _ in range(200):
        content = bytearray(rng.randbytes(4096))
        for _ in range(rng.randrange(4)):  # plant a few fragments, whole or cut short
            fragment = rng.choice(SAMPLES)[: rng.randrange(1, 20)]
            at = rng.randrange(len(content))
            content[at:at] = fragment if rng.random() < 0.5 else fragment.upper()
        assert has_active_content(bytes(content)) == bool(ONE_PATTERN.search(bytes(content)))
