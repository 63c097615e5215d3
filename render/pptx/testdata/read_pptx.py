"""Read a .pptx with python-pptx and print what a user would see as JSON:
the slide size, and per slide its title, notes and every shape (name, kind,
text), groups flattened with their members."""
import json
import sys

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE


def shapes(coll, out, parent=""):
    for sh in coll:
        entry = {"name": sh.name, "parent": parent, "type": str(sh.shape_type)}
        if sh.has_text_frame:
            entry["text"] = [p.text for p in sh.text_frame.paragraphs]
            entry["sizes"] = [
                r.font.size.pt if r.font.size is not None else None
                for p in sh.text_frame.paragraphs for r in p.runs
            ]
        if sh.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE:
            entry["auto_shape"] = str(sh.auto_shape_type)
        if sh.is_placeholder:
            entry["placeholder"] = str(sh.placeholder_format.type)
        out.append(entry)
        if sh.shape_type == MSO_SHAPE_TYPE.GROUP:
            shapes(sh.shapes, out, sh.name)


prs = Presentation(sys.argv[1])
doc = {"width": prs.slide_width, "height": prs.slide_height, "slides": []}
for slide in prs.slides:
    s = {"layout": slide.slide_layout.name}
    title = slide.shapes.title
    s["title"] = title.text_frame.text if title is not None else None
    s["notes"] = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else None
    s["shapes"] = []
    shapes(slide.shapes, s["shapes"])
    doc["slides"].append(s)
json.dump(doc, sys.stdout, ensure_ascii=False)
