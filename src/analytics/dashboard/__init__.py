"""The dashboard (`make dashboard`): a Streamlit app over the published warehouse, read-only."""
