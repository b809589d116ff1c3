"""Pure figure builders: snapshot in, altair/plotly chart out. No streamlit here."""
