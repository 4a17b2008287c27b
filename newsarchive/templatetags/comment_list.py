"""The comment list, the one loop on an entry page long enough to cost: an entry with fifty
comments spent half its rendering time in the template engine's loop. Here each comment is one
`format_html` call (which escapes every value it is given, as the template did)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from newsarchive.templatetags.dates import day_and_time, iso

register = template.Library()

COMMENT = """<li id="{anchor}" class="comment depth-{depth}{pending}">
      <article aria-label="Comment by {name}">
        <footer class="comment-meta">
          <cite class="comment-author">{author}</cite>
          <a href="#{anchor}" class="comment-permalink"><time datetime="{iso}">{when}</time></a>
        </footer>
        {awaiting}<div class="comment-body">{body}</div>
        {reply}
      </article>
    </li>"""
AUTHOR_LINK = '<a href="{}" rel="external nofollow ugc">{}</a>'
AWAITING = mark_safe('<p class="awaiting-moderation">Your comment is awaiting moderation.</p>')
REPLY = (
    '<p class="reply"><a href="?replyto={pk}#respond" class="reply-link" data-comment="{pk}" '
    'data-author="{name}">Reply<span class="visually-hidden"> to {name}</span></a></p>'
)


@register.simple_tag
def comment_items(comments, can_reply):
    """`<li>` for each comment; Reply links on approved ones when `can_reply`."""
    return mark_safe("\n    ".join(comment_item(comment, can_reply) for comment in comments))


def comment_item(comment, can_reply):
    pending = comment.status == comment.Status.PENDING
    name = comment.author_name
    return format_html(
        COMMENT,
        anchor=comment.anchor,
        depth=comment.depth,
        pending=" pending" if pending else "",
        name=name,
        author=format_html(AUTHOR_LINK, comment.author_url, name) if comment.author_url else name,
        iso=iso(comment.submitted_at),
        when=day_and_time(comment.submitted_at),
        awaiting=AWAITING if pending else "",
        body=comment.body_html(),
        reply=(
            format_html(REPLY, pk=comment.pk, name=name)
            if can_reply and comment.status == comment.Status.APPROVED
            else ""
        ),
    )
