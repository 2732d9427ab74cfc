"""How big the gang is, how many Venezuelans live in and cross into the US, and DHS's gang-linked counts, charted with their sources."""

import plotly.graph_objects as go
import streamlit as st

from components import charts, datasets, widgets


def chart_block(name: str, figure: go.Figure, table, notes: list[str], source_ids, image_format: str) -> None:
    """A chart with its table, download, notes and sources, exported as tren-de-aragua-<name>."""
    filename = f"tren-de-aragua-{name}"
    widgets.chart_with_data(f"figures_{name}", figure, table, notes, source_ids, sources, charts.chart_config(filename, image_format), f"{filename}.csv", alt=charts.describe(figure))


figures = datasets.load_figures()
series = datasets.load_series()
sources = datasets.load_sources()

st.title("Figures")
st.markdown(
    "The numbers behind the story, each with who produced it and when. Where estimates disagree, "
    "all of them are shown side by side: none is the true number."
)
image_format = widgets.single_choice_filter("Camera button on each chart saves", charts.IMAGE_FORMATS, key="figures_image", default=next(iter(charts.IMAGE_FORMATS)), segmented=True, link_default=False)

st.header("How big is Tren de Aragua?")
membership = charts.membership_rows(figures)
membership_table = charts.figure_table(membership)
chart_block("membership-estimates", charts.membership_estimates(figures, sources), membership_table, charts.table_notes(membership_table, "label"), membership["source_id"], image_format)

profits = charts.profit_rows(figures)
profit_table = charts.figure_table(profits)
chart_block("annual-profits", charts.profit_estimates(figures, sources), profit_table, charts.table_notes(profit_table, "label"), profits["source_id"], image_format)

st.header("Venezuelans in the US")
population = charts.population_rows(figures)
population_table = charts.figure_table(population)
chart_block("venezuelan-population-us", charts.population_over_time(figures, sources), population_table, charts.table_notes(population_table, "label"), population["source_id"], image_format)

st.header("Border encounters")
period = widgets.single_choice_filter("Show encounters", charts.PERIODS, key="figures_period", default=next(iter(charts.PERIODS)), segmented=True, link_default=False)
milestones, rulings = datasets.load_milestones(), datasets.load_rulings()
encounters = charts.encounter_rows(series, period)
dates = charts.marked_dates(series, milestones, rulings, period)
encounter_figure = charts.encounters(series, milestones, rulings, sources, period)
encounter_table = charts.encounter_table(encounters)
chart_block(
    f"cbp-venezuelan-encounters-{period.replace('_', '-')}", encounter_figure, encounter_table,
    [charts.ENCOUNTERS_DEFINITION, *charts.table_notes(encounter_table, "period")], list(encounters["source_id"]) + list(dates["source_id"]), image_format,
)
with st.expander("Dates marked on the chart"):
    dates_table = charts.dates_table(dates)
    st.dataframe(dates_table, hide_index=True)
    widgets.download_csv(dates_table, "tren-de-aragua-dates-marked.csv", key="figures_dates_csv")

st.header("Gang-linked migrants in context")
context_table = charts.gang_link_table(figures)
context = charts.figure_table(context_table)
chart_block("gang-linked-migrants-in-context", charts.gang_links_in_context(figures, sources), context, charts.table_notes(context, "label"), context_table["source_id"], image_format)
