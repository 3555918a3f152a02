import sys; sys.path.insert(0,'/tmp/wx'); from search import *
from zichtbaar.synth.scenarios import forms as F
C = dict(
 **{"police-nl": dict(form_p=F(0.06, domestic_sexual=0.11, crossborder_sexual=0.31, labour=0.07, criminal=0.12), minor_factor=0.2)},
 kmar=dict(form_p=F(0.015, crossborder_sexual=0.15, labour=0.06), minor_factor=0.5, referral=-2.0),
 nla=dict(form_p=F(0.0005, labour=0.055)),
 fiod=dict(form_p=F(0.001, labour=0.01, criminal=0.012)),
 **{k: dict(form_p=F(0.004, domestic_sexual=0.009, crossborder_sexual=0.016), minor_factor=0.3, referral=0.1) for k in ("opvang-west","opvang-oost")},
 **{k: dict(form_p=F(0.015, domestic_sexual=0.03, criminal=0.03), referral=1.5) for k in ("jeugdzorg-west","jeugdzorg-oost")},
 **{k: dict(form_p=F(0.09), referral=0.2) for k in ("gemeente-rotterdam","gemeente-utrecht")},
 rechtshulp=dict(form_p=F(0.006), referral=0.4, referral_from={"shelter_care": 5.5, "labour_inspectorate": 1.5}),
 **{"ngo-platform": dict(form_p=F(0.006, crossborder_sexual=0.018, labour=0.015), referral=0.3, referral_from={"shelter_care": 2.5})},
 ggd=dict(form_p=F(0.002, domestic_sexual=0.006, crossborder_sexual=0.008)),
 overig=dict(form_p=F(0.008)),
)

KM = -3.0
for k, v in C.items():
    if k in ("police-nl", "kmar"): continue
    v["referral_from"] = {**v.get("referral_from", {}), "kmar": KM}
if __name__ == "__main__":
    run(mk(**C), seed=int(sys.argv[1]) if len(sys.argv)>1 else 1)
