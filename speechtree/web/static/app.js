// speechtree serve: the page's script. Static: no data is ever turned into
// code. Document text reaches the page only as textContent, as form values,
// or inside the HTML the server's html view escaped; outline.js (the html
// view's own script) handles clicking, highlighting and collapsing.
(function () {
  "use strict";

  var KINDS = {
    added: "新增 added",
    removed: "删除 removed",
    moved: "移动 moved",
    retitled: "改题 retitled"
  };
  var SIGNS = {added: "+", removed: "−", moved: "↪", retitled: "~"};

  var $ = function (id) { return document.getElementById(id); };
  var current = null;   // {text: "..."} or {file: File}: the draft on show
  var otherDraft = null; // the same for draft B
  var shown = null;     // the last /api/view answer

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function showError(message) {
    var box = $("error");
    box.textContent = message;
    box.hidden = !message;
  }

  function addDraft(form, name, draft) {
    if (draft.file) {
      form.append(name === "draft" ? "file" : name, draft.file, draft.file.name);
    } else {
      var blob = new Blob([draft.text], {type: "text/plain;charset=utf-8"});
      form.append(name === "draft" ? "text" : name + "_text", blob, "");
    }
  }

  function post(url, drafts) {
    var form = new FormData();
    Object.keys(drafts).forEach(function (name) { addDraft(form, name, drafts[name]); });
    return fetch(url, {method: "POST", body: form}).then(function (r) {
      if (r.ok) return r;
      return r.json().then(function (body) {
        var e = body && body.error ? body.error : {};
        throw new Error((e["class"] || ("HTTP " + r.status)) + ": " + (e.message || r.statusText));
      }, function () {
        throw new Error("HTTP " + r.status + " " + r.statusText);
      });
    });
  }

  function draftName(draft) {
    return draft && draft.file ? draft.file.name : "";
  }

  function baseName(draft) {
    var name = draftName(draft) || "draft";
    return name.replace(/\.[^.]*$/, "") || "draft";
  }

  // -- the check view ------------------------------------------------------------

  // One finding: a link to its line (when it has one), its code and message.
  function finding(cls, f) {
    var li = el("li", cls);
    li.setAttribute("data-code", f.code);
    if (f.line) {
      var a = el("a", "where", "第 " + f.line + " 行 line " + f.line);
      a.href = "#L" + f.line;
      li.appendChild(a);
    }
    var code = el("code", "code", f.code);
    if (f.name) code.title = f.name;
    li.appendChild(code);
    if (f.name) li.appendChild(el("span", "name", f.name));
    li.appendChild(el("span", "msg", f.message));
    return li;
  }

  function renderLint(diags) {
    var list = $("lint-list");
    clear(list);
    $("lint-count").textContent = String(diags.length);
    var byLine = {};
    diags.forEach(function (d) {
      list.appendChild(finding("finding", d));
      (byLine[d.line] = byLine[d.line] || []).push(d.code + " " + d.message);
    });
    if (!diags.length) list.appendChild(el("li", "ok", "编号没有发现问题。 No numbering problems found."));
    Object.keys(byLine).forEach(function (line) {
      var row = $("L" + line);
      if (!row) return;
      row.classList.add("lint");
      row.setAttribute("data-lint", byLine[line].join(" · "));
    });
  }

  function renderWarnings(warnings) {
    var list = $("warning-list");
    clear(list);
    $("warning-count").textContent = String(warnings.length);
    warnings.forEach(function (w) { list.appendChild(finding("finding warning", w)); });
    if (!warnings.length) list.appendChild(el("li", "ok", "无 None"));
  }

  function scalar(v) {
    if (v === null || v === undefined || v === "") return null;
    if (Array.isArray(v)) {
      var parts = v.map(scalar).filter(function (x) { return x !== null; });
      return parts.length ? parts.join("、") : null;
    }
    if (typeof v === "object") return JSON.stringify(v);
    return String(v);
  }

  var SKIP = {span: 1, preamble: 1, sections: 1};
  var LABELS = {
    label: "篇次 label", title: "标题 title", path: "文件 file", encoding: "编码 encoding",
    length: "字数 characters", sha256: "SHA-256", format: "格式 format", pages: "页数 pages"
  };

  function metaRow(dl, key, value) {
    var text = scalar(value);
    if (text === null) return;
    dl.appendChild(el("dt", null, LABELS[key] || key));
    dl.appendChild(el("dd", null, text));
  }

  function renderMeta(doc) {
    var dl = $("meta");
    clear(dl);
    ["path", "encoding", "length"].forEach(function (k) { metaRow(dl, k, doc.source[k]); });
    Object.keys(doc.source).forEach(function (k) {
      if (["path", "encoding", "length", "sha256"].indexOf(k) < 0) metaRow(dl, k, doc.source[k]);
    });
    doc.speeches.forEach(function (sp, i) {
      dl.appendChild(el("dt", "speech-head", "第 " + (i + 1) + " 篇 Speech " + (i + 1)));
      dl.appendChild(el("dd", "speech-head", ""));
      Object.keys(sp).forEach(function (k) { if (!SKIP[k]) metaRow(dl, k, sp[k]); });
    });
  }

  function renderView(view) {
    shown = view;
    var doc = view.document;
    $("outline").innerHTML = view.outline_html; // escaped by the server's html view
    $("text").innerHTML = view.text_html;
    var nodes = $("outline").querySelectorAll("a.node[data-id^='n']").length;
    $("stats").textContent = doc.speeches.length + " 篇 speech(es) · " + nodes + " 个节点 nodes · " +
      view.diagnostics.length + " 处编号问题 findings";
    renderLint(view.diagnostics);
    renderWarnings(doc.warnings);
    renderMeta(doc);
    var buttons = document.querySelectorAll("button.dl");
    for (var i = 0; i < buttons.length; i++) buttons[i].disabled = false;
    document.body.setAttribute("data-state", "shown");
  }

  function check() {
    if (!current) {
      showError("请先粘贴文稿或选择文件。 Paste a draft or choose a file first.");
      return;
    }
    showError("");
    document.body.setAttribute("data-state", "busy");
    $("source-name").textContent = draftName(current);
    post("/api/view", {draft: current}).then(function (r) { return r.json(); })
      .then(renderView)
      .catch(function (e) {
        document.body.setAttribute("data-state", "error");
        showError(e.message);
      });
  }

  function download(format) {
    if (!current) return;
    var ext = {json: ".json", markdown: ".md", csv: ".csv"}[format];
    post("/api/parse?format=" + format, {draft: current}).then(function (r) { return r.blob(); })
      .then(function (blob) {
        var url = URL.createObjectURL(blob);
        var a = el("a");
        a.href = url;
        a.download = baseName(current) + ext;
        document.body.appendChild(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      })
      .catch(function (e) { showError(e.message); });
  }

  // -- the compare view ------------------------------------------------------------

  function refLabel(ref) {
    return ref ? ref.marker + ref.title : "";
  }

  function markOutline(pane, marks) {
    Object.keys(marks).forEach(function (id) {
      var link = pane.querySelector('a.node[data-id="' + id + '"]');
      if (!link) return;
      var kinds = marks[id];
      kinds.forEach(function (k) { link.classList.add("chg-" + k); });
      link.setAttribute("data-change", kinds.map(function (k) { return KINDS[k]; }).join(" · "));
    });
  }

  function focusPair(item) {
    var olds = document.querySelectorAll("#compare-view a.node.active");
    for (var i = 0; i < olds.length; i++) olds[i].classList.remove("active");
    ["a", "b"].forEach(function (side) {
      var id = item.getAttribute("data-" + side);
      if (!id) return;
      var link = $("outline-" + side).querySelector('a.node[data-id="' + id + '"]');
      if (link) {
        link.classList.add("active");
        link.scrollIntoView({block: "center"});
      }
    });
  }

  function renderCompare(answer) {
    var d = answer.diff;
    $("outline-a").innerHTML = answer.a.outline_html; // escaped by the server's html view
    $("outline-b").innerHTML = answer.b.outline_html;
    $("name-a").textContent = draftName(current);
    $("name-b").textContent = draftName(otherDraft);
    markOutline($("outline-a"), answer.marks.a);
    markOutline($("outline-b"), answer.marks.b);
    var summary = $("diff-summary");
    if (!d.changes.length) {
      summary.textContent = "两稿提纲相同。 The outlines are the same.";
    } else {
      summary.textContent = Object.keys(d.counts).map(function (k) {
        return KINDS[k] + " " + d.counts[k];
      }).join(" · ");
    }
    var list = $("diff-list");
    clear(list);
    d.changes.forEach(function (c, k) {
      var li = el("li", "change chg-" + c.kind);
      li.setAttribute("data-kind", c.kind);
      li.appendChild(el("span", "sign", SIGNS[c.kind]));
      li.appendChild(el("span", "kind", KINDS[c.kind]));
      var where = [];
      if (c.a) where.push("甲 A:" + c.a.line);
      if (c.b) where.push("乙 B:" + c.b.line);
      li.appendChild(el("span", "lines", where.join(" ")));
      var what = c.kind === "retitled" ? refLabel(c.a) + " → " + refLabel(c.b)
        : refLabel(c.b || c.a);
      if (c.kind === "moved") {
        what += "（" + (c.a.parent || "顶层 top") + " → " + (c.b.parent || "顶层 top") + "）";
      }
      li.appendChild(el("span", "what", what));
      ["a", "b"].forEach(function (side) {
        var id = answer.targets[k][side];
        if (id) li.setAttribute("data-" + side, id);
      });
      li.tabIndex = 0;
      list.appendChild(li);
    });
    document.body.setAttribute("data-compare", "shown");
  }

  function compare() {
    if (!current) {
      showError("请先在上方给出甲稿。 Give draft A above first.");
      return;
    }
    if (!otherDraft) {
      var t = $("draft-b").value;
      if (!t) {
        showError("请粘贴或选择乙稿。 Paste or choose draft B.");
        return;
      }
      otherDraft = {text: t};
    }
    showError("");
    showTab("compare-view");
    post("/api/compare", {a: current, b: otherDraft}).then(function (r) { return r.json(); })
      .then(renderCompare)
      .catch(function (e) { showError(e.message); });
  }

  function showTab(id) {
    var tabs = document.querySelectorAll(".tab");
    for (var i = 0; i < tabs.length; i++) {
      var on = tabs[i].getAttribute("data-view") === id;
      tabs[i].classList.toggle("active", on);
      $(tabs[i].getAttribute("data-view")).hidden = !on;
    }
  }

  // -- wiring ------------------------------------------------------------------

  function useFile(file) {
    if (!file) return;
    current = {file: file};
    $("draft").value = "";
    $("source-name").textContent = file.name;
    check();
  }

  $("check").addEventListener("click", function () {
    var text = $("draft").value;
    if (text) current = {text: text};
    check();
  });
  $("draft").addEventListener("input", function () {
    current = $("draft").value ? {text: $("draft").value} : null;
    $("source-name").textContent = "";
  });
  $("file").addEventListener("change", function () { useFile(this.files[0]); this.value = ""; });
  $("file-b").addEventListener("change", function () {
    if (!this.files[0]) return;
    otherDraft = {file: this.files[0]};
    $("source-name-b").textContent = this.files[0].name;
    $("draft-b").value = "";
    this.value = "";
    compare();
  });
  $("draft-b").addEventListener("input", function () {
    otherDraft = $("draft-b").value ? {text: $("draft-b").value} : null;
    $("source-name-b").textContent = "";
  });
  $("compare").addEventListener("click", compare);
  var dls = document.querySelectorAll("button.dl");
  for (var i = 0; i < dls.length; i++) {
    dls[i].addEventListener("click", function () { download(this.getAttribute("data-format")); });
  }
  var tabs = document.querySelectorAll(".tab");
  for (var j = 0; j < tabs.length; j++) {
    tabs[j].addEventListener("click", function () { showTab(this.getAttribute("data-view")); });
  }
  $("diff-list").addEventListener("click", function (ev) {
    var item = ev.target.closest("li.change");
    if (item) focusPair(item);
  });
  $("compare-view").addEventListener("click", function (ev) {
    var tog = ev.target.closest(".tog");
    if (tog) {
      var li = tog.parentElement;
      var collapsed = !li.classList.contains("collapsed");
      li.classList.toggle("collapsed", collapsed);
      tog.setAttribute("aria-expanded", String(!collapsed));
      return;
    }
    if (ev.target.closest("a.node")) ev.preventDefault(); // no text pane here
  });
  // Drop a file anywhere: onto the compare view it is draft B, elsewhere draft A.
  document.addEventListener("dragover", function (ev) {
    ev.preventDefault();
    document.body.classList.add("dropping");
  });
  document.addEventListener("dragleave", function () { document.body.classList.remove("dropping"); });
  document.addEventListener("drop", function (ev) {
    ev.preventDefault();
    document.body.classList.remove("dropping");
    var file = ev.dataTransfer && ev.dataTransfer.files[0];
    if (!file) return;
    if (!$("compare-view").hidden) {
      otherDraft = {file: file};
      $("source-name-b").textContent = file.name;
      compare();
    } else {
      useFile(file);
    }
  });
  document.body.setAttribute("data-state", "ready");
})();
