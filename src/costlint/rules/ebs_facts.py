"""The gp2-to-gp3 comparison both storage rules cite, written once.

Source: AWS EBS pricing in us-east-1 as compared in
https://www.saisci.com/aws/gp2-vs-gp3-cost-comparison-ebs-volumes/
(gp2 $0.10, gp3 $0.08 per GB-month; gp3 3,000 IOPS and 125 MB/s
included at any size).
"""

from __future__ import annotations

GP3_RATIONALE = (
    "gp3 is about 20% cheaper per GB than gp2 and has a higher "
    "baseline (3,000 IOPS and 125 MB/s at any size)"
)
GP3_WHY = "gp3 is about 20% cheaper per GB with a higher baseline"
