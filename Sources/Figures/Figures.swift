// SVG figures.
