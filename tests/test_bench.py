"""The bench (``make bench``) is not run by the suite, but it must keep up with the code it measures."""

import importlib
import pkgutil

import bench


def test_every_bench_module_imports():
    names = [module.name for module in pkgutil.iter_modules(bench.__path__)]
    assert {"live", "materials", "years"} <= set(names)
    for name in names:
        importlib.import_module(f"bench.{name}")
