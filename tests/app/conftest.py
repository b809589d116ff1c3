import pytest
import streamlit as st

from lab.ui import sessions


@pytest.fixture(autouse=True)
def fresh_runs():
    """AppTest sessions never disconnect, so each test starts (and ends) with no run and no cache."""
    sessions.close_all()
    st.cache_resource.clear()
    yield
    sessions.close_all()  # their threads stop
    st.cache_resource.clear()
