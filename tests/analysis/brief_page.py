"""Reading a policy brief in tests: its tables, images and captions (Page), and what headless
Chromium makes of it (render). Shared by the analysis tests and the integration test of the
mix experiment's brief."""
import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path


class Page(HTMLParser):
    """What a test needs from the brief: images, tables by id, headings, captions, lists, pre."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.images, self.tables, self.captions, self.items, self.pre, self.h3, self.notes = [], {}, [], [], [], [], []
        self.tags = set()
        self._table = self._row = self._text = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if tag == "img":
            self.images.append(attrs["src"])
        elif tag == "table":
            self._table = self.tables.setdefault(attrs.get("id"), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
            self._table.append(self._row)
        elif tag in ("td", "th", "figcaption", "li", "pre", "h3") or (tag == "p" and attrs.get("class") == "note"):
            self._text = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._row is not None:
            self._row.append("".join(self._text))
        elif tag == "table":
            self._table = None
        elif tag in ("figcaption", "li", "pre", "h3", "p") and self._text is not None:
            {"figcaption": self.captions, "li": self.items, "pre": self.pre, "h3": self.h3,
             "p": self.notes}[tag].append("".join(self._text))
        if tag in ("td", "th", "figcaption", "li", "pre", "h3", "p"):
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


#: Injected at the top of a test copy of the brief: records every error event (a script
#: error, or a resource such as an image that failed to load) and console.error call, and on
#: load writes each image's state and those problems into the DOM as JSON, for --dump-dom.
PROBE = """<script>
window.__problems = [];
window.addEventListener("error", function (e) {
  var t = e.target;
  window.__problems.push(t && t !== window && t.src ? "resource failed: " + t.src : "error: " + e.message);
}, true);
(function () {
  var original = console.error;
  console.error = function () {
    window.__problems.push("console.error: " + Array.prototype.join.call(arguments, " "));
    original.apply(console, arguments);
  };
})();
window.addEventListener("load", function () {
  var images = Array.prototype.map.call(document.images, function (i) {
    return {alt: i.alt, ok: i.complete && i.naturalWidth > 0, width: i.naturalWidth};
  });
  var out = document.createElement("pre");
  out.id = "__probe";
  out.textContent = JSON.stringify({images: images, problems: window.__problems});
  document.body.appendChild(out);
});
</script>"""


def render(chromium: str, page: Path, tmp_path: Path) -> tuple[dict, list[str]]:
    """Loads a copy of the page, with PROBE, in headless Chromium; returns the probe's record
    and the console messages Chromium logged."""
    probe = page.with_name(f"probed-{page.name}")
    probe.write_text(page.read_text(encoding="utf-8").replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    proc = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
                           "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", "--dump-dom",
                           probe.as_uri()], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    dom = Page(proc.stdout)
    record = json.loads(dom.pre[-1])
    console = [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]
    return record, console
