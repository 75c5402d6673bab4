// storyline: small progressive enhancements; every page works without this file.
"use strict";
document.addEventListener("keydown", (event) => {
  // "/" focuses the search box, as on many sites; not while typing in a field
  const target = event.target;
  const typing = target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
    const box = document.getElementById("s-q") || document.getElementById("top-q");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  }
});
