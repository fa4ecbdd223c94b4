def pytest_configure(config):
    config.addinivalue_line(
        "markers", "oracle: differential test against a golden recording of the original polyaxon-helper "
        "(spawns a subprocess and a local HTTP server)")
