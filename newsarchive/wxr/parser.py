"""Reading a WXR file as a stream: one small element tree per author, term or item.

The parser is expat, driven directly: it sees CDATA boundaries (so the whitespace that
pretty-printed exports put around a CDATA body is not mistaken for content), it refuses a
DOCTYPE (no entity tricks), and it reports errors with a line and column. Each child of
`<channel>` is built as a small tree, handed over, and dropped, so memory stays flat however
long the file is.

Names are matched by namespace, never by prefix: `wp` and `excerpt` by the pattern of
WordPress's export namespaces (1.0, 1.1 and 1.2, http or https), so an element whose `wp:`
prefix was rebound to some other namespace is foreign and ignored, subtree and all.
"""

import os
import re
from pyexpat import ExpatError, ErrorString, ParserCreate

WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
VERSION = re.compile(r"^\d+\.\d+$")
CHUNK_SIZE = 256 * 1024

# Plainer words for expat's commonest complaints.
PLAIN_ERRORS = {
    "no element found": "the file ends in the middle of the document (is it truncated?)",
    "mismatched tag": "a closing tag does not match the element it closes",
    "not well-formed (invalid token)": "the file is not well-formed XML (invalid token)",
    "unclosed token": "the file ends in the middle of a tag (is it truncated?)",
    "undefined entity": "an undefined entity (&name;) outside CDATA",
    "junk after document element": "there is more after the end of the document",
}


class WXRError(Exception):
    """A file that cannot be imported, with where the trouble is."""

    def __init__(self, message, file=None, line=None, column=None):
        super().__init__(message)
        self.message, self.file, self.line, self.column = message, file, line, column

    def __str__(self):
        where = [str(self.file)] if self.file else []
        if self.line is not None:
            where.append(f"line {self.line}, column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class Element:
    """A parsed element: `key` is "wp:post_id", "content:encoded", "title" and so on."""

    __slots__ = ("attrs", "children", "column", "key", "line", "text")

    def __init__(self, key, attrs, line, column):
        self.key, self.attrs, self.line, self.column = key, attrs, line, column
        self.children = []
        self.text = ""

    def __repr__(self):
        return f"<Element {self.key} line {self.line}>"

    def find(self, key):
        for child in self.children:
            if child.key == key:
                return child
        return None

    def value(self, key, default=""):
        """The text of the first child called `key`, or `default` if there is none."""
        for child in self.children:
            if child.key == key:
                return child.text
        return default

    def all(self, key):
        return [child for child in self.children if child.key == key]


def element_text(pieces):
    """Join character data; whitespace outside CDATA around CDATA content is formatting."""
    if not pieces:
        return ""
    if len(pieces) == 1:
        return pieces[0][0]
    if any(cdata for _, cdata in pieces):
        start, end = 0, len(pieces)
        while start < end and not pieces[start][1] and not pieces[start][0].strip():
            start += 1
        while end > start and not pieces[end - 1][1] and not pieces[end - 1][0].strip():
            end -= 1
        pieces = pieces[start:end]
    return "".join(text for text, _ in pieces)


class _Builder:
    """expat handlers that build one tree per child of <channel> and queue it when done."""

    def __init__(self, parser, name):
        self.parser, self.name = parser, name
        self.keys = {}
        self.depth = 0
        self.foreign = 0  # > 0 while inside an element from a namespace we do not read
        self.stack = []  # (element, [(text, is_cdata), …]) being built
        self.in_cdata = False
        self.done = []
        self.version = None
        self.seen_channel = False

    def key(self, name):
        key = self.keys.get(name)
        if key is None:
            uri, _, local = name.rpartition(" ")
            if not uri:
                key = local
            elif WP_NAMESPACE.match(uri):
                key = f"wp:{local}"
            elif EXCERPT_NAMESPACE.match(uri):
                key = f"excerpt:{local}"
            elif uri in NAMESPACES:
                key = f"{NAMESPACES[uri]}:{local}"
            else:
                key = ""  # foreign
            self.keys[name] = key
        return key

    def error(self, message):
        parser = self.parser
        return WXRError(
            message, self.name, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1
        )

    def start(self, name, attrs):
        self.depth += 1
        if self.foreign:
            self.foreign += 1
            return
        key = self.key(name)
        if self.depth == 1:
            if key != "rss":
                raise self.error("this is not a WXR file: the document is not <rss>")
            return
        if self.depth == 2:
            if key != "channel":
                raise self.error(f"expected <channel> inside <rss>, found <{name}>")
            self.seen_channel = True
            return
        if not key:
            self.foreign = 1
            return
        parser = self.parser
        element = Element(key, attrs, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)
        if self.stack:
            self.stack[-1][0].children.append(element)
        self.stack.append((element, []))

    def end(self, name):
        self.depth -= 1
        if self.foreign:
            self.foreign -= 1
            return
        if not self.stack:
            return
        element, pieces = self.stack.pop()
        element.text = element_text(pieces)
        if not self.stack:
            if element.key == "wp:wxr_version":
                self.version = element.text.strip()
                if not VERSION.match(self.version):
                    raise WXRError(
                        f"this is not a WXR file: wp:wxr_version is {self.version!r}",
                        self.name,
                        element.line,
                        element.column,
                    )
            self.done.append(element)

    def data(self, text):
        if self.stack and not self.foreign:
            self.stack[-1][1].append((text, self.in_cdata))

    def start_cdata(self):
        self.in_cdata = True

    def end_cdata(self):
        self.in_cdata = False

    def doctype(self, *args):
        raise self.error("a WXR file may not have a DOCTYPE (entity declarations are refused)")

    def entity(self, *args):
        raise self.error("a WXR file may not declare entities")


def read_elements(file, name=None, progress=None):
    """Yield each child of <channel> as an Element, as soon as it is complete.

    `file` is a binary file object. `progress(bytes_read)` is called after each chunk.
    Raises WXRError for a file that is not well-formed or not WXR.
    """
    name = name or getattr(file, "name", "file")
    parser = ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.buffer_size = 64 * 1024
    builder = _Builder(parser, os.path.basename(str(name)))
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.StartCdataSectionHandler = builder.start_cdata
    parser.EndCdataSectionHandler = builder.end_cdata
    parser.StartDoctypeDeclHandler = builder.doctype
    parser.EntityDeclHandler = builder.entity
    read = 0
    while True:
        chunk = file.read(CHUNK_SIZE)
        final = not chunk
        try:
            parser.Parse(chunk, final)
        except ExpatError as error:
            message = ErrorString(error.code)
            raise WXRError(
                PLAIN_ERRORS.get(message, f"the file is not well-formed XML ({message})"),
                builder.name,
                error.lineno,
                error.offset + 1,
            ) from None
        read += len(chunk)
        if builder.done:
            done, builder.done = builder.done, []
            for element in done:
                if builder.version is None and element.key in CONTENT_KEYS:
                    raise WXRError(
                        "this is not a WXR file: there is no wp:wxr_version before "
                        f"the first <{element.key}>",
                        builder.name,
                        element.line,
                        element.column,
                    )
                yield element
        if progress is not None:
            progress(read)
        if final:
            break
    if builder.version is None:
        raise WXRError("this is not a WXR file: it has no wp:wxr_version", builder.name)


CONTENT_KEYS = {"item", "wp:author", "wp:category", "wp:tag", "wp:term"}
