// SPDX-License-Identifier: Apache-2.0
/**
 * The page's script: session filter, run selection (the side panel shows the run's `<template>`), keyboard moves,
 * state in the URL hash (so a link, or a reload, keeps it) and, when served live, a reload when the files change.
 * Plain DOM, no library; it only moves markup the server escaped, it never builds markup from text.
 */
export const PAGE_SCRIPT = String.raw`
(() => {
  "use strict";
  const all = (selector, root) => Array.from((root || document).querySelectorAll(selector));
  const detail = document.querySelector("aside.detail");
  const emptyDetail = Array.from(detail.childNodes).map((n) => n.cloneNode(true));
  const state = { session: "*", run: "" };

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    return { session: params.get("session") ?? "*", run: params.get("run") ?? "" };
  }
  function writeHash() {
    const params = new URLSearchParams();
    if (state.session !== "*") params.set("session", state.session);
    if (state.run !== "") params.set("run", state.run);
    const hash = params.toString();
    history.replaceState(null, "", hash === "" ? location.pathname + location.search : "#" + hash);
  }
  function rowOf(key) {
    return all(".run").find((r) => r.dataset.runKey === key);
  }
  function visibleRows() {
    return all("article.trace:not([hidden]) .run");
  }

  function showSession(id) {
    const known = all(".session-item").some((b) => b.dataset.session === id);
    state.session = known ? id : "*";
    for (const b of all(".session-item")) {
      const on = b.dataset.session === state.session;
      b.classList.toggle("selected", on);
      b.setAttribute("aria-pressed", String(on));
    }
    for (const t of all("article.trace")) t.hidden = state.session !== "*" && t.dataset.session !== state.session;
    const noMatch = document.querySelector(".no-match");
    if (noMatch) noMatch.hidden = state.session === "*" || all("article.trace:not([hidden])").length > 0;
  }

  function selectRun(key, scroll) {
    for (const r of all(".run.selected")) {
      r.classList.remove("selected");
      r.setAttribute("aria-selected", "false");
    }
    const row = key === "" ? undefined : rowOf(key);
    const template = row === undefined ? null : document.getElementById("run-" + key);
    if (row === undefined || template === null || row.closest("article").hidden) {
      state.run = "";
      detail.replaceChildren(...emptyDetail.map((n) => n.cloneNode(true)));
      return;
    }
    row.classList.add("selected");
    row.setAttribute("aria-selected", "true");
    detail.replaceChildren(template.content.cloneNode(true));
    detail.scrollTop = 0;
    state.run = key;
    if (scroll) row.scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const session = target && target.closest(".session-item");
    if (session) {
      showSession(session.dataset.session);
      if (state.run !== "") selectRun(state.run, false);
      writeHash();
      return;
    }
    const row = target && target.closest(".run");
    if (row) {
      selectRun(row.dataset.runKey, false);
      writeHash();
    }
  });

  document.addEventListener("keydown", (event) => {
    const row = event.target instanceof Element ? event.target.closest(".run") : null;
    if (!row) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      selectRun(row.dataset.runKey, false);
      writeHash();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const rows = visibleRows();
      const next = rows[rows.indexOf(row) + (event.key === "ArrowDown" ? 1 : -1)];
      if (next) {
        next.focus();
        selectRun(next.dataset.runKey, true);
        writeHash();
      }
    }
  });

  const initial = readHash();
  showSession(initial.session);
  selectRun(initial.run, true);

  if (document.body.dataset.live === "1") {
    const mark = document.querySelector(".live");
    const fingerprint = document.body.dataset.fingerprint;
    const check = async () => {
      try {
        const response = await fetch("fingerprint" + location.search, { cache: "no-store" });
        if (!response.ok) throw new Error(String(response.status));
        if ((await response.text()) !== fingerprint) {
          location.reload();
          return;
        }
        if (mark) mark.classList.remove("lost");
      } catch {
        if (mark) mark.classList.add("lost");
      }
      setTimeout(check, 2000);
    };
    setTimeout(check, 2000);
  }
})();
`;
