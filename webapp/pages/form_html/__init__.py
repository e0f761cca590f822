"""Task forms rendered on the server from their JSON Schema and UI schema, and posts read back.

`render_form` writes the fields (the page adds the <form>, CSRF token and buttons); the page's
buttons post `action=submit` or `action=save_draft`, the list buttons `add:/pointer` and
`remove:/pointer/<i>`, so everything works without JavaScript. `parse_submission` turns the post
into JSON data typed by the schema, ready for the engine's validator. What a form may use is
listed in `engine.form_keywords`, which deployment enforces. A form pointing at other form
files of its deployment is first given `with_references(schema, forms)`. Styles: static/form_html.css.
"""

from webapp.pages.form_html.parse import BadSubmission, Submission, parse_submission
from webapp.pages.form_html.references import with_references
from webapp.pages.form_html.render import render_form

__all__ = ["BadSubmission", "Submission", "parse_submission", "render_form", "with_references"]
