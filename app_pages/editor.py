"""The editor's desk: a sign-in form for anyone not signed in; for editors, the data's state, editing, history and restore."""

from components.desk import page

page.render()
