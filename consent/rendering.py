"""Consent documents are written in Markdown and shown as sanitised HTML: no raw HTML,
no links or images, nothing that runs."""

import hashlib

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {"h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "br", "blockquote", "hr"}


def render(text: str) -> SafeString:
    html = markdown.markdown(text, output_format="html")
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, attributes={}))  # noqa: S308 - sanitised


def text_hash(title: str, body: str) -> str:
    """SHA-256 of exactly what a student is shown: the title and the Markdown body."""
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()
