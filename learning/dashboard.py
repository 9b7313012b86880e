"""This app's panel on the home dashboard: context for templates/learning/includes/dashboard_panel.html."""


def panel(user) -> dict:
    return {}
