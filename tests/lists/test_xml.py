"""Hardened streaming XML reading (kordon.lists.xml): attacks, broken files, memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from kordon.lists.base import ListFormatError
from kordon.lists.xml import XmlRecords

UN = dict(root="CONSOLIDATED_LIST", records={"INDIVIDUAL", "ENTITY"}, what="UN consolidated list")


def write(tmp_path: Path, text: str | bytes, name: str = "list.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def records(path: Path, **kw) -> list[str]:
    with XmlRecords(path, **(kw or UN)) as xml:
        return [element.findtext("FIRST_NAME") for element in xml]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<CONSOLIDATED_LIST dateGenerated="&lol9;"><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol9;</FIRST_NAME>
</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>
"""


def test_billion_laughs_is_refused_before_parsing(tmp_path):
    path = write(tmp_path, BILLION_LAUGHS)
    with pytest.raises(ListFormatError, match="declares entities") as caught:
        records(path)
    assert caught.value.path == str(path) and caught.value.line == 3  # the first <!ENTITY


@pytest.mark.parametrize("prolog", [
    # external entity (XXE) reading a local file
    '<?xml version="1.0"?>\n<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>\n',
    # parameter entity, expanded inside the DTD itself
    '<?xml version="1.0"?>\n<!DOCTYPE foo [ <!ENTITY % pe SYSTEM "file:///etc/passwd"> %pe; ]>\n',
    # hidden after a comment that stops the prolog scan: the parser-side DTD check refuses it
    '<?xml version="1.0"?>\n<!-- <a> -->\n<!DOCTYPE foo [ <!ENTITY x "y"> ]>\n',
])
def test_entity_declarations_are_refused(tmp_path, prolog):
    path = write(tmp_path, prolog + "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>A</FIRST_NAME>"
                                    "</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>")
    with pytest.raises(ListFormatError, match="declares entities"):
        records(path)


def test_entities_in_utf16_are_refused(tmp_path):
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE foo [ <!ENTITY x "y"> ]>\n<CONSOLIDATED_LIST/>'
    path = write(tmp_path, text.encode("utf-16"))
    with pytest.raises(ListFormatError, match="declares entities"):
        records(path)


def test_undeclared_entity_reference_is_an_error(tmp_path):
    path = write(tmp_path, "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&nope;</FIRST_NAME>"
                           "</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>")
    with pytest.raises(ListFormatError, match="malformed XML"):
        records(path)


def test_doctype_without_entities_is_accepted(tmp_path):
    path = write(tmp_path, '<?xml version="1.0"?>\n<!DOCTYPE CONSOLIDATED_LIST SYSTEM "http://example.com/x.dtd">\n'
                           "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL>"
                           "</INDIVIDUALS></CONSOLIDATED_LIST>")
    assert records(path) == ["A"]  # and the external DTD is never fetched (no_network, load_dtd off)


def test_truncated_file_names_file_and_line(tmp_path):
    lines = ["<CONSOLIDATED_LIST>", "<INDIVIDUALS>"]
    lines += [f"<INDIVIDUAL><FIRST_NAME>N{i}</FIRST_NAME></INDIVIDUAL>" for i in range(5)]
    lines += ["<INDIVIDUAL><FIRST_NAME>cut he"]
    path = write(tmp_path, "\n".join(lines))
    seen = []
    with pytest.raises(ListFormatError) as caught:
        with XmlRecords(path, **UN) as xml:
            for element in xml:
                seen.append(element.findtext("FIRST_NAME"))
    assert seen == [f"N{i}" for i in range(5)]  # records before the cut were streamed
    assert caught.value.path == str(path) and caught.value.line == 8
    assert "malformed XML" in str(caught.value) and str(path) in str(caught.value)


def test_csv_is_not_xml(tmp_path):
    path = write(tmp_path, "celex,recordId,name\n32014R0269,1,Somebody\n", "list.csv")
    with pytest.raises(ListFormatError, match="malformed XML") as caught:
        records(path)
    assert caught.value.line == 1


def test_empty_file(tmp_path):
    with pytest.raises(ListFormatError, match="malformed XML"):
        records(write(tmp_path, ""))


def test_wrong_root_is_named(tmp_path):
    path = write(tmp_path, '<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity/></export>')
    with pytest.raises(ListFormatError, match=r"not a UN consolidated list: the root element is <export>"):
        records(path)


def test_invalid_utf8_is_an_error_with_line(tmp_path):
    path = write(tmp_path, b'<?xml version="1.0" encoding="UTF-8"?>\n<CONSOLIDATED_LIST>\n<INDIVIDUALS><INDIVIDUAL>'
                           b"<FIRST_NAME>ab\xff\xfe</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>")
    with pytest.raises(ListFormatError, match="encoding") as caught:
        records(path)
    assert caught.value.line == 3


def test_root_attributes_and_namespaces(tmp_path):
    path = write(tmp_path, '<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-01-01">'
                           '<sanctionEntity logicalId="7"><nameAlias wholeName="X"/></sanctionEntity></export>')
    with XmlRecords(path, root="export", records={"sanctionEntity"}, what="EU FSF") as xml:
        assert xml.root_attrib == {"generationDate": "2026-01-01"}
        assert xml.root_namespace == "http://eu.europa.ec/fpi/fsd/export"
        found = [(e.tag, e.get("logicalId"), e.find("nameAlias").get("wholeName"), e.sourceline) for e in xml]
    assert found == [("sanctionEntity", "7", "X", 1)]


def test_records_are_freed_as_the_stream_moves_on(tmp_path):
    count = 5000
    body = "".join(f"<INDIVIDUAL><FIRST_NAME>N{i}</FIRST_NAME><COMMENTS1>{'x' * 200}</COMMENTS1></INDIVIDUAL>"
                   for i in range(count))
    path = write(tmp_path, f"<CONSOLIDATED_LIST><INDIVIDUALS>{body}</INDIVIDUALS></CONSOLIDATED_LIST>")
    names, kept_behind, previous = 0, 0, None
    with XmlRecords(path, **UN) as xml:
        for element in xml:
            names += element.findtext("FIRST_NAME") is not None
            before = element.getprevious()  # the last processed record, emptied, stays until the next is done
            kept_behind = max(kept_behind, 0 if before is None else 1 + (before.getprevious() is not None))
            if previous is not None:
                assert len(previous) == 0 and previous.text is None  # emptied once the stream moved on
            previous = element
    assert names == count
    assert kept_behind <= 1  # the tree never grows with the file


def test_file_is_closed_after_errors_and_early_exit(tmp_path):
    path = write(tmp_path, "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL>"
                           "<INDIVIDUAL><FIRST_NAME>B</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>")
    with XmlRecords(path, **UN) as xml:
        next(iter(xml))
    assert xml._file.closed
    with pytest.raises(ListFormatError):
        XmlRecords(path, root="export", records={"x"}, what="EU FSF")
