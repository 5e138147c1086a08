// Giải ngân MTQG: collapsible rows and the as-of form, for Fava's extension API.
// Plain ES module, no build step: Fava imports it and calls onExtensionPageLoad().

const SPLITS_KEY = "mtqg-show-splits";

/** Show or hide every row from the expanded / split state of its parent. */
function layout(table, showSplits) {
  const visible = new Map();
  for (const row of table.tBodies[0].rows) {
    const parentId = row.dataset.parent;
    const parent = parentId ? document.getElementById(parentId) : null;
    let shown = true;
    if (parent) {
      const parentShown = visible.get(parentId) ?? true;
      const toggle = parent.querySelector(".mtqg-toggle");
      const expanded = toggle?.getAttribute("aria-expanded") === "true";
      if (row.classList.contains("split")) {
        const ownToggle = toggle?.classList.contains("mtqg-split-toggle");
        // A row's own breakdown follows the checkbox, whatever its units' toggle says.
        shown = parentShown && (ownToggle ? expanded : showSplits);
        if (ownToggle && showSplits && parentShown) shown = true;
      } else {
        shown = parentShown && expanded;
      }
    }
    visible.set(row.id, shown);
    row.hidden = !shown;
  }
}

/** Navigate through Fava's router (a link click) so the page loads like Fava's own. */
function go(url) {
  const link = document.createElement("a");
  link.href = url;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}

export default {
  onExtensionPageLoad() {
    const table = document.getElementById("mtqg-table");
    const splits = document.getElementById("mtqg-splits");
    const form = document.getElementById("mtqg-form");
    if (!table || !splits || !form) return;

    splits.checked = sessionStorage.getItem(SPLITS_KEY) === "1";
    layout(table, splits.checked);
    splits.addEventListener("change", () => {
      sessionStorage.setItem(SPLITS_KEY, splits.checked ? "1" : "0");
      layout(table, splits.checked);
    });

    table.addEventListener("click", (event) => {
      const toggle = event.target.closest(".mtqg-toggle");
      if (!toggle) return;
      const expanded = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", expanded ? "false" : "true");
      toggle.textContent = expanded ? "▸" : "▾";
      layout(table, splits.checked);
    });

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const params = new URLSearchParams();
      for (const [key, value] of new FormData(form)) {
        if (typeof value === "string" && value) params.set(key, value);
      }
      go(`${window.location.pathname}?${params}`);
    });
  },
};
