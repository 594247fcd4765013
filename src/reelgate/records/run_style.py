"""The run page's style: one <style> element, no fonts or network. Sheets are shown at their own
size (the full-size sheet is the content width), so their labels read as printed."""

STYLE = """
body { font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 76rem; color: #222;
       padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin: 0; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.3rem; } h4 { font-size: 0.95rem; margin: 0.8rem 0 0.2rem; }
h5 { font-size: 0.9rem; margin: 0.4rem 0 0.2rem; }
section.preset { border: 1px solid #ccc; border-radius: 6px; padding: 1rem; margin: 1.5rem 0; }
table { border-collapse: collapse; margin: 0.4rem 0; font-size: 0.88rem; }
th, td { padding: 0.2rem 0.55rem; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
th { background: #f4f4f4; } td:first-child { white-space: nowrap; }
.meta, .note { color: #555; margin: 0.2rem 0; font-size: 0.9rem; }
.badge { display: inline-block; padding: 0 0.45rem; border-radius: 3px; font-weight: 600;
         white-space: nowrap; border: 1px solid; }
.ok { background: #e6f4ea; color: #1e6b30; border-color: #1e6b30; }
.warn { background: #fff4e0; color: #8a5300; border-color: #8a5300; }
.bad { background: #fde7e6; color: #b3261e; border-color: #b3261e; }
.muted { background: #f1f1f1; color: #555; border-color: #888; }
pre { background: #f7f7f7; padding: 0.5rem; overflow-x: auto; font-size: 0.8rem; margin: 0.3rem 0; }
details summary { cursor: pointer; }
figure { margin: 0.5rem 0; } figure img { max-width: 100%; height: auto; display: block; }
figcaption { font-size: 0.8rem; color: #555; } svg { max-width: 100%; height: auto; }
.pair { border-top: 1px dashed #bbb; padding-top: 0.4rem; margin-top: 0.6rem; }
.pair .videos { display: flex; flex-wrap: wrap; gap: 1rem; }
.pair video { max-width: 100%; background: #000; display: block; }
"""
