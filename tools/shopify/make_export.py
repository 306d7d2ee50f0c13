#!/usr/bin/env python3
"""Writes a large Shopify product CSV export for measuring `gateway import shopify`.

Usage: python3 tools/shopify/make_export.py ROWS > export.csv

Shopify's classic column set; each product has a first row with Title, Body (HTML),
Type and Tags, then variant rows (4 per product: 2 sizes x 2 colours) and, for every
fifth product, a row that only adds an image. SKUs are unique. Standard library only.
"""
import csv
import sys

HEADER = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Variant SKU", "Variant Grams",
    "Variant Inventory Tracker", "Variant Inventory Qty", "Variant Price", "Image Src", "Status",
]
KINDS = [
    ("Maple Syrup", "Syrups", "maple, breakfast", 520),
    ("Pecan Halves", "Nuts", "pecans, snacks", 470),
    ("Cotton T-Shirt", "Shirts", "cotton, tee", 150),
    ("Beeswax Hand Cream", "Skin Care", "beeswax, cream", 90),
    ("Cast Iron Skillet", "Kitchen", "cast iron, cookware", 2300),
]


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 50000
    out = csv.writer(sys.stdout, lineterminator="\r\n")
    out.writerow(HEADER)
    written = 0
    product = 0
    while written < rows:
        title, kind, tags, grams = KINDS[product % len(KINDS)]
        handle = f"{title.lower().replace(' ', '-')}-{product}"
        body = (f"<p>Our {title.lower()}, batch {product}.</p><ul><li>Made in Vermont</li>"
                "<li>Packed by hand, \"small batch\"</li></ul>\n<p>Ships in 2 days.</p>")
        variant = 0
        for size in ("Small", "Large"):
            for colour in ("Natural", "Dark"):
                if written >= rows:
                    break
                first = variant == 0
                out.writerow([
                    handle, f"{title} #{product}" if first else "", body if first else "",
                    "Acme Farm" if first else "", "", kind if first else "", tags if first else "",
                    "TRUE" if first else "", "Size" if first else "", size, "Colour" if first else "", colour,
                    f"SKU-{product}-{variant}", str(grams + variant * 10), "shopify", str(variant * 7),
                    f"{9 + product % 40}.{variant}9", f"https://cdn.example/{handle}-{variant}.jpg",
                    "active" if first else "",
                ])
                variant += 1
                written += 1
        if product % 5 == 0 and written < rows:
            out.writerow([handle] + [""] * 16 + [f"https://cdn.example/{handle}-extra.jpg", ""])
            written += 1
        product += 1


if __name__ == "__main__":
    main()
