import sys, pickle, os, time
sys.path.insert(0, "/work/wt-world")
from dataclasses import replace
import numpy as np, pandas as pd
from bench.ned_structure import *
from zichtbaar.synth import WorldConfig
from zichtbaar.synth.world import _rng
from zichtbaar.synth.names import name_pool
from zichtbaar.synth.nationalities import NATIONALITIES
from zichtbaar.synth.population import build_population
from zichtbaar.synth.reporters import ORGANISATIONS, detect
from zichtbaar.synth.scenarios import forms

def pop_for(seed, scale):
    f = f"/tmp/wx/pop_{seed}_{scale}.pkl"
    if os.path.exists(f): return pickle.load(open(f,"rb"))
    c = WorldConfig(seed=seed, scale=scale, end_year=2019)
    pools = {loc: name_pool(loc, seed) for loc in sorted({n.locale for n in NATIONALITIES})}
    pop = build_population(c, _rng(c, "population"), pools)
    pickle.dump(pop, open(f,"wb")); return pop

def run(orgs, seed=1, scale=1.0, verbose=True):
    c = WorldConfig(seed=seed, scale=scale, end_year=2019)
    pop = pop_for(seed, scale)
    caps = detect(c, pop, _rng(c, "detection"), orgs)
    types = {o.org: o.reporter_type for o in orgs}
    H = pd.DataFrame(0, index=range(len(pop)), columns=list(LISTS))
    for o in orgs:
        idx = caps.loc[caps.org == o.org, "person"].to_numpy()
        H.loc[idx, NED_MAP[o.reporter_type]] = 1
    minor = pop["age_group"].isin(["0-11","12-17"]).to_numpy()
    obs = H.sum(axis=1).to_numpy() > 0
    h = H[obs].reset_index(drop=True)
    s = structure(h, per_year=6*scale)
    sm = structure(H[obs & minor].reset_index(drop=True), per_year=6*scale)
    ned = ned_structure()
    if verbose:
        for name, x in (("ned", ned), ("world", s), ("minors", sm)):
            print(f"{name:7s} n/yr={x['observed_per_year']:6.0f} one={x['one_list_share']:.3f} 3+={x['three_plus']['observed']}/{x['three_plus']['ratio']} indep={x['independence_estimate_ratio']}")
            print("   shr", " ".join(f"{k}:{v*100:.1f}" for k,v in x['list_share'].items()))
            print("   prs", " ".join(f"{k}:{v['per_year']}/{v['ratio']:.2f}" for k,v in x['pairs'].items()))
        # non-investigative persons per year, minors
        inv = H[["P","K","I"]].sum(axis=1) > 0
        # approximate: fiod in Z is investigative; ignore
        print("truth/obs", round(len(pop)/obs.sum(),2), "minor obs share of obs", round((obs&minor).sum()/obs.sum(),3),
              "minors seen/yr", (obs&minor).sum()/6/scale, "non-inv-only/yr", ((~inv)&obs).sum()/6/scale,
              "nonInv-any/yr", (H[["O","R","Z"]].sum(axis=1)>0).sum()/6/scale)
        print(compare(s, ned))
    return s, sm

P = {o.org: o for o in ORGANISATIONS}
def mk(**changes):
    return tuple(replace(o, **changes.get(o.org, {})) for o in ORGANISATIONS)
