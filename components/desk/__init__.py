"""The editor's desk: editing, history and imports of the data package inside the app."""
