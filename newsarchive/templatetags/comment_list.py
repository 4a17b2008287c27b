"""The comment list, the one loop on an entry page long enough to cost: an entry with fifty
comments spent half its rendering time in the template engine's loop. Here each comment is one
string built in Python, every value a commenter typed passed through `html.escape` (what
Django's own escaping calls, without its lazy-string checks on each value)."""

from html import escape

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from newsarchive.models import Comment
from newsarchive.templatetags.dates import html_moment, local, said_at

register = template.Library()

AWAITING = '<p class="awaiting-moderation">Your comment is awaiting moderation.</p>'


@register.simple_tag
def comment_items(comments, can_reply):
    """`<li>` for each comment; Reply links on approved ones when `can_reply`."""
    zone = timezone.get_current_timezone()
    return mark_safe("\n    ".join(comment_item(c, can_reply, zone) for c in comments))


def comment_item(comment, can_reply, zone):
    pending = comment.status == Comment.Status.PENDING
    submitted_at = local(comment.submitted_at, zone)
    name, anchor = escape(comment.author_name), escape(comment.anchor)
    author = name
    if comment.author_url:
        author = f'<a href="{escape(comment.author_url)}" rel="external nofollow ugc">{name}</a>'
    reply = ""
    if can_reply and comment.status == Comment.Status.APPROVED:
        reply = (
            f'<p class="reply"><a href="?replyto={comment.pk}#respond" class="reply-link" '
            f'data-comment="{comment.pk}" data-author="{name}">Reply<span '
            f'class="visually-hidden"> to {name}</span></a></p>'
        )
    return f"""<li id="{anchor}" class="comment depth-{comment.depth}{" pending" if pending else ""}">
      <article aria-label="Comment by {name}">
        <footer class="comment-meta">
          <cite class="comment-author">{author}</cite>
          <a href="#{anchor}" class="comment-permalink"><time datetime="{html_moment(submitted_at)}">{said_at(submitted_at)}</time></a>
        </footer>
        {AWAITING if pending else ""}<div class="comment-body">{comment.body_html()}</div>
        {reply}
      </article>
    </li>"""  # noqa: E501
