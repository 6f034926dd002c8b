"""The bench (``make bench``) is not run by the suite, but it must keep up with the code it measures."""

import pkgutil
import subprocess
import sys

import bench
from tests.fixtures import ROOT


def test_every_bench_module_imports():
    names = [module.name for module in pkgutil.iter_modules(bench.__path__) if module.name != "__main__"]
    assert {"live", "materials", "years"} <= set(names)
    # In a process of its own: some bench modules patch the standard library for gevent as they are imported.
    imports = "; ".join(f"import bench.{name}" for name in names)
    done = subprocess.run([sys.executable, "-c", imports], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
