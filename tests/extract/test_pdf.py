from vigil.extract.reader import read, sniff


def make_pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF with a text layer, written by hand so the test needs no PDF writer."""
    ops = ["BT", "/F1 11 Tf", "14 TL", "50 780 Td"]
    for ln in lines:
        ops.append("(" + ln.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def test_pdf_text_layer() -> None:
    pdf = make_pdf(
        ["Press release", "", "The Example Rights Centre urged the authorities to free the detainees."]
    )
    assert sniff(pdf) == "pdf"
    art = read(pdf)
    assert "urged the authorities to free the detainees" in art.text


def test_broken_pdf_is_one_clear_error() -> None:
    import pytest

    from vigil.errors import VigilError

    with pytest.raises(VigilError):
        read(b"%PDF-1.4\nthis is not really a pdf")
