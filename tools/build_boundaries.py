"""Rebuild static/countries-110m.geojson, the map's country shapes, from the world-atlas TopoJSON.

    npm install --prefix /tmp/atlas world-atlas@2.0.2
    python tools/build_boundaries.py /tmp/atlas/node_modules/world-atlas/countries-110m.json

A small pure-Python TopoJSON decoder, so the app needs neither node nor a topojson package.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "static" / "countries-110m.geojson"
DECIMALS = 3  # about 100 m: far finer than 1:110m shapes need, and a third of the file size


def decode_arcs(topology: dict) -> list[list[list[float]]]:
    """Every arc as absolute [lon, lat] points (delta-decoded, then the quantisation transform applied)."""
    (scale_x, scale_y), (shift_x, shift_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append([x * scale_x + shift_x, y * scale_y + shift_y])
        arcs.append(points)
    return arcs


def stitch_ring(indices: list[int], arcs: list[list[list[float]]]) -> list[list[float]]:
    """One closed ring from its arcs; a negative index (~i) means arc i reversed."""
    points: list[list[float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)  # consecutive arcs share their joining point
    rounded: list[list[float]] = []
    for lon, lat in points:
        point = [round(lon, DECIMALS), round(lat, DECIMALS)]
        if not rounded or point != rounded[-1]:  # rounding can make neighbours equal
            rounded.append(point)
    if rounded and rounded[0] != rounded[-1]:
        rounded.append(rounded[0])
    return rounded


def polygon(rings: list[list[int]], arcs: list[list[list[float]]]) -> list[list[list[float]]]:
    """A polygon's rings, dropping any that rounding collapsed below a triangle."""
    return [ring for ring in (stitch_ring(indices, arcs) for indices in rings) if len(ring) >= 4]


def geometry(topo_geometry: dict, arcs: list[list[list[float]]]) -> dict:
    """A TopoJSON Polygon or MultiPolygon as GeoJSON."""
    if topo_geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": polygon(topo_geometry["arcs"], arcs)}
    if topo_geometry["type"] == "MultiPolygon":
        parts = [polygon(rings, arcs) for rings in topo_geometry["arcs"]]
        return {"type": "MultiPolygon", "coordinates": [part for part in parts if part]}
    raise ValueError(f"unexpected geometry type {topo_geometry['type']}")


def iso_alpha3(numeric: str | None) -> str | None:
    """ISO 3166-1 alpha-3 for a numeric code; None for shapes without one (Kosovo, N. Cyprus, Somaliland)."""
    if not numeric:
        return None
    country = pycountry.countries.get(numeric=str(numeric).zfill(3))
    return country.alpha_3 if country else None


def to_geojson(topology: dict, object_name: str = "countries") -> dict:
    """The named TopoJSON object as a GeoJSON FeatureCollection with iso_a3 and name properties."""
    arcs = decode_arcs(topology)
    features = []
    for topo_geometry in topology["objects"][object_name]["geometries"]:
        numeric = topo_geometry.get("id")
        features.append(
            {
                "type": "Feature",
                "id": numeric,
                "properties": {"iso_a3": iso_alpha3(numeric), "name": topo_geometry.get("properties", {}).get("name")},
                "geometry": geometry(topo_geometry, arcs),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="world-atlas countries-110m.json")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    collection = to_geojson(json.loads(args.topojson.read_text(encoding="utf-8")))
    args.output.write_text(json.dumps(collection, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{args.output}: {len(collection['features'])} countries")


if __name__ == "__main__":
    main()
