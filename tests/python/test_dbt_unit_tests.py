"""Every dbt unit test of the project ran in the session's sample build, and passed.

The end-to-end builds of the other test files leave unit tests out (they don't read the raw
files, so one run is enough); this is where that one run is checked, by name against the
manifest, so a unit test can't be skipped silently.
"""

from __future__ import annotations

import pytest

from conftest import SampleBuild

pytestmark = pytest.mark.dbt


def test_every_unit_test_ran_in_the_sample_build_and_passed(sample_build: SampleBuild) -> None:
    manifest = sample_build.artifact("manifest.json")
    declared = {
        unique_id
        for unique_id, node in manifest["unit_tests"].items()
        if node["package_name"] == "analytics"
    }
    assert len(declared) >= 30  # the project has 33; a lost YAML file would show here
    results = {r["unique_id"]: r["status"] for r in sample_build.build_results()["results"]}
    ran = {unique_id: results.get(unique_id) for unique_id in declared}
    assert ran == dict.fromkeys(declared, "pass")
