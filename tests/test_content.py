from newsarchive.content import autop, before_more, render_body, render_comment, texturize


def test_autop_makes_paragraphs_from_blank_lines_and_breaks_from_single_newlines():
    assert autop("One\nline two\n\nThree") == "<p>One<br>\nline two</p>\n<p>Three</p>"


def test_autop_leaves_block_elements_and_preformatted_text_alone():
    html = autop("<blockquote>Quoted</blockquote>\n\n<pre>a\n\nb</pre>\n\nText")
    assert html == "<blockquote>Quoted</blockquote>\n<pre>a\n\nb</pre>\n<p>Text</p>"


def test_body_rendering_removes_scripts_event_handlers_and_javascript_links():
    html = render_body(
        '<script>alert(1)</script><img src="x.png" onerror="alert(2)">'
        '<a href="javascript:alert(3)">link</a><p style="color:red" onclick="x()">ok</p>'
    )
    assert "<script" not in html
    assert "alert(1)" not in html
    assert "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html
    assert "style=" not in html
    assert "ok" in html


def test_body_rendering_keeps_ordinary_markup():
    html = render_body('Read <a href="https://example.com/a">this</a> and <em>that</em>.')
    assert '<a href="https://example.com/a" rel="noopener noreferrer">this</a>' in html
    assert "<em>that</em>" in html


def test_texturize_curls_quotes_in_text_but_not_in_tags_or_code():
    html = texturize('<a title="x\'s">Don\'t</a> <code>it\'s "raw"</code> "quoted"')
    assert html == '<a title="x\'s">Don’t</a> <code>it\'s "raw"</code> “quoted”'


def test_before_more_cuts_at_the_more_marker():
    assert before_more("Lead.\n<!--more-->\nRest.") == "Lead.\n"
    assert before_more("No marker.") == "No marker."


def test_comment_text_is_escaped_and_bare_urls_become_nofollow_ugc_links():
    html = render_comment('<b>hi</b> see https://example.com/x?a=1&b=2\n\n"quoted" <script>')
    assert "<b>" not in html and "<script>" not in html
    assert "&lt;b&gt;hi&lt;/b&gt;" in html
    assert 'href="https://example.com/x?a=1&amp;b=2"' in html
    assert 'rel="nofollow ugc"' in html
    assert html.count("<p>") == 2


def test_comment_text_never_links_javascript():
    html = render_comment("javascript:alert(1) and www.example.com")
    assert 'href="javascript' not in html
    assert 'href="http://www.example.com"' in html


def test_comment_addresses_in_capitals_are_links_too():
    html = render_comment("Visit WWW.EXAMPLE.ORG or HTTPS://News.Example/x\n\nMail ME@Example.NET")
    assert '<a href="http://WWW.EXAMPLE.ORG" rel="nofollow ugc">' in html
    assert '<a href="https://News.Example/x" rel="nofollow ugc">' in html
    assert '<a href="mailto:ME@Example.NET">' in html
