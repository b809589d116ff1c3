"""The only streamlit code outside app.py and pages/: shared widgets and session helpers."""
