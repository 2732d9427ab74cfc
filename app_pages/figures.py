"""How big the gang is, how many Venezuelans live in and cross into the US, DHS's gang-linked counts and every other figure, with their sources."""

import streamlit as st

from components import charts, datasets, downloads, widgets


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
widgets.chart_with_data(
    "membership-estimates", charts.membership_estimates(figures, sources), membership_table, charts.table_notes(membership_table, "label"),
    membership["source_id"], sources, image_format, download=downloads.figures(membership, sources),
)

profits = charts.profit_rows(figures)
profit_table = charts.figure_table(profits)
widgets.chart_with_data(
    "annual-profits", charts.profit_estimates(figures, sources), profit_table, charts.table_notes(profit_table, "label"),
    profits["source_id"], sources, image_format, download=downloads.figures(profits, sources),
)

st.header("Venezuelans in the US")
population = charts.population_rows(figures)
population_table = charts.figure_table(population)
widgets.chart_with_data(
    "venezuelan-population-us", charts.population_over_time(figures, sources), population_table, charts.table_notes(population_table, "label"),
    population["source_id"], sources, image_format, download=downloads.figures(population, sources),
)

st.header("Border encounters")
period = widgets.single_choice_filter("Show encounters", charts.PERIODS, key="figures_period", default=next(iter(charts.PERIODS)), segmented=True, link_default=False)
milestones, rulings = datasets.load_milestones(), datasets.load_rulings()
encounters = charts.encounter_rows(series, period)
dates = charts.marked_dates(series, milestones, rulings, period)
encounter_figure = charts.encounters(series, milestones, rulings, sources, period)
encounter_table = charts.encounter_table(encounters)
widgets.chart_with_data(
    f"cbp-venezuelan-encounters-{period.replace('_', '-')}", encounter_figure, encounter_table,
    [charts.ENCOUNTERS_DEFINITION, *charts.table_notes(encounter_table, "period")], list(encounters["source_id"]) + list(dates["source_id"]), sources, image_format,
    download=downloads.series(encounters, sources),
)
with st.expander("Dates marked on the chart"):
    dates_table = charts.dates_table(dates)
    st.dataframe(dates_table, hide_index=True)
    widgets.download_csv(downloads.marked_dates(dates, sources), "tren-de-aragua-dates-marked.csv", key="figures_dates_csv")

st.header("Gang-linked migrants in context")
context_table = charts.gang_link_table(figures)
context = charts.figure_table(context_table)
widgets.chart_with_data(
    "gang-linked-migrants-in-context", charts.gang_links_in_context(figures, sources), context, charts.table_notes(context, "label"),
    context_table["source_id"], sources, image_format, download=downloads.figures(context_table, sources),
)
widgets.claims_about_figures(datasets.load_claims(), context_table["figure_id"].tolist())

st.header("Other figures")
st.markdown(
    "Every other number in the data, each with who stated it, when, how sure we are and its source. "
    "A value marked (derived) is our arithmetic on the source's words, not a number it prints."
)
other = charts.other_figure_rows(figures)
st.dataframe(charts.other_figures_table(figures, sources), hide_index=True, key="figures_other_table", column_config={"source_link": st.column_config.LinkColumn("source link", display_text="open")})
widgets.download_csv(downloads.figures(other, sources), "tren-de-aragua-other-figures.csv", key="figures_other_csv")
widgets.claims_about_figures(datasets.load_claims(), other["figure_id"].tolist())
