from vigil.extract.reader import read, sniff

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Court jails activists | Example News</title>
<meta property="og:title" content="Court jails three activists">
<meta property="article:published_time" content="2021-06-04T09:30:00Z">
<meta name="author" content="Jane Roe">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li>Sport</li></ul></nav>
<article>
<h1>Court jails three activists</h1>
<p>A court in the capital jailed three activists on Thursday for organising a peaceful march, their lawyer said.</p>
<p>“This verdict is an attack on the right to protest,” said Lena Park, a lawyer for the three, who said they would appeal.</p>
<p>The interior ministry said the march had not been authorised and that the law had been applied fairly.</p>
<p>International observers have called on the government to release the activists and to drop all charges.</p>
</article>
<aside><h2>Related Articles</h2><ul><li><a href="/a">Another story entirely</a></li></ul></aside>
<footer>Share this article. Subscribe to our newsletter. Copyright 2021 Example News.</footer>
</body></html>
"""


def test_html_body_title_and_date() -> None:
    assert sniff(PAGE.encode()) == "html"
    art = read(PAGE.encode(), url="https://news.example.org/court")
    assert art.title == "Court jails three activists"
    assert art.published == "2021-06-04"
    assert "Jane Roe" in art.authors
    assert "jailed three activists on Thursday" in art.text
    assert "“This verdict is an attack on the right to protest,” said Lena Park" in art.text
    assert "Another story entirely" not in art.text
    assert "Home" not in art.text.split()
    assert art.url == "https://news.example.org/court"


def test_html_in_a_declared_legacy_charset() -> None:
    page = PAGE.replace('charset="utf-8"', 'charset="windows-1252"').replace("“", '"').replace("”", '"')
    page = page.replace("capital", "capital café")
    art = read(page.encode("cp1252"))
    assert "capital café" in art.text
