"""Reading a WXR file as a stream: one small element tree per author, term or item.

The parser is expat, driven directly: it sees CDATA boundaries (so the whitespace that
pretty-printed exports put around a CDATA body is not mistaken for content), it refuses a
DOCTYPE (no entity tricks), and it reports errors with a line and column. Each child of
`<channel>` is built as a small tree (its simple fields as a dict), handed over, and
dropped, so memory stays flat however long the file is.

Names are matched by namespace, never by prefix: `wp` and `excerpt` by the pattern of
WordPress's export namespaces (1.0, 1.1 and 1.2, http or https), so an element whose `wp:`
prefix was rebound to some other namespace is foreign and ignored, subtree and all.
"""

import functools
import os
import re
from pyexpat import ErrorString, ExpatError, ParserCreate

WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
VERSION = re.compile(r"^\d+\.\d+$")
CHUNK_SIZE = 256 * 1024
# What one file may ask of memory. WordPress nests its elements 6 deep (rss, channel, item,
# wp:comment, wp:commentmeta, wp:meta_value); every open element costs expat memory, and a
# file of nothing but opening tags once took a worker to 2.7 GB. One child of <channel> (an
# item with all its comments, say) is held whole while it is read, so its size is capped too.
MAX_DEPTH = 64
MAX_ELEMENT_BYTES = 32 * 1024 * 1024

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
    """A parsed element: `key` is "wp:post_id", "content:encoded", "title" and so on.

    Only elements that hold others (items, comments, post meta, categories on an item, and
    every child of <channel>) are built as Elements; a simple field becomes an entry of its
    holder's `fields`, {key: text}, the first of each key kept.
    """

    __slots__ = ("attrs", "children", "column", "fields", "key", "line", "start", "text")

    def __init__(self, key, attrs, start):
        self.key, self.attrs, self.start = key, attrs, start
        self.children = []
        self.fields = {}
        self.text = ""
        self.line = self.column = None

    def __repr__(self):
        return f"<Element {self.key} line {self.line}>"

    def value(self, key, default=""):
        """The text of the first field called `key`, or `default` if there is none."""
        return self.fields.get(key, default)


# Elements built as Elements when inside another (every child of <channel> is one as well).
HOLDERS = {"item", "category", "wp:postmeta", "wp:comment", "wp:commentmeta", "wp:termmeta"}


# Markers the CDATA handlers put among the character data (see element_text).
CDATA_START, CDATA_END = object(), object()


def element_text(pieces):
    """Join an element's character data. Outside CDATA, whitespace before the first and after
    the last CDATA section is a pretty-printer's indentation, not content."""
    if len(pieces) == 1:
        return pieces[0]
    if len(pieces) == 3 and pieces[0] is CDATA_START and pieces[2] is CDATA_END:
        return pieces[1]
    if CDATA_START in pieces:
        first = pieces.index(CDATA_START)
        last = len(pieces) - pieces[::-1].index(CDATA_END)
        kept = [p for p in pieces[:first] if p.strip()]
        for piece in pieces[first:last]:
            if piece.__class__ is str:
                kept.append(piece)
        kept.extend(p for p in pieces[last:] if p.strip())
        return "".join(kept)
    return "".join(pieces)


class _Builder:
    """expat handlers that build one tree per child of <channel> and queue it when done.

    Character data goes straight into one list (expat calls its append() itself, with no
    Python in between); an element takes the slice that arrived since it started. Only start
    and end tags run Python, which keeps a 100,000-entry file to seconds.
    """

    def __init__(self, parser, name):
        self.parser, self.name = parser, name
        self.keys = {}
        self.depth = 0
        self.foreign = 0  # > 0 while inside an element from a namespace we do not read
        self.foreign_start = 0
        self.stack = []  # elements and (key, start) of fields being read, outermost first
        self.holders = []  # the Elements among them
        self.text = []  # character data and CDATA markers, in document order
        self.done = []
        self.version = None
        # Where the child of <channel> being read (or the text before it) began: byte, line,
        # column and its name, for MAX_ELEMENT_BYTES.
        self.began = (0, 1, 1, None)

    def key(self, name):
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
        if self.foreign:
            self.foreign += 1
            if self.foreign + len(self.stack) > MAX_DEPTH - 2:
                raise self.too_deep()
            return
        key = self.keys.get(name)
        if key is None:
            key = self.key(name)
        stack = self.stack
        if stack:
            if len(stack) > MAX_DEPTH - 3:
                raise self.too_deep()
            if not key or key in UNREAD:
                self.foreign, self.foreign_start = 1, len(self.text)
            elif key in HOLDERS:
                element = Element(key, attrs, len(self.text))
                self.holders[-1].children.append(element)
                self.holders.append(element)
                stack.append(element)
                if key == "wp:comment":
                    self._place(element)
            else:
                stack.append((key, len(self.text)))
        elif self.depth == 2:  # a child of <channel>: an item, an author, a term …
            self._begin(name)
            if key:
                del self.text[:]  # the channel's own whitespace
                element = Element(key, attrs, 0)
                self._place(element)
                stack.append(element)
                self.holders = [element]
            else:
                self.foreign, self.foreign_start = 1, len(self.text)
        else:
            self.depth += 1
            if self.depth == 1 and key != "rss":
                raise self.error("this is not a WXR file: the document is not <rss>")
            if self.depth == 2 and key != "channel":
                raise self.error(f"expected <channel> inside <rss>, found <{name}>")

    def too_deep(self):
        return self.error(
            f"elements are nested more than {MAX_DEPTH} deep (WordPress's exports nest 6); "
            "this is not a WXR file"
        )

    def _begin(self, name=None):
        parser = self.parser
        self.began = (
            parser.CurrentByteIndex,
            parser.CurrentLineNumber,
            parser.CurrentColumnNumber + 1,
            name and name.rpartition(" ")[2],
        )

    def too_large(self, read):
        """A WXRError if what is being read began more than MAX_ELEMENT_BYTES ago."""
        start, line, column, name = self.began
        if read - start <= MAX_ELEMENT_BYTES:
            return None
        what = f"<{name}>" if name else "the text between elements"
        return WXRError(
            f"{what} is larger than {MAX_ELEMENT_BYTES // (1024 * 1024)} MB, the most one "
            "element may hold",
            self.name,
            line,
            column,
        )

    def _place(self, element):
        element.line = self.parser.CurrentLineNumber
        element.column = self.parser.CurrentColumnNumber + 1

    def end(self, name):
        if self.foreign:
            self.foreign -= 1
            if not self.foreign:
                del self.text[self.foreign_start :]
                if not self.stack:  # a foreign child of <channel> ended
                    self._begin()
            return
        stack = self.stack
        if not stack:
            self.depth -= 1
            return
        node = stack.pop()
        text = self.text
        if node.__class__ is tuple:  # a simple field, kept by the element holding it
            key, start = node
            count = len(text) - start
            if not count:
                value = ""
            elif count == 1:
                value = text[start]
            elif count == 3 and text[start] is CDATA_START and text[-1] is CDATA_END:
                value = text[start + 1]
            else:
                value = element_text(text[start:])
            if count:
                del text[start:]
            fields = self.holders[-1].fields
            if key not in fields:
                fields[key] = value
            return
        self.holders.pop()
        start = node.start
        if len(text) > start:
            if not node.fields and not node.children:  # else it is only indentation
                node.text = element_text(text[start:])
            del text[start:]
        if not stack:
            self._begin()
            if node.key == "wp:wxr_version":
                self.version = node.text.strip()
                if not VERSION.match(self.version):
                    raise WXRError(
                        f"this is not a WXR file: wp:wxr_version is {self.version!r}",
                        self.name,
                        node.line,
                        node.column,
                    )
            self.done.append(node)

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
    parser.CharacterDataHandler = builder.text.append
    parser.StartCdataSectionHandler = functools.partial(builder.text.append, CDATA_START)
    parser.EndCdataSectionHandler = functools.partial(builder.text.append, CDATA_END)
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
        if (error := builder.too_large(read)) is not None:
            raise error
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
# Parts of an item nothing reads (RSS's own fields, the local twin of post_modified_gmt):
# skipped like foreign elements, which saves building them.
UNREAD = {"link", "pubDate", "description", "wp:post_modified"}
