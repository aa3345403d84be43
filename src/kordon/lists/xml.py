"""Hardened, streaming reading of list files in XML (UN, EU FSF, ...).

One class, :class:`XmlRecords`: it checks the root element, then yields the
record elements (``<INDIVIDUAL>``, ``<sanctionEntity>``...) one at a time and
frees each one once the caller has moved on, so memory stays flat whatever the
file size::

    with XmlRecords(path, root="CONSOLIDATED_LIST", records={"INDIVIDUAL", "ENTITY"},
                    what="UN consolidated list") as xml:
        published = xml.root_attrib.get("dateGenerated")
        for element in xml:
            ...  # element.sourceline is the line of the record in the file

Tags are compared and yielded by local name: namespaces are dropped, so a
caller writes ``element.find("nameAlias")`` whether or not the file declares
one (``root_namespace`` says which it did).

Defences, because list files come from the network:

- a DOCTYPE that declares entities (billion laughs, external entities /
  XXE) is refused before the parser reads it; entity expansion, DTD loading
  and network access are switched off in the parser as well;
- ``huge_tree`` stays off, so libxml2's limits on text size and depth hold;
- the encoding is strict: bytes that do not decode (invalid UTF-8) are an
  error, never replaced silently.

Every problem raises :class:`~kordon.lists.base.ListFormatError` naming the
file and line: a truncated file, a file that is not XML (a CSV), the wrong
root element (an EU file given to the UN parser), undecodable bytes.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Collection, Iterator

from lxml import etree

from kordon.lists.base import ListFormatError

# How far to look for the root element when checking the prolog for entity
# declarations; real list files have a prolog of a few hundred bytes.
PROLOG_LIMIT = 1 << 20

_ROOT_START = re.compile(r"<[A-Za-z_:]")
_ENTITY_DECLARATION = re.compile(r"<!ENTITY", re.IGNORECASE)


class XmlRecords:
    """The record elements of one XML list file, streamed. See the module docstring."""

    def __init__(self, path: Path | str, *, root: str, records: Collection[str], what: str):
        self.path = Path(path)
        self.records = frozenset(records)
        self.what = what
        _refuse_entity_declarations(self.path)
        self._file = self.path.open("rb")
        self._events = etree.iterparse(
            self._file,
            events=("start", "end"),
            resolve_entities=False,
            load_dtd=False,
            no_network=True,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        try:
            root_element = self._read_root()
        except BaseException:
            self.close()
            raise
        self.root_tag = etree.QName(root_element).localname
        self.root_namespace = etree.QName(root_element).namespace
        self.root_attrib = {etree.QName(k).localname: v for k, v in root_element.attrib.items()}
        if self.root_tag != root:
            self.close()
            raise ListFormatError(
                self.path,
                f"not a {what}: the root element is <{self.root_tag}>, expected <{root}>",
                line=root_element.sourceline,
            )

    def _read_root(self) -> etree._Element:
        try:
            _event, element = next(self._events)
        except StopIteration:  # pragma: no cover - lxml raises on an empty document
            raise ListFormatError(self.path, f"not a {self.what}: no XML element found", line=1) from None
        except etree.XMLSyntaxError as exc:
            raise self._syntax_error(exc) from None
        dtd = element.getroottree().docinfo.internalDTD
        if dtd is not None and any(True for _ in dtd.iterentities()):
            # Second line of defence; _refuse_entity_declarations normally catches these first.
            raise ListFormatError(self.path, "refused: the DOCTYPE declares entities", line=1)
        return element

    def __iter__(self) -> Iterator[etree._Element]:
        try:
            for event, element in self._events:
                if event != "end" or not isinstance(element.tag, str):
                    continue
                if etree.QName(element).localname not in self.records:
                    continue
                _drop_namespaces(element)
                yield element
                _free(element)
        except etree.XMLSyntaxError as exc:
            raise self._syntax_error(exc) from None
        finally:
            self.close()

    def _syntax_error(self, exc: etree.XMLSyntaxError) -> ListFormatError:
        line = exc.lineno or None
        message = exc.msg or str(exc)
        # libxml2 repeats the position in the message; the error names the line already.
        message = re.sub(r",? line \d+, column \d+$", "", message)
        return ListFormatError(self.path, f"malformed XML ({self.what}): {message}", line=line)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "XmlRecords":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _refuse_entity_declarations(path: Path) -> None:
    """Refuse a file whose prolog (the text before the root element) declares entities."""
    prolog = _read_prolog(path)
    if match := _ENTITY_DECLARATION.search(prolog):
        line = prolog.count("\n", 0, match.start()) + 1
        raise ListFormatError(
            path,
            "refused: the DOCTYPE declares entities (entity expansion and external entities are not allowed)",
            line=line,
        )


def _read_prolog(path: Path) -> str:
    """The text before the first element start tag, decoded loosely (only ASCII markup matters)."""
    with path.open("rb") as fh:
        head = fh.read(4)
        decoder = codecs.getincrementaldecoder(_prolog_encoding(head))(errors="replace")
        text = decoder.decode(head)
        while len(text) < PROLOG_LIMIT:
            if match := _ROOT_START.search(text):
                return text[: match.start()]
            chunk = fh.read(1 << 16)
            if not chunk:
                return text
            text += decoder.decode(chunk)
    raise ListFormatError(path, f"no root element in the first {PROLOG_LIMIT} characters; refusing to read on")


def _prolog_encoding(head: bytes) -> str:
    # UTF-16 would hide "<!ENTITY" from a byte search; everything else is ASCII-compatible.
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (len(head) > 1 and b"\0" in head[:2]):
        return "utf-16-be" if head.startswith((codecs.BOM_UTF16_BE, b"\0")) else "utf-16-le"
    return "latin-1"


def _drop_namespaces(element: etree._Element) -> None:
    for node in element.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            node.tag = node.tag.split("}", 1)[1]


def _free(element: etree._Element) -> None:
    """Clear a processed record and the records before it, so the tree never grows."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is None:
        return
    while element.getprevious() is not None:
        del parent[0]
