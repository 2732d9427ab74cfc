"""Publishing: charts as images sized for stories, citations and permalinks, embeds, and the static site.

Pure modules (no streamlit): the pages and the site builder wire them up.
"""
