"""Pages render whatever the report holds: empty, partial or oddly typed (the report format may evolve)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from planner.models import Plan

pytestmark = pytest.mark.django_db

ODD_REPORTS = [
    {},
    {"verdict": "blocked", "zones": None, "nic_mappings": None, "layout": None, "runbook": None},
    {
        "verdict": "ready_with_steps",
        "host_findings": [
            {"code": "SOMETHING_NEW", "severity": "step", "message": "new rule", "remedy": "do it"}
        ],
        "zones": [
            {
                "name": "<b>bold</b>",
                "verdict": "blocked",
                "findings": [{"code": "FS_NFS", "severity": "blocker"}],
            },
            {"name": "plain"},
            "not a zone",
        ],
        "nic_mappings": [{"zone": "plain", "physical": "bge0"}, "junk"],
        "device_mappings": [{"zone": "plain", "match": "/dev/x"}],
        "layout": {
            "disks": [{"name": "c0t0d0", "slices": [{"index": 0, "key": "root", "size_mb": "many"}]}],
            "unplaced": [{"key": "zone:plain:/data", "size_mb": 500}],
        },
        "runbook": [
            {"phase": "flat", "title": "a flat step", "command": "echo hi"},
            {"title": "p", "steps": ["x"]},
        ],
    },
]


@pytest.mark.parametrize("report", ODD_REPORTS)
def test_odd_reports_render(operator_client, plan, report):
    Plan.objects.filter(pk=plan.pk).update(report=report)
    for tab in ("matrix", "nics", "devices", "layout", "runbook", "jobs"):
        response = operator_client.get(reverse("planner:plan_detail", args=[plan.pk]), {"tab": tab})
        assert response.status_code == 200, tab
        assert "<b>bold</b>" not in response.content.decode()
    assert operator_client.get(reverse("planner:plan_report", args=[plan.pk])).status_code == 200
    for fmt in ("csv", "json"):
        assert (
            operator_client.get(reverse("planner:plan_findings_export", args=[plan.pk, fmt])).status_code
            == 200
        )


def test_layout_drawing_geometry():
    from planner.templatetags.zflar import layout_svg

    layout = {
        "disks": [
            {
                "name": "c0t0d0",
                "size_mb": 1000,
                "usable_mb": 1000,
                "free_mb": 300,
                "slices": [
                    {"index": 0, "key": "root", "mount_point": "/", "size_mb": 500, "start_sector": 0},
                    {"index": 2, "key": "backup", "purpose": "backup", "size_mb": 1000, "start_sector": 0},
                    {
                        "index": 1,
                        "key": "swap",
                        "mount_point": "swap",
                        "size_mb": 200,
                        "start_sector": 500 * 2048,
                    },
                ],
            }
        ],
        "unplaced": [{"key": "zonepaths", "mount_point": "/zones", "size_mb": 600, "shortfall_mb": 300}],
    }
    drawing = layout_svg(layout)["drawings"][0]
    assert [r["key"] for r in drawing["rects"]] == ["root", "swap"]  # slice 2 (backup) is not drawn
    assert len(drawing["free_rects"]) == 1
    overflow = drawing["overflow"][0]
    assert "short by 300 MB" in overflow["label"]
    assert overflow["x"] + overflow["width"] > drawing["disk_end"]  # drawn past the disk's end
