import pytest
import streamlit as st


@pytest.fixture(autouse=True)
def fresh_runs():
    """AppTest sessions share one session id, so each test starts (and ends) with no cached run."""
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()  # releases the runners: their threads stop
