"""The Streamlit entry point (`streamlit run` this file; `analytics-dashboard` does it with the
project's settings): the navigation, the pages, and the watch for a newly published build."""

from __future__ import annotations

import streamlit as st

from analytics.dashboard import pipeline, sources, ui

# How often the sidebar looks at the warehouse file for a newly published build.
WATCH_SECONDS = 10

PAGES = [
    st.Page(pipeline.page, title="Pipeline health", url_path="pipeline", default=True),
    st.Page(sources.bank, title="Bank", url_path="bank"),
    st.Page(sources.trades, title="Trades", url_path="trades"),
    st.Page(sources.sales, title="Sales", url_path="sales"),
    st.Page(sources.streaming, title="Streaming", url_path="streaming"),
    st.Page(sources.retail, title="Retail", url_path="retail"),
]


@st.fragment(run_every=WATCH_SECONDS)
def watch_for_a_new_build() -> None:
    """Rerun the page when a build has published a new file since it was drawn."""
    current = ui.warehouse().version()
    if st.session_state.get("shown_version", current) != current:
        st.session_state["shown_version"] = current
        st.rerun()
    st.session_state["shown_version"] = current
    if current is None:
        st.caption("No warehouse file yet.")
    else:
        st.caption(f"Build published {current.published_at:%Y-%m-%d %H:%M:%S} UTC")


def main() -> None:
    st.set_page_config(page_title="Analytics dashboard", layout="wide")
    # Smaller metric values than Streamlit's, so that a timestamp or an amount in millions
    # fits its column instead of being cut with an ellipsis.
    st.html("<style>[data-testid='stMetricValue'] { font-size: 1.6rem; }</style>")
    page = st.navigation(PAGES)
    with st.sidebar:
        st.caption(f"Warehouse: {ui.warehouse().path} (read-only)")
        watch_for_a_new_build()
    page.run()


main()
