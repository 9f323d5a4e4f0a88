"""Series classes: Syntetos-Boylan (ADI / CV^2) plus new, inactive and terminated."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tributary.scopes import SERIES_KEYS

ADI_CUT = 1.32
CV2_CUT = 0.49
MIN_NONZERO = 4


def demand_class(y: np.ndarray, min_observed: int) -> np.ndarray:
    """Class per row of `y` (NaN = unknown): smooth, intermittent, lumpy, erratic or new.

    A series is `new` with fewer than `min_observed` observed periods or fewer than 4 non-zero
    ones. ADI = observed periods / non-zero periods; CV^2 of the non-zero sizes.
    """
    obs = ~np.isnan(y)
    n_obs = obs.sum(axis=1)
    yz = np.where(obs, y, 0.0)
    nz = yz > 0
    n_nz = nz.sum(axis=1)
    safe = np.maximum(n_nz, 1)
    adi = n_obs / safe
    mean_nz = yz.sum(axis=1) / safe
    var_nz = (np.where(nz, (yz - mean_nz[:, None]) ** 2, 0.0)).sum(axis=1) / safe
    cv2 = var_nz / np.maximum(mean_nz, 1e-12) ** 2
    cls = np.where(
        adi < ADI_CUT,
        np.where(cv2 < CV2_CUT, "smooth", "erratic"),
        np.where(cv2 < CV2_CUT, "intermittent", "lumpy"),
    ).astype(object)
    cls[(n_obs < min_observed) | (n_nz < MIN_NONZERO)] = "new"
    return cls


def item_status(keys: pd.DataFrame, items: pd.DataFrame | None) -> np.ndarray:
    """'terminated', 'inactive' or '' per series row of `keys` (no item row: active)."""
    if items is None or items.empty:
        return np.full(len(keys), "", dtype=object)
    it = items[SERIES_KEYS].copy()
    it["_term"] = items.get("termination", False)
    it["_inact"] = items.get("inactive", False)
    it = it.drop_duplicates(SERIES_KEYS, keep="last")
    merged = keys[SERIES_KEYS].merge(it, on=SERIES_KEYS, how="left")
    term = merged["_term"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    inact = merged["_inact"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    return np.where(term, "terminated", np.where(inact, "inactive", "")).astype(object)
