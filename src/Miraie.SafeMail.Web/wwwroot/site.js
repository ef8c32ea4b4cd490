// The console's only script: "select all" for the quarantine list's bulk actions. Everything else works without it.
document.addEventListener("change", (e) => {
  if (e.target.matches("[data-select-all]")) {
    document.querySelectorAll("input[name='ids']").forEach((box) => { box.checked = e.target.checked; });
  }
});
