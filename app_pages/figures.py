"""How big the gang is, how many Venezuelans live in and cross into the US, DHS's gang-linked counts and every other figure, with their sources."""

import streamlit as st

from components import charts, datasets, downloads, i18n, widgets

lang = widgets.current_lang()
_, pgettext = i18n.gettext_for(lang), i18n.pgettext_for(lang)

figures = datasets.load_figures(lang)
english = datasets.load_figures()  # the charts choose rows by their English words, so a translation never changes what is drawn
series = datasets.load_series(lang)
sources = datasets.load_sources(lang)

st.title(_("Figures"))
st.markdown(_(
    "The numbers behind the story, each with who produced it and when. Where estimates disagree, "
    "all of them are shown side by side: none is the true number."
))
image_format = widgets.single_choice_filter(
    _("Camera button on each chart saves"), charts.IMAGE_FORMATS, key="figures_image", default=next(iter(charts.IMAGE_FORMATS)), segmented=True, link_default=False,
)

st.header(_("How big is Tren de Aragua?"))
membership = charts.membership_rows(figures)
membership_table = charts.figure_table(membership, lang)
widgets.chart_with_data(
    "membership-estimates", charts.membership_estimates(figures, sources, lang), membership_table, charts.table_notes(membership_table, "label", lang),
    membership["source_id"], sources, image_format, download=downloads.figures(membership, sources, lang=lang), chart_id="membership-estimates",
)

profits = charts.profit_rows(figures)
profit_table = charts.figure_table(profits, lang)
widgets.chart_with_data(
    "annual-profits", charts.profit_estimates(figures, sources, lang), profit_table, charts.table_notes(profit_table, "label", lang),
    profits["source_id"], sources, image_format, download=downloads.figures(profits, sources, lang=lang), chart_id="annual-profits",
)

st.header(_("Venezuelans in the US"))
population = charts.population_rows(figures, lang, english)
population_table = charts.figure_table(population, lang)
widgets.chart_with_data(
    "venezuelan-population-us", charts.population_over_time(figures, sources, lang, english), population_table, charts.table_notes(population_table, "label", lang),
    population["source_id"], sources, image_format, download=downloads.figures(population, sources, lang=lang), chart_id="venezuelan-population-us",
)

st.header(_("Border encounters"))
period = widgets.single_choice_filter(
    _("Show encounters"), charts.periods(lang), key="figures_period", default=next(iter(charts.PERIODS)), segmented=True, link_default=False,
)
milestones, rulings = datasets.load_milestones(lang), datasets.load_rulings(lang)
encounters = charts.encounter_rows(series, period)
dates = charts.marked_dates(series, milestones, rulings, period, lang)
encounter_figure = charts.encounters(series, milestones, rulings, sources, period, lang)
encounter_table = charts.encounter_table(encounters, lang)
widgets.chart_with_data(
    f"cbp-venezuelan-encounters-{period.replace('_', '-')}", encounter_figure, encounter_table,
    [charts.encounters_definition(lang), *charts.table_notes(encounter_table, "period", lang)], list(encounters["source_id"]) + list(dates["source_id"]), sources, image_format,
    download=downloads.series(encounters, sources, lang=lang), chart_id="cbp-venezuelan-encounters",
)
with st.expander(_("Dates marked on the chart")):
    dates_table = charts.dates_table(dates, lang)
    st.dataframe(dates_table, hide_index=True)
    widgets.download_csv(downloads.marked_dates(dates, sources, lang=lang), "tren-de-aragua-dates-marked.csv", key="figures_dates_csv")

st.header(_("Gang-linked migrants in context"))
context_table = charts.gang_link_table(figures, english)
context = charts.figure_table(context_table, lang)
widgets.chart_with_data(
    "gang-linked-migrants-in-context", charts.gang_links_in_context(figures, sources, lang, english), context, charts.table_notes(context, "label", lang),
    context_table["source_id"], sources, image_format, download=downloads.figures(context_table, sources, lang=lang), chart_id="gang-linked-migrants-in-context",
)
claims = datasets.load_claims(lang)
widgets.claims_about_figures(claims, context_table["figure_id"].tolist())

st.header(_("Other figures"))
st.markdown(_(
    "Every other number in the data, each with who stated it, when, how sure we are and its source. "
    "A value marked (derived) is our arithmetic on the source's words, not a number it prints."
))
other = charts.other_figure_rows(figures, english)
headers = charts.table_headers(lang)
st.dataframe(
    charts.other_figures_table(figures, sources, lang, english), hide_index=True, key="figures_other_table",
    # TRANSLATORS: the link in each row of the other figures table opens its source.
    column_config={headers["source_link"]: st.column_config.LinkColumn(_("source link"), display_text=pgettext("link text", "open"))},
)
widgets.download_csv(downloads.figures(other, sources, lang=lang), "tren-de-aragua-other-figures.csv", key="figures_other_csv")
widgets.claims_about_figures(claims, other["figure_id"].tolist())
